package indexer

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxDocument bounds a source read whole: a web page or a text posting.
const maxDocument = 16 << 20

// readDocument reads a whole source of bounded size. It reports false,
// having emitted a rejected record, when the source is too large or not
// UTF-8.
func (e *emitter) readDocument(r io.Reader) (string, bool, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return "", false, fmt.Errorf("read %s: %w", e.name, err)
	}
	switch {
	case len(b) > maxDocument:
		return "", false, e.rejectf(e.name, "source larger than %d bytes", maxDocument)
	case !utf8.Valid(b):
		return "", false, e.reject(e.name, errInvalidUTF8)
	}
	return string(bytes.TrimPrefix(b, utf8BOM)), true, nil
}

// parseHTML reads the JobPosting JSON-LD blocks of a page; a page without
// any is read as a text posting, from its first <h1>.
func parseHTML(e *emitter, r io.Reader) error {
	doc, ok, err := e.readDocument(r)
	if !ok {
		return err
	}
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil { // elements nested too deep
		return e.rejectf(e.name, "invalid HTML: %v", err)
	}
	postings := 0
	for i, script := range ldScripts(root) {
		node, err := decodeLD([]byte(script))
		if err != nil {
			if err := e.reject(e.pos("script", i+1), reportLDError(err)); err != nil {
				return err
			}
			continue
		}
		if err := e.jobPostings(node, &postings); err != nil {
			return err
		}
	}
	if postings > 0 {
		return nil
	}
	o := parseTextPosting(renderText(root, true))
	return e.offer(e.name, o)
}

// ldScripts returns the contents of the <script type="application/ld+json">
// elements, in document order.
func ldScripts(n *html.Node) []string {
	var out []string
	for d := range n.Descendants() {
		if d.Type != html.ElementNode || d.DataAtom != atom.Script || !isLDType(d) {
			continue
		}
		var b strings.Builder
		for c := range d.ChildNodes() {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
		}
		out = append(out, b.String())
	}
	return out
}

func isLDType(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "type" && strings.Contains(strings.ToLower(a.Val), "ld+json") {
			return true
		}
	}
	return false
}

var (
	htmlTagRE = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9]*[\s/>]`)
	mdLinkRE  = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)
)

// htmlText turns a field that may hold HTML (possibly entity-escaped, as
// "&lt;p&gt;") into text with paragraph breaks; plain text is returned as
// it is.
func htmlText(s string) string {
	if !htmlTagRE.MatchString(s) {
		if !strings.Contains(s, "&lt;") {
			return html.UnescapeString(s)
		}
		s = html.UnescapeString(s)
	}
	root, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return s
	}
	return renderText(root, false)
}

// skippedElements hold no text a reader of the posting wants.
var skippedElements = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Nav: true, atom.Footer: true, atom.Aside: true, atom.Form: true, atom.Button: true,
	atom.Svg: true, atom.Iframe: true, atom.Select: true,
}

// blockBreaks is the number of line ends around block elements: 2 for a
// paragraph break, 1 for a line break.
var blockBreaks = map[atom.Atom]int{
	atom.P: 2, atom.Ul: 2, atom.Ol: 2, atom.Table: 2, atom.Blockquote: 2, atom.Pre: 2, atom.Section: 2,
	atom.Article: 2, atom.Dl: 2, atom.Figure: 2, atom.Hr: 2, atom.Header: 2, atom.Main: 2,
	atom.H1: 2, atom.H2: 2, atom.H3: 2, atom.H4: 2, atom.H5: 2, atom.H6: 2,
	atom.Div: 1, atom.Li: 1, atom.Tr: 1, atom.Dt: 1, atom.Dd: 1, atom.Br: 1, atom.Address: 1,
}

var headingLevels = map[atom.Atom]int{atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6}

// renderText writes the text of an HTML tree with its paragraph breaks and
// list items ("- "). With markdown, headings become "# " lines and the text
// starts at the first <h1> when there is one (what comes before is usually
// the site's banner and menus).
func renderText(root *html.Node, markdown bool) string {
	w := &textWriter{markdown: markdown, started: !markdown || !hasH1(root)}
	w.walk(root)
	return cleanText(w.b.String())
}

func hasH1(root *html.Node) bool {
	for d := range root.Descendants() {
		if d.Type == html.ElementNode && d.DataAtom == atom.H1 {
			return true
		}
	}
	return false
}

type textWriter struct {
	b        strings.Builder
	markdown bool
	started  bool   // false while skipping to the first <h1>
	breaks   int    // line ends owed before the next text
	prefix   string // written before the next text: "- ", "## "
	space    bool   // a space is owed before the next text
}

func (w *textWriter) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
		if skippedElements[n.DataAtom] {
			return
		}
	case html.DocumentNode:
	default:
		return
	}
	breaks := blockBreaks[n.DataAtom]
	w.open(n, breaks)
	for c := range n.ChildNodes() {
		w.walk(c)
	}
	w.lineBreak(breaks)
	if n.DataAtom == atom.Td || n.DataAtom == atom.Th {
		w.space = true
	}
}

func (w *textWriter) open(n *html.Node, breaks int) {
	if n.Type != html.ElementNode {
		return
	}
	if n.DataAtom == atom.H1 {
		w.started = true
	}
	w.lineBreak(breaks)
	switch {
	case n.DataAtom == atom.Li:
		w.prefix = "- "
	case w.markdown && headingLevels[n.DataAtom] > 0:
		w.prefix = strings.Repeat("#", headingLevels[n.DataAtom]) + " "
	}
}

func (w *textWriter) lineBreak(n int) {
	w.breaks = max(w.breaks, n)
}

func (w *textWriter) text(s string) {
	if !w.started {
		return
	}
	words := strings.Fields(s)
	if len(words) == 0 {
		w.space = w.space || s != ""
		return
	}
	if startsWithSpace(s) {
		w.space = true
	}
	switch {
	case w.b.Len() == 0:
	case w.breaks > 0:
		w.b.WriteString(strings.Repeat("\n", w.breaks))
	case w.space:
		w.b.WriteByte(' ')
	}
	w.breaks = 0
	w.b.WriteString(w.prefix)
	w.prefix = ""
	w.b.WriteString(strings.Join(words, " "))
	w.space = startsWithSpace(s[len(s)-1:])
}

func startsWithSpace(s string) bool {
	return s != "" && strings.TrimLeft(s, " \t\r\n\f") != s
}
