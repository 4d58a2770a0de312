package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"offres/internal/offres"
)

// The formats Extract reads, as they appear in Text.Format.
const (
	FormatPDF  = "pdf"
	FormatDOCX = "docx"
	FormatTXT  = "txt"
)

// Text is the text extracted from a document.
type Text struct {
	// Content is the normalised text: lines separated by "\n", paragraphs by
	// a blank line, no leading or trailing space.
	Content string
	// Format is FormatPDF, FormatDOCX or FormatTXT.
	Format string
	// Pages is the number of pages of a PDF, 0 for the other formats.
	Pages int
	// Truncated reports that the text was cut at Limits.MaxRunes (or that
	// extraction stopped early because the raw text was far longer).
	Truncated bool
}

// Limits bounds the work Extract does on one upload. A zero field takes
// its default, so the zero Limits is ready to use.
type Limits struct {
	// MaxBytes is the largest input accepted (default 10 MiB).
	MaxBytes int
	// MaxRunes is the longest text returned; beyond, it is cut and
	// Text.Truncated is set (default 200,000).
	MaxRunes int
	// MaxPages is the largest PDF accepted, in pages (default 50).
	MaxPages int
	// MaxXMLBytes bounds the decompressed size of the XML parts read from a
	// DOCX, against zip bombs (default 20 MiB).
	MaxXMLBytes int64
	// MaxPDFStreamBytes bounds the decompressed size of the page content
	// streams, fonts' ToUnicode maps and forms read from a PDF, all
	// together (default 64 MiB).
	MaxPDFStreamBytes int64
	// Timeout bounds the time spent on one document, whatever its format
	// (default 5 s); the context given to Extract may end it sooner.
	Timeout time.Duration
}

// Defaults of Limits.
const (
	DefaultMaxBytes          = 10 << 20
	DefaultMaxRunes          = 200_000
	DefaultMaxPages          = 50
	DefaultMaxXMLBytes       = 20 << 20
	DefaultMaxPDFStreamBytes = 64 << 20
	DefaultTimeout           = 5 * time.Second
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxRunes <= 0 {
		l.MaxRunes = DefaultMaxRunes
	}
	if l.MaxPages <= 0 {
		l.MaxPages = DefaultMaxPages
	}
	if l.MaxXMLBytes <= 0 {
		l.MaxXMLBytes = DefaultMaxXMLBytes
	}
	if l.MaxPDFStreamBytes <= 0 {
		l.MaxPDFStreamBytes = DefaultMaxPDFStreamBytes
	}
	if l.Timeout <= 0 {
		l.Timeout = DefaultTimeout
	}
	return l
}

// rawCap is how many bytes of raw text an extractor gathers before it
// stops: normalisation only shrinks text, and a French rune is at most a
// few bytes, so this is always enough for MaxRunes.
func (l Limits) rawCap() int { return 4*l.MaxRunes + 4096 }

// Extract returns the text of the file name holding data, with the default
// Limits. name is only used for its extension.
func Extract(ctx context.Context, name string, data []byte) (Text, error) {
	return Limits{}.Extract(ctx, name, data)
}

// Extract returns the text of the file name holding data. Every error is an
// *offres.UserError of kind offres.ErrInvalid with a French message. The
// reading stops at ctx's deadline or after l.Timeout, whichever is sooner.
func (l Limits) Extract(ctx context.Context, name string, data []byte) (Text, error) {
	l = l.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, l.Timeout)
	defer cancel()
	if len(data) == 0 {
		return Text{}, offres.Invalidf("le fichier est vide")
	}
	if len(data) > l.MaxBytes {
		return Text{}, offres.Invalidf("fichier trop volumineux (%s au plus)", sizeFR(int64(l.MaxBytes)))
	}
	var (
		t   Text
		raw string
		err error
	)
	switch kind := sniff(data); kind {
	case kindPDF:
		t.Format = FormatPDF
		raw, t.Pages, t.Truncated, err = extractPDF(ctx, data, l)
	case kindZIP:
		t.Format = FormatDOCX
		raw, t.Truncated, err = extractDOCX(ctx, data, extOf(name), l)
	case kindUnknown:
		raw, err = textOrBinary(data, extOf(name))
		t.Format = FormatTXT
	default:
		return Text{}, unsupported(kind, extOf(name))
	}
	if err != nil {
		return Text{}, err
	}
	t.Content = normalize(raw)
	if t.Content == "" {
		return Text{}, noText(t.Format)
	}
	var cut bool
	t.Content, cut = truncateRunes(t.Content, l.MaxRunes)
	t.Truncated = t.Truncated || cut
	return t, nil
}

