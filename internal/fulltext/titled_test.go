package fulltext

import (
	"context"
	"maps"
	"slices"
	"testing"

	"offres/internal/offres"
)

// TestTitled: the offers whose title has every word of the search (or an
// alternative of the lexicon), among the ids given and passing the filters.
func TestTitled(t *testing.T) {
	all := []string{"IDE-1", "IDE-2", "ATSEM-1", "DEV-1", "RESEAU-1", "COMPTA-1", "AS-1", "SECU-1", "SECU-2"}
	tests := []struct {
		name string
		q    offres.Query
		ids  []string
		want []string
	}{
		{"every word in the title", offres.Query{Text: "infirmier diplômé"}, all, []string{"IDE-1"}},
		{"the lexicon's alternative", offres.Query{Text: "IDE"}, all, []string{"IDE-1", "IDE-2"}},
		{"one word missing", offres.Query{Text: "administrateur base de données"}, all, nil},
		{"words of the description only", offres.Query{Text: "soins patients"}, all, nil},
		{"only among the ids", offres.Query{Text: "IDE"}, []string{"IDE-2", "DEV-1"}, []string{"IDE-2"}},
		{"filters apply", offres.Query{Text: "IDE", Filters: map[string][]string{offres.FacetCategory: {"A"}}}, all, []string{"IDE-1"}},
		{"typos are no evidence", offres.Query{Text: "comptabel"}, all, nil},
		{"no text", offres.Query{}, all, nil},
	}
	backends(t, func(t *testing.T, ix *Index) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.q.IncludeClosed = true
				got, err := ix.Titled(context.Background(), tt.q, tt.ids)
				if err != nil {
					t.Fatal(err)
				}
				ids := slices.Sorted(maps.Keys(got))
				if !slices.Equal(ids, tt.want) {
					t.Errorf("Titled(%q) = %q, want %q", tt.q.Text, ids, tt.want)
				}
			})
		}
	})
}
