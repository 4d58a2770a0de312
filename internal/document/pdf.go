package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"

	"offres/internal/offres"
)

// Bounds of the work on one PDF, beside those of Limits.
const (
	maxPDFOps          = 5_000_000 // content stream operators, forms included
	maxPDFReadBytes    = 512 << 20 // bytes the library may read from the file, re-reads included
	maxPDFForms        = 1000      // form XObjects drawn
	maxPDFFormDepth    = 8         // forms drawn inside forms
	maxPDFFontsInScope = 256       // fonts of one page or form
	maxPDFSavedStates  = 64        // q without Q
	maxCMapBytes       = 4 << 20   // one ToUnicode map, decompressed
	maxCMapEntries     = 1 << 17   // codes of one ToUnicode map
	maxDocCMapEntries  = 1 << 20   // codes of all distinct ToUnicode maps
)

// Line layout: how far apart (in font sizes) two pieces of text are for
// a word gap, a line break, a paragraph break.
const (
	wordGap      = 0.15 // horizontal gap, on one line, that is a space
	sameLine     = 0.5  // vertical offset under which two pieces share a line
	paragraphGap = 1.45 // vertical distance from one baseline to the next beyond which a paragraph ends
	sizeChange   = 0.2  // relative change of font size that ends a paragraph (headings)
)

// extractPDF returns the text of a PDF, its number of pages, and whether
// the text was cut at the limit.
//
// github.com/ledongthuc/pdf (a maintained fork of rsc.io/pdf, pure Go)
// parses the file: cross-references, objects, stream filters, decryption
// with an empty user password, the standard encodings. The rest is here,
// because the library's own text functions lose paragraph breaks, trust
// counts written in the file and walk the page tree without a bound: the
// page tree walk (bounded), the interpretation of content streams and
// forms (text state, positions, so that word gaps, line and paragraph
// breaks come from the layout), fonts' ToUnicode maps and widths. Around
// the library: checkPDFStructure before it, a reader that stops it at
// the deadline or past a read budget, a measure of every stream before it
// is interpreted, and recover() for its panics.
func extractPDF(ctx context.Context, data []byte, l Limits) (text string, pages int, truncated bool, err error) {
	data = preparePDF(data)
	if checkPDFStructure(data) != nil {
		return "", 0, false, errTooComplex
	}
	deadline, ok := ctx.Deadline() // Extract always sets one
	if !ok {
		deadline = time.Now().Add(l.Timeout)
	}
	guard := &guardedReader{data: data, deadline: deadline, left: maxPDFReadBytes}
	r := &pdfReader{
		lim:        l,
		guard:      guard,
		streamLeft: l.MaxPDFStreamBytes,
		cap:        l.rawCap(),
		cmaps:      map[uint64]*toUnicode{},
	}
	defer func() {
		if v := recover(); v != nil {
			text, pages, truncated, err = r.recovered(v)
		}
	}()
	doc, err := pdf.NewReader(guard, int64(len(data)))
	if err != nil {
		return "", 0, false, r.openError(err)
	}
	list, err := r.pages(doc.Trailer().Key("Root").Key("Pages"))
	if err != nil {
		return "", 0, false, err
	}
	if len(list) == 0 {
		return "", 0, false, errDamagedPDF
	}
	r.npages = len(list)
	failed := 0
	for _, p := range list {
		if r.page(p) != nil {
			failed++
		}
		if guard.stopped {
			return "", 0, false, errTooComplex
		}
	}
	text = r.out.String()
	if failed > 0 && strings.TrimSpace(text) == "" {
		return "", 0, false, errDamagedPDF
	}
	return text, len(list), false, nil
}

// recovered turns a panic out of the reading into a result.
func (r *pdfReader) recovered(v any) (string, int, bool, error) {
	if s, ok := v.(errStop); ok {
		if errors.Is(s.err, errTextFull) {
			return r.out.String(), r.npages, true, nil
		}
		return "", 0, false, errTooComplex
	}
	if r.guard.stopped {
		return "", 0, false, errTooComplex
	}
	return "", 0, false, errDamagedPDF
}

func (r *pdfReader) openError(err error) error {
	switch {
	case r.guard.stopped:
		return errTooComplex
	case errors.Is(err, pdf.ErrInvalidPassword):
		return offres.Invalidf("le PDF est protégé par un mot de passe : enregistrez-le sans mot de passe, ou envoyez un DOCX ou un TXT")
	case strings.Contains(err.Error(), "encryption"): // AES-256 (V=5), unknown filters
		return offres.Invalidf("le PDF est chiffré d'une manière non prise en charge : enregistrez-le sans protection, ou envoyez un DOCX ou un TXT")
	}
	return errDamagedPDF
}

