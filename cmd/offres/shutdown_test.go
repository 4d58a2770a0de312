package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"offres/internal/boltstore"
	"offres/internal/fulltext"
	"offres/internal/offres"
)

// TestIndexStopsOnSIGTERM sends SIGTERM to `offres index` in the middle of
// an import: it finishes the batch it is writing, index included, stops
// there, says what it imported and exits with status 1; the catalogue then
// holds exactly the acknowledged offers, none left pending for the next
// start, and running the same import again finishes it.
func TestIndexStopsOnSIGTERM(t *testing.T) {
	corpus := loadCrashCorpus(t, 80, 80)
	files := corpus.write(t, t.TempDir(), "")
	dir := t.TempDir()
	run := startImport(t, dir, 4, files...)
	n := 0
	if !run.waitLine(func(l string) bool {
		if strings.HasPrefix(l, `{"ack":`) {
			n++
		}
		return n == 5
	}) {
		t.Fatalf("the import ended before its fifth batch: %v\n%s", run.finish(), run.stderr.String())
	}
	if err := run.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- run.finish() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		run.cmd.Process.Kill()
		t.Fatal("offres index did not stop on SIGTERM")
	}
	acks, out := run.snapshot()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit: %v, want status 1\nstdout: %s\nstderr: %s", err, out, run.stderr.String())
	}
	stderr := run.stderr.String()
	if !strings.Contains(stderr, "offres: import interrupted (terminated signal received)") ||
		!strings.Contains(stderr, "run the same command again") {
		t.Errorf("stderr does not say the import was interrupted and how to finish it:\n%s", stderr)
	}
	summary := slices.IndexFunc(out, func(l string) bool { return strings.HasPrefix(l, "import: stopped at a batch boundary: ") })
	if summary < 0 || slices.ContainsFunc(out, func(l string) bool { return strings.HasPrefix(l, "vectors:") }) {
		t.Fatalf("stdout: want the summary of a stopped import and no vector phase:\n%s", strings.Join(out, "\n"))
	}
	var acked []string
	for _, a := range acks {
		acked = append(acked, a.IDs...)
	}
	slices.Sort(acked)
	acked = slices.Compact(acked)
	if want := fmt.Sprintf("(%d batches, %d offers committed,", len(acks), acks[len(acks)-1].Offers); !strings.Contains(out[summary], want) {
		t.Errorf("summary %q does not count the acknowledgements: want %q", out[summary], want)
	}
	if len(acks) >= 38 {
		t.Fatalf("%d batches acknowledged: the import was not stopped", len(acks))
	}

	// The stores as the process left them, before any start repairs them.
	ctx := context.Background()
	cat, err := boltstore.Open(filepath.Join(dir, "offers.db"))
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	if err := cat.Scan(ctx, func(o offres.Offer) error { stored = append(stored, o.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	pending, err := cat.Pending(ctx)
	cat.Close()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(stored)
	if !slices.Equal(stored, acked) {
		t.Errorf("the catalogue holds %d offers, %d were acknowledged: a stopped import writes exactly what it acknowledges", len(stored), len(acked))
	}
	if len(pending) > 0 {
		t.Errorf("%d offers pending: the batch in progress was not finished in the index", len(pending))
	}
	text, err := fulltext.Open(filepath.Join(dir, "fulltext"), fulltext.Options{})
	if err != nil {
		t.Fatal(err)
	}
	indexed := textIDs(t, text, "")
	text.Close()
	slices.Sort(indexed)
	if !slices.Equal(indexed, acked) {
		t.Errorf("the full-text index holds %d offers, %d were acknowledged", len(indexed), len(acked))
	}

	// The same command finishes the import.
	run = startImport(t, dir, 4, files...)
	if err := run.finish(); err != nil {
		t.Fatalf("second import: %v\n%s", err, run.stderr.String())
	}
	_, out = run.snapshot()
	var indexed2, updated2, unchanged2 int
	if i := slices.IndexFunc(out, func(l string) bool { return strings.HasPrefix(l, "import: ") }); i >= 0 {
		fmt.Sscanf(out[i], "import: %d indexed, %d updated, %d unchanged", &indexed2, &updated2, &unchanged2)
	}
	cat, err = boltstore.Open(filepath.Join(dir, "offers.db"))
	if err != nil {
		t.Fatal(err)
	}
	total, err := cat.Count(ctx)
	cat.Close()
	if err != nil {
		t.Fatal(err)
	}
	if indexed2 != total-len(acked) || updated2 != 0 || unchanged2 < len(acked) {
		t.Errorf("second import: want the %d stored offers unchanged and the other %d indexed:\n%s", len(acked), total-len(acked), strings.Join(out, "\n"))
	}
}

// TestServeFinishesInFlightOnSIGTERM sends SIGTERM to `offres serve`
// (configured by a file) while an import request is in flight (its body
// half sent): the server stops accepting connections, finishes the request,
// answers it, and exits 0; the offers are there at the next start.
func TestServeFinishesInFlightOnSIGTERM(t *testing.T) {
	corpus := loadCrashCorpus(t, 150, 0)
	body, err := json.Marshal(corpus.ft)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	addr := freeAddr(t)
	const token = "s3cret-admin-token-of-32-characte"
	// Configured by a file: the listen address, the admin token, and a
	// shutdown timeout long enough for the import on a loaded machine.
	file := filepath.Join(t.TempDir(), "offres.toml")
	conf := fmt.Sprintf("data = %q\nlog_level = \"warn\"\n\n[server]\naddr = %q\nadmin_token = %q\nshutdown_timeout = \"5m\"\n", dir, addr, token)
	if err := os.WriteFile(file, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(offresBinary(t), "serve", "--config", file)
	cmd.Env = processEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer cmd.Process.Kill() // when the test fails before the end
	waitReady(t, addr, done)

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/offers HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
		addr, token, len(body))
	half := len(body) / 2
	if _, err := conn.Write(body[:half]); err != nil {
		t.Fatal(err)
	}
	// The request is in flight once the server has begun to read it: a
	// connection it has accepted but not yet read from is idle, and a
	// graceful shutdown closes idle connections (fasthttp's Shutdown). The
	// server starts reading at once; on a loaded machine its goroutine may
	// wait a little, hence the pause (this made the test flaky: « connection
	// reset by peer » one run in a few).
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The listener closes: no new connection while the request is in
	// flight.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections after SIGTERM")
		}
	}
	if _, err := conn.Write(body[half:]); err != nil {
		t.Fatalf("the rest of the body: %v", err)
	}
	conn.SetReadDeadline(time.Now().Add(2 * time.Minute))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to the request in flight: %v\nstderr: %s", err, stderr.String())
	}
	var answer struct {
		Summary struct{ Indexed int } `json:"summary"`
	}
	err = json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusCreated || answer.Summary.Indexed != len(corpus.ft) {
		t.Fatalf("answer to the request in flight: %s %+v %v, want 201 and %d indexed", resp.Status, answer, err, len(corpus.ft))
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("offres serve exited with %v after SIGTERM\n%s", err, stderr.String())
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("offres serve did not exit after SIGTERM")
	}
	out, errOut, err := runBinary(t, "search", "--data", dir, "--json", "--mode", "keyword", "--include-closed", "--log-level", "warn")
	var res offres.Result
	if err == nil {
		err = json.Unmarshal([]byte(out), &res)
	}
	if err != nil || res.Total != len(corpus.ft) {
		t.Fatalf("after the restart: %d offers (%v), want %d\n%s", res.Total, err, len(corpus.ft), errOut)
	}
}

// freeAddr returns a local address with a free port.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitReady waits until the server at addr answers /readyz, or fails the
// test when the process ends first.
func waitReady(t *testing.T, addr string, done <-chan error) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("offres serve ended before it was ready: %v", err)
		default:
		}
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatal("offres serve not ready after a minute")
}
