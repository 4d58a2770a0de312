package rome

import (
	"slices"
	"testing"
)

func TestJobWords(t *testing.T) {
	tx, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string][]string{
		"mécanicien poids lourds":      {"mécanicien", "poids", "lourds"},
		"agent de nettoyage de nuit":   {"nettoyage", "nuit"}, // « veilleur de nuit »
		"Technicien réseau":            {"réseau"},
		"chef de projet informatique":  {"projet", "informatique"},
		"administrateur système linux": {"administrateur", "système"},
		"Nouméa":                       nil,
	} {
		if got := tx.JobWords(text); !slices.Equal(got, want) {
			t.Errorf("JobWords(%q) = %q, want %q", text, got, want)
		}
	}
}
