package lsa

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"offres/internal/demo"
	"offres/internal/offres"
)

// demoTexts returns the texts of the demo offers: a small French corpus that
// needs no test data.
func demoTexts(t *testing.T) []string {
	t.Helper()
	offers, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	texts := make([]string, len(offers))
	for i := range offers {
		texts[i] = offers[i].FullText()
	}
	return texts
}

func TestTrainIsDeterministic(t *testing.T) {
	ctx := context.Background()
	texts := demoTexts(t)
	a, err := Train(ctx, texts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(ctx, texts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Model() != b.Model() {
		t.Fatalf("two trainings on the same texts give %s and %s", a.Model(), b.Model())
	}
	other, err := Train(ctx, texts[1:], Options{})
	if err != nil {
		t.Fatal(err)
	}
	if other.Model() == a.Model() {
		t.Fatalf("a model of other texts has the same id %s", a.Model())
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	ctx := context.Background()
	texts := demoTexts(t)
	m, err := Train(ctx, texts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model.bin")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Model() != m.Model() || back.Dimensions() != m.Dimensions() || back.Features() != m.Features() {
		t.Fatalf("loaded %s (%d dims, %d features), saved %s (%d dims, %d features)",
			back.Model(), back.Dimensions(), back.Features(), m.Model(), m.Dimensions(), m.Features())
	}
	probe := []string{"infirmier diplômé d'État à Nouméa", "développeur web", texts[3]}
	want, _ := m.Embed(ctx, probe)
	got, _ := back.Embed(ctx, probe)
	for i := range probe {
		if !slices.Equal(want[i], got[i]) {
			t.Errorf("vector of %q differs after a round trip", probe[i])
		}
	}
}

func TestReadRejectsDamage(t *testing.T) {
	m, err := Train(context.Background(), demoTexts(t), Options{Dimensions: 16})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	flipped := slices.Clone(good)
	flipped[len(flipped)/2] ^= 0x40
	version := slices.Clone(good)
	version[len(magic)]++
	for name, b := range map[string][]byte{
		"empty":     nil,
		"truncated": good[:len(good)/3],
		"flipped":   flipped,
		"version":   version,
		"not lsa":   []byte("%PDF-1.7 not a model at all"),
	} {
		if _, err := Read(bytes.NewReader(b)); !errors.Is(err, offres.ErrInvalid) {
			t.Errorf("%s: Read = %v, want an error wrapping ErrInvalid", name, err)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.bin")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file = %v, want ErrNotExist", err)
	}
}

func TestEmbedUnknownTextIsZero(t *testing.T) {
	ctx := context.Background()
	m, err := Train(ctx, demoTexts(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	vecs, err := m.Embed(ctx, []string{"", "le la les", "zzyzx qwxv"})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vecs {
		for _, x := range v {
			if x != 0 {
				t.Errorf("text %d has no known feature but a non-zero vector", i)
				break
			}
		}
	}
	// Related texts are closer than unrelated ones.
	vecs, _ = m.Embed(ctx, []string{"infirmière en soins généraux", "infirmier hospitalier soins", "conducteur d'engins de chantier routier"})
	if near, far := dot32(vecs[0], vecs[1]), dot32(vecs[0], vecs[2]); near <= far {
		t.Errorf("cos(infirmière, infirmier) = %.3f is not above cos(infirmière, conducteur) = %.3f", near, far)
	}
}
