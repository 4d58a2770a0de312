package indexer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"offres/internal/offres"
)

// jsonRecord handles the raw bytes of one record of a JSON source.
type jsonRecord func(pos string, raw []byte) error

// walkJSON reads a JSON source record by record, never holding more than
// one record in memory: the elements of a top-level array; the elements of
// the array held by one of the wrapper keys of a top-level object
// ({"resultats": [...]}, {"@graph": [...]}); any other top-level object as
// one record. Several top-level values may follow each other. A syntax error
// or a truncated source ends the walk with a rejected record that says
// where.
func walkJSON(e *emitter, r io.Reader, wrappers []string, each jsonRecord) error {
	w := &jsonWalker{e: e, dec: json.NewDecoder(r), wrappers: wrappers, each: each}
	return w.walk()
}

type jsonWalker struct {
	e        *emitter
	dec      *json.Decoder
	wrappers []string
	each     jsonRecord
	n        int // records seen
}

// errStop ends a walk after the source broke off and was reported.
var errStop = errors.New("stop")

func (w *jsonWalker) walk() error {
	err := w.values()
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

func (w *jsonWalker) values() error {
	for {
		tok, err := w.dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return w.broken(err)
		}
		switch tok {
		case json.Delim('['):
			err = w.array()
		case json.Delim('{'):
			err = w.object()
		default:
			w.n++
			err = w.e.rejectf(w.pos(), "want a JSON object or array, got %v", tok)
		}
		if err != nil {
			return err
		}
	}
}

func (w *jsonWalker) pos() string { return w.e.pos("record", w.n) }

// array reads the elements of an array whose '[' was read.
func (w *jsonWalker) array() error {
	for w.dec.More() {
		w.n++
		var raw json.RawMessage
		if err := w.dec.Decode(&raw); err != nil {
			return w.broken(err)
		}
		if err := w.each(w.pos(), raw); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil { // ']'
		return w.broken(err)
	}
	return nil
}

// object reads a top-level object whose '{' was read: a wrapper of records,
// or one record.
func (w *jsonWalker) object() error {
	fields := make(map[string]json.RawMessage)
	wrapped := false
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return w.broken(err)
		}
		key, _ := tok.(string)
		if slices.Contains(w.wrappers, key) && w.nextIsArray() {
			if _, err := w.dec.Token(); err != nil { // '['
				return w.broken(err)
			}
			if err := w.array(); err != nil {
				return err
			}
			wrapped = true
			continue
		}
		var raw json.RawMessage
		if err := w.dec.Decode(&raw); err != nil {
			w.n++
			return w.broken(err)
		}
		fields[key] = raw
	}
	if _, err := w.dec.Token(); err != nil { // '}'
		w.n++
		return w.broken(err)
	}
	if wrapped {
		return nil
	}
	w.n++
	raw, err := json.Marshal(fields)
	if err != nil { // cannot happen: the values are valid JSON
		return w.e.rejectf(w.pos(), "re-encode record: %v", err)
	}
	return w.each(w.pos(), raw)
}

// nextIsArray reports whether the next value in the stream is an array,
// without consuming it. It looks at the decoder's buffer only: if the value
// starts beyond it, the array is read whole as a field, which is slower but
// still correct.
func (w *jsonWalker) nextIsArray() bool {
	b := w.dec.Buffered()
	var c [1]byte
	for {
		if _, err := b.Read(c[:]); err != nil {
			return false
		}
		switch c[0] {
		case ' ', '\t', '\r', '\n', ':':
			continue
		}
		return c[0] == '['
	}
}

// broken reports a source that breaks off and stops the walk; an I/O error
// is returned as such.
func (w *jsonWalker) broken(err error) error {
	var syntax *json.SyntaxError
	var rerr error
	switch {
	case errors.As(err, &syntax):
		rerr = w.e.rejectf(w.pos(), "invalid JSON at byte %d: %v; rest of the source skipped", syntax.Offset, err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		rerr = w.e.rejectf(w.pos(), "source ends in the middle of a record at byte %d", w.dec.InputOffset())
	default:
		return fmt.Errorf("read %s: %w", w.e.name, err)
	}
	if rerr != nil {
		return rerr
	}
	return errStop
}

// jsonReason says in a few words why a record does not decode.
func jsonReason(err error) string {
	var typ *json.UnmarshalTypeError
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &typ) && typ.Field != "":
		field := strings.TrimPrefix(typ.Field, "Offer.") // the embedded offer of ownOffer
		return fmt.Sprintf("field %s: want %s, got %s", field, kindName(typ.Type), typ.Value)
	case errors.As(err, &typ):
		return fmt.Sprintf("want %s, got %s", kindName(typ.Type), typ.Value)
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON: %v", syntax)
	}
	return err.Error()
}

// kindName names the JSON kind a Go type decodes from.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Pointer:
		return kindName(t.Elem())
	}
	return "a number"
}

// ownOffer is an offres.Offer record as read from JSON: dates may also be
// written the French way.
type ownOffer struct {
	offres.Offer
	PublishedAt looseDate `json:"published_at"`
	Deadline    looseDate `json:"deadline"`
	StartDate   looseDate `json:"start_date"`
}

func (r *ownOffer) offer() offres.Offer {
	o := r.Offer
	o.PublishedAt = offres.Date(r.PublishedAt)
	o.Deadline = offres.Date(r.Deadline)
	o.StartDate = offres.Date(r.StartDate)
	if o.Source == "" {
		o.Source = string(FormatJSON)
	}
	return o
}

// looseDate reads "2025-03-07", "2025-05", an RFC 3339 time, or a French
// date (« 7 mars 2025 », « 07/03/2025 »).
type looseDate offres.Date

func (d *looseDate) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = looseDate{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date: want a string, got %s", b)
	}
	if v, err := offres.ParseDate(s); err == nil {
		*d = looseDate(v)
		return nil
	}
	if v, ok := ParseFrenchDate(s); ok {
		*d = looseDate(v)
		return nil
	}
	return fmt.Errorf("date %q: not a date", s)
}

// ownRecord decodes and emits one offres.Offer record.
func (e *emitter) ownRecord(pos string, raw []byte) error {
	if !utf8.Valid(raw) {
		return e.reject(pos, errInvalidUTF8)
	}
	var r ownOffer
	if err := json.Unmarshal(raw, &r); err != nil {
		return e.emit(Record{Offer: r.offer(), Pos: pos,
			Err: fmt.Errorf("decode offer: %s: %w", jsonReason(err), offres.ErrInvalid)})
	}
	return e.offer(pos, r.offer())
}

func parseOwnJSON(e *emitter, r io.Reader) error {
	return walkJSON(e, r, []string{"offers", "offres"}, e.ownRecord)
}

// maxLine bounds one line of NDJSON or CSV.
const maxLine = 4 << 20

func parseNDJSON(e *emitter, r io.Reader) error {
	return e.eachLine(newLineReader(r, maxLine), 1, e.ownRecord)
}
