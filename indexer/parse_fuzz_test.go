package indexer

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"offres/internal/offres"
)

// importers are every source format, in the order FuzzParseFormat's first
// argument picks them.
var importers = []Format{FormatJSON, FormatNDJSON, FormatFranceTravail, FormatJSONLD, FormatHTML, FormatText,
	FormatPEPCSV, FormatEmploiNC}

// FuzzParseFormat feeds each importer directly (FuzzParse goes through
// format detection, which a mutated source often fails), and checks what
// any source must give:
//   - rejections wrap ErrInvalid and say where; the only error is one
//     wrapping ErrInvalid;
//   - parsing is deterministic: the same source gives the same records;
//   - an error from emit stops the parse and is returned as is;
//   - every valid offer, written as the service's own JSON, imports back
//     unchanged: normalisation is idempotent, so re-importing an export
//     changes no content hash.
//
// DetectFormat, given the same source, names one of the formats or fails
// with ErrInvalid.
//
//	go test ./indexer -run '^$' -fuzz '^FuzzParseFormat$' -fuzztime 60s
func FuzzParseFormat(f *testing.F) {
	for i, src := range []string{
		`[{"id":"1","title":"Agent","description":"d","deadline":"7 mars 2025","location":{"commune":"NOUMEA"}}]`,
		"{\"id\":\"1\",\"title\":\"a\",\"description\":\"d\"}\n{\"id\":\n",
		`{"resultats":[{"id":"1","intitule":"a","description":"Profil :\nx","lieuTravail":{"libelle":"988 - NOUMEA"}}]}`,
		`{"@graph":[{"@type":"JobPosting","identifier":{"value":1},"title":"t","description":"<p>d</p>"}]}`,
		`<h1>Titre</h1><p>Référence : R</p><h2>Missions</h2><ul><li>a</li></ul>`,
		"**Intitulé : T**\n- **Référence :** R\n## Profil\nx",
		"Par_ref_offre|Libelle_metier_OGR|Description\n1|TITRE H/F|Missions :\\nx\n2|x\n",
		"url,numeroOffre,titreOffre,communeEmploi,experience,datePublication\nu,'1','Comptable',\"'Mont-Dore (Le)'\",'2 ans',2020/06/12\n",
	} {
		f.Add(uint8(i), src)
	}
	f.Fuzz(func(t *testing.T, kind uint8, src string) {
		format := importers[int(kind)%len(importers)]
		if got, err := DetectFormat("fuzz", []byte(src)); err != nil {
			if !errors.Is(err, offres.ErrInvalid) {
				t.Errorf("DetectFormat: %v does not wrap ErrInvalid", err)
			}
		} else if !slices.Contains(importers, got) {
			t.Errorf("DetectFormat: unknown format %q", got)
		}

		parse := func() ([]Record, error) {
			var recs []Record
			err := parseAs(format, "fuzz", strings.NewReader(src), func(r Record) error {
				recs = append(recs, r)
				return nil
			})
			return recs, err
		}
		recs, err := parse()
		if err != nil && !errors.Is(err, offres.ErrInvalid) {
			t.Fatalf("%s: %v does not wrap ErrInvalid", format, err)
		}
		again, err2 := parse()
		if errString(err) != errString(err2) || !sameRecords(recs, again) {
			t.Fatalf("%s: two parses of the same source differ:\n%v, %v\n%v, %v", format, recs, err, again, err2)
		}

		for _, r := range recs {
			if !strings.HasPrefix(r.Pos, "fuzz") {
				t.Errorf("%s: position %q does not name the source", format, r.Pos)
			}
			if r.Err != nil {
				if !errors.Is(r.Err, offres.ErrInvalid) {
					t.Errorf("%s: %s: rejection %v does not wrap ErrInvalid", format, r.Pos, r.Err)
				}
				continue
			}
			if err := r.Offer.Validate(); err != nil || !validText(&r.Offer) {
				t.Fatalf("%s: %s: emitted as valid: %+v (%v)", format, r.Pos, r.Offer, err)
			}
			checkReimport(t, format, r)
		}

		if len(recs) > 0 {
			stop := errors.New("stop")
			calls := 0
			err := parseAs(format, "fuzz", strings.NewReader(src), func(Record) error {
				calls++
				return stop
			})
			if err != stop || calls != 1 {
				t.Errorf("%s: emit failed: parse returned %v after %d calls, want the emit error after 1", format, err, calls)
			}
		}
	})
}

// checkReimport writes a valid offer as the service's own JSON, imports it
// and wants the same offer back.
func checkReimport(t *testing.T, format Format, r Record) {
	t.Helper()
	b, err := json.Marshal(r.Offer)
	if err != nil {
		t.Fatalf("%s: %s: marshal: %v", format, r.Pos, err)
	}
	var back []Record
	if err := parseAs(FormatJSON, "export.json", strings.NewReader(string(b)), func(r Record) error {
		back = append(back, r)
		return nil
	}); err != nil {
		t.Fatalf("%s: %s: re-import: %v", format, r.Pos, err)
	}
	if len(back) != 1 || back[0].Err != nil {
		t.Fatalf("%s: %s: re-import of %s: %+v", format, r.Pos, b, back)
	}
	if !reflect.DeepEqual(back[0].Offer, r.Offer) {
		t.Fatalf("%s: %s: re-import changed the offer:\n%+v\n%+v", format, r.Pos, r.Offer, back[0].Offer)
	}
	if back[0].Offer.ContentHash() != r.Offer.ContentHash() {
		t.Fatalf("%s: %s: re-import changed the content hash", format, r.Pos)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// sameRecords compares records, their errors by message.
func sameRecords(a, b []Record) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Pos != b[i].Pos || errString(a[i].Err) != errString(b[i].Err) || !reflect.DeepEqual(a[i].Offer, b[i].Offer) {
			return false
		}
	}
	return true
}
