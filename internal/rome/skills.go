package rome

import (
	"cmp"
	"slices"
	"strings"
)

// SkillMatch is a competence or savoir of the ROME found in a text.
type SkillMatch struct {
	ID    string
	Label string
	Kind  string // KindCompetence or KindSavoir
	// Start and End are the byte offsets of the evidence in the text: from
	// the first to the last matched word, text[Start:End].
	Start, End int
}

// The rule that keeps labels that would match everywhere out of the skill
// index (see FindSkills).
const (
	minSingleLen = 4  // letters of a one-word savoir
	maxSingleDF  = 30 // labels of the ROME a one-word savoir may appear in
)

// genericSingles are one-word savoirs that are also common words or first
// names, left out whatever their frequency in the ROME (by stem).
var genericSingles = stemSet(`cycle pascal basic quad apache fiacre taxi moto pirogue ambulance claquage
	réveils horloges pendules opéras opérettes poésies meubles batteries maya arnold houdini`)

// categoryCertification is the category of the savoirs that are diplomas
// and licences; those of one word are named after a trade (« Cuisinier »,
// « Brancardier »), which a text names without holding the diploma.
const categoryCertification = "Certifications et habilitations"

func stemSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[stem(foldWord(w))] = true
	}
	return m
}

// skillIndex is a trie of the content stems of the skill labels.
type skillIndex struct {
	vocab vocabulary
	edges map[uint64]uint32   // node<<32 | stem id → child node; the root is 0
	terms map[uint32]skillRef // nodes that end a label
	nodes uint32
	stats skillStats
}

// skillRef is a label that ends at a node of the trie.
type skillRef struct {
	savoir bool
	idx    int32 // in t.savoirs or t.competences
	upper  bool  // a one-word acronym, matched only in capitals
}

// skillStats counts the labels by what the rule made of them.
type skillStats struct {
	Indexed  int // labels indexed
	Aliases  int // synonyms from the lexicon indexed
	Short    int // one-word competences, one-word savoirs too short
	Generic  int // one-word savoirs too frequent, in genericSingles, or certifications
	Unusable int // labels with inner strong punctuation, which text never matches
}

func (t *Taxonomy) buildSkills() {
	ix := &t.skills
	ix.vocab = newVocabulary()
	ix.edges = map[uint64]uint32{}
	ix.terms = map[uint32]skillRef{}

	type label struct {
		ref  skillRef
		toks []token
	}
	var labels []label
	df := map[string]int{}
	count := func(toks []token) {
		seen := map[string]bool{}
		for _, tk := range toks {
			if !tk.stop && !tk.punct && !seen[tk.stem] {
				seen[tk.stem] = true
				df[tk.stem]++
			}
		}
	}
	for i, s := range t.savoirs {
		toks := tokenize(cleanSkillLabel(s.Label), nil)
		count(toks)
		labels = append(labels, label{skillRef{savoir: true, idx: int32(i)}, toks})
	}
	for i, s := range t.competences {
		toks := tokenize(cleanSkillLabel(s.Label), nil)
		count(toks)
		labels = append(labels, label{skillRef{idx: int32(i)}, toks})
	}
	for _, a := range t.appellations {
		count(tokenize(a.Long, nil))
	}

	var aliases []label
	for _, l := range labels {
		var content []token // words and weak punctuation
		words := 0
		usable := true
		for i, tk := range l.toks {
			if i > 0 && tk.brk {
				usable = false
			}
			if !tk.stop {
				content = append(content, tk)
				if !tk.punct {
					words++
				}
			}
		}
		for len(content) > 0 && content[0].punct {
			content = content[1:]
		}
		for len(content) > 0 && content[len(content)-1].punct {
			content = content[:len(content)-1]
		}
		switch {
		case !usable:
			ix.stats.Unusable++
			continue
		case words == 0:
			ix.stats.Short++
			continue
		case words == 1:
			c := content[0]
			switch {
			case !l.ref.savoir:
				ix.stats.Short++
				continue
			case c.upper:
				l.ref.upper = true
			case len(c.stem) < minSingleLen:
				ix.stats.Short++
				continue
			case df[c.stem] > maxSingleDF || genericSingles[c.stem] ||
				t.savoirs[l.ref.idx].Category == categoryCertification:
				ix.stats.Generic++
				continue
			}
		}
		stems := make([]string, len(content))
		for i, c := range content {
			stems[i] = c.stem
		}
		ix.insert(stems, l.ref)
		ix.stats.Indexed++
		for _, syn := range t.lex.substitute(stems) {
			ref := l.ref
			ref.upper = len(syn) == 1 // a one-word synonym only in capitals
			aliases = append(aliases, label{ref, stemTokens(syn)})
		}
	}
	// Synonyms last, so that a label of the ROME wins over a synonym.
	for _, a := range aliases {
		stems := make([]string, len(a.toks))
		for i, tk := range a.toks {
			stems[i] = tk.stem
		}
		if ix.insert(stems, a.ref) {
			ix.stats.Aliases++
		}
	}
}

func stemTokens(stems []string) []token {
	toks := make([]token, len(stems))
	for i, s := range stems {
		toks[i] = token{stem: s}
	}
	return toks
}

