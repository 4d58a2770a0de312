package rome

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// FuzzLoad runs the ROME import (offres rome import DIR) on the small export
// of testdata with one of its files replaced by arbitrary bytes. Whatever
// Load accepts must survive what the service does next: saving it and
// reading it back at the next start gives the same taxonomy, written the
// same; every problem names a file of the export and a line; the lookups
// run.
//
//	go test ./rome -run '^$' -fuzz '^FuzzLoad$' -fuzztime 60s
func FuzzLoad(f *testing.F) {
	src := filepath.Join("testdata", "export")
	entries, err := os.ReadDir(src)
	if err != nil {
		f.Fatal(err)
	}
	names := make([]string, 0, len(entries))
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		names = append(names, e.Name())
		files[e.Name()] = b
	}
	for i, name := range names {
		f.Add(uint8(i), files[name])
	}
	f.Add(uint8(1), []byte("\ufeff\"code_rome\",\"libelle_rome\"\r\n\"M1805\",\"D\u00e9veloppeur\"\r\n\"M18\",\"x\"\r\n\"A1234\",\"\"\"\"\n\n"))
	f.Add(uint8(5), []byte("\"code_rome\",\"code_rome_cible\"\n\"M1805\",\"M1805\"\n\"Z9999\",\"M1805\"\n"))
	f.Fuzz(func(t *testing.T, pick uint8, content []byte) {
		dir := t.TempDir()
		replaced := names[int(pick)%len(names)]
		for _, name := range names {
			b := files[name]
			if name == replaced {
				b = content
			}
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		tx, err := Load(dir)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		for _, p := range tx.Problems() {
			if !slices.Contains(names, p.File) || p.Line < 1 || p.Msg == "" {
				t.Fatalf("problem %v", p)
			}
		}
		var saved bytes.Buffer
		if _, err := tx.WriteTo(&saved); err != nil {
			t.Fatalf("WriteTo: %v", err)
		}
		back, err := Read(bytes.NewReader(saved.Bytes()))
		if err != nil {
			t.Fatalf("Read of what Load accepted: %v", err)
		}
		var again bytes.Buffer
		if _, err := back.WriteTo(&again); err != nil {
			t.Fatalf("WriteTo: %v", err)
		}
		if !bytes.Equal(saved.Bytes(), again.Bytes()) || back.Len() != tx.Len() || back.Version() != tx.Version() {
			t.Fatalf("read back %+v %q, loaded %+v %q", back.Len(), back.Version(), tx.Len(), tx.Version())
		}
		title := "Développeur / Développeuse web (H/F)"
		if got, want := back.NormalizeTitle(title), tx.NormalizeTitle(title); !reflect.DeepEqual(got, want) {
			t.Fatalf("NormalizeTitle after reading back: %v, loaded %v", got, want)
		}
		text := "Développer une application web en PHP, règles d'hygiène et d'asepsie."
		if got, want := back.FindSkills(text), tx.FindSkills(text); !reflect.DeepEqual(got, want) {
			t.Fatalf("FindSkills after reading back: %v, loaded %v", got, want)
		}
	})
}
