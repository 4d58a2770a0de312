package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// Source is where Load reads the settings from, besides their defaults.
type Source struct {
	// File is the configuration file (TOML); "" for none.
	File string
	// Getenv reads the environment (os.Getenv); nil: no environment.
	Getenv func(string) string
	// Flags are the flags of the command line; nil: none.
	Flags *Flags
}

// Loaded is the configuration in force and where each value came from.
type Loaded struct {
	Config
	origins map[string]string // setting key → "offres.toml:12", "OFFRES_ADDR", "--addr"
	// Warnings are problems that do not stop offres: a world-readable
	// configuration file that holds a secret.
	Warnings []string
}

// Load reads the settings: their defaults, then the file, the environment
// and the flags, each over the previous; then validates them. Its error
// lists every problem found, one per line, each naming the setting and
// where its value came from.
func Load(src Source) (*Loaded, error) {
	l := &Loaded{Config: Default(), origins: map[string]string{}}
	var errs []error
	if src.File != "" {
		errs = append(errs, l.readFile(src.File)...)
	}
	for _, s := range allSettings() {
		if src.Getenv == nil || s.Env == "" {
			continue
		}
		if v := src.Getenv(s.Env); v != "" {
			l.origins[s.Key] = s.Env
			if err := s.set(&l.Config, v); err != nil {
				errs = append(errs, l.Errorf(s.Key, "%v", err))
			}
		}
	}
	if src.Flags != nil {
		for _, s := range allSettings() {
			if v, ok := src.Flags.set[s.Key]; ok {
				l.origins[s.Key] = "--" + s.Flag
				if err := s.set(&l.Config, v); err != nil {
					errs = append(errs, l.Errorf(s.Key, "%v", err))
				}
			}
		}
	}
	// A value that did not parse kept its previous one: validating the rest
	// reports every problem at once.
	errs = append(errs, l.validate()...)
	// The file's problems first, in the order of its lines.
	slices.SortStableFunc(errs, func(a, b error) int { return cmp.Compare(fileLine(a), fileLine(b)) })
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return l, nil
}

// fileLine returns the line of the file an error is about, or a number
// past any line for an error about another origin.
func fileLine(err error) int {
	var e *Error
	if errors.As(err, &e) {
		if i := strings.LastIndexByte(e.Where, ':'); i >= 0 {
			if n, err := strconv.Atoi(e.Where[i+1:]); err == nil {
				return n
			}
		}
	}
	return math.MaxInt
}

// IsSet reports whether a setting was given, rather than left to its
// default.
func (l *Loaded) IsSet(key string) bool { return l.origins[key] != "" }

// Origin says where a setting's value came from: "offres.toml:12",
// "OFFRES_ADDR", "--addr", or "default".
func (l *Loaded) Origin(key string) string {
	if o := l.origins[key]; o != "" {
		return o
	}
	return "default"
}

// Error is a setting's invalid value.
type Error struct {
	// Where names the value's origin: "offres.toml:12",
	// "OFFRES_LLM_TEMPERATURE", "--log-level"; "" for a default.
	Where string
	// Key is the setting's key in the file, "" when the problem is not one
	// setting's (a syntax error).
	Key     string
	Message string
}

func (e *Error) Error() string {
	parts := make([]string, 0, 3)
	for _, p := range []string{e.Where, e.Key, e.Message} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ": ")
}

// Errorf returns an *Error about a setting, naming where its value came
// from: for the checks that belong to the packages using the value
// (offres serve checks the CORS origins with the API's rules).
func (l *Loaded) Errorf(key, format string, args ...any) error {
	return &Error{Where: l.origins[key], Key: key, Message: fmt.Sprintf(format, args...)}
}

// readFile decodes the configuration file over the defaults, strictly, and
// notes the line of each setting it gives.
func (l *Loaded) readFile(path string) (errs []error) {
	doc, err := os.ReadFile(path)
	if err != nil {
		return []error{fmt.Errorf("config file: %w", err)}
	}
	// Decode into a copy, so that a file that fails leaves no half value.
	c := l.Config
	dec := toml.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		var strict *toml.StrictMissingError
		if !errors.As(err, &strict) {
			return []error{decodeError(path, doc, err)}
		}
		// The known keys are decoded: they are checked too, so that every
		// problem is reported at once.
		for _, e := range strict.Errors {
			errs = append(errs, unknownKey(path, e))
		}
	}
	l.Config = c
	lines, err := keyLines(doc)
	if err != nil { // the decoder read it: cannot happen
		return []error{decodeError(path, doc, err)}
	}
	var secrets []string
	for _, s := range allSettings() {
		if line, ok := lines[s.Key]; ok {
			l.origins[s.Key] = fmt.Sprintf("%s:%d", path, line)
			if s.Secret {
				secrets = append(secrets, s.Key)
			}
		}
	}
	if info, err := os.Stat(path); err == nil && len(secrets) > 0 && info.Mode().Perm()&0o077 != 0 {
		l.Warnings = append(l.Warnings, fmt.Sprintf("%s holds secrets (%s) and is readable by others (mode %v): chmod 600 it, or give them in the environment",
			path, strings.Join(secrets, ", "), info.Mode().Perm()))
	}
	return errs
}

