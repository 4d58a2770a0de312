package search

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"offres/internal/offres"
)

// Suggester completes typed prefixes with offer titles and title/skill terms.
// It is accent- and case-insensitive, kept in memory, and updated as offers
// are written. Lookups are a binary search over sorted folded keys.
type Suggester struct {
	mu     sync.RWMutex
	docs   map[string][]string // offer id → the entries it contributed
	counts map[string]*entry   // entry key ("t:" or "w:" + display) → entry
	keys   []suggestKey        // sorted by folded key; rebuilt lazily
	dirty  bool

	// Job titles of the ROME referential, offered when their job has
	// offers: the entries (static) and the offers of each code.
	jobs      []*entry
	codeCount map[string]int
	docCodes  map[string][]string // offer id → its occupations' codes
}

type entry struct {
	text  string
	kind  string
	count int
	code  string // of a "metier" entry: its count is codeCount[code]
}

// Kinds of suggestions.
const (
	kindTitle = "title"
	kindJob   = "metier"
	kindTerm  = "term"
)

type suggestKey struct {
	folded string // folded text from one word of the entry to its end
	e      *entry
	start  bool // the key starts at the entry's first word
}

// NewSuggester returns an empty suggester.
func NewSuggester() *Suggester {
	return &Suggester{docs: make(map[string][]string), counts: make(map[string]*entry),
		codeCount: map[string]int{}, docCodes: map[string][]string{}}
}

// SetJobs gives the suggester the job titles of the referential (Label: the
// title, Code: its ROME code): each is offered while offers of its code are
// indexed, counting them.
func (s *Suggester) SetJobs(jobs []offres.Occupation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs = make([]*entry, len(jobs))
	for i, j := range jobs {
		s.jobs[i] = &entry{text: j.Label, kind: kindJob, code: j.Code}
	}
	s.dirty = true
}

// minTermLen is the shortest word offered as a term completion.
const minTermLen = 4

// Add records (or replaces) the offers' titles and terms.
func (s *Suggester) Add(offers []offres.Offer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range offers {
		o := &offers[i]
		s.removeLocked(o.ID)
		var refs []string
		seen := map[string]bool{}
		add := func(kind, text string) {
			k := kind + ":" + text
			if seen[k] {
				return
			}
			seen[k] = true
			e := s.counts[k]
			if e == nil {
				e = &entry{text: text, kind: kind}
				s.counts[k] = e
			}
			e.count++
			refs = append(refs, k)
		}
		title := strings.Join(strings.Fields(o.Title), " ")
		add("title", title)
		words := strings.FieldsFunc(title, isWordSep)
		for _, sk := range o.Skills {
			words = append(words, strings.FieldsFunc(sk.Label, isWordSep)...)
		}
		for _, w := range words {
			w = strings.ToLower(strings.Trim(w, "'’-"))
			if len([]rune(w)) >= minTermLen && !stopWords[offres.Fold(w)] {
				add("term", w)
			}
		}
		s.docs[o.ID] = refs
		var codes []string
		for _, oc := range o.Occupations {
			codes = append(codes, oc.Code)
			if oc.Family != "" {
				codes = append(codes, oc.Family)
			}
		}
		slices.Sort(codes)
		codes = slices.Compact(codes)
		for _, c := range codes {
			s.codeCount[c]++
		}
		s.docCodes[o.ID] = codes
	}
	s.dirty = true
}

// Remove forgets the offers with these ids.
func (s *Suggester) Remove(ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		s.removeLocked(id)
	}
	s.dirty = true
}

func (s *Suggester) removeLocked(id string) {
	for _, k := range s.docs[id] {
		if e := s.counts[k]; e != nil {
			if e.count--; e.count <= 0 {
				delete(s.counts, k)
			}
		}
	}
	delete(s.docs, id)
	for _, c := range s.docCodes[id] {
		if s.codeCount[c]--; s.codeCount[c] <= 0 {
			delete(s.codeCount, c)
		}
	}
	delete(s.docCodes, id)
}

