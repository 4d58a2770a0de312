package web_test

import (
	"io/fs"
	"strings"
	"testing"

	"offres/web"
)

// The pages' scripts never turn text from the network into HTML: every
// string is rendered with textContent, and highlights are rebuilt from their
// <mark> tags (widget.js, highlight()).
func TestScriptsBuildNoHTML(t *testing.T) {
	for _, name := range []string{"widget.js", "analytics.js"} {
		b, err := fs.ReadFile(web.Assets, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute('on"} {
			if strings.Contains(string(b), sink) {
				t.Errorf("%s uses %s", name, sink)
			}
		}
	}
}

// The pages load no inline script or style: they run under a CSP of
// 'self' only.
func TestPagesHaveNoInlineCode(t *testing.T) {
	for _, name := range []string{"index.html", "analytics.html"} {
		b, err := fs.ReadFile(web.Assets, name)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if strings.Contains(s, "<style") || strings.Contains(s, " style=") || strings.Contains(s, " onclick=") {
			t.Errorf("%s has inline style or handlers", name)
		}
		for _, tag := range strings.Split(s, "<script")[1:] {
			if !strings.HasPrefix(strings.TrimSpace(tag), "src=") {
				t.Errorf("%s has an inline script: <script%s", name, tag[:min(len(tag), 60)])
			}
		}
		if !strings.Contains(s, `<html lang="fr">`) {
			t.Errorf("%s does not declare French", name)
		}
	}
}
