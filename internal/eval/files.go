package eval

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"offres/internal/offres"
)

// Query is one judged query.
type Query struct {
	ID   string
	Text string
}

// Qrels are relevance judgements: query id → doc id → grade (0 not
// relevant, 1 relevant, 2 highly relevant…).
type Qrels map[string]map[string]int

// maxLine bounds one line of a queries or qrels file.
const maxLine = 1 << 20

// lineError is a parse error at name:line, wrapping offres.ErrInvalid.
func lineError(name string, line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s: %w", name, line, fmt.Sprintf(format, args...), offres.ErrInvalid)
}

// eachLine calls fn with the number and text of every line of r that is
// neither blank nor a comment (first non-space character '#'). A final "\r"
// and a byte-order mark opening the line are dropped; invalid UTF-8 is an
// error.
func eachLine(name string, r io.Reader, fn func(n int, line string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimPrefix(sc.Text(), "\ufeff")
		if !utf8.ValidString(line) {
			return lineError(name, n, "not valid UTF-8")
		}
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s after line %d: %w", name, n, err)
	}
	return nil
}

// ReadQueries reads queries as TSV, "qid<TAB>text" per line; blank lines and
// lines starting with '#' are ignored. The qid has no spaces; the text is
// trimmed. A malformed line or a repeated qid is an error "name:line: reason"
// wrapping offres.ErrInvalid.
func ReadQueries(name string, r io.Reader) ([]Query, error) {
	var qs []Query
	first := map[string]int{} // qid → line
	err := eachLine(name, r, func(n int, line string) error {
		id, text, ok := strings.Cut(line, "\t")
		id, text = strings.TrimSpace(id), strings.TrimSpace(text)
		switch {
		case !ok:
			return lineError(name, n, "want qid<TAB>text, found no tab")
		case id == "":
			return lineError(name, n, "empty qid")
		case strings.IndexFunc(id, unicode.IsSpace) >= 0:
			return lineError(name, n, "qid %q contains a space", id)
		case text == "":
			return lineError(name, n, "query %s: empty text", id)
		}
		if at, dup := first[id]; dup {
			return lineError(name, n, "duplicate qid %q (first on line %d)", id, at)
		}
		first[id] = n
		qs = append(qs, Query{ID: id, Text: text})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return qs, nil
}

// ReadQrels reads TREC qrels, "qid iteration docid grade" per line,
// whitespace separated; blank lines and lines starting with '#' are ignored.
// Offer ids may contain spaces, so the docid is everything between the
// second field and the last one, trimmed (inner spacing kept). The grade is
// an integer ≥ 0. A malformed line or a doc judged twice for one query is an
// error "name:line: reason" wrapping offres.ErrInvalid.
func ReadQrels(name string, r io.Reader) (Qrels, error) {
	qrels := Qrels{}
	err := eachLine(name, r, func(n int, line string) error {
		qid, rest := cutField(line)
		_, rest = cutField(rest) // the iteration, unused
		end := strings.LastIndexFunc(rest, unicode.IsSpace)
		if end < 0 {
			return lineError(name, n, "want qid iteration docid grade, found %d fields", len(strings.Fields(line)))
		}
		doc, field := strings.TrimSpace(rest[:end]), rest[end+1:]
		grade, err := strconv.Atoi(field)
		switch {
		case doc == "":
			return lineError(name, n, "want qid iteration docid grade, found %d fields", len(strings.Fields(line)))
		case err != nil:
			return lineError(name, n, "grade %q is not an integer", field)
		case grade < 0:
			return lineError(name, n, "grade %d is negative", grade)
		}
		docs := qrels[qid]
		if docs == nil {
			docs = map[string]int{}
			qrels[qid] = docs
		}
		if _, dup := docs[doc]; dup {
			return lineError(name, n, "query %s: doc %q judged twice", qid, doc)
		}
		docs[doc] = grade
		return nil
	})
	if err != nil {
		return nil, err
	}
	return qrels, nil
}

// cutField returns the first whitespace-separated field of s and the rest,
// both without surrounding whitespace.
func cutField(s string) (field, rest string) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// WriteQueries writes qs in the format ReadQueries reads.
func WriteQueries(w io.Writer, qs []Query) error {
	bw := bufio.NewWriter(w)
	for _, q := range qs {
		if err := checkID("qid", q.ID); err != nil {
			return err
		}
		if t := strings.TrimSpace(q.Text); t == "" || t != q.Text || strings.Contains(q.Text, "\n") || !utf8.ValidString(t) {
			return fmt.Errorf("query %s: text %q is empty, padded, spans lines or is not UTF-8: %w", q.ID, q.Text, offres.ErrInvalid)
		}
		fmt.Fprintf(bw, "%s\t%s\n", q.ID, q.Text)
	}
	return bw.Flush()
}

// WriteQrels writes qrels in TREC format (iteration 0), by query id then doc
// id, in the format ReadQrels reads. Doc ids may contain spaces but must not
// start or end with one, nor span lines.
func WriteQrels(w io.Writer, qrels Qrels) error {
	bw := bufio.NewWriter(w)
	for _, qid := range slices.Sorted(maps.Keys(qrels)) {
		if err := checkID("qid", qid); err != nil {
			return err
		}
		docs := qrels[qid]
		for _, doc := range slices.Sorted(maps.Keys(docs)) {
			switch {
			case doc == "" || strings.TrimSpace(doc) != doc || strings.Contains(doc, "\n") || !utf8.ValidString(doc):
				return fmt.Errorf("query %s: doc id %q is empty, padded, spans lines or is not UTF-8: %w", qid, doc, offres.ErrInvalid)
			case docs[doc] < 0:
				return fmt.Errorf("query %s: doc %q: negative grade %d: %w", qid, doc, docs[doc], offres.ErrInvalid)
			}
			fmt.Fprintf(bw, "%s 0 %s %d\n", qid, doc, docs[doc])
		}
	}
	return bw.Flush()
}

// checkID checks a query id can be written and read back.
func checkID(what, id string) error {
	if id == "" || strings.IndexFunc(id, unicode.IsSpace) >= 0 || strings.HasPrefix(id, "#") || strings.HasPrefix(id, "\ufeff") || !utf8.ValidString(id) {
		return fmt.Errorf("%s %q is empty, has spaces or starts with '#': %w", what, id, offres.ErrInvalid)
	}
	return nil
}
