package rome_test

import (
	"fmt"

	"offres/internal/rome"
)

func Example() {
	// testdata/export is a small export in the layout of the official one,
	// with a few bad rows.
	tx, err := rome.Load("testdata/export")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(tx.Problems()), "records skipped or doubted, the first:", tx.Problems()[0])

	for _, m := range tx.NormalizeTitle("Développeuse web (H/F) – Direction du numérique") {
		fmt.Printf("%s %s (%s) %.2f\n", m.Code, m.Appellation, m.Specific, m.Score)
	}

	cv := "Formée aux gestes d'urgence ; développement d'applications web en PHP."
	for _, s := range tx.FindSkills(cv) {
		fmt.Printf("%s %s %q: %s\n", s.Kind, s.ID, cv[s.Start:s.End], s.Label)
	}
	// Output:
	// 8 records skipped or doubted, the first: unix_referentiel_code_rome_v999_utf8.csv:6: code_rome "X12" is not a ROME code
	// M1805 Développeur / Développeuse web (M1855) 0.98
	// savoir 400007 "gestes d'urgence": Gestes d'urgence (AFGSU)
	// competence 200001 "développement d'applications web": Développer une application web
	// savoir 400001 "PHP": PHP
}
