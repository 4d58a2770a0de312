package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"offres/internal/offres"
	"offres/search"
)

func runSearch(ctx context.Context, args []string, e env) error {
	var c common
	fs := newFlags("search", e)
	c.register(fs)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	limit := fs.Int("limit", offres.DefaultLimit, "hits per page")
	page := fs.Int("page", 1, "page")
	sort := fs.String("sort", offres.SortRelevance, "relevance, deadline or published")
	closed := fs.Bool("include-closed", false, "include closed and expired offers")
	collapse := fs.Bool("collapse", true, "show near-duplicate offers once (--collapse=false: every one)")
	mode := fs.String("mode", offres.ModeHybrid, "keyword, semantic or hybrid")
	var filters filterFlags
	fs.Var(&filters, "filter", "facet=value, repeatable (commune=Nouméa, category=A…)")
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	eng, _, err := c.open(ctx, e)
	if err != nil {
		return err
	}
	defer eng.Close()
	res, err := eng.Search().Search(ctx, search.Request{
		Text: strings.Join(fs.Args(), " "), Limit: *limit, Page: *page, Sort: *sort,
		IncludeClosed: *closed, Filters: filters.m, Mode: *mode, NoCollapse: !*collapse,
	})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(e.stdout, "%d offres (%s)\n", res.Total, res.Mode)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RÉFÉRENCE\tINTITULÉ\tCOMMUNE\tCLÔTURE\tSCORE")
	for _, h := range res.Hits {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.2f\n", h.ID, clip(h.Title, 60), h.Commune, deadlineText(h), h.Score)
	}
	return tw.Flush()
}

func deadlineText(h offres.Hit) string {
	switch h.DeadlineStatus {
	case offres.StatusClosed:
		return "clôturée le " + h.Deadline.French()
	case offres.StatusExpired:
		return "expirée (publiée le " + h.PublishedAt.French() + ")"
	}
	if h.Deadline.IsZero() && !h.PublishedAt.IsZero() {
		return "sans date limite (publiée le " + h.PublishedAt.French() + ")"
	}
	switch h.DeadlineStatus {
	case offres.StatusUnknown:
		return "non précisée"
	}
	days := 0
	if h.DaysLeft != nil {
		days = *h.DaysLeft
	}
	switch days {
	case 0:
		return "aujourd'hui"
	case 1:
		return "demain"
	}
	return fmt.Sprintf("%s (J-%d)", h.Deadline.French(), days)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// filterFlags collects repeated --filter facet=value flags.
type filterFlags struct{ m map[string][]string }

func (f *filterFlags) String() string { return fmt.Sprint(f.m) }

func (f *filterFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" || val == "" {
		return fmt.Errorf("want facet=value, got %q", v)
	}
	if f.m == nil {
		f.m = map[string][]string{}
	}
	f.m[k] = append(f.m[k], val)
	return nil
}
