package lexicon

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

//go:embed synonyms.txt
var synonymsTxt []byte

//go:embed phrases.txt
var phrasesTxt []byte

// Group is one line of the lexicon.
type Group struct {
	// Input is empty for an equivalence group, in which each of Terms stands
	// for all the others. When not empty the group is one-way: each term of
	// Input expands to Terms, and Terms do not expand back.
	Input []string
	// Terms are the equivalent terms (or the targets of a one-way group).
	Terms []string
	// Line is the line number of the group in its source, for messages.
	Line int
}

// OneWay reports whether the group only expands Input to Terms.
func (g Group) OneWay() bool { return len(g.Input) > 0 }

// All returns Input followed by Terms.
func (g Group) All() []string {
	all := make([]string, 0, len(g.Input)+len(g.Terms))
	all = append(all, g.Input...)
	return append(all, g.Terms...)
}

// ErrSyntax is wrapped by the errors of Parse.
var ErrSyntax = errors.New("lexicon syntax error")

// maxLineLen bounds a line of a lexicon source.
const maxLineLen = 4096

// Parse reads a lexicon in the format of synonyms.txt. Terms are trimmed and
// their inner white space is reduced to single spaces; case and accents are
// kept as written.
func Parse(r io.Reader) ([]Group, error) {
	var groups []Group
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), maxLineLen)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		g, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		g.Line = n
		groups = append(groups, g)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w: %w", n+1, ErrSyntax, err)
	}
	return groups, nil
}

func parseLine(line string) (Group, error) {
	left, right, oneWay := strings.Cut(line, "=>")
	if !oneWay {
		terms, err := splitTerms(left)
		if err != nil {
			return Group{}, err
		}
		if len(terms) < 2 {
			return Group{}, fmt.Errorf("a group needs two terms or more: %w", ErrSyntax)
		}
		return Group{Terms: terms}, nil
	}
	if strings.Contains(right, "=>") {
		return Group{}, fmt.Errorf("more than one \"=>\": %w", ErrSyntax)
	}
	input, err := splitTerms(left)
	if err != nil {
		return Group{}, err
	}
	terms, err := splitTerms(right)
	if err != nil {
		return Group{}, err
	}
	for _, in := range input {
		for _, t := range terms {
			if strings.EqualFold(in, t) {
				return Group{}, fmt.Errorf("term %q on both sides of \"=>\": %w", in, ErrSyntax)
			}
		}
	}
	return Group{Input: input, Terms: terms}, nil
}

func splitTerms(s string) ([]string, error) {
	parts := strings.Split(s, ",")
	terms := make([]string, 0, len(parts))
	seen := make(map[string]bool, len(parts))
	for _, p := range parts {
		t := strings.Join(strings.Fields(p), " ")
		if t == "" {
			return nil, fmt.Errorf("empty term: %w", ErrSyntax)
		}
		k := strings.ToLower(t)
		if seen[k] {
			return nil, fmt.Errorf("duplicate term %q: %w", t, ErrSyntax)
		}
		seen[k] = true
		terms = append(terms, t)
	}
	return terms, nil
}

// Synonyms returns the curated lexicon, parsed. Each call returns a fresh
// copy that the caller may modify.
func Synonyms() []Group {
	groups, err := Parse(bytes.NewReader(synonymsTxt))
	if err != nil { // cannot happen: the embedded file is checked by the tests
		panic("lexicon: embedded synonyms.txt: " + err.Error())
	}
	return groups
}

// Phrases returns the everyday words for jobs (phrases.txt): one-way groups
// from what candidates type to the words of the offers, for search only.
// Each call returns a fresh copy.
func Phrases() []Group {
	groups, err := Parse(bytes.NewReader(phrasesTxt))
	if err != nil { // cannot happen: the embedded file is checked by the tests
		panic("lexicon: embedded phrases.txt: " + err.Error())
	}
	return groups
}

// Version identifies the content of the embedded lexicon, so that an index
// built with an older lexicon can notice it and refresh its synonyms.
func Version() string {
	sum := sha256.Sum256(append(append([]byte{}, synonymsTxt...), phrasesTxt...))
	return hex.EncodeToString(sum[:8])
}
