package document

import (
	"strings"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/encoding/charmap"
)

// pdfFont decodes the strings a content stream shows with one font, and
// measures them so that the layout can tell word gaps and line breaks.
type pdfFont struct {
	composite bool            // Type0: codes of one to four bytes, usually two
	uni       *toUnicode      // the font's ToUnicode map, if any
	simple    *[256]string    // simple fonts: the text of each one-byte code
	widths    map[int]float64 // glyph widths by code (simple) or CID (composite)
	missing   float64         // width of a glyph absent from widths
	scale     float64         // glyph space to text space: 1/1000, or a Type3 FontMatrix
	identity  bool            // composite font whose CIDs are its codes
	ucs2      bool            // composite font whose codes are UTF-16 (Uni…-UCS2 CMaps)
}

// maxWidths bounds the width entries read from one font.
const maxWidths = 1 << 16

// fallbackFont decodes as Windows-1252 when a content stream uses a font
// it does not define.
var fallbackFont = func() *pdfFont {
	f := &pdfFont{scale: 0.001, missing: 500, widths: map[int]float64{}}
	f.simple = baseTable()
	return f
}()

// baseTable maps one-byte codes as Windows-1252.
func baseTable() *[256]string {
	var t [256]string
	for c := 0; c < 256; c++ {
		t[c] = string(charmap.Windows1252.DecodeByte(byte(c)))
	}
	return &t
}

// decode returns the text of raw, the sum of its glyph widths in text
// space units (to multiply by the font size), its number of glyphs, and
// its number of one-byte spaces (to which word spacing applies).
func (f *pdfFont) decode(raw string) (text string, width float64, glyphs, spaces int) {
	var b strings.Builder
	if !f.composite {
		for i := 0; i < len(raw); i++ {
			c := raw[i]
			b.WriteString(f.simple[c])
			width += f.width(int(c))
			if c == ' ' {
				spaces++
			}
		}
		return b.String(), width * f.scale, len(raw), spaces
	}
	for len(raw) > 0 {
		n := f.uni.codeLen(raw, 2)
		code := raw[:n]
		raw = raw[n:]
		glyphs++
		switch s, ok := f.lookup(code); {
		case ok:
			b.WriteString(s)
		case f.ucs2 && n == 2:
			if r := rune(code[0])<<8 | rune(code[1]); utf8.ValidRune(r) {
				b.WriteRune(r)
			}
		}
		cid := -1
		if f.identity {
			cid = int(codeKey(code) & 0xFFFFFFFF)
		}
		width += f.width(cid)
	}
	return b.String(), width * f.scale, glyphs, 0
}

func (f *pdfFont) lookup(code string) (string, bool) {
	if f.uni == nil {
		return "", false
	}
	s, ok := f.uni.text[codeKey(code)]
	return s, ok
}

func (f *pdfFont) width(code int) float64 {
	if w, ok := f.widths[code]; ok {
		return w
	}
	return f.missing
}

// loadFont reads the font dictionary fd.
func (r *pdfReader) loadFont(fd pdf.Value) *pdfFont {
	if fd.Kind() != pdf.Dict {
		return fallbackFont
	}
	f := &pdfFont{scale: 0.001, missing: 500, widths: map[int]float64{}}
	if tu := fd.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		f.uni = r.toUnicode(tu)
	}
	if fd.Key("Subtype").Name() == "Type0" {
		f.composite = true
		enc := fd.Key("Encoding").Name()
		f.identity = enc == "Identity-H" || enc == "Identity-V"
		f.ucs2 = strings.Contains(enc, "UCS2") || strings.Contains(enc, "UTF16")
		desc := fd.Key("DescendantFonts").Index(0)
		f.missing = 1000
		if dw := desc.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.missing = dw.Float64()
		}
		readCIDWidths(desc.Key("W"), f.widths)
		return f
	}
	if fd.Key("Subtype").Name() == "Type3" {
		if m := fd.Key("FontMatrix"); m.Len() == 6 && m.Index(0).Float64() != 0 {
			f.scale = m.Index(0).Float64()
		}
	}
	first := int(fd.Key("FirstChar").Int64())
	ws := fd.Key("Widths")
	n := min(ws.Len(), 256)
	for i := 0; i < n; i++ {
		if c := first + i; c >= 0 && c < 256 {
			f.widths[c] = ws.Index(i).Float64()
		}
	}
	if n > 0 {
		f.missing = fd.Key("FontDescriptor").Key("MissingWidth").Float64()
	}
	f.simple = simpleTable(fd, f.uni)
	return f
}

// simpleTable returns the text of each code of a simple font: its
// ToUnicode map when it has one, else its encoding (WinAnsi, MacRoman or
// Differences, through the PDF library), else Windows-1252. Symbol fonts
// without a ToUnicode map (Symbol, Wingdings: bullets and icons) give no
// text.
func simpleTable(fd pdf.Value, uni *toUnicode) *[256]string {
	t := baseTable()
	base := fd.Key("BaseFont").Name()
	if uni == nil && (strings.Contains(base, "Symbol") || strings.Contains(base, "Wingdings") || strings.Contains(base, "Dingbats")) {
		return &[256]string{}
	}
	enc := fd.Key("Encoding")
	useLibrary := false
	switch enc.Kind() {
	case pdf.Name:
		useLibrary = enc.Name() == "WinAnsiEncoding" || enc.Name() == "MacRomanEncoding"
	case pdf.Dict:
		// The library's Differences decoder scans the whole array for each
		// byte: bounded here, and run once per code.
		useLibrary = enc.Key("Differences").Len() <= 1024
	}
	if useLibrary {
		lf := pdf.Font{V: fd}
		e := lf.Encoder()
		for c := 0; c < 256; c++ {
			if s := e.Decode(string([]byte{byte(c)})); s != "" && utf8.ValidString(s) && s != "\uFFFD" {
				t[c] = s
			}
		}
	}
	if uni != nil {
		for c := 0; c < 256; c++ {
			if s, ok := uni.text[codeKey(string([]byte{byte(c)}))]; ok {
				t[c] = s
			}
		}
	}
	return t
}

// readCIDWidths reads the /W array of a CID font: "c [w1 w2 …]" and
// "cfirst clast w" groups, at most maxWidths entries.
func readCIDWidths(w pdf.Value, into map[int]float64) {
	n := min(w.Len(), maxWidths)
	for i := 0; i < n && len(into) < maxWidths; {
		c := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for k := 0; k < next.Len() && len(into) < maxWidths; k++ {
				into[c+k] = next.Index(k).Float64()
			}
			i += 2
			continue
		}
		last := int(next.Int64())
		wd := w.Index(i + 2).Float64()
		for c2 := c; c2 <= last && c2-c < maxWidths && len(into) < maxWidths; c2++ {
			into[c2] = wd
		}
		i += 3
	}
}
