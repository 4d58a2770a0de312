package document

import "strconv"

// A small lexer of PDF/PostScript syntax, for the two places where this
// package reads PDF bytes itself: the ToUnicode maps of fonts (cmap.go) and
// the pre-scan of a PDF's structure (pdfscan.go). It never fails: bytes it
// cannot make sense of become keywords.

type tokKind int

const (
	tokEOF     tokKind = iota
	tokNumber          // an integer or real; num and isInt
	tokString          // a literal (…) or hex <…> string; s holds its bytes
	tokName            // /Name, #xx escapes decoded; s holds it without the slash
	tokKeyword         // anything else: operators, obj, R, true, [, ], <<, >>, {, }
)

type token struct {
	kind  tokKind
	s     string
	num   float64
	isInt bool
	pos   int // offset of the token's first byte
}

type lexer struct {
	data []byte
	pos  int
}

func isSpaceByte(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelimByte(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isRegular(c byte) bool { return !isSpaceByte(c) && !isDelimByte(c) }

// skip moves past white space and comments.
func (l *lexer) skip() {
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		switch {
		case isSpaceByte(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

func (l *lexer) next() token {
	l.skip()
	if l.pos >= len(l.data) {
		return token{kind: tokEOF, pos: l.pos}
	}
	start := l.pos
	c := l.data[l.pos]
	switch c {
	case '(':
		return token{kind: tokString, s: l.literal(), pos: start}
	case '<':
		if l.pos+1 < len(l.data) && l.data[l.pos+1] == '<' {
			l.pos += 2
			return token{kind: tokKeyword, s: "<<", pos: start}
		}
		return token{kind: tokString, s: l.hex(), pos: start}
	case '>':
		if l.pos+1 < len(l.data) && l.data[l.pos+1] == '>' {
			l.pos += 2
			return token{kind: tokKeyword, s: ">>", pos: start}
		}
		l.pos++
		return token{kind: tokKeyword, s: ">", pos: start}
	case '[', ']', '{', '}', ')':
		l.pos++
		return token{kind: tokKeyword, s: string(c), pos: start}
	case '/':
		l.pos++
		return token{kind: tokName, s: l.name(), pos: start}
	}
	for l.pos < len(l.data) && isRegular(l.data[l.pos]) {
		l.pos++
	}
	word := string(l.data[start:l.pos])
	if n, err := strconv.ParseInt(word, 10, 64); err == nil {
		return token{kind: tokNumber, num: float64(n), isInt: true, s: word, pos: start}
	}
	if f, err := strconv.ParseFloat(word, 64); err == nil && (word[0] == '.' || word[0] == '-' || word[0] == '+' || word[0] >= '0' && word[0] <= '9') {
		return token{kind: tokNumber, num: f, s: word, pos: start}
	}
	return token{kind: tokKeyword, s: word, pos: start}
}

func (l *lexer) name() string {
	var b []byte
	for l.pos < len(l.data) && isRegular(l.data[l.pos]) {
		c := l.data[l.pos]
		l.pos++
		if c == '#' && l.pos+1 < len(l.data) {
			if h, ok := unhex2(l.data[l.pos], l.data[l.pos+1]); ok {
				b = append(b, h)
				l.pos += 2
				continue
			}
		}
		b = append(b, c)
	}
	return string(b)
}

func unhex2(a, b byte) (byte, bool) {
	x, ok1 := unhex1(a)
	y, ok2 := unhex1(b)
	return x<<4 | y, ok1 && ok2
}

func unhex1(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// hex reads <…>: hex digits, white space ignored, an odd last digit
// followed by 0.
func (l *lexer) hex() string {
	l.pos++ // <
	var b []byte
	var hi byte
	half := false
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		v, ok := unhex1(c)
		if !ok {
			continue
		}
		if half {
			b = append(b, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		b = append(b, hi<<4)
	}
	return string(b)
}

// literal reads (…) with balanced parentheses and backslash escapes.
func (l *lexer) literal() string {
	l.pos++ // (
	var b []byte
	depth := 1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return string(b)
			}
		case '\\':
			if l.pos >= len(l.data) {
				return string(b)
			}
			e := l.data[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.data) && l.data[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.data) && l.data[l.pos] >= '0' && l.data[l.pos] <= '7'; k++ {
						v = v*8 + int(l.data[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		b = append(b, c)
	}
	return string(b)
}
