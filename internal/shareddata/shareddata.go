// Package shareddata locates the shared open data the tests read (France
// Travail and Place de l'emploi public offers, the ROME export…), which lives
// beside the repository, never in it: $OFFRES_TESTDATA, else ../shared/data
// or /work/shared/data. A test that needs it skips with a message when it is
// absent, and fails instead with OFFRES_REQUIRE_TESTDATA=1 (CI).
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared data directory.
func Dir() string {
	if dir := os.Getenv("OFFRES_TESTDATA"); dir != "" {
		return dir
	}
	for _, d := range []string{"../shared/data", "../../shared/data", "../../../shared/data", "../../../../shared/data", "/work/shared/data"} {
		if _, err := os.Stat(filepath.Join(d, "offers")); err == nil {
			return d
		}
	}
	return "/work/shared/data"
}

// Path returns a file or folder of the shared data, after checking it is
// there: when it is not, the test is skipped, or failed under
// OFFRES_REQUIRE_TESTDATA=1.
func Path(tb testing.TB, parts ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{Dir()}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("OFFRES_REQUIRE_TESTDATA") == "1" {
			tb.Fatalf("shared test data required (OFFRES_REQUIRE_TESTDATA=1) but not found: %v", err)
		}
		tb.Skipf("shared test data not found (set OFFRES_TESTDATA): %v", err)
	}
	return p
}
