package rome

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkLoad(b *testing.B) {
	dir := filepath.Join(testData(b), "rome")
	for b.Loop() {
		if _, err := Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRead(b *testing.B) {
	tx := realTaxonomy(b)
	var buf bytes.Buffer
	if _, err := tx.WriteTo(&buf); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteTo(b *testing.B) {
	tx := realTaxonomy(b)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if _, err := tx.WriteTo(&buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalizeTitle normalises the demo titles in turn; ns/op is the
// time of one title.
func BenchmarkNormalizeTitle(b *testing.B) {
	tx := realTaxonomy(b)
	i := 0
	for b.Loop() {
		tx.NormalizeTitle(demoTitles[i%len(demoTitles)].title)
		i++
	}
}

// BenchmarkFindSkills finds the skills of a two-page CV (testdata/cv.txt).
func BenchmarkFindSkills(b *testing.B) {
	tx := realTaxonomy(b)
	cv, err := os.ReadFile(filepath.Join("testdata", "cv.txt"))
	if err != nil {
		b.Fatal(err)
	}
	text := string(cv)
	b.SetBytes(int64(len(text)))
	n := 0
	for b.Loop() {
		n = len(tx.FindSkills(text))
	}
	b.ReportMetric(float64(n), "skills")
}
