// Package web holds the portal's files, embedded in the binary: the
// <offres-search> widget (static/widget.js), the demo portal page that
// embeds it as a portal would (static/index.html), the search analytics page
// (static/analytics.html) and their assets. The api package serves them; the
// browser tests of the widget (browser_test.go, test/) drive them in
// headless Chromium against a real offres server.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// Assets are the portal's files, by name: index.html, analytics.html,
// widget.js and the assets of the pages.
var Assets fs.FS = mustSub(files, "static")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // dir is a constant that exists: a build mistake
	}
	return sub
}