// preparePDF lets the library open what PDF readers open: it cuts what
// follows the last %%EOF, and rewrites a header that is not at the start,
// or of version 2.0, as "%PDF-1.7" (the library knows versions 1.0 to 1.7
// only; the syntax it reads is the same). Offsets are left unchanged.
func preparePDF(data []byte) []byte {
	i := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-"))
	if j := bytes.LastIndex(data, []byte("%%EOF")); j >= 0 {
		data = data[:j+5]
	}
	if len(data) < 9 || i < 0 {
		return data
	}
	ok := i == 0 && data[5] == '1' && data[6] == '.' && data[7] >= '0' && data[7] <= '7' && (data[8] == '\r' || data[8] == '\n')
	if ok {
		return data
	}
	out := bytes.Clone(data)
	copy(out, "%PDF-1.7\n")
	for k := 9; k < i; k++ {
		out[k] = ' '
	}
	return out
}

var errReadStopped = errors.New("pdf reading stopped: deadline or read budget")

// guardedReader is the io.ReaderAt the library reads the file through:
// past the deadline or the read budget, every read fails, so that every
// loop of the library that reads (as its loops over a cyclic /Prev chain
// or object stream /Extends do) ends.
type guardedReader struct {
	data     []byte
	deadline time.Time
	left     int64
	stopped  bool
}

func (g *guardedReader) ReadAt(p []byte, off int64) (int, error) {
	if g.stopped || g.left < 0 || time.Now().After(g.deadline) {
		g.stopped = true
		return 0, errReadStopped
	}
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(g.data)) {
		return 0, io.EOF
	}
	n := copy(p, g.data[off:])
	g.left -= int64(n)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// pdfReader holds the state of the reading of one PDF.
type pdfReader struct {
	lim         Limits
	guard       *guardedReader
	streamLeft  int64 // decompressed stream bytes that may still be read
	cap         int   // raw text bytes to gather at most
	ops         int
	forms       int
	cmaps       map[uint64]*toUnicode // by hash of the map's bytes
	cmapEntries int
	npages      int
	out         strings.Builder

	// Where the last piece of text written on the current page ended.
	have                   bool
	lastX, lastY, lastSize float64
}

type pdfPage struct{ v, res pdf.Value }

// pages walks the page tree from root, passing inherited resources down;
// it refuses more than MaxPages pages and bounds the nodes it visits, so
// that a cyclic tree ends.
func (r *pdfReader) pages(root pdf.Value) ([]pdfPage, error) {
	var out []pdfPage
	nodes := 0
	var walk func(n, res pdf.Value, depth int) error
	walk = func(n, res pdf.Value, depth int) error {
		if nodes++; nodes > 4*r.lim.MaxPages+64 {
			return errTooComplex
		}
		if n.Kind() != pdf.Dict {
			return nil
		}
		if v := n.Key("Resources"); v.Kind() == pdf.Dict {
			res = v
		}
		if kids := n.Key("Kids"); n.Key("Type").Name() != "Page" && kids.Kind() == pdf.Array {
			if depth >= 32 {
				return errDamagedPDF
			}
			for i := 0; i < kids.Len(); i++ {
				if err := walk(kids.Index(i), res, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		out = append(out, pdfPage{n, res})
		if len(out) > r.lim.MaxPages {
			return offres.Invalidf("le PDF a trop de pages (%d au plus)", r.lim.MaxPages)
		}
		return nil
	}
	err := walk(root, pdf.Value{}, 0)
	return out, err
}

// scope is a page's or a form's resources, with the fonts read from them.
type scope struct {
	res   pdf.Value
	fonts map[string]*pdfFont
}

// gstate is the part of the graphics state that places text.
type gstate struct {
	ctm                  matrix
	font                 *pdfFont
	size                 float64 // Tf
	charSpace, wordSpace float64 // Tc, Tw
	scale                float64 // Tz, as a ratio
	leading, rise        float64 // TL, Ts
}

// page writes the text of one page. A panic of the library is this page's
// error (the text written before it stays); errStop goes on up.
func (r *pdfReader) page(p pdfPage) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(errStop); ok {
				panic(v)
			}
			err = fmt.Errorf("page: %v", v)
		}
	}()
	r.have = false
	sc := &scope{res: p.res, fonts: map[string]*pdfFont{}}
	r.run(p.v.Key("Contents"), sc, gstate{ctm: identity, scale: 1, font: fallbackFont}, 0)
	return nil
}

