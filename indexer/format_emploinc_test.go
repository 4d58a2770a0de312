package indexer

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"offres/internal/offres"
)

func TestParseEmploiNCFile(t *testing.T) {
	p := parseFile(t, filepath.Join(testdataDir(t), "nc", "emploi-nc-2020.csv"))
	for _, r := range p.rejected {
		t.Errorf("%s rejected: %v", r.Pos, r.Err)
	}
	if len(p.valid) != 140 {
		t.Fatalf("%d valid offers, want 140", len(p.valid))
	}
	o := p.valid[0].Offer
	checks := []struct {
		field     string
		got, want any
	}{
		{"pos", p.valid[0].Pos, "emploi-nc-2020.csv:line 2"},
		{"id", o.ID, "2020-06-004960"},
		{"title", o.Title, "Secrétaire de direction bilingue"},
		{"employer (Anonyme)", o.Employer, ""},
		{"commune", o.Location.Commune, "Le Mont-Dore"},
		{"province", o.Location.Province, offres.ProvinceSud},
		{"contract", o.ContractType, offres.ContractCDD},
		{"published", o.PublishedAt.String(), "2020-06-12"},
		{"start", o.StartDate.String(), "2020-06-12"},
		{"source", o.Source, "emploinc"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
		}
	}
	if len(o.Sections) != 2 || !strings.Contains(o.Sections[0].Text, "Expérience : Au moins 5 ans") ||
		!strings.Contains(o.Sections[0].Text, "Diplôme : BTS OU DEUG") {
		t.Errorf("sections = %+v", o.Sections)
	}
	if o.Location.Lat == nil || *o.Location.Lat > -22 {
		t.Errorf("lat = %v", o.Location.Lat)
	}
}

func TestParseEmploiNCBadRows(t *testing.T) {
	src := "url,numeroOffre,titreOffre,communeEmploi,experience\n" +
		"https://x/1,'A-1','Comptable','Nouméa','Débutant'\n" +
		"https://x/2,'A-2'\n" +
		"https://x/3,'A-3','Juriste',\"'Mont-Dore (Le)'\",'2 ans'\n" +
		"https://x/4,'A-4','','Thio','1 an'\n"
	p := parseString(t, "nc.csv", src)
	if len(p.valid) != 2 || len(p.rejected) != 2 {
		t.Fatalf("valid %d, rejected %d", len(p.valid), len(p.rejected))
	}
	if p.rejected[0].Pos != "nc.csv:line 3" || p.rejected[1].Pos != "nc.csv:line 5" {
		t.Errorf("positions %s, %s", p.rejected[0].Pos, p.rejected[1].Pos)
	}
	if c := p.valid[1].Offer.Location.Commune; c != "Le Mont-Dore" {
		t.Errorf("commune %q", c)
	}
}

// TestParseEmploiNCUnmatchedQuote is finding 5 of issue 13: one unmatched
// leading double quote swallowed the rest of the file as one record (201
// with one rejection, 500 offers lost). The bad record is rejected with
// its line, the following ones are read; a quoted value spread over two
// lines still reads as one.
func TestParseEmploiNCUnmatchedQuote(t *testing.T) {
	var b strings.Builder
	b.WriteString("url,numeroOffre,titreOffre,communeEmploi,experience\n")
	b.WriteString("https://x/1,'A-1','Comptable','Nouméa','Débutant'\n")
	b.WriteString("https://x/2,'A-2',\"'Juriste,'Nouméa','2 ans'\n")
	for i := 3; i <= 502; i++ {
		fmt.Fprintf(&b, "https://x/%d,'A-%d','Comptable','Dumbéa','1 an'\n", i, i)
	}
	b.WriteString("https://x/503,'A-503','Agent d'accueil',\"'Nouméa,\nGrand Nouméa'\",'1 an'\n")
	p := parseString(t, "nc.csv", b.String())
	if len(p.rejected) != 1 || p.rejected[0].Pos != "nc.csv:line 3" {
		for _, r := range p.rejected {
			t.Logf("%s: %v", r.Pos, r.Err)
		}
		t.Fatalf("%d rejected, want the record of line 3", len(p.rejected))
	}
	if len(p.valid) != 502 {
		t.Fatalf("%d valid, want 502", len(p.valid))
	}
	if last := p.valid[501]; last.Pos != "nc.csv:line 504" || last.Offer.ID != "A-503" {
		t.Errorf("last record %s %s", last.Pos, last.Offer.ID)
	}
}
