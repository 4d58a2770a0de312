package postgres_test

import (
	"testing"

	"offres/internal/postgres"
)

func TestVersionBefore(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"0.8.0", "0.8.4", true},
		{"0.8.4", "0.8.4", false},
		{"0.8.10", "0.8.4", false},
		{"0.9", "0.8.4", false},
		{"0.7.4", "0.8.4", true},
		{"1.0.0", "0.8.4", false},
		{"0.8", "0.8.4", true},
	} {
		if got := postgres.VersionBefore(tc.a, tc.b); got != tc.want {
			t.Errorf("VersionBefore(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
