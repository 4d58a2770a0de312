package offres

import "testing"

func TestAppendFoldPrefix(t *testing.T) {
	words := []string{
		"", "a", "Île-des-Pins", "CŒUR", "cœur", "œuvre", "Straße", "ÉCOLE", "Ingénieur", "infirmièr",
		"l’équipe", "naïve", "ÀÂ", "日本語", "x\xffy", "Ab", "ΣΊΣΥΦΟΣ", "e\u0301cole", "ÆSIR",
	}
	for _, w := range words {
		full := Fold(w)
		for n := 0; n <= len(full)+2; n++ {
			want := full[:min(n, len(full))]
			if got := string(AppendFoldPrefix(nil, w, n)); got != want {
				t.Errorf("AppendFoldPrefix(%q, %d) = %q, want %q (Fold: %q)", w, n, got, want, full)
			}
			if got := string(AppendFoldPrefix([]byte("pre"), w, n)); got != "pre"+want {
				t.Errorf("AppendFoldPrefix after a prefix (%q, %d) = %q, want %q", w, n, got, "pre"+want)
			}
		}
	}
}

func FuzzAppendFoldPrefix(f *testing.F) {
	f.Add("Île-des-Pins", 3)
	f.Add("cœur", 2)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 64 {
			return
		}
		full := Fold(s)
		if got, want := string(AppendFoldPrefix(nil, s, n)), full[:min(n, len(full))]; got != want {
			t.Errorf("AppendFoldPrefix(%q, %d) = %q, want %q", s, n, got, want)
		}
	})
}
