package rome

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Match is an appellation of the ROME that a job title matches.
type Match struct {
	// Code is the historic ROME code (one of 532) of the appellation, the
	// granularity offers are labelled with ("M1805").
	Code string
	// Label is the label of Code.
	Label string
	// Appellation is the job title of the ROME that matched, as written in
	// the export.
	Appellation string
	// Specific is the detailed v4 code of the appellation ("M1855"); it
	// equals Code for appellations of a historic code.
	Specific string
	// Score is in (0, 1]: 1 when the title has the words of an
	// appellation and no other. Otherwise it is an F-measure of the words
	// in common, weighted by rarity, that counts the appellation's words
	// found more than the title's words explained; × 0.95 when every word
	// of the appellation or of the title is matched, × 0.85 otherwise;
	// lower when the first words differ or the common words are scattered.
	// A match through a synonym of the lexicon, an acronym or a part of the
	// title counts a little less. Each code gets a bonus of 0.01 per other
	// appellation matching nearly as well (at most 0.04).
	Score float64
}

// Bounds of NormalizeTitle.
const (
	maxMatches  = 5
	minScore    = 0.35
	maxTitleLen = 300 // bytes; the rest of a longer title is ignored
)

// Factors applied to the score of a match through a derived form.
const (
	factorAcronym = 0.97 // the acronym of an appellation: « (IDE) »
	factorSegment = 0.9  // a part of an appellation: « … - Pet sitter »
	// factorUnqualified: an appellation without its qualifier « Agent
	// technique » of « Agent technique (espaces verts) »; a title with
	// these words only is too vague to name the job (below every
	// threshold that gives an offer, a query or a profile its job).
	factorUnqualified = 0.75
	factorLexicon     = 0.95 // a synonym from the lexicon
	factorHead        = 0.98 // the title before its first dash or comma
	factorTail        = 0.85 // another part of the title
	factorBrackets    = 0.95 // words between brackets in the title, exact only
)

// titleIndex maps the content words of the appellations to their forms.
type titleIndex struct {
	vocab    vocabulary
	forms    []titleForm
	postings [][]int32 // by token id: the forms that have it
	weight   []float32 // by token id: ln(1 + forms/df)
	unknown  float32   // the weight of a word no form has
	parentOf []int32   // by code index: the index of its historic code
}

// titleForm is one form of an appellation: a gender alternative, an
// acronym, a synonym.
type titleForm struct {
	app    int32
	toks   []uint32 // sorted, unique
	seq    []uint32 // in order
	w      float32  // sum of the weights of toks
	factor float32
}

func (t *Taxonomy) buildTitles() {
	ix := &t.titles
	ix.vocab = newVocabulary()
	ix.parentOf = make([]int32, len(t.codes))
	for i := range t.codes {
		ix.parentOf[i] = int32(t.byCode[t.parent(i)])
	}
	seen := map[string]int{} // parent code + sorted ids → form
	add := func(app int, stems []string, factor float32) {
		if len(stems) == 0 {
			return
		}
		seq := make([]uint32, len(stems))
		for i, s := range stems {
			seq[i] = ix.vocab.intern(s)
		}
		ids := slices.Compact(slices.Sorted(slices.Values(seq)))
		parent := ix.parentOf[t.byCode[t.appellations[app].Code]]
		key := formKey(parent, ids)
		if f, ok := seen[key]; ok {
			if factor > ix.forms[f].factor {
				ix.forms[f].factor, ix.forms[f].app, ix.forms[f].seq = factor, int32(app), seq
			}
			return
		}
		seen[key] = len(ix.forms)
		ix.forms = append(ix.forms, titleForm{app: int32(app), toks: ids, seq: seq, factor: factor})
	}
	for i, a := range t.appellations {
		for _, label := range []string{a.Long, a.Short} {
			if label == "" {
				continue
			}
			for _, f := range t.appellationForms(label) {
				add(i, f.stems, f.factor)
				if f.expand {
					for _, syn := range t.lex.substitute(f.stems) {
						add(i, syn, f.factor*factorLexicon)
					}
				}
			}
		}
	}
	// Weights.
	df := make([]int, ix.vocab.size())
	for _, f := range ix.forms {
		for _, id := range f.toks {
			df[id]++
		}
	}
	n := float64(len(ix.forms))
	ix.weight = make([]float32, len(df))
	ix.postings = make([][]int32, len(df))
	for id, d := range df {
		if d > 0 {
			ix.weight[id] = float32(math.Log(1 + n/float64(d)))
			ix.postings[id] = make([]int32, 0, d)
		}
	}
	ix.unknown = float32(math.Log(1 + n))
	for i := range ix.forms {
		f := &ix.forms[i]
		for _, id := range f.toks {
			f.w += ix.weight[id]
			ix.postings[id] = append(ix.postings[id], int32(i))
		}
	}
}

