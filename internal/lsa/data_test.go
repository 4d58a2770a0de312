package lsa

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"offres/internal/shareddata"
)

// testData returns the directory of the shared test data, or skips the
// test when it is absent (fails instead with OFFRES_REQUIRE_TESTDATA=1).
func testData(tb testing.TB) string {
	tb.Helper()
	shareddata.Path(tb, "offers", "france-travail-2024.json")
	return shareddata.Dir()
}

// ftOffer is the part of a France Travail offer the tests read.
type ftOffer struct {
	Intitule    string `json:"intitule"`
	Description string `json:"description"`
	RomeCode    string `json:"romeCode"`
}

func franceTravail(tb testing.TB) []ftOffer {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(testData(tb), "offers", "france-travail-2024.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var offers []ftOffer
	if err := json.Unmarshal(b, &offers); err != nil {
		tb.Fatal(err)
	}
	return offers
}

func (o ftOffer) text() string { return o.Intitule + "\n" + o.Description }

// passages cuts each offer's text at line breaks into pieces of at most
// about 900 bytes, a stand-in for the indexer's chunking.
func passages(offers []ftOffer) []string {
	var out []string
	for _, o := range offers {
		cur := o.Intitule
		for _, line := range strings.Split(o.Description, "\n") {
			if len(cur)+len(line) > 900 && cur != "" {
				out = append(out, cur)
				cur = ""
			}
			cur += "\n" + line
		}
		if strings.TrimSpace(cur) != "" {
			out = append(out, cur)
		}
	}
	return out
}

func readCSV(tb testing.TB, path string) [][]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	if _, err := r.Read(); err != nil { // header
		tb.Fatal(err)
	}
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, rec)
	}
}
