package indexer

import (
	"testing"

	"offres/internal/offres"
)

func TestParseFrenchDate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want offres.Date
		ok   bool
	}{
		{"weekday and month name", "vendredi 14 février 2025", offres.Date{Year: 2025, Month: 2, Day: 14}, true},
		{"no accents", "14 fevrier 2025", offres.Date{Year: 2025, Month: 2, Day: 14}, true},
		{"capitals", "VENDREDI 07 MARS 2025", offres.Date{Year: 2025, Month: 3, Day: 7}, true},
		{"first of the month", "1er mars 2025", offres.Date{Year: 2025, Month: 3, Day: 1}, true},
		{"1er avril", "au plus tard le 1er avril 2025", offres.Date{Year: 2025, Month: 4, Day: 1}, true},
		{"no-break spaces", "7\u00a0mars\u202f2025", offres.Date{Year: 2025, Month: 3, Day: 7}, true},
		{"abbreviated month", "7 sept. 2025", offres.Date{Year: 2025, Month: 9, Day: 7}, true},
		{"août", "15 août 2025", offres.Date{Year: 2025, Month: 8, Day: 15}, true},
		{"slashes", "07/03/2025", offres.Date{Year: 2025, Month: 3, Day: 7}, true},
		{"short slashes", "7/3/25", offres.Date{Year: 2025, Month: 3, Day: 7}, true},
		{"dots", "07.03.2025", offres.Date{Year: 2025, Month: 3, Day: 7}, true},
		{"ISO", "2025-03-07", offres.Date{Year: 2025, Month: 3, Day: 7}, true},
		{"ISO time", "2025-03-07T23:59:00", offres.Date{Year: 2025, Month: 3, Day: 7}, true},
		{"month only", "mai 2025", offres.Date{Year: 2025, Month: 5}, true},
		{"month only capitalised", "Mai 2025", offres.Date{Year: 2025, Month: 5}, true},
		{"in a sentence", "Date limite de candidature : vendredi 07 mars 2025 à midi",
			offres.Date{Year: 2025, Month: 3, Day: 7}, true},
		{"first date wins", "du 3 mars 2025 au 7 mars 2025", offres.Date{Year: 2025, Month: 3, Day: 3}, true},
		{"impossible date skipped", "31/02/2025 ou 28/02/2025", offres.Date{Year: 2025, Month: 2, Day: 28}, true},
		{"reference is no date", "3134-25-0308/SR", offres.Date{}, false},
		{"as soon as possible", "dès que possible", offres.Date{}, false},
		{"empty", "", offres.Date{}, false},
		{"day zero", "0 mars 2025", offres.Date{}, false},
		{"word containing a month", "maison 2025", offres.Date{}, false},
		{"year out of range", "7 mars 1200", offres.Date{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseFrenchDate(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseFrenchDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
