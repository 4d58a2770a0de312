package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"offres/internal/shareddata"
)

// testdataDir locates the shared test data (OFFRES_TESTDATA).
func testdataDir(t *testing.T) string {
	t.Helper()
	shareddata.Path(t, "offers")
	return shareddata.Dir()
}

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, env{&out, &errb, func(string) string { return "" }})
	return out.String(), errb.String(), err
}

// TestIndexSharedFiles imports the three shared offer files (France Travail,
// Place de l'emploi public, emploi.gouv.nc) and the seed:
// zero rejections expected, and re-importing changes nothing.
func TestIndexSharedFiles(t *testing.T) {
	td := testdataDir(t)
	data := t.TempDir()
	paths := []string{
		filepath.Join(td, "offers", "france-travail-2024.json"),
		filepath.Join(td, "offers", "place-emploi-public-2021.csv"),
		filepath.Join(td, "nc", "emploi-nc-2020.csv"),
		filepath.Join(td, "..", "seeds"),
	}
	out, stderr, err := runCmd(t, append([]string{"index", "--data", data, "--quiet"}, paths...)...)
	if err != nil {
		t.Fatalf("index: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, " 0 rejected") || !strings.Contains(out, "1228 indexed") {
		t.Fatalf("summary: %s\nstderr: %s", out, stderr)
	}
	out, _, err = runCmd(t, append([]string{"index", "--data", data, "--quiet"}, paths...)...)
	if err != nil || !strings.Contains(out, "0 indexed, 0 updated") {
		t.Fatalf("re-import: %v %s", err, out)
	}
	out, _, err = runCmd(t, "search", "--data", data, "--include-closed", "chef de projet digital")
	if err != nil || !strings.Contains(out, "3134-25-0308/SR") {
		t.Fatalf("search: %v\n%s", err, out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"index"}, {"serve", "--bogus"}, {"search", "--log-level", "loud", "x"}} {
		_, _, err := runCmd(t, args...)
		if !errors.Is(err, errUsage) || exitCode(err) != 2 {
			t.Errorf("%v: err %v, want a usage error", args, err)
		}
	}
	out, _, err := runCmd(t, "version")
	if err != nil || !strings.HasPrefix(out, "offres ") {
		t.Errorf("version: %q %v", out, err)
	}
}

// TestDemoServes runs `offres demo` on a real port and searches it.
func TestDemoServes(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", addr, "--log-level", "warn"}, env{io.Discard, io.Discard, func(string) string { return "" }})
	}()
	url := fmt.Sprintf("http://%s/api/v1/search?q=infirmier", addr)
	var body []byte
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(url)
		if err != nil {
			continue
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			break
		}
	}
	if !bytes.Contains(body, []byte(`"hits":[{`)) {
		t.Fatalf("demo search answered %s", body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo stopped with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("demo did not stop on cancel")
	}
}
