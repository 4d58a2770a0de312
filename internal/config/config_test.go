package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

const example = "../../docs/offres.example.toml"

// TestEverySettingNamedAndDocumented walks the settings: each has a key in
// the file, its own environment variable and a documentation, in Config
// and in the example file.
func TestEverySettingNamedAndDocumented(t *testing.T) {
	doc, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := keyLines(uncomment(doc))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, s := range Settings() {
		if s.Key == "" || strings.HasSuffix(s.Key, ".") || s.Doc == "" || !strings.HasPrefix(s.Env, "OFFRES_") {
			t.Errorf("setting %+v: want a key, a documentation and an OFFRES_ variable", s)
		}
		for _, name := range []string{"key " + s.Key, "env " + s.Env, "flag " + s.Flag} {
			if name == "flag " {
				continue
			}
			if other, dup := seen[name]; dup {
				t.Errorf("%s names both %s and %s", name, other, s.Key)
			}
			seen[name] = s.Key
		}
		if _, ok := lines[s.Key]; !ok {
			t.Errorf("%s: not in %s", s.Key, example)
		}
		if !regexp.MustCompile(`\b` + s.Env + `\b`).Match(doc) {
			t.Errorf("%s: %s not named in %s", s.Key, s.Env, example)
		}
	}
	for key := range lines {
		if _, ok := lookup(key); !ok {
			t.Errorf("%s: %s is no setting", example, key)
		}
	}
}

// uncomment turns the example's commented-out settings ("# key = value")
// into settings.
func uncomment(doc []byte) []byte {
	return regexp.MustCompile(`(?m)^# ([a-z_]+ = )`).ReplaceAll(doc, []byte("$1"))
}

// TestExampleIsValid decodes and validates the example file, as it is and
// with every setting it shows uncommented.
func TestExampleIsValid(t *testing.T) {
	l, err := Load(Source{File: example})
	if err != nil {
		t.Fatalf("%s: %v", example, err)
	}
	if l.Data != "/var/lib/offres" || l.Origin("data") != example+":18" {
		t.Errorf("data = %q from %s", l.Data, l.Origin("data"))
	}
	doc, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	all := writeFile(t, "all.toml", string(uncomment(doc)), 0o600)
	l, err = Load(Source{File: all})
	if err != nil {
		t.Fatalf("%s uncommented: %v", example, err)
	}
	for _, s := range Settings() {
		if !l.IsSet(s.Key) {
			t.Errorf("%s: not set by the uncommented example", s.Key)
		}
	}
	if l.LLM.Timeout.Duration != time.Minute || !slices.Equal(l.Server.TrustedProxies, []string{"10.0.0.0/8", "127.0.0.1"}) {
		t.Errorf("decoded %+v", l.Config)
	}
}

func writeFile(t *testing.T, name, text string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestPrecedence: flag over environment over file over default, and the
// origin of each value.
func TestPrecedence(t *testing.T) {
	file := writeFile(t, "offres.toml", "data = \"/from/file\"\n[server]\naddr = \":1\"\n[llm]\nmax_tokens = 100\n", 0o600)
	env := map[string]string{"OFFRES_DATA": "/from/env", "OFFRES_ADDR": ":2"}
	for _, tc := range []struct {
		name  string
		file  string
		env   map[string]string
		args  []string
		data  string
		where string
		addr  string
	}{
		{"default", "", nil, nil, "./data", "default", ":8080"},
		{"file", file, nil, nil, "/from/file", file + ":1", ":1"},
		{"environment", file, env, nil, "/from/env", "OFFRES_DATA", ":2"},
		{"flag", file, env, []string{"--data", "/from/flag"}, "/from/flag", "--data", ":2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			flags := BindFlags(fs, "data", "server.addr")
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			l, err := Load(Source{File: tc.file, Getenv: envOf(tc.env), Flags: flags})
			if err != nil {
				t.Fatal(err)
			}
			if l.Data != tc.data || l.Origin("data") != tc.where || l.Server.Addr != tc.addr {
				t.Errorf("data %q from %s, addr %q; want %q from %s, %q", l.Data, l.Origin("data"), l.Server.Addr, tc.data, tc.where, tc.addr)
			}
			if tc.file != "" && (l.LLM.MaxTokens != 100 || l.Origin("llm.max_tokens") != file+":5") {
				t.Errorf("llm.max_tokens %d from %s", l.LLM.MaxTokens, l.Origin("llm.max_tokens"))
			}
		})
	}
}