func formKey(parent int32, ids []uint32) string {
	b := make([]byte, 0, 4+4*len(ids))
	b = append(b, byte(parent>>24), byte(parent>>16), byte(parent>>8), byte(parent))
	for _, id := range ids {
		b = append(b, byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
	}
	return string(b)
}

// form is a sequence of stems standing for a title, with the factor of its
// derivation.
type form struct {
	stems  []string
	factor float32
	expand bool // derive synonyms from the lexicon
}

// appellationForms returns the forms of an appellation label: its
// alternatives (slashes), its acronym between brackets or dashes when it is
// the acronym of the title (« (IDE) », « -IADE- », not the « (PMI) » of
// « Médecin coordinateur PMI »), the parts of a label in two parts
// (« Garde d'animaux - Pet sitter ») of two words or more.
func (t *Taxonomy) appellationForms(label string) []form {
	s := stripGenderMarks(stripInclusive(label))
	main, inner := splitBrackets(s)
	var out []form
	variants := slashVariants(main)
	for _, v := range variants {
		out = append(out, form{v, 1, true})
	}
	// An acronym the lexicon gives for the first words of the label gets
	// the lexicon's synonyms (« IDE » → « infirmier diplômé d'État »). One
	// made of the initials of the label stands for the label only: the
	// lexicon may know the same letters for something else (the « CMS »
	// of « Composants Montés en Surface » is no « centre médico-social »).
	addAcronym := func(s string) bool {
		a, ok := acronym(s)
		if !ok || len(variants) == 0 {
			return ok
		}
		if t.lex.abbreviates(a, variants[0]) {
			out = append(out, form{[]string{a}, factorAcronym, true})
		} else if initials(a, variants[0]) {
			out = append(out, form{[]string{a}, factorAcronym, false})
		}
		return ok
	}
	if segs := splitSegments(main, false); len(segs) > 1 {
		for _, seg := range segs {
			if addAcronym(seg) {
				continue
			}
			for _, v := range slashVariants(seg) {
				if len(v) >= 2 {
					out = append(out, form{v, factorSegment, false})
				}
			}
		}
	}
	// A qualifier between brackets that is no acronym is part of the job:
	// « Agent / Agente technique (espaces verts) » is a gardener, and the
	// words outside the brackets alone (« Agent technique ») name a dozen
	// jobs. The label with its qualifier is the full form; without it, a
	// form too weak to name the job alone.
	qualified := false
	for _, in := range inner {
		if addAcronym(in) || strings.TrimSpace(in) == "" {
			continue
		}
		qualified = true
		for _, v := range slashVariants(main + " " + in) {
			out = append(out, form{v, 1, true})
		}
	}
	if qualified {
		for i := range variants {
			out[i].factor = factorUnqualified
		}
	}
	return out
}

// acronym returns the stem of s if s is one word in capitals (« IDE »).
func acronym(s string) (string, bool) {
	var found token
	n := 0
	for _, t := range tokenize(s, nil) {
		n++
		found = t
	}
	if n != 1 || !found.upper {
		return "", false
	}
	return found.stem, true
}

// initials reports whether the letters of acronym a are the initials of
// words of stems, the first one included: « atsem » and « agent
// territorial spécialisé écoles maternelles ».
func initials(a string, stems []string) bool {
	if a == "" || len(stems) == 0 || stems[0][0] != a[0] {
		return false
	}
	j := 1
	for i := 1; i < len(a); i++ {
		for j < len(stems) && stems[j][0] != a[i] {
			j++
		}
		if j == len(stems) {
			return false
		}
		j++
	}
	return true
}

// stripInclusive removes the inclusive endings of a word: « Aide-soignant(e) »,
// « Technicien(ne) », « Conseiller(ère) », « EMPLOY(E) », « salarié·e·s »,
// « Agent.e », « Agent (e) ».
func stripInclusive(s string) string {
	if !strings.ContainsAny(s, "(·.") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '(' || r == '·' || r == '.' {
			if j, ok := inclusiveEnding(s, i, r, size); ok {
				i = j
				continue
			}
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// inclusiveEndings are the endings that may follow a word after a space or
// a dot (« Agent (e) », « Agent.e »); glued to a word between brackets any
// ending of up to 6 letters is one.
var inclusiveEndings = wordSet("e es s ne nes le les se ses ve ère ere ères rice trice euse fe ive")

// inclusiveEnding reports whether an inclusive ending starts at s[i] (the
// mark r of size bytes) and returns the index after it.
func inclusiveEnding(s string, i int, r rune, size int) (int, bool) {
	space := false
	k := i
	if r == '(' && k > 0 && s[k-1] == ' ' {
		space = true
		k--
	}
	if k == 0 {
		return 0, false
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:k])
	if !unicode.IsLetter(prev) {
		return 0, false
	}
	j := i + size
	lower, upper := true, true
	for j < len(s) {
		r2, sz := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsLetter(r2) {
			break
		}
		lower = lower && unicode.IsLower(r2)
		upper = upper && unicode.IsUpper(r2)
		j += sz
	}
	ending := s[i+size : j]
	n := utf8.RuneCountInString(ending)
	switch {
	case n == 0 || n > 6:
		return 0, false
	case lower:
	case upper && unicode.IsUpper(prev) && n <= 3: // « EMPLOY(E) »
	default:
		return 0, false
	}
	if (space || r == '.') && !inclusiveEndings[strings.ToLower(ending)] {
		return 0, false
	}
	if r == '(' {
		if j == len(s) || s[j] != ')' {
			return 0, false
		}
		j++
	} else if j < len(s) {
		if next, _ := utf8.DecodeRuneInString(s[j:]); unicode.IsLetter(next) || unicode.IsDigit(next) {
			return 0, false
		}
	}
	return j, true
}

// stripGenderMarks blanks « H/F », « F/H », « h / f ».
func stripGenderMarks(s string) string {
	if !strings.Contains(s, "/") {
		return s
	}
	isHF := func(c byte) bool { return c == 'h' || c == 'H' || c == 'f' || c == 'F' }
	wordBefore := func(i int) bool { // a letter or digit ends at i
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		return i > 0 && isWordRune(r)
	}
	wordAt := func(i int) bool {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return i < len(s) && isWordRune(r)
	}
	b := []byte(s)
	for i := 0; i < len(s); i++ {
		if s[i] != '/' {
			continue
		}
		l := i - 1
		for l >= 0 && s[l] == ' ' {
			l--
		}
		r := i + 1
		for r < len(s) && s[r] == ' ' {
			r++
		}
		if l < 0 || r >= len(s) || !isHF(s[l]) || !isHF(s[r]) || (s[l]|0x20) == (s[r]|0x20) {
			continue
		}
		if wordBefore(l) || wordAt(r+1) {
			continue
		}
		for k := l; k <= r; k++ {
			b[k] = ' '
		}
	}
	return string(b)
}

// splitBrackets returns s without its parts between brackets, and those
// parts.
func splitBrackets(s string) (string, []string) {
	if !strings.ContainsAny(s, "([") {
		return s, nil
	}
	var main strings.Builder
	var inner []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '(' || c == '[':
			if depth == 0 {
				start = i + 1
				main.WriteByte(' ')
			}
			depth++
		case (c == ')' || c == ']') && depth > 0:
			depth--
			if depth == 0 {
				inner = append(inner, s[start:i])
			}
		case depth == 0:
			main.WriteByte(c)
		}
	}
	if depth > 0 {
		inner = append(inner, s[start:])
	}
	return main.String(), inner
}

