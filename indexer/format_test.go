package indexer

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"offres/internal/offres"
)

// parsed is what Parse emitted for one source.
type parsed struct {
	valid    []Record
	rejected []Record
}

// parseString parses one source held in a string and checks the invariants
// of every record: valid ones pass Validate, rejected ones wrap ErrInvalid.
func parseString(t *testing.T, name, src string) parsed {
	t.Helper()
	return parseReader(t, name, strings.NewReader(src))
}

func parseReader(t *testing.T, name string, r io.Reader) parsed {
	t.Helper()
	var p parsed
	err := Parse(name, r, func(rec Record) error {
		if rec.Err != nil {
			p.rejected = append(p.rejected, rec)
			return nil
		}
		p.valid = append(p.valid, rec)
		return nil
	})
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	checkRecords(t, p)
	return p
}

func checkRecords(t *testing.T, p parsed) {
	t.Helper()
	for _, r := range p.valid {
		if err := r.Offer.Validate(); err != nil {
			t.Errorf("%s: emitted as valid but %v", r.Pos, err)
		}
	}
	for _, r := range p.rejected {
		if !errors.Is(r.Err, offres.ErrInvalid) {
			t.Errorf("%s: rejection %q does not wrap ErrInvalid", r.Pos, r.Err)
		}
		if msg := r.Err.Error(); strings.Contains(msg, "failed to") {
			t.Errorf("%s: rejection %q", r.Pos, msg)
		}
	}
}

