package web_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// requireBrowser reports whether a missing browser set-up fails the test
// instead of skipping it: in CI, and wherever OFFRES_REQUIRE_BROWSER=1.
func requireBrowser() bool {
	return os.Getenv("OFFRES_REQUIRE_BROWSER") == "1" || os.Getenv("CI") == "true"
}

// browserTools finds node, Debian's chromium and the npm packages of
// web/test; it skips the test (or fails it, see requireBrowser) with what
// is missing.
func browserTools(t *testing.T) (node, chromium string) {
	t.Helper()
	var missing []string
	node, err := exec.LookPath("node")
	if err != nil {
		missing = append(missing, "node (Debian's nodejs)")
	}
	chromium = os.Getenv("OFFRES_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, "chromium at "+chromium+" (apt-get install chromium)")
	}
	for _, pkg := range []string{"playwright-core", "axe-core"} {
		if _, err := os.Stat(filepath.Join("test", "node_modules", pkg, "package.json")); err != nil {
			missing = append(missing, pkg+" in web/test/node_modules (npm ci --prefix web/test)")
		}
	}
	if len(missing) > 0 {
		msg := "browser tests need " + strings.Join(missing, ", ") + "; scripts/browser-setup.sh installs them"
		if requireBrowser() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node, chromium
}

// TestBrowser runs the widget's browser tests (test/widget.test.mjs) in
// headless Chromium against a real offres server: the binary built from
// ./cmd/offres, serving the demo corpus with the extractive assistant. The
// screenshots and latency.json go to OFFRES_BROWSER_OUT, or to the test's
// artifact directory (kept with go test -artifacts).
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	node, chromium := browserTools(t)
	out := os.Getenv("OFFRES_BROWSER_OUT")
	if out == "" {
		out = t.ArtifactDir()
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	bin := filepath.Join(t.TempDir(), "offres")
	build := exec.CommandContext(ctx, goTool(), "build", "-o", bin, "./cmd/offres")
	build.Dir = ".."
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/offres: %v\n%s", err, b)
	}

	addr := freeAddr(t)
	token := randomToken(t)
	base := "http://" + addr
	// Another portal, on another origin, embeds the widget with its two lines.
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, portalPage, base)
	}))
	defer portal.Close()
	srv := exec.CommandContext(ctx, bin, "demo", "--addr", addr, "--data", t.TempDir(), "--log-level", "warn")
	srv.Env = append(cleanEnv(), "OFFRES_ADMIN_TOKEN="+token, "OFFRES_CORS_ORIGINS="+portal.URL)
	var srvLog strings.Builder
	srv.Stdout, srv.Stderr = &srvLog, &srvLog
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			srv.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("server output:\n%s", srvLog.String())
		}
	}()
	waitReady(t, base+"/readyz", 90*time.Second)

	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", "widget.test.mjs")
	cmd.Dir = "test"
	cmd.Env = append(os.Environ(),
		"OFFRES_URL="+base,
		"OFFRES_PORTAL_URL="+portal.URL,
		"OFFRES_ADMIN_TOKEN="+token,
		"OFFRES_BROWSER_OUT="+out,
		"OFFRES_CHROMIUM="+chromium,
	)
	start := time.Now()
	b, err := cmd.CombinedOutput()
	t.Logf("node --test widget.test.mjs (%s):\n%s", time.Since(start).Round(time.Millisecond), b)
	if err != nil {
		t.Fatalf("browser tests failed: %v", err)
	}
	if lat, err := os.ReadFile(filepath.Join(out, "latency.json")); err == nil {
		t.Logf("keystroke-to-results (%s):\n%s", filepath.Join(out, "latency.json"), firstLines(string(lat), 9))
	}
	shots, _ := filepath.Glob(filepath.Join(out, "*.png"))
	if len(shots) < 11 {
		t.Errorf("%d screenshots in %s, want one per state (13)", len(shots), out)
	}
	t.Logf("screenshots: %s", out)
}

// portalPage is a portal of another origin that embeds the widget in
// English, five results a page (%s: the offres server).
const portalPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Another portal</title>
<script src="%[1]s/widget.js" defer></script></head>
<body><main><h1>Jobs in the South Province</h1>
<offres-search lang="en" page-size="5"></offres-search>
</main></body></html>
`

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// cleanEnv is the environment without the server's OFFRES_* settings, so a
// developer's configuration (a database, a model) does not leak into the
// server under test.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OFFRES_") {
			env = append(env, kv)
		}
	}
	return env
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func randomToken(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func waitReady(t *testing.T, url string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var last string
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("server not ready at %s after %s: %s", url, within, last)
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("… (%d more lines)", strings.Count(s, "\n")-n))
	}
	return strings.Join(lines, "\n")
}
