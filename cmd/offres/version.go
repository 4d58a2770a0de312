package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// describeBuild describes the build of the binary from its build
// information (nil when there is none): the module's version, the
// version-control revision, its time and whether the tree had local
// changes, and the Go toolchain.
func describeBuild(info *debug.BuildInfo) string {
	version, goVersion := "unknown", runtime.Version()
	settings := map[string]string{}
	if info != nil {
		version, goVersion = info.Main.Version, info.GoVersion
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
	}
	or := func(key, def string) string {
		if v := settings[key]; v != "" {
			return v
		}
		return def
	}
	var b strings.Builder
	fmt.Fprintf(&b, "offres %s\n", version)
	fmt.Fprintf(&b, "revision: %s\n", or("vcs.revision", "unknown (built without version control information)"))
	fmt.Fprintf(&b, "time:     %s\n", or("vcs.time", "unknown"))
	fmt.Fprintf(&b, "modified: %s\n", or("vcs.modified", "unknown"))
	fmt.Fprintf(&b, "go:       %s %s/%s\n", goVersion, or("GOOS", runtime.GOOS), or("GOARCH", runtime.GOARCH))
	return b.String()
}