// insert adds a label to the trie; it reports false when another label
// already ends at its node.
func (ix *skillIndex) insert(stems []string, ref skillRef) bool {
	node := uint32(0)
	for _, s := range stems {
		key := uint64(node)<<32 | uint64(ix.vocab.intern(s))
		child, ok := ix.edges[key]
		if !ok {
			ix.nodes++
			child = ix.nodes
			ix.edges[key] = child
		}
		node = child
	}
	if _, ok := ix.terms[node]; ok {
		return false
	}
	ix.terms[node] = ref
	return true
}

var quotes = strings.NewReplacer("«", " ", "»", " ", "\"", " ", "“", " ", "”", " ")

// cleanSkillLabel removes from a label its parts between brackets, its
// trailing « ... » or « etc. », and its quotation marks: « Utilisation
// d'engins de tonte (autotractés et autoportés) » → « Utilisation d'engins
// de tonte ».
func cleanSkillLabel(label string) string {
	s, _ := splitBrackets(label)
	s = quotes.Replace(s)
	for {
		t := strings.TrimSpace(s)
		t = strings.TrimSuffix(t, "...")
		t = strings.TrimSuffix(t, "…")
		t = strings.TrimSuffix(t, "etc.")
		t = strings.TrimSuffix(t, "etc")
		t = strings.TrimRight(t, " ,;:")
		t = strings.TrimLeft(t, " ,;:-–")
		if t == s {
			return s
		}
		s = t
	}
}

// FindSkills returns the competences and savoirs of the ROME whose labels
// occur in text, in text order, each occurrence once; overlapping
// occurrences are resolved longest first (then widest, then first).
//
// Labels and text are compared on the stems of their content words: case,
// accents, plurals, feminine forms, elided articles and stop words do not
// count, and the noun of a verb of the first group stands for the verb
// (« actualisation du dossier médical » for « Actualiser le dossier
// médical »). The weak punctuation of a label (« , / & : », a dash between
// spaces, the dot of « Node.js ») must be in the text too; a match never
// spans strong punctuation (« . ; ( ) » …) nor a line end, unless the next
// line goes on in lower case. A synonym from the lexicon stands for the
// words it replaces in a label (« SIG » for « système d'information
// géographique »). Brackets and trailing « ... » are removed from labels
// (« Gestes d'urgence (AFGSU) » is matched as « Gestes d'urgence »).
//
// The rule against labels that would match everywhere: a competence needs
// two content words or more (« Coder » is left out). A savoir of one word
// is kept only if it is written in capitals (« PHP », « HTML »: then it is
// matched in capitals only), or if it has at least 4 letters, occurs in at
// most 30 labels and appellations of the ROME (« Informatique »,
// « Prévention », « Industrie » are left out, « Psychiatrie »,
// « Géomatique » kept), is not a certification named after a trade
// (« Cuisinier », « Brancardier »), and is not in a short list of common
// words and first names (« Pascal », « Cycle », « Maya »). A synonym of one
// word from the lexicon is matched in capitals only. On v4.60, 33,544 of
// the 33,671 labels are indexed (TestSkillStats).
func (t *Taxonomy) FindSkills(text string) []SkillMatch {
	ix := &t.skills
	toks := tokenize(text, nil)
	type word struct {
		id         uint32
		start, end int
		brk, upper bool
	}
	words := make([]word, 0, len(toks))
	brk := false
	for _, tk := range toks {
		brk = brk || tk.brk
		if tk.stop {
			continue
		}
		words = append(words, word{ix.vocab.id(tk.stem), tk.start, tk.end, brk, tk.upper})
		brk = false
	}
	type hit struct {
		i, j int // first and last word
		ref  skillRef
	}
	var hits []hit
	for i := range words {
		node := uint32(0)
		for j := i; j < len(words); j++ {
			w := words[j]
			if w.id == 0 || (j > i && w.brk) {
				break
			}
			child, ok := ix.edges[uint64(node)<<32|uint64(w.id)]
			if !ok {
				break
			}
			node = child
			if ref, ok := ix.terms[node]; ok && (!ref.upper || w.upper) {
				hits = append(hits, hit{i, j, ref})
			}
		}
	}
	if len(hits) == 0 {
		return nil
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(b.j-b.i, a.j-a.i),
			cmp.Compare(words[b.j].end-words[b.i].start, words[a.j].end-words[a.i].start),
			cmp.Compare(a.i, b.i))
	})
	taken := make([]bool, len(words))
	var out []SkillMatch
	for _, h := range hits {
		if slices.Contains(taken[h.i:h.j+1], true) {
			continue
		}
		for k := h.i; k <= h.j; k++ {
			taken[k] = true
		}
		m := SkillMatch{Start: words[h.i].start, End: words[h.j].end}
		if h.ref.savoir {
			s := t.savoirs[h.ref.idx]
			m.ID, m.Label, m.Kind = s.ID, s.Label, KindSavoir
		} else {
			s := t.competences[h.ref.idx]
			m.ID, m.Label, m.Kind = s.ID, s.Label, KindCompetence
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b SkillMatch) int { return cmp.Compare(a.Start, b.Start) })
	return out
}
