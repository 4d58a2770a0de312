package document

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"offres/internal/offres"
)

var errBinaryText = offres.Invalidf("fichier illisible : le contenu n'est pas du texte")

// decodeText decodes a plain-text file: UTF-8 (byte-order mark stripped),
// UTF-16 when it starts with a byte-order mark, and otherwise
// Windows-1252, the superset of Latin-1 that French Windows editors write.
// Content with NUL bytes or many control characters is refused as binary.
func decodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xFF\xFE")), bytes.HasPrefix(data, []byte("\xFE\xFF")):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		out, err := dec.Bytes(data)
		if err != nil || bytes.IndexByte(out, 0) >= 0 {
			return "", errBinaryText
		}
		return string(out), nil
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if looksBinary(data) {
		return "", errBinaryText
	}
	if utf8.Valid(data) || mostlyUTF8(data) {
		return string(data), nil // invalid bytes are dropped by normalize
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return "", errBinaryText
	}
	return string(out), nil
}

// looksBinary reports a NUL byte, or more than 1 % of control characters
// other than tabs, line and page breaks.
func looksBinary(data []byte) bool {
	controls := 0
	for _, c := range data {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v':
			controls++
		}
	}
	return controls > len(data)/100+1
}

// mostlyUTF8 reports text that is UTF-8 with a few stray bytes (pieces of
// files pasted together): decoding it as Windows-1252 would garble every
// accent, dropping the stray bytes loses little.
func mostlyUTF8(data []byte) bool {
	multi, invalid := 0, 0
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && n <= 1:
			invalid++
		case n > 1:
			multi++
		}
		data = data[n:]
	}
	return multi > 0 && invalid*2 <= multi
}