// splitSegments cuts s at dashes that are not hyphens (« Garde-nature –
// parc », « Diplômé d'Etat -IADE- »), and with query also at « | : ; , ».
func splitSegments(s string, query bool) []string {
	var segs []string
	start := 0
	cut := func(i, size int) {
		if seg := strings.TrimSpace(s[start:i]); seg != "" {
			segs = append(segs, seg)
		}
		start = i + size
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '–' || r == '—':
			cut(i, size)
		case r == '-':
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			if i == 0 || !isWordRune(prev) || !isWordRune(next) {
				cut(i, size)
			}
		case query && (r == '|' || r == ':' || r == ';' || r == ',' || r == '•'):
			cut(i, size)
		}
		i += size
	}
	cut(len(s), 0)
	return segs
}

// slashVariants returns the alternatives of a title written with slashes,
// as content stems. A slash with a space on a side separates alternatives
// of the title (« Développeur / Développeuse web » → « développeur web »,
// « développeuse web »; « Garde forestier / forestière » → « garde
// forestier », « garde forestière »): the words of the last alternative
// beyond the length of the first are shared. A slash between two words
// separates alternatives of the word (« Chef d'équipe en
// plastique/caoutchouc »).
func slashVariants(s string) [][]string {
	var parts [][][]string // alternatives of each part
	toks := tokenize(s, nil)
	from := 0
	flush := func(to int) {
		if alts := wordAlternatives(s, toks[from:to]); len(alts) > 0 {
			parts = append(parts, alts)
		}
		from = to + 1
	}
	for i, tk := range toks {
		if tk.punct && tk.stem == "/" && !(tk.start > 0 && isWordRune(lastRune(s[:tk.start])) &&
			tk.end < len(s) && isWordRune(firstRune(s[tk.end:]))) {
			flush(i)
		}
	}
	flush(len(toks))
	switch len(parts) {
	case 0:
		return nil
	case 1:
		return parts[0]
	}
	var out [][]string
	firsts, lasts := parts[0], parts[len(parts)-1]
	for _, first := range firsts {
		for _, last := range lasts {
			if len(parts) == 2 && len(last) < len(first) {
				fem := append(slices.Clip(first[:len(first)-len(last)]), last...)
				out = append(out, first, fem)
				continue
			}
			var rest []string
			if len(last) > len(first) {
				rest = last[len(first):]
			}
			for _, p := range parts[:len(parts)-1] {
				for _, alt := range p {
					out = append(out, append(slices.Clip(alt), rest...))
				}
			}
			out = append(out, last)
		}
	}
	return out
}

