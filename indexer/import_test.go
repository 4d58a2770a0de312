package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"offres/internal/offres"
)

// memCatalog is a catalogue in memory; it records what the index was sent.
type memCatalog struct {
	offers  map[string]offres.Offer
	indexed []string
}

var (
	_ Catalog = (*memCatalog)(nil)
	_ Index   = memIndex{}
)

func (c *memCatalog) Hashes(_ context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		if o, ok := c.offers[id]; ok {
			out[id] = o.ContentHash()
		}
	}
	return out, nil
}

func (c *memCatalog) Put(_ context.Context, offers []offres.Offer) error {
	if c.offers == nil {
		c.offers = map[string]offres.Offer{}
	}
	for _, o := range offers {
		c.offers[o.ID] = o
	}
	return nil
}

type memIndex struct{ c *memCatalog }

func (x memIndex) Upsert(_ context.Context, offers []offres.Offer) error {
	for _, o := range offers {
		x.c.indexed = append(x.c.indexed, o.ID)
	}
	return nil
}

// ndjson returns n offers as NDJSON, the record at each position of bad
// (1-based) replaced by an invalid one.
func ndjson(t *testing.T, n int, bad ...int) string {
	t.Helper()
	var b strings.Builder
	for i := 1; i <= n; i++ {
		o := offres.Offer{ID: fmt.Sprintf("O-%03d", i), Title: "Agent d'accueil", Description: fmt.Sprintf("Offre numéro %d.", i)}
		if slices.Contains(bad, i) {
			o.Title = ""
		}
		line, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func idRange(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("O-%03d", i))
	}
	return out
}

// TestCommittedAcknowledgesDurableBatches checks that each batch is
// acknowledged once the catalogue has it and before the index is written,
// with the ids of the offers written or found unchanged.
func TestCommittedAcknowledgesDurableBatches(t *testing.T) {
	ctx := context.Background()
	cat := &memCatalog{}
	var commits []Commit
	im := &Importer{Catalog: cat, Index: memIndex{cat}, BatchSize: 10}
	im.Committed = func(c Commit) {
		for _, id := range c.IDs {
			if _, ok := cat.offers[id]; !ok {
				t.Errorf("batch acknowledged before the catalogue has %s", id)
			}
			if slices.Contains(cat.indexed, id) && c.Written > 0 {
				t.Errorf("batch acknowledged after the index write of %s: the acknowledgement must not wait for the index", id)
			}
		}
		commits = append(commits, c)
	}
	sum, err := im.Import(ctx, "offers.ndjson", strings.NewReader(ndjson(t, 25)))
	if err != nil || sum.Indexed != 25 {
		t.Fatalf("import: %+v %v", sum, err)
	}
	want := []Commit{
		{Source: "offers.ndjson", IDs: idRange(1, 10), Written: 10},
		{Source: "offers.ndjson", IDs: idRange(11, 20), Written: 10},
		{Source: "offers.ndjson", IDs: idRange(21, 25), Written: 5},
	}
	if fmt.Sprint(commits) != fmt.Sprint(want) {
		t.Fatalf("commits\n got %v\nwant %v", commits, want)
	}

	// Re-importing writes nothing and still acknowledges every offer: they
	// are in the catalogue already.
	commits = nil
	sum, err = im.Import(ctx, "offers.ndjson", strings.NewReader(ndjson(t, 12)))
	if err != nil || sum.Unchanged != 12 {
		t.Fatalf("re-import: %+v %v", sum, err)
	}
	want = []Commit{{Source: "offers.ndjson", IDs: idRange(1, 10)}, {Source: "offers.ndjson", IDs: idRange(11, 12)}}
	if fmt.Sprint(commits) != fmt.Sprint(want) {
		t.Fatalf("re-import commits\n got %v\nwant %v", commits, want)
	}
}

// TestStopAtBatchBoundary closes Stop in the middle of a batch: the offers
// read are written as a last batch, nothing more is read, and the import
// says it was stopped.
func TestStopAtBatchBoundary(t *testing.T) {
	for _, tc := range []struct {
		name    string
		bad     int // the rejected record that closes Stop
		written []string
		commits int
	}{
		{"mid-batch", 25, idRange(1, 24), 3},
		{"at a boundary", 21, idRange(1, 20), 2},
		{"first record", 1, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cat := &memCatalog{}
			stop := make(chan struct{})
			commits := 0
			im := &Importer{Catalog: cat, Index: memIndex{cat}, BatchSize: 10, Stop: stop,
				Reject:    func(Record) { close(stop) },
				Committed: func(Commit) { commits++ }}
			sum, err := im.Import(context.Background(), "offers.ndjson", strings.NewReader(ndjson(t, 60, tc.bad)))
			if !errors.Is(err, ErrStopped) {
				t.Fatalf("err = %v, want ErrStopped", err)
			}
			var got []string
			for id := range cat.offers {
				got = append(got, id)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.written) || !slices.Equal(cat.indexed, tc.written) {
				t.Errorf("catalogue %v, index %v, want %v in both", got, cat.indexed, tc.written)
			}
			if sum.Indexed != len(tc.written) || sum.Rejected != 1 || commits != tc.commits {
				t.Errorf("summary %+v, %d commits, want %d indexed, 1 rejected, %d commits", sum, commits, len(tc.written), tc.commits)
			}
		})
	}
}

// TestStopBetweenFiles stops after the first of two files: the second is
// not opened.
func TestStopBetweenFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.ndjson"), filepath.Join(dir, "b.ndjson")
	if err := os.WriteFile(a, []byte(ndjson(t, 5)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte(strings.ReplaceAll(ndjson(t, 5), "O-", "P-")), 0o644); err != nil {
		t.Fatal(err)
	}
	cat := &memCatalog{}
	stop := make(chan struct{})
	im := &Importer{Catalog: cat, Index: memIndex{cat}, Stop: stop, Committed: func(c Commit) {
		if c.Source == a {
			close(stop)
		}
	}}
	sum, err := im.ImportFiles(context.Background(), []string{a, b})
	if !errors.Is(err, ErrStopped) || sum.Indexed != 5 || len(cat.offers) != 5 {
		t.Fatalf("ImportFiles: %+v %v, %d offers stored; want the 5 of the first file and ErrStopped", sum, err, len(cat.offers))
	}
}
