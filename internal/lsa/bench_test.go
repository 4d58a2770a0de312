package lsa

import (
	"context"
	"testing"
)

// BenchmarkTrain trains on the France Travail offers cut into passages.
func BenchmarkTrain(b *testing.B) {
	texts := passages(franceTravail(b))
	benchmarkTrain(b, texts)
}

// BenchmarkTrain10k trains on about 10,000 passages: the France Travail
// passages, then the ROME referential's texts, one sentence each.
func BenchmarkTrain10k(b *testing.B) {
	benchmarkTrain(b, tenThousand(b))
}

func tenThousand(tb testing.TB) []string {
	texts := passages(franceTravail(tb))
	for _, rec := range readCSV(tb, testData(tb)+"/rome/unix_texte_v460_utf8.csv") {
		if len(texts) == 10_000 {
			break
		}
		texts = append(texts, rec[4])
	}
	return texts
}

func benchmarkTrain(b *testing.B, texts []string) {
	ctx := context.Background()
	var m *Model
	for b.Loop() {
		var err error
		if m, err = Train(ctx, texts, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(texts)), "texts")
	b.ReportMetric(float64(m.Dimensions()), "dims")
	b.ReportMetric(float64(m.Features()), "features")
}

// BenchmarkEmbedQuery embeds a short query with a model of the France
// Travail passages.
func BenchmarkEmbedQuery(b *testing.B) {
	ctx := context.Background()
	m, err := Train(ctx, passages(franceTravail(b)), Options{})
	if err != nil {
		b.Fatal(err)
	}
	query := []string{"agent de désinsectisation dératisation en Guadeloupe, CDI"}
	for b.Loop() {
		if _, err := m.Embed(ctx, query); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/query")
}

// BenchmarkEmbedPassages embeds the France Travail passages with a model
// trained on them: the built-in model's embedding throughput.
func BenchmarkEmbedPassages(b *testing.B) {
	ctx := context.Background()
	texts := passages(franceTravail(b))
	m, err := Train(ctx, texts, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := m.Embed(ctx, texts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(texts)*b.N)/b.Elapsed().Seconds(), "passages/s")
}