// decodeError reports a syntax error, or a value of the wrong type, at its
// line.
func decodeError(path string, doc []byte, err error) error {
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		// A value's own UnmarshalText error (a duration) carries no
		// position: find the value.
		if e := badDuration(path, doc); e != nil {
			return e
		}
		return &Error{Where: path, Message: strings.TrimPrefix(err.Error(), "toml: ")}
	}
	row, _ := de.Position()
	key := strings.Join(de.Key(), ".")
	msg := strings.TrimPrefix(de.Error(), "toml: ")
	if s, ok := lookup(key); ok && strings.HasPrefix(msg, "cannot decode") {
		msg = s.want()
	} else if !ok && slices.ContainsFunc(allSettings(), func(s Setting) bool { return strings.HasPrefix(s.Key, key+".") }) {
		msg = fmt.Sprintf("want a table: [%s]", key)
	}
	return &Error{Where: fmt.Sprintf("%s:%d", path, row), Key: key, Message: msg}
}

// badDuration returns the error of the first duration setting of doc whose
// value is not a duration, or nil.
func badDuration(path string, doc []byte) error {
	var raw map[string]any
	if toml.Unmarshal(doc, &raw) != nil {
		return nil
	}
	lines, err := keyLines(doc)
	if err != nil {
		return nil
	}
	for _, s := range allSettings() {
		if _, ok := s.field(&Config{}).Interface().(Duration); !ok {
			continue
		}
		v, found := any(raw), true
		for part := range strings.SplitSeq(s.Key, ".") {
			m, ok := v.(map[string]any)
			if v, found = m[part]; !ok || !found {
				found = false
				break
			}
		}
		if !found {
			continue
		}
		if text, ok := v.(string); ok {
			if _, err := time.ParseDuration(text); err == nil {
				continue
			}
		}
		return &Error{Where: fmt.Sprintf("%s:%d", path, lines[s.Key]), Key: s.Key, Message: fmt.Sprintf("%v: %s", v, s.want())}
	}
	return nil
}

// unknownKey reports a key that is no setting, with the setting it may be
// a misspelling of.
func unknownKey(path string, e toml.DecodeError) error {
	row, _ := e.Position()
	key := strings.Join(e.Key(), ".")
	msg := fmt.Sprintf("unknown key %q", key)
	if near := nearestKey(key); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return &Error{Where: fmt.Sprintf("%s:%d", path, row), Message: msg}
}

// nearestKey returns the key of the same table closest to key, a few edits
// away from its last part, or "".
func nearestKey(key string) string {
	kt, kn := splitKey(key)
	best, bestDist := "", max(2, len(kn)/2)+1
	for _, s := range allSettings() {
		table, name := splitKey(s.Key)
		if table != kt {
			continue
		}
		if d := editDistance(name, kn); d < bestDist {
			best, bestDist = s.Key, d
		}
	}
	return best
}

func splitKey(key string) (table, name string) {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[:i], key[i+1:]
	}
	return "", key
}

// editDistance is the Levenshtein distance of two short strings.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range ra {
		cur := make([]int, len(rb)+1)
		cur[0] = i + 1
		for j := range rb {
			cost := 1
			if ra[i] == rb[j] {
				cost = 0
			}
			cur[j+1] = min(prev[j+1]+1, cur[j]+1, prev[j]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// keyLines returns the line of each key-value of a TOML document, by its
// full key ("llm.temperature"): under a [table] header, dotted, or in an
// inline table.
func keyLines(doc []byte) (map[string]int, error) {
	lines := map[string]int{}
	var p unstable.Parser
	p.Reset(doc)
	var table []string
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyParts(n.Key())
		case unstable.KeyValue:
			keyValueLines(&p, n, table, lines)
		}
	}
	return lines, p.Error()
}

func keyValueLines(p *unstable.Parser, n *unstable.Node, table []string, lines map[string]int) {
	it := n.Key()
	var first *unstable.Node
	var parts []string
	for it.Next() {
		if first == nil {
			first = it.Node()
		}
		parts = append(parts, string(it.Node().Data))
	}
	full := append(slices.Clone(table), parts...)
	if first != nil {
		lines[strings.Join(full, ".")] = p.Shape(first.Raw).Start.Line
	}
	if v := n.Value(); v.Kind == unstable.InlineTable {
		children := v.Children()
		for children.Next() {
			if c := children.Node(); c.Kind == unstable.KeyValue {
				keyValueLines(p, c, full, lines)
			}
		}
	}
}

func keyParts(it unstable.Iterator) []string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return parts
}
