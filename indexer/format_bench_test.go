package indexer

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func benchmarkParse(b *testing.B, name string, src []byte) {
	b.SetBytes(int64(len(src)))
	records := 0
	for b.Loop() {
		records = 0
		err := Parse(name, bytes.NewReader(src), func(Record) error {
			records++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func readShared(b *testing.B, path ...string) []byte {
	src, err := os.ReadFile(filepath.Join(append([]string{sharedDataDir()}, path...)...))
	if err != nil {
		b.Skipf("shared test data not found: %v (set OFFRES_TESTDATA)", err)
	}
	return src
}

func BenchmarkParseText(b *testing.B) {
	benchmarkParse(b, "seed.txt", readShared(b, "..", "seeds", "000_37dfd39003512f88.txt"))
}

func BenchmarkParseFranceTravail(b *testing.B) {
	benchmarkParse(b, "ft.json", readShared(b, "offers", "france-travail-2024.json"))
}

func BenchmarkParsePEPCSV(b *testing.B) {
	benchmarkParse(b, "pep.csv", readShared(b, "offers", "place-emploi-public-2021.csv"))
}
