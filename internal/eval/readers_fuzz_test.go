package eval

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"offres/internal/offres"
)

// FuzzReadAskCases: an accepted question set is what its JSON says, with
// cases of distinct ids, a question, a known kind and something to check;
// written back as JSON, it reads back the same (an empty list is written as
// none). A rejected one wraps ErrInvalid.
//
//	go test ./eval -run '^$' -fuzz '^FuzzReadAskCases$' -fuzztime 60s
func FuzzReadAskCases(f *testing.F) {
	f.Add(`[{"id":"f01","kind":"deadline","question":"Date limite ?","offer":"3134-25-0308/SR","facts":["7 mars 2025"],"closed":true}]`)
	f.Add(`[{"id":"l1","kind":"list","question":"Quels postes ?","offers":["A"],"not_offers":["B"],"lang":"fr"},` +
		`{"id":"r1","kind":"salary","question":"Salaire ?","refuse":true,"before":["Date limite ?"],"tags":["typo"]}]`)
	f.Add(`[{"id":"x","kind":"fact","question":" "}]`)
	f.Add(`[{"id":"a","kind":"refusal","question":"q"},{"id":"a","kind":"refusal","question":"q"}]`)
	f.Add(`[{"id":"a","kind":"other","question":"q","extra":1}] trailing`)
	f.Fuzz(func(t *testing.T, in string) {
		cases, err := ReadAskCases("fuzz.json", strings.NewReader(in))
		if err != nil {
			if !errors.Is(err, offres.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, c := range cases {
			switch {
			case c.ID == "" || seen[c.ID]:
				t.Fatalf("id %q empty or repeated", c.ID)
			case strings.TrimSpace(c.Question) == "":
				t.Fatalf("case %q without a question", c.ID)
			case !slices.Contains(AskKinds, c.Kind),
				!c.Refuse && c.Offer == "" && len(c.Offers)+len(c.NotOffers)+len(c.Facts) == 0:
				t.Fatalf("case %+v", c)
			}
			seen[c.ID] = true
		}
		b, err := json.Marshal(cases)
		if err != nil {
			t.Fatal(err)
		}
		var plain []AskCase // the cases as the JSON says them
		if err := json.NewDecoder(strings.NewReader(in)).Decode(&plain); err != nil {
			t.Fatalf("accepted what JSON does not decode: %v", err)
		}
		if p, _ := json.Marshal(plain); !bytes.Equal(p, b) {
			t.Fatalf("cases %s, the JSON says %s", b, p)
		}
		back, err := ReadAskCases("back.json", bytes.NewReader(b))
		if err != nil {
			t.Fatalf("read back %s: %v", b, err)
		}
		if again, _ := json.Marshal(back); len(back) != len(cases) || !bytes.Equal(again, b) {
			t.Fatalf("read back %s, want %s", again, b)
		}
	})
}

// FuzzReadFranceTravail: the evaluation set's reader of France Travail
// files keeps valid offers only, each once; it never panics.
//
//	go test ./eval -run '^$' -fuzz '^FuzzReadFranceTravail$' -fuzztime 60s
func FuzzReadFranceTravail(f *testing.F) {
	f.Add(`[{"id":"184NQNL","intitule":"Technicien (H/F)","description":"Votre mission :\nx","lieuTravail":{"libelle":"988 - NOUMEA"},` +
		`"romeCode":"K2305","appellationlibelle":"Agent / Agente de destruction d'insectes","typeContrat":"CDI"}]`)
	f.Add(`{"resultats":[{"id":"1","intitule":"a","description":"d","appellationlibelle":"A"},` +
		`{"id":"1","intitule":"b","description":"e","appellationlibelle":"B"},{"id":" 2 ","intitule":"c"}]}`)
	f.Add(`[{"id":7,"intitule":"a","description":"d"}]`)
	f.Add(`{"resultats":[{"id":"1","intitule":"a","description":"d"}`)
	f.Fuzz(func(t *testing.T, in string) {
		offers, err := ReadFranceTravail("fuzz.json", strings.NewReader(in))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		seen := map[string]bool{}
		for _, o := range offers {
			if seen[o.Offer.ID] {
				t.Fatalf("offer %q twice", o.Offer.ID)
			}
			seen[o.Offer.ID] = true
			if err := o.Offer.Validate(); err != nil {
				t.Fatalf("offer %q: %v", o.Offer.ID, err)
			}
		}
	})
}