// maxAlternatives bounds the alternatives of one part of a title.
const maxAlternatives = 4

// wordAlternatives returns the content stems of toks, once for each choice
// of the words joined by a slash (« plastique/caoutchouc »).
func wordAlternatives(s string, toks []token) [][]string {
	alts := [][]string{nil}
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		if tk.stop || tk.punct {
			continue
		}
		// A run of words joined by slashes: « a/b/c ».
		choices := []string{tk.stem}
		for i+2 < len(toks) && toks[i+1].punct && toks[i+1].stem == "/" &&
			toks[i+1].start == tk.end && toks[i+2].start == toks[i+1].end {
			i += 2
			tk = toks[i]
			if !tk.stop && !tk.punct {
				choices = append(choices, tk.stem)
			}
		}
		var next [][]string
		for _, a := range alts {
			for _, c := range choices {
				if len(next) < maxAlternatives {
					next = append(next, append(slices.Clip(a), c))
				}
			}
		}
		alts = next
	}
	if len(alts[0]) == 0 {
		return nil
	}
	return alts
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// queryForm is one form of the title asked.
type queryForm struct {
	ids       []uint32 // known stems, sorted, unique
	seq       []uint32 // all stems in order, 0 for an unknown one
	unknown   int      // stems no appellation has
	factor    float32
	exactOnly bool
}

