package analytics

import (
	"strings"
	"testing"
	"unicode/utf8"

	"offres/internal/offres"
)

// FuzzNormalize feeds arbitrary search texts, as the widget reports them,
// to the normalisation that decides what the store keeps. A kept query is
// lower case and single-spaced, at most MaxKeptQueryLen runes, counted
// under its folded key; neither the text nor the key (both are stored)
// looks like personal data; and normalising the kept text again keeps it
// as it is.
//
//	go test ./analytics -run '^$' -fuzz '^FuzzNormalize$' -fuzztime 60s
func FuzzNormalize(f *testing.F) {
	for _, q := range []string{"  Infirmier   NOUMÉA ", "Chef de projet (digital)", "3134-25-0308/SR", "PS-2026-0655/DPASS",
		"appeler 27 12 34", "06 12 34 56 78", "marie@exemple.nc", "né le 12/05/1987", "2 300 000 xpf", "bac +2 informatique",
		"?!", strings.Repeat("infirmier ", 11), "\xff\xfe"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		text, key, ok := Normalize(q)
		if !ok {
			if text != "" || key != "" {
				t.Fatalf("dropped query with text %q, key %q", text, key)
			}
			return
		}
		switch {
		case text != strings.Join(strings.Fields(strings.ToLower(q)), " "):
			t.Fatalf("text %q of %q", text, q)
		case utf8.RuneCountInString(text) > MaxKeptQueryLen:
			t.Fatalf("kept %d runes", utf8.RuneCountInString(text))
		case key == "" || key != offres.FoldKey(text):
			t.Fatalf("key %q of %q", key, text)
		case LooksPersonal(text) || LooksPersonal(key):
			t.Fatalf("kept a query that looks personal: text %q, key %q", text, key)
		}
		if t2, k2, ok2 := Normalize(text); t2 != text || k2 != key || !ok2 {
			t.Fatalf("normalising %q again: %q, %q, %t", text, t2, k2, ok2)
		}
	})
}
