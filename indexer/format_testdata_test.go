package indexer

import (
	"os"
	"path/filepath"
	"testing"
)

// testdataDir returns the shared test data directory: $OFFRES_TESTDATA, or
// ../../shared/data from the package directory. A test that needs it skips
// when it is absent, or fails when OFFRES_REQUIRE_TESTDATA=1 (CI).
func testdataDir(t *testing.T) string {
	t.Helper()
	dir := sharedDataDir()
	if _, err := os.Stat(dir); err != nil {
		msg := "shared test data not found at " + dir + " (set OFFRES_TESTDATA)"
		if os.Getenv("OFFRES_REQUIRE_TESTDATA") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}

func sharedDataDir() string {
	if dir := os.Getenv("OFFRES_TESTDATA"); dir != "" {
		return dir
	}
	return filepath.Join("..", "..", "shared", "data")
}

// seedPath returns the path of the seed posting, next to the shared data.
func seedPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(testdataDir(t), "..", "seeds", "000_37dfd39003512f88.txt")
}
