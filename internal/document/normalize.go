package document

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// normalize composes accents (NFC), turns every line-break convention into
// "\n" and every other space into " ", removes invisible and control
// characters, trims each line, collapses runs of spaces, and keeps at most
// one blank line between paragraphs. It is pure and idempotent.
func normalize(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\r':
			if i+1 < len(rs) && rs[i+1] == '\n' {
				i++
			}
			b.WriteByte('\n')
		case r == '\n', r == '\u2028', r == '\u0085':
			b.WriteByte('\n')
		case r == '\u2029', r == '\f', r == '\v':
			b.WriteString("\n\n")
		case r >= '\uFB00' && r <= '\uFB06':
			b.WriteString([]string{"ff", "fi", "fl", "ffi", "ffl", "st", "st"}[r-'\uFB00'])
		case invisible(r):
		case r == '\t', unicode.IsSpace(r), unicode.Is(unicode.Zs, r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	lines := strings.Split(b.String(), "\n")
	var out strings.Builder
	out.Grow(b.Len())
	blank := false
	for _, line := range lines {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			blank = out.Len() > 0
			continue
		}
		if out.Len() > 0 {
			out.WriteByte('\n')
			if blank {
				out.WriteByte('\n')
			}
		}
		blank = false
		out.WriteString(line)
	}
	return out.String()
}

// invisible reports the characters that carry nothing readable: controls,
// soft hyphens, zero-width and bidirectional marks, byte-order marks,
// private-use code points (the icons and bullets of symbol fonts) and the
// replacement character left by undecodable bytes.
func invisible(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20, r >= 0x7F && r < 0xA0:
		return true
	case r == '\u00AD', r == '\u200B', r == '\u2060', r == '\uFEFF', r == '\uFFFD':
		return true
	case r == '\u200E', r == '\u200F', r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	case unicode.Is(unicode.Co, r):
		return true
	}
	return false
}
