package indexer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"offres/internal/offres"
)

// Record is one parsed offer, or why a record was rejected.
type Record struct {
	Offer offres.Offer
	// Pos says where the record came from, for messages: "offers.csv:line 12",
	// "ft.json:record 3", "seed.txt".
	Pos string
	// Err is non-nil when the record is rejected; it wraps offres.ErrInvalid
	// and says why in lower case.
	Err error
}

// Format is a source format.
type Format string

// The source formats.
const (
	FormatJSON          Format = "json"          // offres.Offer records: one object or an array
	FormatNDJSON        Format = "ndjson"        // offres.Offer records, one object per line
	FormatFranceTravail Format = "francetravail" // France Travail "Offres d'emploi v2" API results
	FormatJSONLD        Format = "jsonld"        // schema.org JobPosting JSON-LD
	FormatHTML          Format = "html"          // a web page: its JobPosting JSON-LD, else its text
	FormatText          Format = "text"          // a French plain-text or Markdown posting
	FormatPEPCSV        Format = "pepcsv"        // the Place de l'emploi public CSV export
	FormatEmploiNC      Format = "emploinc"      // the emploi.gouv.nc CSV export: fields, no description
)

// Formats lists every source format, in the order of the package
// documentation.
var Formats = []Format{FormatJSON, FormatNDJSON, FormatFranceTravail, FormatJSONLD, FormatHTML, FormatText, FormatPEPCSV, FormatEmploiNC}

// headSize is how much of a source DetectFormat looks at.
const headSize = 64 << 10

var (
	ftKeyRE     = regexp.MustCompile(`"(?:intitule|lieuTravail|romeCode|typeContratLibelle)"\s*:`)
	jsonLDKeyRE = regexp.MustCompile(`"@(?:context|type|graph)"\s*:`)
	pepHeaderRE = regexp.MustCompile(`^[^\n]*(?:\|[^\n]*\bPar_ref_offre\b|\bPar_ref_offre\b[^\n]*\|)`)
)

// DetectFormat tells the format of a source from its file name and its first
// bytes (up to 64 KiB): the extension when it is specific (.ndjson, .jsonl,
// .jsonld, .html, .txt, .md, .csv), the content otherwise (France Travail
// and JSON-LD keys, one JSON object per line, a pipe-delimited header).
func DetectFormat(name string, head []byte) (Format, error) {
	head = bytes.TrimPrefix(head, utf8BOM)
	switch strings.ToLower(filepath.Ext(name)) {
	case ".ndjson", ".jsonl":
		return FormatNDJSON, nil
	case ".jsonld":
		return FormatJSONLD, nil
	case ".html", ".htm", ".xhtml":
		return FormatHTML, nil
	case ".txt", ".md", ".markdown", ".text":
		return FormatText, nil
	case ".json":
		if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			return sniffJSON(t), nil
		}
		return "", fmt.Errorf("%s: not a JSON object or array: %w", name, offres.ErrInvalid)
	case ".csv", ".psv":
		switch {
		case pepHeaderRE.Match(head):
			return FormatPEPCSV, nil
		case emploiNCHeaderRE.Match(head):
			return FormatEmploiNC, nil
		}
		return "", fmt.Errorf("%s: csv without the columns of Place de l'emploi public or emploi.gouv.nc: %w", name, offres.ErrInvalid)
	}
	return sniffFormat(name, head)
}

// sniffFormat tells the format from the content alone.
func sniffFormat(name string, head []byte) (Format, error) {
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return "", fmt.Errorf("%s: empty source: %w", name, offres.ErrInvalid)
	case trimmed[0] == '{' || trimmed[0] == '[':
		return sniffJSON(trimmed), nil
	case trimmed[0] == '<':
		return FormatHTML, nil
	case pepHeaderRE.Match(trimmed):
		return FormatPEPCSV, nil
	case emploiNCHeaderRE.Match(trimmed):
		return FormatEmploiNC, nil
	case isText(head):
		return FormatText, nil
	}
	return "", fmt.Errorf("%s: unknown format: %w", name, offres.ErrInvalid)
}

