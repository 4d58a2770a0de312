package fulltext

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"offres/internal/offres"
)

// benchOffers is the size of the benchmark corpus and benchBatch the batch
// size of its indexing, as the indexer sends them.
const (
	benchOffers = 10_000
	benchBatch  = 500
)

// franceTravailOffer is the part of a France Travail "Offres d'emploi v2"
// record the benchmarks use.
type franceTravailOffer struct {
	ID           string `json:"id"`
	Intitule     string `json:"intitule"`
	Description  string `json:"description"`
	DateCreation string `json:"dateCreation"`
	TypeContrat  string `json:"typeContrat"`
	RomeCode     string `json:"romeCode"`
	Entreprise   struct {
		Nom string `json:"nom"`
	} `json:"entreprise"`
	Competences []struct {
		Libelle  string `json:"libelle"`
		Exigence string `json:"exigence"`
	} `json:"competences"`
}

// loadTestOffers reads the France Travail offers of the shared test data
// and multiplies them to n offers, varying ids, communes, categories,
// contracts and dates so that filters and facets have something to do.
func loadTestOffers(tb testing.TB, n int) []offres.Offer {
	tb.Helper()
	dir := os.Getenv("OFFRES_TESTDATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data")
	}
	path := filepath.Join(dir, "offers", "france-travail-2024.json")
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("OFFRES_REQUIRE_TESTDATA") == "1" {
			tb.Fatalf("test data: %v", err)
		}
		tb.Skipf("test data not found (%v): set OFFRES_TESTDATA to the shared data directory", err)
	}
	var src []franceTravailOffer
	if err := json.Unmarshal(b, &src); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	contracts := map[string]string{"CDI": offres.ContractCDI, "CDD": offres.ContractCDD, "MIS": offres.ContractInterim}
	var communes []string
	for _, c := range offres.Communes {
		if c.Province == offres.ProvinceSud {
			communes = append(communes, c.Name)
		}
	}
	directions := []string{"", "Direction du Système d'Information et du Numérique", "Direction de l'Équipement",
		"Direction du Développement Durable des Territoires", "Direction provinciale de l'Action sanitaire et sociale"}
	out := make([]offres.Offer, 0, n)
	for i := 0; len(out) < n; i++ {
		s := src[i%len(src)]
		if s.Intitule == "" || s.Description == "" {
			continue
		}
		published, _ := offres.ParseDate(s.DateCreation)
		published = offres.DateOf(published.Time().AddDate(0, 0, -(i % 90)))
		o := offres.Offer{
			ID:           fmt.Sprintf("%s-%d", s.ID, i),
			Title:        s.Intitule,
			Employer:     s.Entreprise.Nom,
			Direction:    directions[i%len(directions)],
			Category:     []string{"A", "B", "C", ""}[i%4],
			ContractType: contracts[s.TypeContrat],
			Location:     offres.Location{Commune: communes[i%len(communes)]},
			PublishedAt:  published,
			Description:  s.Description,
			RomeCode:     s.RomeCode,
		}
		switch i % 10 {
		case 0: // no deadline
		case 1:
			o.Deadline = offres.Date{Year: 2026, Month: time.Month(1 + i%12)}
		default:
			o.Deadline = offres.DateOf(today.Time().AddDate(0, 0, i%120-30))
		}
		for _, c := range s.Competences {
			o.Skills = append(o.Skills, offres.Skill{Label: c.Libelle, Required: c.Exigence == "E"})
		}
		out = append(out, o)
	}
	return out
}

// BenchmarkUpsert indexes 10,000 offers in batches of 500 into a new index
// and reports offers indexed per second.
func BenchmarkUpsert(b *testing.B) {
	offers := loadTestOffers(b, benchOffers)
	for _, disk := range []bool{false, true} {
		name := "memory"
		if disk {
			name = "disk"
		}
		b.Run(name, func(b *testing.B) {
			var elapsed time.Duration
			for b.Loop() {
				b.StopTimer()
				ix := openBench(b, disk)
				b.StartTimer()
				start := time.Now()
				upsertAll(b, ix, offers)
				elapsed += time.Since(start)
				b.StopTimer()
				ix.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(len(offers)*b.N)/elapsed.Seconds(), "offers/s")
		})
	}
}

func openBench(b *testing.B, disk bool) *Index {
	b.Helper()
	var (
		ix  *Index
		err error
	)
	if disk {
		ix, err = Open(filepath.Join(b.TempDir(), "index"), Options{})
	} else {
		ix, err = OpenMemory(Options{})
	}
	if err != nil {
		b.Fatal(err)
	}
	return ix
}

func upsertAll(b *testing.B, ix *Index, offers []offres.Offer) {
	for i := 0; i < len(offers); i += benchBatch {
		if err := ix.Upsert(context.Background(), offers[i:min(i+benchBatch, len(offers))]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch runs typical queries on a 10,000-offer index on disk and
// reports the median and 99th percentile latencies.
func BenchmarkSearch(b *testing.B) {
	offers := loadTestOffers(b, benchOffers)
	ix := openBench(b, true)
	defer ix.Close()
	upsertAll(b, ix, offers)

	nc := []string{"Nouméa"}
	queries := []struct {
		name string
		q    offres.Query
	}{
		{"one term", offres.Query{Text: "technicien"}},
		{"two terms", offres.Query{Text: "agent propreté"}},
		{"phrase-like", offres.Query{Text: "agent d'entretien des espaces verts"}},
		{"synonym acronym", offres.Query{Text: "IDE"}},
		{"fuzzy typo", offres.Query{Text: "techncien hygieniste", Fuzzy: true}},
		{"fuzzy three terms", offres.Query{Text: "ripeur collecte déchets", Fuzzy: true}},
		{"faceted", offres.Query{Text: "technicien", Fuzzy: true, Filters: map[string][]string{"commune": nc, "category": {"B", "C"}}}},
		{"filters only", offres.Query{Filters: map[string][]string{"commune": nc, "deadline_status": {"open", "closing_soon"}}}},
		{"empty, by deadline", offres.Query{Sort: offres.SortDeadline}},
		{"deep page", offres.Query{Text: "agent", Fuzzy: true, Page: 20, Limit: 20}},
		{"include closed", offres.Query{Text: "chauffeur", IncludeClosed: true, Fuzzy: true}},
	}
	for _, tc := range queries {
		b.Run(tc.name, func(b *testing.B) {
			q := tc.q
			q.Today = today
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := ix.Search(context.Background(), q); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
