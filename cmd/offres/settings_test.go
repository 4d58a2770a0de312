package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"offres/internal/demo"
)

func runCmdEnv(t *testing.T, environ map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, env{&out, &errb, func(k string) string { return environ[k] }})
	return out.String(), errb.String(), err
}

// TestConfigFile runs commands configured by a file (--config, then
// OFFRES_CONFIG), with a variable over the file and a flag over the
// variable, and with files that are wrong.
func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	corpus := filepath.Join(dir, "demo.json")
	if err := os.WriteFile(corpus, demo.Offers, 0o644); err != nil {
		t.Fatal(err)
	}
	data, empty := filepath.Join(dir, "data"), filepath.Join(dir, "empty")
	file := filepath.Join(dir, "offres.toml")
	if err := os.WriteFile(file, fmt.Appendf(nil, "# offres\ndata = %q\nlog_level = \"warn\"\n", data), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runCmdEnv(t, nil, "index", "--config", file, "--quiet", corpus); err != nil {
		t.Fatalf("index --config: %v\n%s", err, stderr)
	}
	if _, err := os.Stat(filepath.Join(data, "offers.db")); err != nil {
		t.Fatalf("the data directory of the file was not used: %v", err)
	}
	search := []string{"search", "--mode", "keyword", "--include-closed", "chef de projet digital"}
	for _, tc := range []struct {
		name  string
		env   map[string]string
		flags []string
		found bool
	}{
		{"OFFRES_CONFIG", map[string]string{"OFFRES_CONFIG": file}, nil, true},
		{"variable over file", map[string]string{"OFFRES_CONFIG": file, "OFFRES_DATA": empty}, nil, false},
		{"flag over variable", map[string]string{"OFFRES_CONFIG": file, "OFFRES_DATA": empty}, []string{"--data", data}, true},
	} {
		out, stderr, err := runCmdEnv(t, tc.env, append(append(search[:1:1], tc.flags...), search[1:]...)...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, err, stderr)
		}
		if found := strings.Contains(out, "3134-25-0308/SR"); found != tc.found {
			t.Errorf("%s: found %v, want %v:\n%s", tc.name, found, tc.found, out)
		}
	}

	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("[llm]\nmodel = \"m\"\ntemperature = 3.5\n\n[server]\nadress = \":80\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"search", "--config", bad, "x"}, nil, bad + ":3: llm.temperature: 3.5 is out of [0, 2]\n" + bad + `:6: unknown key "server.adress"`},
		{[]string{"serve"}, map[string]string{"OFFRES_CONFIG": bad}, bad + ":3: llm.temperature: 3.5 is out of [0, 2]\n" + bad + `:6: unknown key "server.adress"`},
		{[]string{"index", "--config", filepath.Join(dir, "missing.toml"), corpus}, nil, "config file: open " + filepath.Join(dir, "missing.toml")},
		{[]string{"serve", "--config", file, "--addr", "nowhere"}, nil, `--addr: server.addr: "nowhere" is not host:port or :port`},
	} {
		_, _, err := runCmdEnv(t, tc.env, tc.args...)
		if !errors.Is(err, errUsage) || exitCode(err) != 2 || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%v: %v, want a usage error %q", tc.args, err, tc.want)
		}
	}
}
