package search

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"offres/internal/demo"
	"offres/internal/offres"
)

// FuzzSuggest feeds arbitrary prefixes and limits to GET /api/v1/suggest's
// service over the demo corpus: a prefix of 2 to offres.MaxSuggestLen runes
// of UTF-8 with a limit of 1 to 20 (0: the default) gets at most that many
// suggestions, titles before terms, none twice, each a title with a word
// starting with the folded prefix or a term starting with it; anything else
// is a UserError of kind ErrInvalid.
//
//	go test ./search -run '^$' -fuzz '^FuzzSuggest$' -fuzztime 60s
func FuzzSuggest(f *testing.F) {
	offers, err := demo.Load()
	if err != nil {
		f.Fatal(err)
	}
	s := New(nil, Options{Now: fuzzNow})
	s.Learn(offers)
	for _, p := range []string{"infi", "INFIRM", "dévelo", "chef de p", "l'agent", "aide-soi", "  ed", "é", "œuvre", "\xff\xfe",
		"educ spe", "mont dore", "---", "a b"} {
		f.Add(p, 0)
	}
	f.Add("agent", 1)
	f.Add("agent", 21)
	f.Fuzz(func(t *testing.T, prefix string, limit int) {
		got, err := s.Suggest(context.Background(), prefix, limit)
		trimmed := strings.TrimSpace(prefix)
		n := utf8.RuneCountInString(trimmed)
		valid := utf8.ValidString(trimmed) && n >= 2 && n <= offres.MaxSuggestLen && limit >= 0 && limit <= 20
		if !valid {
			checkInvalid(t, "Suggest", err)
			return
		}
		if err != nil {
			t.Fatalf("Suggest(%q, %d): %v", prefix, limit, err)
		}
		if limit == 0 {
			limit = 8
		}
		if got == nil || len(got) > limit {
			t.Fatalf("%d suggestions (nil: %t), limit %d", len(got), got == nil, limit)
		}
		p := offres.FoldKey(trimmed)
		seen := map[string]bool{}
		terms := false
		for _, sg := range got {
			key := offres.FoldKey(sg.Text)
			switch {
			case seen[sg.Kind+":"+sg.Text]:
				t.Fatalf("%q twice in %v", sg.Text, got)
			case sg.Count < 1 || !utf8.ValidString(sg.Text):
				t.Fatalf("suggestion %+v", sg)
			case sg.Kind == "title" && terms:
				t.Fatalf("title after a term in %v", got)
			case sg.Kind == "title" && !strings.HasPrefix(key, p) && !strings.Contains(key, " "+p):
				t.Fatalf("title %q (%q) has no word starting with %q", sg.Text, key, p)
			case sg.Kind == "term" && !strings.HasPrefix(key, p):
				t.Fatalf("term %q (%q) does not start with %q", sg.Text, key, p)
			case sg.Kind != "title" && sg.Kind != "term":
				t.Fatalf("kind %q", sg.Kind)
			}
			seen[sg.Kind+":"+sg.Text] = true
			terms = terms || sg.Kind == "term"
		}
	})
}