// run interprets a content stream (or an array of them) for its text.
func (r *pdfReader) run(strm pdf.Value, sc *scope, g gstate, depth int) {
	if strm.Kind() != pdf.Stream && strm.Kind() != pdf.Array {
		return
	}
	r.measure(strm)
	var saved []gstate
	tm, tlm := identity, identity
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		r.tick()
		args := popAll(stk)
		n := len(args)
		num := func(i int) float64 { return args[n-i].Float64() } // i-th operand from the end
		switch op {
		case "q":
			if len(saved) < maxPDFSavedStates {
				saved = append(saved, g)
			}
		case "Q":
			if k := len(saved); k > 0 {
				g, saved = saved[k-1], saved[:k-1]
			}
		case "cm":
			if n >= 6 {
				g.ctm = matrixOf(args[n-6:]).mul(g.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
		case "Tf":
			if n >= 2 {
				g.font, g.size = r.font(sc, args[n-2].Name()), num(1)
			}
		case "Tc", "Tw", "Tz", "TL", "Ts":
			if n >= 1 {
				switch v := num(1); op {
				case "Tc":
					g.charSpace = v
				case "Tw":
					g.wordSpace = v
				case "Tz":
					g.scale = v / 100
				case "TL":
					g.leading = v
				case "Ts":
					g.rise = v
				}
			}
		case "Td", "TD":
			if n >= 2 {
				if op == "TD" {
					g.leading = -num(1)
				}
				tlm = translate(num(2), num(1)).mul(tlm)
				tm = tlm
			}
		case "Tm":
			if n >= 6 {
				tlm = matrixOf(args[n-6:])
				tm = tlm
			}
		case "T*":
			tlm = translate(0, -g.leading).mul(tlm)
			tm = tlm
		case "Tj":
			if n >= 1 {
				r.show(&g, &tm, args[n-1].RawString())
			}
		case "'", "\"":
			if op == "\"" && n >= 3 {
				g.wordSpace, g.charSpace = num(3), num(2)
			}
			tlm = translate(0, -g.leading).mul(tlm)
			tm = tlm
			if n >= 1 {
				r.show(&g, &tm, args[n-1].RawString())
			}
		case "TJ":
			if n >= 1 {
				a := args[n-1]
				for i := 0; i < a.Len(); i++ {
					switch e := a.Index(i); e.Kind() {
					case pdf.String:
						r.show(&g, &tm, e.RawString())
					case pdf.Integer, pdf.Real:
						tm = translate(-e.Float64()/1000*g.size*g.scale, 0).mul(tm)
					}
				}
			}
		case "Do":
			if n >= 1 {
				r.form(sc, args[n-1].Name(), g, depth)
			}
		}
	})
}

// tick counts one operator and stops the reading past maxPDFOps or the
// deadline.
func (r *pdfReader) tick() {
	r.ops++
	if r.ops > maxPDFOps || r.ops&15 == 0 && time.Now().After(r.guard.deadline) {
		panic(errStop{errTooComplex})
	}
}

func popAll(stk *pdf.Stack) []pdf.Value {
	args := make([]pdf.Value, stk.Len())
	for i := len(args) - 1; i >= 0; i-- {
		args[i] = stk.Pop()
	}
	return args
}

// measure decompresses a stream before it is interpreted, to charge it to
// the stream budget: a small compressed stream can expand a thousandfold,
// and the library would parse it whole.
func (r *pdfReader) measure(strm pdf.Value) {
	parts := []pdf.Value{strm}
	if strm.Kind() == pdf.Array {
		parts = parts[:0]
		for i := 0; i < strm.Len(); i++ {
			parts = append(parts, strm.Index(i))
		}
	}
	for _, p := range parts {
		rc := p.Reader()
		n, _ := io.Copy(io.Discard, io.LimitReader(rc, r.streamLeft+1))
		rc.Close()
		if r.streamLeft -= n; r.streamLeft < 0 {
			panic(errStop{errTooComplex})
		}
	}
}

// form interprets the form XObject name of the scope, if it is one.
func (r *pdfReader) form(sc *scope, name string, g gstate, depth int) {
	if depth >= maxPDFFormDepth || r.forms >= maxPDFForms {
		return
	}
	xo := sc.res.Key("XObject").Key(name)
	if xo.Kind() != pdf.Stream || xo.Key("Subtype").Name() != "Form" {
		return
	}
	r.forms++
	if m := xo.Key("Matrix"); m.Len() == 6 {
		vals := make([]pdf.Value, 6)
		for i := range vals {
			vals[i] = m.Index(i)
		}
		g.ctm = matrixOf(vals).mul(g.ctm)
	}
	inner := sc
	if res := xo.Key("Resources"); res.Kind() == pdf.Dict {
		inner = &scope{res: res, fonts: map[string]*pdfFont{}}
	}
	r.run(xo, inner, g, depth+1)
}

