package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"offres/internal/demo"
	"offres/internal/offres"
)

// TestCorruptIndexRebuilt damages a real full-text index (bleve's files, as
// a crash or a disk would) and checks that the next start, `offres serve`
// or `offres search`, sets it aside and rebuilds it from the catalogue
// rather than failing: the same results as before.
func TestCorruptIndexRebuilt(t *testing.T) {
	base := filepath.Join(t.TempDir(), "base")
	corpus := filepath.Join(t.TempDir(), "demo.json")
	if err := os.WriteFile(corpus, demo.Offers, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runCmd(t, "index", "--data", base, "--quiet", "--log-level", "warn", corpus); err != nil {
		t.Fatalf("index: %v\n%s", err, stderr)
	}
	want := searchJSON(t, base)
	if want.Total == 0 {
		t.Fatal("no infirmier in the demo corpus")
	}
	store := func(dir string) string { return filepath.Join(dir, "fulltext", "store") }
	segment := func(t *testing.T, dir string) string {
		t.Helper()
		zaps, err := filepath.Glob(filepath.Join(store(dir), "*.zap"))
		if err != nil || len(zaps) == 0 {
			t.Fatalf("no segment in %s: %v", store(dir), err)
		}
		return zaps[0]
	}
	for _, tc := range []struct {
		name    string
		corrupt func(t *testing.T, dir string) error
		serve   bool
	}{
		{"root.bolt overwritten", func(t *testing.T, dir string) error {
			return os.WriteFile(filepath.Join(store(dir), "root.bolt"), []byte(strings.Repeat("garbage!", 512)), 0o600)
		}, true},
		{"root.bolt truncated", func(t *testing.T, dir string) error {
			return os.Truncate(filepath.Join(store(dir), "root.bolt"), 1000)
		}, false},
		{"segment truncated", func(t *testing.T, dir string) error { return os.Truncate(segment(t, dir), 4096) }, false},
		{"segment removed", func(t *testing.T, dir string) error { return os.Remove(segment(t, dir)) }, false},
		{"index_meta.json emptied", func(t *testing.T, dir string) error {
			return os.WriteFile(filepath.Join(dir, "fulltext", "index_meta.json"), nil, 0o600)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if err := os.CopyFS(dir, os.DirFS(base)); err != nil {
				t.Fatal(err)
			}
			if err := tc.corrupt(t, dir); err != nil {
				t.Fatal(err)
			}
			var got offres.Result
			if tc.serve {
				got = serveSearch(t, dir)
			} else {
				got = searchJSON(t, dir)
			}
			if fmt.Sprint(hitIDs(got)) != fmt.Sprint(hitIDs(want)) {
				t.Errorf("after the damage: %d hits %v, want %d %v", got.Total, hitIDs(got), want.Total, hitIDs(want))
			}
			if aside, _ := filepath.Glob(filepath.Join(dir, "fulltext.corrupt-*")); len(aside) != 1 {
				t.Errorf("the damaged index was not set aside: %v", aside)
			}
		})
	}
}

func hitIDs(r offres.Result) []string {
	var ids []string
	for _, h := range r.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// searchJSON runs `offres search --json` for infirmier on a data directory.
func searchJSON(t *testing.T, dir string) offres.Result {
	t.Helper()
	out, stderr, err := runCmd(t, "search", "--data", dir, "--json", "--mode", "keyword", "--include-closed", "--log-level", "error", "infirmier")
	if err != nil {
		t.Fatalf("search: %v\n%s", err, stderr)
	}
	var res offres.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// serveSearch starts `offres serve` on a data directory and searches it.
func serveSearch(t *testing.T, dir string) offres.Result {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--data", dir, "--log-level", "error"}, env{io.Discard, io.Discard, func(string) string { return "" }})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	url := "http://" + addr + "/api/v1/search?q=infirmier&mode=keyword&include_closed=true"
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("serve ended: %v", err)
		default:
		}
		resp, err := http.Get(url)
		if err != nil {
			continue
		}
		var res offres.Result
		err = json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && err == nil {
			return res
		}
	}
	t.Fatal("serve did not answer")
	return offres.Result{}
}