// queryForms returns the forms of a title: the whole title, its first part
// and next parts when it has several, its words between brackets; each in
// its gender alternatives.
func (t *Taxonomy) queryForms(title string) []queryForm {
	s := stripGenderMarks(stripInclusive(title))
	main, inner := splitBrackets(s)
	segs := splitSegments(main, true)
	vocab := &t.titles.vocab
	var out []queryForm
	add := func(s string, factor float32, exactOnly bool) {
		for _, stems := range slashVariants(s) {
			q := queryForm{factor: factor, exactOnly: exactOnly}
			for _, st := range stems {
				id := vocab.id(st)
				if id != 0 {
					q.ids = append(q.ids, id)
				} else {
					q.unknown++
				}
				q.seq = append(q.seq, id)
			}
			slices.Sort(q.ids)
			q.ids = slices.Compact(q.ids)
			if len(q.ids) == 0 {
				continue
			}
			dup := slices.ContainsFunc(out, func(o queryForm) bool {
				return o.unknown == q.unknown && o.exactOnly == q.exactOnly && slices.Equal(o.ids, q.ids)
			})
			if !dup {
				out = append(out, q)
			}
		}
	}
	if len(segs) > 0 {
		add(strings.Join(segs, " "), 1, false)
	}
	if len(segs) > 1 {
		add(segs[0], factorHead, false)
		for _, seg := range segs[1:min(len(segs), 3)] {
			add(seg, factorTail, false)
		}
	}
	for _, in := range inner[:min(len(inner), 2)] {
		add(in, factorBrackets, true)
	}
	return out
}

// scratch is the per-call state of NormalizeTitle.
type scratch struct {
	acc     []float32 // by form: weight of the words in common
	cnt     []uint16  // by form: number of words in common
	touched []int32
	cands   []candidate
	best    []int32 // by code index: the best candidate, or -1
	codes   []int32 // the codes of the candidates
	near    [][2]int32
}

type candidate struct {
	parent int32 // code index of the historic code
	app    int32
	score  float32
}

func (t *Taxonomy) newScratch() *scratch {
	n := len(t.titles.forms)
	best := make([]int32, len(t.codes))
	for i := range best {
		best[i] = -1
	}
	return &scratch{acc: make([]float32, n), cnt: make([]uint16, n), best: best}
}

// NormalizeTitle returns the ROME codes of a job title, as written in an
// offer or a CV, best first, one Match per code, at most 5, each scoring
// 0.35 or more. It returns nil when no appellation comes close.
func (t *Taxonomy) NormalizeTitle(title string) []Match {
	if len(title) > maxTitleLen {
		cut := maxTitleLen
		for cut > 0 && !utf8.RuneStart(title[cut]) {
			cut--
		}
		title = title[:cut]
	}
	forms := t.queryForms(title)
	if len(forms) == 0 {
		return nil
	}
	sc := t.pool.Get().(*scratch)
	defer t.pool.Put(sc)
	sc.cands = sc.cands[:0]
	for _, q := range forms {
		t.scoreForm(q, sc)
	}
	return t.rank(sc)
}

// scoreForm adds to sc.cands the forms of the index that q matches well
// enough.
func (t *Taxonomy) scoreForm(q queryForm, sc *scratch) {
	ix := &t.titles
	wq := float32(q.unknown) * ix.unknown
	for _, id := range q.ids {
		w := ix.weight[id]
		wq += w
		for _, f := range ix.postings[id] {
			if sc.cnt[f] == 0 {
				sc.touched = append(sc.touched, f)
			}
			sc.acc[f] += w
			sc.cnt[f]++
		}
	}
	for _, fi := range sc.touched {
		f := &ix.forms[fi]
		inter, n := sc.acc[fi], int(sc.cnt[fi])
		sc.acc[fi], sc.cnt[fi] = 0, 0
		aInQ := n == len(f.toks)
		qInA := n == len(q.ids) && q.unknown == 0
		var s float32
		switch {
		case aInQ && qInA:
			s = 1
		case q.exactOnly:
			continue
		default:
			s = wordsScore(inter/f.w, inter/wq, aInQ || qInA)
			if f.seq[0] != q.seq[0] {
				s *= headMismatch
			}
			if n >= 2 && !contiguous(f.seq, q.seq) && !contiguous(q.seq, f.seq) {
				s *= scattered
			}
		}
		s *= f.factor * q.factor
		if s < minScore {
			continue
		}
		app := f.app
		parent := ix.parentOf[t.byCode[t.appellations[app].Code]]
		sc.cands = append(sc.cands, candidate{parent: parent, app: app, score: s})
	}
	sc.touched = sc.touched[:0]
}

// Scoring of the matches that are not exact.
const (
	beta2        = 1.5 * 1.5 // the appellation's coverage counts 1.5 times the title's
	allWords     = 0.95      // every word of the appellation, or of the title, matched
	someWords    = 0.85      // a partial match
	headMismatch = 0.9       // the first words differ: « Chargé des marchés » for « Juriste marchés »
	scattered    = 0.95      // the common words are not in one run
)

