package api

import (
	"fmt"
	"testing"

	"offres/internal/offres"
)

// TestSalaryOf: the salary of a JobPosting comes only from an amount the
// remuneration section states.
func TestSalaryOf(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       string // currency, unit, value or min–max; "" for none
	}{
		{"France Travail monthly", "Mensuel de 1820.0 Euros sur 12.0 mois\nPrimes", "EUR MONTH 1820"},
		{"France Travail range, decimal comma", "Mensuel de 1617,00 Euros à 1764,00 Euros", "EUR MONTH 1617–1764"},
		{"France Travail hourly", "Horaire de 11.88 Euros sur 12 mois", "EUR HOUR 11.88"},
		{"France Travail yearly", "Annuel de 21622.0 Euros à 25000.0 Euros sur 12 mois", "EUR YEAR 21622–25000"},
		{"a line of the description, narrow spaces", "Rémunération\u00a0: 1\u202f700,00€\u00a0à\u00a02\u202f500,00€\u00a0par mois", "EUR MONTH 1700–2500"},
		{"a line of the description, hourly", "Rémunération : 12,13€ par heure", "EUR HOUR 12.13"},
		{"JSON-LD import, XPF", "350 000 – 450 000 XPF par mois", "XPF MONTH 350000–450000"},
		{"thousands with dots", "Salaire : 350.000 F CFP par mois", "XPF MONTH 350000"},
		{"a grid is no amount", "Rémunération selon la grille des infirmiers, primes de service.", ""},
		{"a meal allowance is no salary", "Indemnité de repas : 15.30€ par jour travaillé", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := offres.Offer{Sections: []offres.Section{{Kind: offres.SectionRemuneration, Text: tc.text}}}
			got := ""
			if a := salaryOf(&o); a != nil {
				v := a.Value
				switch {
				case v.Value != nil:
					got = fmt.Sprintf("%s %s %g", a.Currency, v.UnitText, *v.Value)
				case v.MinValue != nil && v.MaxValue != nil:
					got = fmt.Sprintf("%s %s %g–%g", a.Currency, v.UnitText, *v.MinValue, *v.MaxValue)
				}
			}
			if got != tc.want {
				t.Errorf("salaryOf(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

// TestEmploymentTypes maps contracts and working time to Google's values.
func TestEmploymentTypes(t *testing.T) {
	for _, tc := range []struct {
		contract, text string
		want           string
	}{
		{offres.ContractTitulaire, "Poste à pourvoir.", "[FULL_TIME]"},
		{offres.ContractCDI, "Temps partiel, 24 h par semaine.", "[PART_TIME]"},
		{offres.ContractCDD, "Durée du travail : 35H, Temps plein", "[TEMPORARY FULL_TIME]"},
		{offres.ContractContractuel, "Contrat de trois ans.", "[TEMPORARY]"},
		{offres.ContractStage, "Stage de six mois.", "[INTERN]"},
		{"", "Poste à temps non complet.", "[PART_TIME]"},
		{"", "Rien sur le temps de travail.", "[]"},
	} {
		o := offres.Offer{ContractType: tc.contract, Description: tc.text}
		if got := fmt.Sprint(employmentTypes(&o)); got != tc.want {
			t.Errorf("%s, %q: %s, want %s", tc.contract, tc.text, got, tc.want)
		}
	}
}
