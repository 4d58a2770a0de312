package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"offres/internal/config"
)

// TestDemoPortal: `offres demo` serves the portal page at /, accepts the
// widget's events, answers the allowed origin's preflight, and leaves the
// analytics snapshot in its data directory when it stops.
func TestDemoPortal(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	data := t.TempDir()
	getenv := func(k string) string {
		return map[string]string{"OFFRES_CORS_ORIGINS": "https://emploi.province-sud.nc/, https://*.example.nc",
			"OFFRES_ADMIN_TOKEN": "portal-admin-token-of-32-characters", "OFFRES_EVENTS_PER_MINUTE": "1"}[k]
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", addr, "--data", data, "--log-level", "warn"}, env{io.Discard, io.Discard, getenv})
	}()
	base := "http://" + addr
	var page []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(base + "/")
		if err != nil {
			continue
		}
		page, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			break
		}
	}
	if !bytes.Contains(page, []byte("<offres-search")) {
		t.Fatalf("/ answered %.200s", page)
	}
	resp, err := http.Post(base+"/api/v1/events", "application/json",
		strings.NewReader(`{"events":[{"type":"search","query":"infirmier","results":3}]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 {
		t.Errorf("events: %d", resp.StatusCode)
	}
	// limits.events_per_minute reaches the API: the second request is one too many.
	resp, err = http.Post(base+"/api/v1/events", "application/json", strings.NewReader(`{"events":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 {
		t.Errorf("events past OFFRES_EVENTS_PER_MINUTE: %d", resp.StatusCode)
	}
	// The metrics, for the admin token.
	req, _ := http.NewRequest("GET", base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer portal-admin-token-of-32-characters")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	metricsText, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`offres_index_size{kind="offers"} 72`, `offres_http_request_duration_seconds_count{code="202",method="POST",route="/api/v1/events"} 1`} {
		if resp.StatusCode != 200 || !bytes.Contains(metricsText, []byte(want)) {
			t.Errorf("/metrics: %d, lacks %s", resp.StatusCode, want)
		}
	}
	req, _ = http.NewRequest("OPTIONS", base+"/api/v1/events", nil)
	req.Header.Set("Origin", "https://emploi.province-sud.nc")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://emploi.province-sud.nc" {
		t.Errorf("preflight: Allow-Origin %q", got)
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
	b, err := os.ReadFile(filepath.Join(data, "analytics.json"))
	if err != nil || !bytes.Contains(b, []byte(`"infirmier"`)) {
		t.Errorf("analytics snapshot at stop: %v %s", err, b)
	}
}

func TestCORSOriginsFlag(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"", "[]", true},
		{"https://a.nc", "[https://a.nc]", true},
		{" https://a.nc/ , http://localhost:3000 ", "[https://a.nc http://localhost:3000]", true},
		{"*", "[*]", true},
		{"a.nc", "", false},
		{"https://a.nc/emploi", "", false},
	} {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		flags := config.BindFlags(fs, "server.cors_origins")
		if err := fs.Parse([]string{"--cors-origins", tc.in}); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(config.Source{Flags: flags})
		if err != nil {
			t.Fatal(err)
		}
		got, err := corsOrigins(cfg)
		if (err == nil) != tc.ok {
			t.Errorf("corsOrigins(%q): %v", tc.in, err)
			continue
		}
		if err != nil {
			if !errors.Is(err, errUsage) || !strings.HasPrefix(err.Error(), "--cors-origins: server.cors_origins: ") {
				t.Errorf("corsOrigins(%q): %v is not a usage error naming the flag and the setting", tc.in, err)
			}
			continue
		}
		if fmt.Sprint(got) != tc.want && !(tc.want == "[]" && got == nil) {
			t.Errorf("corsOrigins(%q) = %v, want %s", tc.in, got, tc.want)
		}
	}
	if _, _, err := runCmd(t, "serve", "--cors-origins", "pas-une-origine"); !errors.Is(err, errUsage) {
		t.Errorf("serve with a bad origin: %v", err)
	}
}
