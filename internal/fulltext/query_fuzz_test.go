package fulltext

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"offres/internal/offres"
)

// FuzzSearchText feeds arbitrary search texts to the query parser (the
// analysis of the user's text into terms, fuzzy variants, lexicon
// expansions and the exact reference) and runs them on the fixtures:
//   - a text within offres.MaxQueryLen runes never fails, a longer one fails
//     with ErrInvalid;
//   - a page holds at most the limit, no offer twice, only fixtures, and
//     the total counts at least the page;
//   - the same search twice gives the same ranking;
//   - highlights are valid UTF-8 and escaped HTML: no tag but <mark>,
//     every <mark> closed;
//   - a text that is an offer's reference (folded) puts that offer first.
//
// Alone, for longer:
//
//	go test ./fulltext -run '^$' -fuzz '^FuzzSearchText$' -fuzztime 60s
func FuzzSearchText(f *testing.F) {
	ix, err := OpenMemory(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ix.Close() })
	if err := ix.Upsert(context.Background(), fixtures()); err != nil {
		f.Fatal(err)
	}
	ids := map[string]bool{}
	byKey := map[string]string{}
	for _, o := range fixtures() {
		ids[o.ID] = true
		byKey[offres.FoldKey(o.ID)] = o.ID
	}
	for _, s := range []string{"infirmier", "IDE de nuit", "infirmier diplômé d'État", "l'infirmière", "infirmeir nouméa",
		"3134-25-0308/SR", "ide-1", "script alert", "<img src=x onerror=alert(1)>", "ATSEM Païta", "dévelopeur web",
		"\"chef de projet\"", "+go -java", "title:comptable", "a*", "~", "d' l' qu'", "\xff\xfe", ""} {
		f.Add(s, true)
	}
	f.Add("comptabilité", false)
	f.Fuzz(func(t *testing.T, text string, fuzzy bool) {
		q := offres.Query{Text: text, Fuzzy: fuzzy, IncludeClosed: true, Limit: offres.MaxPageSize, Today: today}
		res, err := ix.Search(context.Background(), q)
		if utf8.RuneCountInString(strings.TrimSpace(text)) > offres.MaxQueryLen {
			if !errors.Is(err, offres.ErrInvalid) {
				t.Fatalf("text of %d runes: %v, want ErrInvalid", utf8.RuneCountInString(text), err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Search(%q): %v", text, err)
		}
		if len(res.Hits) > q.Limit || res.Total < len(res.Hits) {
			t.Fatalf("%d hits, total %d, limit %d", len(res.Hits), res.Total, q.Limit)
		}
		seen := map[string]bool{}
		for _, h := range res.Hits {
			if !ids[h.ID] || seen[h.ID] {
				t.Fatalf("hit %q unknown or repeated in %q", h.ID, hitIDs(res))
			}
			seen[h.ID] = true
			for field, frags := range h.Highlights {
				for _, frag := range frags {
					checkFragment(t, field, frag)
				}
			}
		}
		again, err := ix.Search(context.Background(), q)
		if err != nil || !reflect.DeepEqual(hitIDs(again), hitIDs(res)) || again.Total != res.Total {
			t.Fatalf("second search: %q (%d), %v; first %q (%d)", hitIDs(again), again.Total, err, hitIDs(res), res.Total)
		}
		if id, ok := byKey[offres.FoldKey(text)]; ok && (len(res.Hits) == 0 || res.Hits[0].ID != id) {
			t.Fatalf("reference %q: hits %q, want %s first", text, hitIDs(res), id)
		}
	})
}

// checkFragment checks a highlight: valid UTF-8, the offer's text escaped,
// the <mark> tags balanced.
func checkFragment(t *testing.T, field, frag string) {
	t.Helper()
	if !utf8.ValidString(frag) {
		t.Fatalf("%s fragment %q is not UTF-8", field, frag)
	}
	depth := 0
	for rest := frag; rest != ""; {
		switch {
		case strings.HasPrefix(rest, "<mark>"):
			depth++
			rest = rest[len("<mark>"):]
		case strings.HasPrefix(rest, "</mark>"):
			depth--
			rest = rest[len("</mark>"):]
		case rest[0] == '<' || rest[0] == '>':
			t.Fatalf("%s fragment %q has a raw tag", field, frag)
		default:
			rest = rest[1:]
		}
		if depth < 0 || depth > 1 {
			t.Fatalf("%s fragment %q: unbalanced <mark>", field, frag)
		}
	}
	if depth != 0 {
		t.Fatalf("%s fragment %q: <mark> not closed", field, frag)
	}
}