func (s *Suggester) rebuildLocked() {
	keys := make([]suggestKey, 0, len(s.counts)*2+len(s.jobs)*2)
	entries := make([]*entry, 0, len(s.counts)+len(s.jobs))
	for _, e := range s.counts {
		entries = append(entries, e)
	}
	entries = append(entries, s.jobs...)
	for _, e := range entries {
		folded := offres.FoldKey(e.text)
		first := true
		for rest := folded; rest != ""; {
			keys = append(keys, suggestKey{folded: rest, e: e, start: first})
			first = false
			i := strings.IndexByte(rest, ' ')
			if i < 0 || e.kind == "term" {
				break
			}
			rest = rest[i+1:]
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].folded < keys[j].folded })
	s.keys, s.dirty = keys, false
}

// Suggest returns up to limit completions of prefix: titles first (those
// starting with the prefix before those with a word starting with it), then
// terms, each group by number of offers.
func (s *Suggester) Suggest(prefix string, limit int) []offres.Suggestion {
	p := offres.FoldKey(prefix)
	if p == "" || limit <= 0 {
		return nil
	}
	s.mu.RLock()
	if s.dirty {
		s.mu.RUnlock()
		s.mu.Lock()
		if s.dirty {
			s.rebuildLocked()
		}
		s.mu.Unlock()
		s.mu.RLock()
	}
	defer s.mu.RUnlock()
	i := sort.Search(len(s.keys), func(i int) bool { return s.keys[i].folded >= p })
	type cand struct {
		e     *entry
		start bool
	}
	best := map[*entry]bool{} // entry → matched at its start
	var cands []cand
	for ; i < len(s.keys) && strings.HasPrefix(s.keys[i].folded, p); i++ {
		k := s.keys[i]
		if k.e.kind == kindJob && s.codeCount[k.e.code] == 0 {
			continue // no offer of this job
		}
		if start, ok := best[k.e]; ok {
			if k.start && !start {
				best[k.e] = true
			}
			continue
		}
		best[k.e] = k.start
		cands = append(cands, cand{e: k.e})
	}
	for j := range cands {
		cands[j].start = best[cands[j].e]
	}
	count := func(e *entry) int {
		if e.kind == kindJob {
			return s.codeCount[e.code]
		}
		return e.count
	}
	rank := map[string]int{kindTitle: 0, kindJob: 1, kindTerm: 2}
	sort.Slice(cands, func(a, b int) bool {
		x, y := cands[a], cands[b]
		if rank[x.e.kind] != rank[y.e.kind] {
			return rank[x.e.kind] < rank[y.e.kind]
		}
		if x.start != y.start {
			return x.start
		}
		if cx, cy := count(x.e), count(y.e); cx != cy {
			return cx > cy
		}
		return x.e.text < y.e.text
	})
	// Keep room for the others: at most three quarters of the list are
	// titles, and half of it job titles of the referential.
	out := make([]offres.Suggestion, 0, limit)
	titles, maxTitles := 0, max(1, limit*3/4)
	var jobs, terms []offres.Suggestion
	for _, c := range cands {
		sg := offres.Suggestion{Text: c.e.text, Kind: c.e.kind, Count: count(c.e)}
		switch c.e.kind {
		case kindTitle:
			if titles < maxTitles {
				out = append(out, sg)
				titles++
			}
		case kindJob:
			if len(jobs) < max(1, limit/2) {
				jobs = append(jobs, sg)
			}
		default:
			if len(terms) < limit {
				terms = append(terms, sg)
			}
		}
	}
	for _, sg := range append(jobs, terms...) {
		if len(out) == limit {
			break
		}
		out = append(out, sg)
	}
	return out
}

func isWordSep(r rune) bool {
	switch r {
	case ' ', '\t', '\n', ',', ';', ':', '/', '(', ')', '.', '!', '?', '«', '»', '"', '\'', '’':
		return true
	}
	return false
}

// stopWords are folded French words never offered as terms.
var stopWords = map[string]bool{
	"avec": true, "dans": true, "pour": true, "sans": true, "sous": true, "vers": true, "chez": true,
	"leur": true, "leurs": true, "votre": true, "vous": true, "nous": true, "notre": true, "cette": true,
	"etre": true, "avoir": true, "plus": true, "tres": true, "tout": true, "tous": true, "toute": true,
	"toutes": true, "entre": true, "selon": true, "ainsi": true, "dont": true, "elle": true, "elles": true,
}
