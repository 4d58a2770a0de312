package rome

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"offres/internal/offres"
)

func roundTrip(t *testing.T, tx *Taxonomy) *Taxonomy {
	t.Helper()
	var buf bytes.Buffer
	n, err := tx.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("WriteTo returned %d, wrote %d", n, buf.Len())
	}
	t.Logf("persisted form: %d bytes", n)
	back, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Version() != tx.Version() || back.Len() != tx.Len() ||
		!reflect.DeepEqual(back.codes, tx.codes) || !reflect.DeepEqual(back.appellations, tx.appellations) ||
		!reflect.DeepEqual(back.competences, tx.competences) || !reflect.DeepEqual(back.savoirs, tx.savoirs) {
		t.Errorf("records differ after a round trip: %+v, want %+v", back.Len(), tx.Len())
	}
	return back
}

func TestPersistRoundTrip(t *testing.T) {
	tx := realTaxonomy(t)
	back := roundTrip(t, tx)
	for _, tc := range demoTitles {
		if got, want := back.NormalizeTitle(tc.title), tx.NormalizeTitle(tc.title); !reflect.DeepEqual(got, want) {
			t.Errorf("NormalizeTitle(%q) = %v after a round trip, %v before", tc.title, got, want)
		}
	}
	if got, want := back.FindSkills(cvParagraph), tx.FindSkills(cvParagraph); !reflect.DeepEqual(got, want) {
		t.Errorf("FindSkills = %v after a round trip, %v before", got, want)
	}
	m, _ := back.Code("M1805")
	if want, _ := tx.Code("M1805"); !reflect.DeepEqual(m, want) {
		t.Errorf("Code(M1805) = %+v after a round trip, %+v before", m, want)
	}
}

func TestSaveLoadFile(t *testing.T) {
	tx := fixtureTaxonomy(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "rome.json.gz")
	for range 2 { // the second Save replaces the first
		if err := tx.Save(path); err != nil {
			t.Fatal(err)
		}
	}
	back, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Len() != tx.Len() || len(back.Problems()) != 0 {
		t.Errorf("LoadFile: %+v, %d problems; want %+v, none", back.Len(), len(back.Problems()), tx.Len())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files in the directory, want 1 (no temporary file left)", len(entries))
	}
	if err := tx.Save(filepath.Join(dir, "missing", "rome.json.gz")); err == nil {
		t.Error("Save into a missing directory: no error")
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.gz")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFile of a missing file: %v", err)
	}
}

func TestReadCorrupt(t *testing.T) {
	tx := fixtureTaxonomy(t)
	var buf bytes.Buffer
	if _, err := tx.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x40
	cases := map[string][]byte{
		"empty":              nil,
		"not gzip":           []byte(`{"format":"offres-rome"}`),
		"truncated header":   good[:5],
		"truncated half":     good[:len(good)/2],
		"truncated checksum": good[:len(good)-3],
		"flipped byte":       flipped,
	}
	// Well-formed gzip streams whose content is wrong.
	var data fileData
	if err := json.Unmarshal(gunzip(t, good), &data); err != nil {
		t.Fatal(err)
	}
	edit := func(name string, f func(d *fileData)) {
		d := data
		d.Codes = append([]codeRec(nil), data.Codes...)
		d.Appellations = append([]appRec(nil), data.Appellations...)
		f(&d)
		cases[name] = gzipJSON(t, d)
	}
	edit("other format", func(d *fileData) { d.Format = "lsa" })
	edit("other version", func(d *fileData) { d.Version = formatVersion + 1 })
	edit("counts", func(d *fileData) { d.Counts.Savoirs++ })
	edit("unknown code", func(d *fileData) { d.Appellations[0].Code = "Z9999" })
	edit("bad code", func(d *fileData) { d.Codes[0].Code = "M18" })
	edit("repeated code", func(d *fileData) { d.Codes[1].Code = d.Codes[0].Code })
	edit("parent not historic", func(d *fileData) { d.Codes[0].Parent = "M1855" })
	edit("no appellations", func(d *fileData) { d.Appellations, d.Counts.Appellations = nil, 0 })
	cases["not JSON"] = gzipBytes(t, []byte("{"))
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(b))
			if !errors.Is(err, offres.ErrInvalid) {
				t.Errorf("Read: %v, want an error wrapping offres.ErrInvalid", err)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	tx := fixtureTaxonomy(f)
	var buf bytes.Buffer
	if _, err := tx.WriteTo(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := Read(bytes.NewReader(b)); err != nil && !errors.Is(err, offres.ErrInvalid) {
			t.Fatalf("Read: %v, want an error wrapping offres.ErrInvalid", err)
		}
	})
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func gzipJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return gzipBytes(t, b)
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
