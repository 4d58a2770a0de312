package search

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"offres/internal/fulltext"
	"offres/internal/offres"
)

// dupNow is the day of the duplicates tests.
func dupNow() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, offres.Noumea) }

const ripeurText = `Vous assurez la collecte des déchets ménagers en binôme avec le chauffeur, le tri et le nettoyage
des bacs. Horaires en équipe du matin, port des équipements de protection obligatoire. Permis B apprécié,
première expérience en collecte souhaitée, bonne condition physique et sens du travail en équipe.`

// dupOffers are three copies of one ripeur ad for three communes (one
// closed), a ripeur offer of another employer, and one of the same
// employer with another text.
func dupOffers() []offres.Offer {
	base := offres.Offer{Title: "Ripeur / Ripeuse (H/F)", Employer: "Collecte du Sud", Description: ripeurText,
		PublishedAt: offres.Date{Year: 2026, Month: 11, Day: 2}, Deadline: offres.Date{Year: 2026, Month: 12, Day: 20}}
	var out []offres.Offer
	for i, c := range []string{"Nouméa", "Dumbéa", "Païta"} {
		o := base
		o.ID = fmt.Sprintf("RIP-%d", i+1)
		o.Location = offres.Location{Commune: c}
		o.Description = strings.Replace(ripeurText, "binôme", "binôme à "+c, 1)
		out = append(out, o)
	}
	out[2].Deadline = offres.Date{Year: 2026, Month: 11, Day: 1} // closed
	other := base
	other.ID, other.Employer, other.Location = "RIP-OTHER", "Intérim Océanie", offres.Location{Commune: "Nouméa"}
	unlike := base
	unlike.ID, unlike.Location = "RIP-NIGHT", offres.Location{Commune: "Nouméa"}
	unlike.Description = "Collecte de nuit des encombrants sur la zone industrielle de Ducos, conduite d'une benne, manutention lourde et tournées longues."
	return append(out, other, unlike)
}

