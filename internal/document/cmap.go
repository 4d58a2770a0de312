package document

import (
	"unicode/utf16"
)

// toUnicode is a font's ToUnicode map: the code space (how many bytes make
// a character code) and the text of each code. This package parses it
// itself rather than through the PDF library, whose parser trusts the
// counts written in the map and looks codes up by linear scan: here the
// map is bounded (maxEntries) and looked up in constant time.
type toUnicode struct {
	space [4][]codeRange // by code length − 1
	text  map[uint64]string
}

type codeRange struct{ lo, hi string }

// codeKey identifies a code of n bytes.
func codeKey(code string) uint64 {
	var k uint64
	for i := 0; i < len(code); i++ {
		k = k<<8 | uint64(code[i])
	}
	return uint64(len(code))<<32 | k
}

// codeLen returns how many bytes of raw make the next code, per the code
// space ranges; fallback when none matches.
func (m *toUnicode) codeLen(raw string, fallback int) int {
	if m != nil {
		for n := 1; n <= 4 && n <= len(raw); n++ {
			for _, r := range m.space[n-1] {
				if inRange(raw[:n], r) {
					return n
				}
			}
		}
	}
	return min(fallback, len(raw))
}

func inRange(code string, r codeRange) bool {
	for i := 0; i < len(code); i++ {
		if code[i] < r.lo[i] || code[i] > r.hi[i] {
			return false
		}
	}
	return true
}

// parseToUnicode reads a ToUnicode CMap: codespace ranges, bfchar and
// bfrange entries, at most maxEntries codes in all (ranges beyond are
// dropped). It returns nil when the map holds no code.
func parseToUnicode(data []byte, maxEntries int) *toUnicode {
	m := &toUnicode{text: map[uint64]string{}}
	l := &lexer{data: data}
	var stack []token
	var arrays [][]string // the string arrays of bfrange destinations, by index in stack
	inArray := -1
	for {
		t := l.next()
		if t.kind == tokEOF {
			break
		}
		if len(stack) > 3*maxEntries+16 || len(m.text) >= maxEntries {
			break
		}
		if t.kind != tokKeyword {
			if inArray >= 0 {
				if t.kind == tokString {
					arrays[inArray] = append(arrays[inArray], t.s)
				}
				continue
			}
			stack = append(stack, t)
			continue
		}
		switch t.s {
		case "[":
			arrays = append(arrays, nil)
			inArray = len(arrays) - 1
			stack = append(stack, token{kind: tokKeyword, s: "[", num: float64(inArray)})
			continue
		case "]":
			inArray = -1
			continue
		case "endcodespacerange":
			for i := 0; i+1 < len(stack); i += 2 {
				lo, hi := stack[i], stack[i+1]
				if lo.kind == tokString && hi.kind == tokString && len(lo.s) == len(hi.s) && len(lo.s) >= 1 && len(lo.s) <= 4 {
					m.space[len(lo.s)-1] = append(m.space[len(lo.s)-1], codeRange{lo.s, hi.s})
				}
			}
		case "endbfchar":
			for i := 0; i+1 < len(stack) && len(m.text) < maxEntries; i += 2 {
				src, dst := stack[i], stack[i+1]
				if src.kind == tokString && dst.kind == tokString && len(src.s) >= 1 && len(src.s) <= 4 {
					m.text[codeKey(src.s)] = utf16BE(dst.s)
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(stack) && len(m.text) < maxEntries; i += 3 {
				lo, hi, dst := stack[i], stack[i+1], stack[i+2]
				if lo.kind != tokString || hi.kind != tokString || len(lo.s) != len(hi.s) || len(lo.s) < 1 || len(lo.s) > 4 {
					continue
				}
				var arr []string
				if dst.kind == tokKeyword && dst.s == "[" {
					arr = arrays[int(dst.num)]
				} else if dst.kind != tokString {
					continue
				}
				m.addRange(lo.s, hi.s, dst.s, arr, maxEntries)
			}
		}
		stack, arrays = stack[:0], arrays[:0]
	}
	if len(m.text) == 0 {
		return nil
	}
	return m
}

// addRange maps the codes lo…hi: to the strings of arr in turn, or to dst
// with its last UTF-16 unit incremented from one code to the next.
func (m *toUnicode) addRange(lo, hi, dst string, arr []string, maxEntries int) {
	first, last := codeKey(lo)&0xFFFFFFFF, codeKey(hi)&0xFFFFFFFF
	if last < first {
		return
	}
	n := len(lo)
	u := units(dst)
	for i := uint64(0); first+i <= last && len(m.text) < maxEntries; i++ {
		code := make([]byte, n)
		c := first + i
		for k := n - 1; k >= 0; k-- {
			code[k] = byte(c)
			c >>= 8
		}
		if arr != nil {
			if int(i) >= len(arr) {
				return
			}
			m.text[codeKey(string(code))] = utf16BE(arr[i])
			continue
		}
		if len(u) == 0 {
			return
		}
		v := append([]uint16(nil), u...)
		v[len(v)-1] += uint16(i)
		m.text[codeKey(string(code))] = string(utf16.Decode(v))
	}
}

func units(s string) []uint16 {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return u
}

// utf16BE decodes a destination string of a ToUnicode map. A single byte
// (which some producers write) is taken as Latin-1.
func utf16BE(s string) string {
	if len(s) == 1 {
		return string(rune(s[0]))
	}
	return string(utf16.Decode(units(s)))
}
