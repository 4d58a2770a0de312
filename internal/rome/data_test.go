package rome

import (
	"path/filepath"
	"sync"
	"testing"

	"offres/internal/shareddata"
)

// testData returns the directory of the shared test data, or skips the
// test when it is absent (fails instead with OFFRES_REQUIRE_TESTDATA=1).
func testData(tb testing.TB) string {
	tb.Helper()
	shareddata.Path(tb, "rome", "unix_referentiel_appellation_v460_utf8.csv")
	return shareddata.Dir()
}

var realData struct {
	once sync.Once
	t    *Taxonomy
	err  error
}

// realTaxonomy returns the ROME v4.60 export of the shared test data,
// loaded once for all the tests.
func realTaxonomy(tb testing.TB) *Taxonomy {
	tb.Helper()
	dir := filepath.Join(testData(tb), "rome")
	realData.once.Do(func() { realData.t, realData.err = Load(dir) })
	if realData.err != nil {
		tb.Fatal(realData.err)
	}
	return realData.t
}

var fixture struct {
	once sync.Once
	t    *Taxonomy
	err  error
}

// fixtureTaxonomy returns the small export of testdata/export, which has
// bad rows.
func fixtureTaxonomy(tb testing.TB) *Taxonomy {
	tb.Helper()
	fixture.once.Do(func() { fixture.t, fixture.err = Load(filepath.Join("testdata", "export")) })
	if fixture.err != nil {
		tb.Fatal(fixture.err)
	}
	return fixture.t
}