// TestErrorsNameTheSetting checks that every error names the setting and
// where its value came from: the file and line, the variable or the flag.
func TestErrorsNameTheSetting(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		env  map[string]string
		args []string
		want []string
	}{
		{name: "out of range", file: "[server]\naddr = \":80\"\n\n[llm]\nmodel = \"m\"\ntemperature = 3.5\n",
			want: []string{"offres.toml:6: llm.temperature: 3.5 is out of [0, 2]"}},
		{name: "unknown key", file: "data = \"/d\"\n\n[server]\nadress = \":80\"\n",
			want: []string{`offres.toml:4: unknown key "server.adress"`}},
		{name: "misspelt key", file: "log_levle = \"warn\"\n[llm]\nmodle = \"m\"\n",
			want: []string{`offres.toml:1: unknown key "log_levle" (did you mean "log_level"?)`, `offres.toml:3: unknown key "llm.modle" (did you mean "llm.model"?)`}},
		{name: "unknown table", file: "[lm]\nmodel = \"m\"\n",
			want: []string{`offres.toml:1: unknown key "lm"`}},
		{name: "dotted and inline keys", file: "llm.max_tokens = 99999\nserver = { addr = \"nowhere\" }\n",
			want: []string{"offres.toml:1: llm.max_tokens: 99999 is out of [0, 16384]", `offres.toml:2: server.addr: "nowhere" is not host:port or :port`}},
		{name: "wrong type", file: "\n[hnsw]\nm = \"many\"\n",
			want: []string{"offres.toml:3: hnsw.m: want an integer"}},
		{name: "not a duration", file: "[server]\nshutdown_timeout = \"soon\"\n",
			want: []string{"offres.toml:2: server.shutdown_timeout:"}},
		{name: "a number for a duration", file: "[server]\n\nshutdown_timeout = 30\n",
			want: []string{`offres.toml:3: server.shutdown_timeout: 30: want a duration such as "30s"`}},
		{name: "a value for a table", file: "data = \"/d\"\nllm = \"gpt\"\n",
			want: []string{"offres.toml:2: llm: want a table: [llm]"}},
		{name: "syntax", file: "data = \"/d\"\nlog_level = \n",
			want: []string{"offres.toml:2: "}},
		{name: "several", file: "log_level = \"loud\"\n[hnsw]\nm = 8\nef_construction = 10\n[server]\ntrusted_proxies = [\"10.0.0.0/8\", \"proxy.local\"]\n",
			want: []string{`offres.toml:1: log_level: "loud" is not debug, info, warn or error`,
				"offres.toml:4: hnsw.ef_construction: 10 is less than 2 × hnsw.m (16)",
				`offres.toml:6: server.trusted_proxies: "proxy.local" is neither an IP address nor a CIDR range`}},
		{name: "unknown key and bad value", file: "[llm]\nmodel = \"m\"\ntemperature = 3.5\n[server]\nadress = \":1\"\n",
			want: []string{"offres.toml:3: llm.temperature: 3.5 is out of [0, 2]", `offres.toml:5: unknown key "server.adress"`}},
		{name: "environment", env: map[string]string{"OFFRES_HNSW_M": "x"},
			want: []string{`OFFRES_HNSW_M: hnsw.m: "x" is not an integer`}},
		{name: "environment values", env: map[string]string{"OFFRES_LLM_TIMEOUT": "-1s", "OFFRES_RRF_K": "0", "OFFRES_EMBED_BASE_URL": "ftp://x"},
			want: []string{"OFFRES_RRF_K: search.rrf_k: 0: want a positive number", "OFFRES_LLM_TIMEOUT: llm.timeout: -1s is negative",
				`OFFRES_EMBED_BASE_URL: embed.base_url: "ftp://x": want an http or https URL`}},
		{name: "flag", args: []string{"--log-level", "loud"},
			want: []string{`--log-level: log_level: "loud" is not debug, info, warn or error`}},
		{name: "flag over a bad variable", env: map[string]string{"OFFRES_LOG_LEVEL": "loud"}, args: []string{"--log-level", "warn"}},
		// Finding 7 of issue 13: a short admin token is refused at start-up.
		{name: "short admin token", env: map[string]string{"OFFRES_ADMIN_TOKEN": "s3cret-admin-token"},
			want: []string{"OFFRES_ADMIN_TOKEN: server.admin_token: is 18 characters long: want at least 32"}},
		{name: "admin token long enough", env: map[string]string{"OFFRES_ADMIN_TOKEN": "0123456789abcdef0123456789abcdef"}},
		// Issue 17: the public address of the offer pages, the sitemap and the feeds.
		{name: "public url", file: "[server]\npublic_url = \"emploi.province-sud.nc\"\n",
			want: []string{`offres.toml:2: server.public_url: "emploi.province-sud.nc" is not an http:// or https:// URL`}},
		{name: "public url with a query", env: map[string]string{"OFFRES_PUBLIC_URL": "https://emploi.province-sud.nc/?x=1"},
			want: []string{`OFFRES_PUBLIC_URL: server.public_url: "https://emploi.province-sud.nc/?x=1": want scheme, host and at most a path, no query, fragment or user`}},
		{name: "public url behind a path", env: map[string]string{"OFFRES_PUBLIC_URL": "https://www.province-sud.nc/emploi"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var file, dir string
			if tc.file != "" {
				file = writeFile(t, "offres.toml", tc.file, 0o600)
				dir = filepath.Dir(file) + string(filepath.Separator)
			}
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			flags := BindFlags(fs, "data", "log_level")
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			_, err := Load(Source{File: file, Getenv: envOf(tc.env), Flags: flags})
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load: no error, want %q", tc.want)
			}
			var got []string
			for _, line := range strings.Split(err.Error(), "\n") {
				got = append(got, strings.TrimPrefix(line, dir))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("error %d: %q, want %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestSecretsInAReadableFile: a file that holds a secret and is readable by
// others is warned about; a private one is not.
func TestSecretsInAReadableFile(t *testing.T) {
	text := "[server]\nadmin_token = \"a-long-admin-secret-of-32-chars!\"\n"
	for mode, warned := range map[os.FileMode]bool{0o644: true, 0o600: false} {
		l, err := Load(Source{File: writeFile(t, "offres.toml", text, mode)})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(l.Warnings) > 0 && strings.Contains(l.Warnings[0], "server.admin_token"); got != warned {
			t.Errorf("mode %v: warnings %q", mode, l.Warnings)
		}
		if strings.Contains(l.String(), "a-long-admin-secret-of-32-chars!") {
			t.Errorf("String shows the secret: %s", l.String())
		}
	}
}

// TestFlagsShowDefaults: the help of a flag names its variable and its key,
// and shows its default.
func TestFlagsShowDefaults(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	BindFlags(fs, "data", "server.addr", "server.cors_origins")
	f := fs.Lookup("addr")
	if f == nil || f.DefValue != ":8080" || !strings.Contains(f.Usage, "OFFRES_ADDR, server.addr in the config file") {
		t.Fatalf("--addr: %+v", f)
	}
	if err := fs.Parse([]string{"--cors-origins", "https://a.nc, https://b.nc"}); err != nil {
		t.Fatal(err)
	}
}