// wordsScore combines covA, the share of the appellation's words (by
// weight) found in the title, and covQ, the share of the title's words
// found in the appellation, as an F-measure that favours covA.
func wordsScore(covA, covQ float32, all bool) float32 {
	f := (1 + beta2) * covA * covQ / (beta2*covQ + covA)
	if all {
		return allWords * f
	}
	return someWords * f
}

// contiguous reports whether the words of a, in order, are a run of b (or a
// run of b's words in another order: « réseaux et télécoms » for
// « télécoms et réseaux »).
func contiguous(a, b []uint32) bool {
	if len(a) > len(b) {
		return false
	}
	for i := 0; i+len(a) <= len(b); i++ {
		ok := true
		for _, x := range a {
			if !slices.Contains(b[i:i+len(a)], x) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// rank keeps the best appellation of each historic code, with a small
// bonus for the other appellations of the code that match nearly as well,
// and returns the best codes.
func (t *Taxonomy) rank(sc *scratch) []Match {
	cands := sc.cands
	if len(cands) == 0 {
		return nil
	}
	// The best candidate of each code.
	best := sc.best
	codes := sc.codes[:0]
	for i, c := range cands {
		b := best[c.parent]
		if b < 0 {
			codes = append(codes, c.parent)
		}
		if b < 0 || c.score > cands[b].score || (c.score == cands[b].score && c.app < cands[b].app) {
			best[c.parent] = int32(i)
		}
	}
	// The other appellations nearly as good.
	near := sc.near[:0]
	for _, c := range cands {
		if b := cands[best[c.parent]]; c.app != b.app && c.score >= b.score-0.05 {
			near = append(near, [2]int32{c.parent, c.app})
		}
	}
	slices.SortFunc(near, func(a, b [2]int32) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	near = slices.Compact(near)
	type ranked struct {
		candidate
		final   float32
		support int
	}
	ranks := make([]ranked, len(codes))
	for i, p := range codes {
		c := cands[best[p]]
		lo, _ := slices.BinarySearchFunc(near, p, func(e [2]int32, p int32) int { return cmp.Compare(e[0], p) })
		hi, _ := slices.BinarySearchFunc(near, p+1, func(e [2]int32, p int32) int { return cmp.Compare(e[0], p) })
		support := hi - lo
		ranks[i] = ranked{c, min(c.score+0.01*float32(min(support, 4)), 1), support}
		best[p] = -1
	}
	sc.codes, sc.near = codes, near
	slices.SortFunc(ranks, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(b.final, a.final), cmp.Compare(b.support, a.support),
			cmp.Compare(a.parent, b.parent))
	})
	out := make([]Match, 0, min(len(ranks), maxMatches))
	for _, c := range ranks[:min(len(ranks), maxMatches)] {
		a := t.appellations[c.app]
		p := t.codes[c.parent]
		out = append(out, Match{
			Code:        p.Code,
			Label:       p.Label,
			Appellation: a.Long,
			Specific:    a.Code,
			Score:       math.Round(float64(c.final)*1e4) / 1e4,
		})
	}
	return out
}

// minCodeScore is the score of a title match that Codes trusts.
const minCodeScore = 0.6

// Codes returns the ROME codes of the title's good matches (score at least
// 0.6), best first, each once: the detailed code of each appellation
// (« Specific »), which is what matching compares to tell that two job
// titles are the same job (the historic parent codes group neighbouring
// jobs: « agent de propreté urbaine » and « ripeur » share K2303).
func (t *Taxonomy) Codes(title string) []string {
	var out []string
	for _, m := range t.NormalizeTitle(title) {
		if m.Score >= minCodeScore && !slices.Contains(out, m.Specific) {
			out = append(out, m.Specific)
		}
	}
	return out
}

// ParentCodes returns the historic ROME codes (one of 532) of the title's
// good matches, best first, each once: jobs of one family (« développeur »
// and « ingénieur d'études informatique » under M1805).
func (t *Taxonomy) ParentCodes(title string) []string {
	var out []string
	for _, m := range t.NormalizeTitle(title) {
		if m.Score >= minCodeScore && !slices.Contains(out, m.Code) {
			out = append(out, m.Code)
		}
	}
	return out
}
