package match

import (
	"strings"
	"testing"

	"offres/internal/offres"
	"offres/internal/rome"
	"offres/internal/shareddata"
)

// taxonomy loads the real ROME export, or skips (fails with
// OFFRES_REQUIRE_TESTDATA=1) when the shared data is absent.
func taxonomy(t *testing.T) *rome.Taxonomy {
	t.Helper()
	tax, err := rome.Load(shareddata.Path(t, "rome"))
	if err != nil {
		t.Fatal(err)
	}
	return tax
}

func TestROMEEquivalentTitles(t *testing.T) {
	m := New(taxonomy(t))
	o := demoOffer(t, "PS-2026-0640/DSIN") // Développeur / Développeuse web, M1805
	p := &offres.Profile{Text: "Ingénieur d'études informatique\n" + strings.Repeat("Conception de logiciels de gestion, recette et maintenance applicative. ", 4)}
	ex := m.Explain(p, &o, today)
	job := find(ex, KindJob)
	if len(job) != 1 || job[0].Status != Matched || !strings.Contains(job[0].Note, "M1805") {
		t.Errorf("« ingénieur d'études informatique » for « %s »: %+v", o.Title, job)
	}
	// Without the taxonomy, the same profile does not match the job.
	if j := find(New(nil).Explain(p, &o, today), KindJob); j[0].Status == Matched {
		t.Errorf("matched without ROME: %+v", j)
	}
}
