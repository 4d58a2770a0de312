package analytics

import (
	"errors"
	"strings"
	"testing"

	"offres/internal/offres"
)

func TestLooksPersonal(t *testing.T) {
	for _, tc := range []struct {
		name, q string
		want    bool
	}{
		{"job title", "infirmier nouméa", false},
		{"accents and elision", "chargé d'études", false},
		{"offer reference", "3134-25-0308/sr", false},
		{"reference with letters", "ps-2026-0655/dpass", false},
		{"year", "stage 2027", false},
		{"diploma level", "bac +2 informatique", false},
		{"category and count", "catégorie a 2 postes", false},
		{"salary", "300 000 xpf", false},
		{"rome code", "m1805", false},
		{"e-mail", "jean.dupont@gmail.com", true},
		{"bare at sign", "contact @ province", true},
		{"nc phone spaced", "appeler 27 12 34", true},
		{"nc phone dotted", "27.12.34", true},
		{"nc phone packed", "271234", true},
		{"fr mobile", "06 12 34 56 78", true},
		{"international", "+687 27 12 34", true},
		{"international 00", "00687 271234", true},
		{"social security", "1 85 05 78 006 084 36", true},
		{"salary in millions", "2 300 000 xpf", false},
		{"social security without key", "1 85 05 78 006 084", true},
		{"iban", "fr76 3000 6000 0112 3456 7890 189", true},
		{"date of birth", "né le 12/05/1987", true},
		{"short date of birth", "12.05.87", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LooksPersonal(tc.q); got != tc.want {
				t.Errorf("LooksPersonal(%q) = %v, want %v", tc.q, got, tc.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		name, q, text, key string
		ok                 bool
	}{
		{"lower case and spaces", "  Infirmier   NOUMÉA ", "infirmier nouméa", "infirmier noumea", true},
		{"punctuation folded in the key", "Chef de projet (digital)", "chef de projet (digital)", "chef de projet digital", true},
		{"empty", "   ", "", "", false},
		{"punctuation only", "?!", "", "", false},
		{"personal", "marie@exemple.nc", "", "", false},
		{"too long", strings.Repeat("infirmier ", 11), "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, key, ok := Normalize(tc.q)
			if text != tc.text || key != tc.key || ok != tc.ok {
				t.Errorf("Normalize(%q) = %q, %q, %v; want %q, %q, %v", tc.q, text, key, ok, tc.text, tc.key, tc.ok)
			}
		})
	}
}

func TestEventValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Event
		ok   bool
	}{
		{"search", Event{Type: TypeSearch, Query: "infirmier", Results: 3}, true},
		{"search without result", Event{Type: TypeSearch, Query: "boulanger"}, true},
		{"click", Event{Type: TypeClick, Query: "infirmier", OfferID: "PS-2026-0655/DPASS", Position: 2}, true},
		{"click without query", Event{Type: TypeClick, OfferID: "PS-2026-0655/DPASS", Position: 1}, true},
		{"unknown type", Event{Type: "view", Query: "x"}, false},
		{"no type", Event{Query: "x"}, false},
		{"search without query", Event{Type: TypeSearch, Results: 1}, false},
		{"negative results", Event{Type: TypeSearch, Query: "x", Results: -1}, false},
		{"huge results", Event{Type: TypeSearch, Query: "x", Results: MaxResults + 1}, false},
		{"search with offer", Event{Type: TypeSearch, Query: "x", OfferID: "a"}, false},
		{"click without offer", Event{Type: TypeClick, Query: "x", Position: 1}, false},
		{"click at rank 0", Event{Type: TypeClick, Query: "x", OfferID: "a"}, false},
		{"click far away", Event{Type: TypeClick, Query: "x", OfferID: "a", Position: MaxPosition + 1}, false},
		{"click with results", Event{Type: TypeClick, Query: "x", OfferID: "a", Position: 1, Results: 3}, false},
		{"long offer id", Event{Type: TypeClick, OfferID: strings.Repeat("a", offres.MaxIDLen+1), Position: 1}, false},
		{"long query", Event{Type: TypeSearch, Query: strings.Repeat("a", MaxQueryLen+1)}, false},
		{"invalid utf-8", Event{Type: TypeSearch, Query: "\xff\xfe"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.e.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate(%+v) = %v, want ok=%v", tc.e, err, tc.ok)
			}
			if err != nil && !errors.Is(err, offres.ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
		})
	}
}