func ids(recs []Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Offer.ID)
	}
	return out
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name, file, head string
		want             Format
		wantErr          bool
	}{
		{"own json object", "offer.json", `{"id":"1","title":"t","description":"d"}`, FormatJSON, false},
		{"own json array", "offers.json", "[\n {\"id\":\"1\"}\n]", FormatJSON, false},
		{"ndjson by extension", "offers.ndjson", `{"id":"1"}`, FormatNDJSON, false},
		{"jsonl", "offers.jsonl", `{"id":"1"}`, FormatNDJSON, false},
		{"ndjson by content", "offers.json", "{\"id\":\"1\"}\n{\"id\":\"2\"}\n", FormatNDJSON, false},
		{"pretty object is not ndjson", "offer.json", "{\n \"id\": \"1\"\n}\n", FormatJSON, false},
		{"france travail array", "ft.json", `[{"id":"184NQNL","intitule":"Technicien"}]`, FormatFranceTravail, false},
		{"france travail resultats", "ft.json", `{"resultats":[{"id":"1","lieuTravail":{}}]}`, FormatFranceTravail, false},
		{"json-ld by content", "page.json", `{"@context":"https://schema.org","@type":"JobPosting"}`, FormatJSONLD, false},
		{"jsonld extension", "posting.jsonld", `{}`, FormatJSONLD, false},
		{"html", "page.html", "<!DOCTYPE html>", FormatHTML, false},
		{"html by content", "page", "  <html><body>", FormatHTML, false},
		{"text", "seed.txt", "# Chef de projet digital", FormatText, false},
		{"markdown", "offre.MD", "# Chef de projet", FormatText, false},
		{"text by content", "seed", "Chef de projet digital\n\nRéférence : 1", FormatText, false},
		{"text cut in a rune", "seed", "Référence : é"[:len("Référence : é")-1], FormatText, false},
		{"pep csv", "export.csv", "Par_URL_offre|Code_OGR|Par_ref_offre|Description\n", FormatPEPCSV, false},
		{"pep csv by content", "export", "Par_URL_offre|Par_ref_offre|Description\n", FormatPEPCSV, false},
		{"bom", "offer.json", "\xef\xbb\xbf{\"id\":\"1\"}", FormatJSON, false},
		{"other csv", "data.csv", "a,b,c\n1,2,3\n", "", true},
		{"json extension, not json", "offer.json", "hello", "", true},
		{"binary", "blob", "\x00\x01\x02PK", "", true},
		{"empty", "empty", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DetectFormat(tt.file, []byte(tt.head))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("DetectFormat(%q) = %q, %v; want %q (error: %v)", tt.file, got, err, tt.want, tt.wantErr)
			}
			if err != nil && !errors.Is(err, offres.ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestParseOwnJSONObject(t *testing.T) {
	src := `{"id": " DSIN-1 ", "title": "Développeur  Go", "description": "Écrire du Go.\r\n\r\n\r\nEt le tester.",
		"contract_type": "CDD", "category": "b", "location": {"commune": "PAITA"},
		"published_at": "14 février 2025", "deadline": "2025-03-07", "start_date": "mai 2025",
		"sections": [{"heading": "Profil recherché", "text": "Go, SQL"}],
		"skills": [{"label": "Go", "required": true}], "unknown_field": {"ignored": true}}`
	p := parseString(t, "offer.json", src)
	if len(p.valid) != 1 || len(p.rejected) != 0 {
		t.Fatalf("got %d valid, %d rejected (%v); want 1 valid", len(p.valid), len(p.rejected), p.rejected)
	}
	o := p.valid[0].Offer
	want := offres.Offer{
		ID: "DSIN-1", Title: "Développeur Go", Description: "Écrire du Go.\n\nEt le tester.",
		ContractType: offres.ContractCDD, Category: "B",
		Location:    offres.Location{Commune: "Païta", Province: offres.ProvinceSud},
		PublishedAt: offres.Date{Year: 2025, Month: 2, Day: 14},
		Deadline:    offres.Date{Year: 2025, Month: 3, Day: 7},
		StartDate:   offres.Date{Year: 2025, Month: 5},
		Sections:    []offres.Section{{Kind: offres.SectionProfil, Heading: "Profil recherché", Text: "Go, SQL"}},
		Skills:      []offres.Skill{{Label: "Go", Required: true}},
		Source:      "json",
	}
	if o.ContentHash() != want.ContentHash() {
		t.Errorf("offer =\n%+v\nwant\n%+v", o, want)
	}
	if p.valid[0].Pos != "offer.json:record 1" {
		t.Errorf("pos = %q", p.valid[0].Pos)
	}
}

func TestParseOwnJSONArray(t *testing.T) {
	src := `[
		{"id": "1", "title": "Un", "description": "d"},
		{"id": "2", "title": 2, "description": "d"},
		{"id": "3", "title": "Trois"},
		"not an object",
		{"id": "5", "title": "Cinq", "description": "d", "source": "francetravail"},
		{"id": "6", "title": "Six", "description": "d", "deadline": "31/02/2025"}
	]`
	p := parseString(t, "offers.json", src)
	if got := strings.Join(ids(p.valid), ","); got != "1,5" {
		t.Errorf("valid ids = %s, want 1,5", got)
	}
	wantRejected := map[string]string{
		"offers.json:record 2": "field title",
		"offers.json:record 3": "missing description",
		"offers.json:record 4": "want an object, got string",
		"offers.json:record 6": "31/02/2025",
	}
	if len(p.rejected) != len(wantRejected) {
		t.Fatalf("rejected = %v, want %d", p.rejected, len(wantRejected))
	}
	for _, r := range p.rejected {
		if !strings.Contains(r.Err.Error(), wantRejected[r.Pos]) || wantRejected[r.Pos] == "" {
			t.Errorf("%s rejected with %q, want it to mention %q", r.Pos, r.Err, wantRejected[r.Pos])
		}
	}
	if p.valid[1].Offer.Source != "francetravail" {
		t.Errorf("source of a re-imported offer = %q, want it kept", p.valid[1].Offer.Source)
	}
}

func TestParseOwnJSONWrapper(t *testing.T) {
	p := parseString(t, "export.json", `{"total": 2, "offers": [
		{"id": "1", "title": "Un", "description": "d"}, {"id": "2", "title": "Deux", "description": "d"}]}`)
	if got := strings.Join(ids(p.valid), ","); got != "1,2" || len(p.rejected) != 0 {
		t.Errorf("valid = %s, rejected = %v; want 1,2 and none", got, p.rejected)
	}
}

func TestParseNDJSON(t *testing.T) {
	src := `{"id": "1", "title": "Un", "description": "d"}
{"id": "2", "title": "Deux", "description": "d"}

{"id": "3", "title": "Trois", "descr
{"id": "4", "title": "Quatre", "description": "d"}
{"id": "5", "title": "Cinq", "description": "d"}`
	p := parseString(t, "offers.ndjson", src)
	if got := strings.Join(ids(p.valid), ","); got != "1,2,4,5" {
		t.Errorf("valid ids = %s, want 1,2,4,5", got)
	}
	if len(p.rejected) != 1 || p.rejected[0].Pos != "offers.ndjson:line 4" {
		t.Fatalf("rejected = %v, want one at line 4", p.rejected)
	}
	if !strings.Contains(p.rejected[0].Err.Error(), "invalid JSON") {
		t.Errorf("rejection = %q, want it to say invalid JSON", p.rejected[0].Err)
	}
}

func TestParseInvalidUTF8(t *testing.T) {
	tests := []struct {
		name, file, src, pos string
	}{
		{"ndjson", "offers.ndjson", "{\"id\":\"1\",\"title\":\"a\",\"description\":\"d\"}\n" +
			"{\"id\":\"2\",\"title\":\"caf\xe9\",\"description\":\"d\"}\n", "offers.ndjson:line 2"},
		{"json array", "offers.json", "[{\"id\":\"1\",\"title\":\"a\",\"description\":\"d\"}," +
			"{\"id\":\"2\",\"title\":\"caf\xe9\",\"description\":\"d\"}]", "offers.json:record 2"},
		{"text", "offre.txt", "# Caf\xe9\n\nRéférence : 1\n", "offre.txt"},
		{"pep csv", "export.csv", "Par_ref_offre|Libelle_metier_OGR|Description\n1|T|d\n2|caf\xe9|d\n", "export.csv:line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parseString(t, tt.file, tt.src)
			if len(p.rejected) != 1 || p.rejected[0].Pos != tt.pos {
				t.Fatalf("rejected = %v, want one at %s", p.rejected, tt.pos)
			}
			if !strings.Contains(p.rejected[0].Err.Error(), "UTF-8") {
				t.Errorf("rejection = %q, want it to mention UTF-8", p.rejected[0].Err)
			}
		})
	}
}

func TestParseBrokenJSON(t *testing.T) {
	tests := []struct {
		name, src string
		valid     int
		pos, want string
	}{
		{"syntax error mid-array", `[{"id":"1","title":"a","description":"d"}, {"id": "2",, "title": "b"}, {"id":"3"}]`,
			1, "offers.json:record 2", "invalid JSON at byte"},
		{"truncated array", `[{"id":"1","title":"a","description":"d"}, {"id": "2", "tit`,
			1, "offers.json:record 2", "source ends in the middle of a record"},
		{"garbage after a value", `{"id":"1","title":"a","description":"d"} x`,
			1, "offers.json:record 1", "invalid JSON"},
		{"scalar after the array", `[{"id":"1","title":"a","description":"d"}] 42`,
			1, "offers.json:record 2", "want a JSON object or array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parseString(t, "offers.json", tt.src)
			if len(p.valid) != tt.valid {
				t.Errorf("valid = %v, want %d", ids(p.valid), tt.valid)
			}
			if len(p.rejected) != 1 || p.rejected[0].Pos != tt.pos || !strings.Contains(p.rejected[0].Err.Error(), tt.want) {
				t.Errorf("rejected = %v, want one at %s saying %q", p.rejected, tt.pos, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Run("unknown format", func(t *testing.T) {
		err := Parse("blob.bin", strings.NewReader("\x00\x01"), func(Record) error { return nil })
		if !errors.Is(err, offres.ErrInvalid) {
			t.Errorf("err = %v, want ErrInvalid", err)
		}
	})
	t.Run("read error", func(t *testing.T) {
		boom := errors.New("disk on fire")
		r := io.MultiReader(strings.NewReader(`[{"id":"1","title":"a","description":"d"},`), iotest.ErrReader(boom))
		err := Parse("offers.json", r, func(Record) error { return nil })
		if !errors.Is(err, boom) || errors.Is(err, offres.ErrInvalid) {
			t.Errorf("err = %v, want the read error", err)
		}
	})
	t.Run("emit error stops", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := Parse("offers.ndjson", strings.NewReader("{\"id\":\"1\"}\n{\"id\":\"2\"}\n"), func(Record) error {
			calls++
			return stop
		})
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("err = %v after %d calls, want stop after 1", err, calls)
		}
	})
	t.Run("byte order mark", func(t *testing.T) {
		p := parseString(t, "offer.json", "\xef\xbb\xbf{\"id\":\"1\",\"title\":\"a\",\"description\":\"d\"}")
		if len(p.valid) != 1 {
			t.Errorf("rejected = %v, want one valid", p.rejected)
		}
	})
}

// TestParseStreams checks that a JSON array is read record by record: the
// first records are emitted before the reader is drained.
func TestParseStreams(t *testing.T) {
	pr, pw := io.Pipe()
	first := make(chan Record, 1)
	done := make(chan error, 1)
	go func() {
		done <- Parse("offers.json", pr, func(r Record) error {
			select {
			case first <- r:
			default:
			}
			return nil
		})
	}()
	go func() {
		_, _ = io.WriteString(pw, `[{"id":"1","title":"a","description":"d"},`+strings.Repeat(" ", headSize))
	}()
	r := <-first
	if r.Offer.ID != "1" {
		t.Errorf("first record = %+v", r)
	}
	_, _ = io.WriteString(pw, `{"id":"2","title":"b","description":"d"}]`)
	_ = pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