func sniffJSON(head []byte) Format {
	switch {
	case jsonLDKeyRE.Match(head):
		return FormatJSONLD
	case ftKeyRE.Match(head):
		return FormatFranceTravail
	case head[0] == '{' && isNDJSON(head):
		return FormatNDJSON
	}
	return FormatJSON
}

// isNDJSON reports whether head starts with a complete JSON value on its
// first line, followed by another line that starts an object.
func isNDJSON(head []byte) bool {
	first, rest, ok := bytes.Cut(head, []byte("\n"))
	if !ok || !json.Valid(bytes.TrimSpace(first)) {
		return false
	}
	rest = bytes.TrimLeft(rest, " \t\r\n")
	return len(rest) > 0 && rest[0] == '{'
}

// isText reports whether head looks like text: valid UTF-8 (but for a rune
// cut at the end) without NUL bytes.
func isText(head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	for cut := 0; cut < utf8.UTFMax && cut <= len(head); cut++ {
		if utf8.Valid(head[:len(head)-cut]) {
			return true
		}
	}
	return false
}

var utf8BOM = []byte("\xef\xbb\xbf")

// Parse reads one source, calling emit for each record, valid or rejected.
// name is used for format detection and in Record.Pos. A record that cannot
// be decoded is emitted as rejected and the rest of the source is read; when
// the source breaks off (a JSON syntax error, a truncated array), a rejected
// record says where and parsing stops. Parse returns an error only when the
// whole source is unreadable (unknown format, I/O error) or when emit
// returns one.
func Parse(name string, r io.Reader, emit func(Record) error) error {
	br := bufio.NewReaderSize(r, headSize)
	head, err := br.Peek(headSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if bytes.HasPrefix(head, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
		head = head[len(utf8BOM):]
	}
	f, err := DetectFormat(name, head)
	if err != nil {
		return err
	}
	return parseAs(f, name, br, emit)
}

// parseAs parses a source of a known format.
func parseAs(f Format, name string, r io.Reader, emit func(Record) error) error {
	e := &emitter{name: name, emit: emit}
	switch f {
	case FormatJSON:
		return parseOwnJSON(e, r)
	case FormatNDJSON:
		return parseNDJSON(e, r)
	case FormatFranceTravail:
		return parseFranceTravail(e, r)
	case FormatJSONLD:
		return parseJSONLD(e, r)
	case FormatHTML:
		return parseHTML(e, r)
	case FormatText:
		return parseText(e, r)
	case FormatPEPCSV:
		return parsePEPCSV(e, r)
	case FormatEmploiNC:
		return parseEmploiNC(e, r)
	}
	return fmt.Errorf("%s: unknown format %q: %w", name, f, offres.ErrInvalid)
}

// emitter finishes the records of one source and hands them to emit.
type emitter struct {
	name string
	emit func(Record) error
}

// pos formats a position within the source: pos("line", 12) is
// "offers.csv:line 12".
func (e *emitter) pos(unit string, n int) string {
	return fmt.Sprintf("%s:%s %d", e.name, unit, n)
}

// offer normalises o, validates it and emits it, valid or rejected.
func (e *emitter) offer(pos string, o offres.Offer) error {
	normalize(&o)
	err := o.Validate()
	if err == nil && !validText(&o) {
		err = fmt.Errorf("offer %q: text is not valid UTF-8: %w", o.ID, offres.ErrInvalid)
	}
	return e.emit(Record{Offer: o, Pos: pos, Err: err})
}

// reject emits a rejected record; err must wrap offres.ErrInvalid.
func (e *emitter) reject(pos string, err error) error {
	return e.emit(Record{Pos: pos, Err: err})
}

// rejectf emits a rejected record with a formatted reason.
func (e *emitter) rejectf(pos, format string, args ...any) error {
	return e.reject(pos, fmt.Errorf(format+": %w", append(args, offres.ErrInvalid)...))
}

// errInvalidUTF8 is the reason given for records that are not UTF-8.
var errInvalidUTF8 = fmt.Errorf("record is not valid UTF-8: %w", offres.ErrInvalid)