func newDupService(t *testing.T) *Service {
	t.Helper()
	ix, err := fulltext.OpenMemory(fulltext.Options{Now: dupNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	s := New(ix, Options{Now: dupNow})
	if err := s.Upsert(context.Background(), dupOffers()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDuplicatesCollapse: near-identical offers are shown once, with the
// count and ids of the others; collapse=false shows them all; a filter that
// the first copy does not pass shows another copy; the clusters do not
// depend on the order the offers came in, and follow deletions.
func TestDuplicatesCollapse(t *testing.T) {
	ctx := context.Background()
	s := newDupService(t)
	for _, mode := range []string{offres.ModeKeyword, offres.ModeHybrid} {
		res, err := s.Search(ctx, Request{Text: "ripeur", Mode: mode, IncludeClosed: true})
		if err != nil {
			t.Fatal(err)
		}
		// One of the three copies stands for them all: the best ranked.
		ids := hitIDsOf(res)
		slices.Sort(ids)
		if len(ids) != 3 || !strings.HasPrefix(ids[0], "RIP-") || !slices.Equal(ids[1:], []string{"RIP-NIGHT", "RIP-OTHER"}) || res.Total != 3 {
			t.Fatalf("%s: hits %q (total %d), want one of RIP-1…3 for the three copies, RIP-NIGHT and RIP-OTHER", mode, ids, res.Total)
		}
		for _, h := range res.Hits {
			want := 0
			if h.ID == ids[0] {
				want = 2
			}
			if h.Duplicates != want || len(h.DuplicateIDs) != want {
				t.Errorf("%s: %s has %d duplicates %q, want %d", mode, h.ID, h.Duplicates, h.DuplicateIDs, want)
			}
		}
		all, err := s.Search(ctx, Request{Text: "ripeur", Mode: mode, IncludeClosed: true, NoCollapse: true})
		if err != nil || all.Total != 5 {
			t.Fatalf("%s: collapse off: total %d, %v; want 5", mode, all.Total, err)
		}
		// Païta's copy is closed, Nouméa's has another commune: filtering on
		// Dumbéa shows Dumbéa's copy.
		res, err = s.Search(ctx, Request{Text: "ripeur", Mode: mode, Filters: map[string][]string{offres.FacetCommune: {"Dumbéa"}}})
		if err != nil || !slices.Equal(hitIDsOf(res), []string{"RIP-2"}) {
			t.Fatalf("%s: filtered on Dumbéa: %q, %v; want RIP-2", mode, hitIDsOf(res), err)
		}
	}
	// The same offers in another order: the same clusters.
	other := NewDuplicates()
	offers := dupOffers()
	slices.Reverse(offers)
	other.Add(offers)
	for _, o := range offers {
		if a, b := s.dups.Cluster(o.ID), other.Cluster(o.ID); a != b {
			t.Errorf("%s: cluster %s, %s in the reverse order", o.ID, a, b)
		}
	}
	// Deleting the first copy: the others still collapse, under RIP-2.
	if err := s.Delete(ctx, []string{"RIP-1"}); err != nil {
		t.Fatal(err)
	}
	if c := s.dups.Cluster("RIP-3"); c != "RIP-2" {
		t.Errorf("after deleting RIP-1, RIP-3 is in cluster %s, want RIP-2", c)
	}
}

func TestMinHashSimilarity(t *testing.T) {
	a := minHash(ripeurText)
	b := minHash(strings.Replace(ripeurText, "binôme", "binôme à Dumbéa", 1))
	c := minHash("Collecte de nuit des encombrants sur la zone industrielle de Ducos, conduite d'une benne.")
	if s := similarity(a, a); s != 1 {
		t.Errorf("a text and itself: %v", s)
	}
	if s := similarity(a, b); s < dupSimilarity {
		t.Errorf("one word changed: %v, want at least %v", s, dupSimilarity)
	}
	if s := similarity(a, c); s >= dupSimilarity {
		t.Errorf("another text: %v, want below %v", s, dupSimilarity)
	}
}

func hitIDsOf(res offres.Result) []string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

// TestDuplicatesEmployerNamedMoreFully: the same ad from an agency and from
// its branch (« TEMPORIS », « Temporis Mauléon ») is one offer; from
// another employer, or from an unnamed one, it is not.
func TestDuplicatesEmployerNamedMoreFully(t *testing.T) {
	d := NewDuplicates()
	var offers []offres.Offer
	for id, employer := range map[string]string{"A": "TEMPORIS", "B": "Temporis Mauléon", "C": "Intérim Océanie", "D": ""} {
		offers = append(offers, offres.Offer{ID: id, Title: "Opérateur en masquage (H/F)", Employer: employer, Description: ripeurText})
	}
	d.Add(offers)
	if d.Cluster("A") != "A" || d.Cluster("B") != "A" {
		t.Errorf("clusters of A, B: %s, %s, want A for both", d.Cluster("A"), d.Cluster("B"))
	}
	if d.Cluster("C") != "C" || d.Cluster("D") != "D" {
		t.Errorf("clusters of C, D: %s, %s, want their own", d.Cluster("C"), d.Cluster("D"))
	}
}

// TestDuplicatesReplaceAndRemove: an offer rewritten leaves its cluster,
// the others stay together; removing one of two leaves the other alone.
func TestDuplicatesReplaceAndRemove(t *testing.T) {
	d := NewDuplicates()
	ad := func(id, text string) offres.Offer {
		return offres.Offer{ID: id, Title: "Ripeur (H/F)", Employer: "Collecte du Sud", Description: text}
	}
	d.Add([]offres.Offer{ad("C", ripeurText), ad("B", ripeurText), ad("A", ripeurText)})
	for _, id := range []string{"A", "B", "C"} {
		if c := d.Cluster(id); c != "A" {
			t.Fatalf("cluster of %s: %s, want A", id, c)
		}
	}
	d.Add([]offres.Offer{ad("B", "Collecte de nuit des encombrants sur la zone industrielle de Ducos, conduite d'une benne.")})
	if d.Cluster("A") != "A" || d.Cluster("C") != "A" || d.Cluster("B") != "B" {
		t.Errorf("after B rewritten: clusters A %s, B %s, C %s; want A, B, A", d.Cluster("A"), d.Cluster("B"), d.Cluster("C"))
	}
	d.Remove([]string{"A"})
	if d.Cluster("C") != "C" {
		t.Errorf("after A removed: cluster of C %s, want C", d.Cluster("C"))
	}
	d.Add([]offres.Offer{ad("A", ripeurText)})
	if d.Cluster("C") != "A" {
		t.Errorf("after A added again: cluster of C %s, want A", d.Cluster("C"))
	}
}

// BenchmarkDuplicatesAdd adds, in batches of 1,000, b.N offers sharing one
// title, as a generated corpus has them: copies of 500 distinct ads of 7
// employers, one in ten naming its commune in its text (a near-duplicate,
// not a copy).
func BenchmarkDuplicatesAdd(b *testing.B) {
	words := strings.Fields(ripeurText)
	offers := make([]offres.Offer, b.N)
	for i := range offers {
		ad := i % 500
		// Each ad its own text: the shared words in an order of its own.
		w := slices.Clone(words)
		for j := range w {
			k := (j*7 + ad*13) % len(w)
			w[j], w[k] = w[k], w[j]
		}
		text := strings.Join(w, " ")
		if i%10 == 0 {
			text += " Poste basé à la commune numéro " + strconv.Itoa(i%33) + "."
		}
		offers[i] = offres.Offer{ID: strconv.Itoa(i), Title: "Ripeur (H/F)", Employer: "Agence " + strconv.Itoa(ad%7), Description: text}
	}
	d := NewDuplicates()
	b.ResetTimer()
	for i := 0; i < len(offers); i += 1000 {
		d.Add(offers[i:min(i+1000, len(offers))])
	}
}

// TestDuplicatesKeepTheCopySearchedFor: of an ad copied for three towns,
// a search naming one town shows that town's copy, not the copy of least
// id.
func TestDuplicatesKeepTheCopySearchedFor(t *testing.T) {
	s := newDupService(t)
	for _, mode := range []string{offres.ModeKeyword, offres.ModeHybrid} {
		res, err := s.Search(context.Background(), Request{Text: "ripeur Dumbéa", Mode: mode, IncludeClosed: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != "RIP-2" || res.Hits[0].Duplicates != 2 {
			t.Errorf("%s « ripeur Dumbéa »: hits %q, want RIP-2 (Dumbéa) first, standing for its 2 copies", mode, hitIDsOf(res))
		}
	}
}