// textOrBinary decodes data as plain text, refusing it when its name claims
// a binary format (a text file renamed cv.pdf, say).
func textOrBinary(data []byte, ext string) (string, error) {
	s, err := decodeText(data)
	switch ext {
	case ".pdf":
		return "", offres.Invalidf("fichier illisible : le contenu n'est pas un PDF")
	case ".docx":
		return "", offres.Invalidf("fichier illisible : le contenu n'est pas un DOCX")
	case ".doc", ".odt", ".rtf", ".pages", ".xls", ".xlsx", ".ppt", ".pptx":
		return "", unsupported(kindUnknown, ext)
	}
	if err != nil {
		return "", err
	}
	return s, nil
}

func noText(format string) error {
	switch format {
	case FormatPDF:
		return offres.Invalidf("le PDF ne contient pas de texte : c'est sans doute un document numérisé ; " +
			"envoyez le CV en PDF exporté depuis un traitement de texte, en DOCX ou en TXT")
	case FormatDOCX:
		return offres.Invalidf("le document DOCX ne contient pas de texte")
	}
	return offres.Invalidf("le fichier est vide")
}

// errTooComplex is the answer to a PDF whose reading would cost more than
// Limits allows.
var errTooComplex = offres.Invalidf("fichier illisible : PDF trop complexe à lire")

// errDamagedPDF is the answer to a PDF the library cannot parse.
var errDamagedPDF = offres.Invalidf("fichier illisible : PDF endommagé")

// kind is what the first bytes of a file say it is.
type kind int

const (
	kindUnknown kind = iota // text, or a binary format we do not know
	kindPDF
	kindZIP // DOCX, or another Office Open XML / OpenDocument / plain zip
	kindOLE // Word 97-2003 .doc, or a password-protected DOCX
	kindPNG
	kindJPEG
	kindGIF
	kindTIFF
	kindWebP
	kindEXE
	kindRTF
	kindHTML
)

func sniff(data []byte) kind {
	head := data[:min(len(data), 1024)]
	switch {
	case bytes.Contains(head, []byte("%PDF-")):
		return kindPDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return kindZIP
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return kindOLE
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return kindPNG
	case bytes.HasPrefix(data, []byte("\xFF\xD8\xFF")):
		return kindJPEG
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return kindGIF
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return kindTIFF
	case len(data) >= 12 && bytes.HasPrefix(data, []byte("RIFF")) && string(data[8:12]) == "WEBP":
		return kindWebP
	case bytes.HasPrefix(data, []byte("MZ")), bytes.HasPrefix(data, []byte("\x7FELF")):
		return kindEXE
	case bytes.HasPrefix(data, []byte(`{\rtf`)):
		return kindRTF
	}
	lead := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n"))
	if bytes.HasPrefix(lead, []byte("<!doctype html")) || bytes.HasPrefix(lead, []byte("<html")) {
		return kindHTML
	}
	return kindUnknown
}

// unsupported is the answer to a format Extract does not read.
func unsupported(k kind, ext string) error {
	what := map[kind]string{
		kindOLE:  "document Word 97-2003 ou protégé par mot de passe",
		kindPNG:  "image PNG",
		kindJPEG: "image JPEG",
		kindGIF:  "image GIF",
		kindTIFF: "image TIFF",
		kindWebP: "image WebP",
		kindEXE:  "programme exécutable",
		kindRTF:  "RTF",
		kindHTML: "page HTML",
	}[k]
	if what == "" {
		what = map[string]string{
			".doc": "document Word 97-2003", ".odt": "OpenDocument", ".rtf": "RTF",
			".pages": "Pages", ".xls": "Excel", ".xlsx": "Excel", ".ppt": "PowerPoint", ".pptx": "PowerPoint",
		}[ext]
	}
	if what == "" {
		return offres.Invalidf("format non pris en charge : utilisez PDF, DOCX ou TXT")
	}
	return offres.Invalidf("format non pris en charge (%s) : utilisez PDF, DOCX ou TXT", what)
}

func extOf(name string) string { return strings.ToLower(filepath.Ext(name)) }

// sizeFR writes a size the French way: « 10 Mo », « 512 ko ».
func sizeFR(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d Mo", n>>20)
	}
	if n >= 1<<10 {
		return fmt.Sprintf("%d ko", n>>10)
	}
	return fmt.Sprintf("%d octets", n)
}

// truncateRunes cuts s after max runes, at the last space before the cut
// when there is one close enough, and reports whether it cut.
func truncateRunes(s string, max int) (string, bool) {
	if utf8.RuneCountInString(s) <= max {
		return s, false
	}
	n, end := 0, len(s)
	for i := range s {
		if n == max {
			end = i
			break
		}
		n++
	}
	cut := s[:end]
	if i := strings.LastIndexAny(cut, " \n"); i > len(cut)-200 && i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " \n"), true
}

// errStop is raised (as a panic, inside callbacks of the PDF library) to
// abandon a reading; see pdf.go.
type errStop struct{ err error }

func (e errStop) Error() string { return e.err.Error() }

var errTextFull = errors.New("text limit reached")
