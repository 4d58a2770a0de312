package match

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"

	"offres/internal/demo"
	"offres/internal/offres"
	"offres/internal/rome"
)

// FuzzProfile feeds arbitrary structured profiles (the "profile" object of
// POST /api/v1/match, decoded as the API does) to the profile checks, the
// profile's search text and the explanation against a demo offer, with the
// small ROME taxonomy of rome/testdata:
//   - a rejected profile is a UserError of kind ErrInvalid;
//   - the search text of an accepted one is UTF-8, within
//     offres.MaxQueryLen bytes, single-spaced, and is its own search text;
//   - the explanation is deterministic; a score is 0–100 exactly when the
//     profile is not insufficient; every item is of a known kind and
//     status, with UTF-8 evidence; the residence condition is never judged.
//
// Alone, for longer:
//
//	go test ./match -run '^$' -fuzz '^FuzzProfile$' -fuzztime 60s
func FuzzProfile(f *testing.F) {
	offers, err := demo.Load()
	if err != nil {
		f.Fatal(err)
	}
	tax, err := rome.Load("../rome/testdata/export")
	if err != nil {
		f.Fatal(err)
	}
	m := New(tax)
	for i, p := range []string{
		`{"text":"Infirmière diplômée d'État, 6 ans d'expérience en médecine polyvalente au CHT. Soins, pansements, perfusions."}`,
		`{"job_titles":["Développeur web"],"skills":["JavaScript","PHP","SQL"],"diplomas":[{"label":"Licence pro","level":3}],` +
			`"experience_years":4,"communes":["Nouméa","dumbea"],"contracts":["titulaire","contractuel"]}`,
		`{"text":"Aide-soignant\n2018 - 2022 : EHPAD\nBEP sanitaire et social","available_from":"2026-12-01"}`,
		`{"text":"bac+12 DE CAP BTS master (x) ((","skills":[""," ","SQL"],"experience_years":-3}`,
		`{"communes":["Atlantis"]}`, `{"contracts":["freelance"],"text":"x"}`, `{"text":""}`, `{"name":"Léa","skills":["Soins"]}`,
	} {
		f.Add([]byte(p), uint8(i*9))
	}
	f.Fuzz(func(t *testing.T, data []byte, pick uint8) {
		var p offres.Profile
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if dec.Decode(&p) != nil {
			return
		}
		if err := ValidateProfile(&p); err != nil {
			var ue *offres.UserError
			if !errors.As(err, &ue) || !errors.Is(err, offres.ErrInvalid) || ue.Message == "" {
				t.Fatalf("ValidateProfile: %v (%T), want a UserError of kind ErrInvalid", err, err)
			}
			return
		}

		if d := profileDocument(&p); !utf8.ValidString(d) || utf8.RuneCountInString(d) > offres.MaxProfileText {
			t.Fatalf("document of %d runes, valid UTF-8 %t", utf8.RuneCountInString(d), utf8.ValidString(d))
		}

		o := offers[int(pick)%len(offers)]
		ex := m.Explain(&p, &o, today)
		if again := m.Explain(&p, &o, today); !reflect.DeepEqual(again, ex) {
			t.Fatalf("two explanations differ:\n%+v\n%+v", ex, again)
		}
		switch {
		case ex.Insufficient != (ex.Score == nil):
			t.Fatalf("insufficient %t with score %v", ex.Insufficient, ex.Score)
		case ex.Score != nil && (*ex.Score < 0 || *ex.Score > 100):
			t.Fatalf("score %d", *ex.Score)
		case ex.Summary == "" || len(ex.Items) == 0:
			t.Fatalf("explanation %+v", ex)
		}
		for _, it := range ex.Items {
			switch it.Kind {
			case KindSkill, KindJob, KindDiploma, KindExperience, KindCommune, KindContract, KindResidence:
			default:
				t.Fatalf("item of kind %q", it.Kind)
			}
			switch it.Status {
			case Matched, Partial, Missing, Unknown:
			default:
				t.Fatalf("item %s of status %q", it.Kind, it.Status)
			}
			if it.Kind == KindResidence && it.Status != Unknown {
				t.Fatalf("residence judged: %+v", it)
			}
			if !utf8.ValidString(it.ProfileEvidence) || !utf8.ValidString(it.OfferEvidence) || !utf8.ValidString(it.Note) {
				t.Fatalf("item %+v: evidence not UTF-8", it)
			}
		}
	})
}
