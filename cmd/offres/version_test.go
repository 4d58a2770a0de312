package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestDescribeBuild(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "offres", Version: "v1.2.0"},
		Settings: []debug.BuildSetting{
			{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-11-30T08:00:00Z"}, {Key: "vcs.modified", Value: "true"},
		}}
	want := `offres v1.2.0
revision: 0123456789abcdef0123456789abcdef01234567
time:     2026-11-30T08:00:00Z
modified: true
go:       go1.26.8 linux/arm64
`
	if got := describeBuild(info); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	got := describeBuild(nil)
	if !strings.Contains(got, "revision: unknown") || !strings.Contains(got, "go:       "+runtime.Version()) {
		t.Errorf("without build information:\n%s", got)
	}
}

// TestVersionOfTheBinary runs `offres --version` and `offres version` on a
// binary built in this checkout: the revision is the commit checked out.
func TestVersionOfTheBinary(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		out, stderr, err := runBinary(t, arg)
		if err != nil {
			t.Fatalf("offres %s: %v\n%s", arg, err, stderr)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 5 || !strings.HasPrefix(lines[0], "offres ") || !strings.HasPrefix(lines[4], "go:       go1.") {
			t.Fatalf("offres %s:\n%s", arg, out)
		}
		if binRevision == "" {
			t.Logf("not built in a git checkout:\n%s", out)
			continue
		}
		if lines[1] != "revision: "+binRevision || !strings.HasPrefix(lines[2], "time:     20") ||
			(lines[3] != "modified: true" && lines[3] != "modified: false") {
			t.Errorf("offres %s:\n%s\nwant revision %s, its time, and whether the tree was modified", arg, out, binRevision)
		}
	}
}