// font returns the font name of the scope, read once.
func (r *pdfReader) font(sc *scope, name string) (f *pdfFont) {
	if f, ok := sc.fonts[name]; ok {
		return f
	}
	if len(sc.fonts) >= maxPDFFontsInScope {
		return fallbackFont
	}
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(errStop); ok {
				panic(v)
			}
			f = fallbackFont // a font the library cannot read: keep the page
		}
		sc.fonts[name] = f
	}()
	return r.loadFont(sc.res.Key("Font").Key(name))
}

// toUnicode reads a font's ToUnicode map, parsed once per distinct map.
func (r *pdfReader) toUnicode(tu pdf.Value) *toUnicode {
	rc := tu.Reader()
	data, _ := io.ReadAll(io.LimitReader(rc, min(maxCMapBytes, r.streamLeft)+1))
	rc.Close()
	if r.streamLeft -= int64(len(data)); r.streamLeft < 0 {
		panic(errStop{errTooComplex})
	}
	if len(data) > maxCMapBytes {
		return nil
	}
	h := fnv.New64a()
	h.Write(data)
	key := h.Sum64()
	if m, ok := r.cmaps[key]; ok {
		return m
	}
	m := parseToUnicode(data, maxCMapEntries)
	if m != nil {
		if r.cmapEntries += len(m.text); r.cmapEntries > maxDocCMapEntries {
			panic(errStop{errTooComplex})
		}
	}
	r.cmaps[key] = m
	return m
}

// show writes the text of one string shown with the current font, and
// moves the text matrix past it.
func (r *pdfReader) show(g *gstate, tm *matrix, raw string) {
	text, width, glyphs, spaces := g.font.decode(raw)
	start := matrix{g.size * g.scale, 0, 0, g.size, 0, g.rise}.mul(*tm).mul(g.ctm)
	tx := (width*g.size + float64(glyphs)*g.charSpace + float64(spaces)*g.wordSpace) * g.scale
	*tm = translate(tx, 0).mul(*tm)
	end := matrix{g.size * g.scale, 0, 0, g.size, 0, g.rise}.mul(*tm).mul(g.ctm)
	r.place(start[4], start[5], end[4], math.Hypot(start[2], start[3]), text)
}

// place writes text that starts at (x, y), ends at endX and has the given
// size, all in device space: after a space when it is a word away from
// the previous piece on the same line, after a line break when it is on
// the next line, after a blank line when it is further down, up (a new
// column), or of another size (a heading).
func (r *pdfReader) place(x, y, endX, size float64, text string) {
	size = max(size, 1)
	if text == "" {
		if r.have && math.Abs(r.lastY-y) <= sameLine*max(size, r.lastSize) {
			r.lastX = endX
		}
		return
	}
	switch {
	case !r.have:
		if r.out.Len() > 0 {
			r.out.WriteString("\n\n")
		}
	default:
		ref := max(size, r.lastSize)
		dy := r.lastY - y
		switch {
		case math.Abs(dy) <= sameLine*ref:
			gap := x - r.lastX
			if (gap > wordGap*ref || gap < -ref) && !endsWithSpace(&r.out) && !strings.HasPrefix(text, " ") {
				r.out.WriteByte(' ')
			}
		case dy < 0 || dy > paragraphGap*ref || math.Abs(size-r.lastSize) > sizeChange*ref:
			r.out.WriteString("\n\n")
		default:
			r.out.WriteByte('\n')
		}
	}
	r.out.WriteString(text)
	r.have, r.lastX, r.lastY, r.lastSize = true, endX, y, size
	if r.out.Len() > r.cap {
		panic(errStop{errTextFull})
	}
}

func endsWithSpace(b *strings.Builder) bool {
	s := b.String()
	return s == "" || s[len(s)-1] == ' ' || s[len(s)-1] == '\n'
}

// matrix is a PDF transformation [a b c d e f]: (x, y) → (ax+cy+e, bx+dy+f).
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m then n: the transformation that applies m first.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func translate(x, y float64) matrix { return matrix{1, 0, 0, 1, x, y} }

func matrixOf(v []pdf.Value) matrix {
	var m matrix
	for i := range m {
		m[i] = v[i].Float64()
	}
	return m
}
