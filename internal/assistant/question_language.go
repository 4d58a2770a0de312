// The language of a question, the English words of jobs, comparisons and
// the instructions a question may carry.

package assistant

import (
	"strings"
	"sync"
	"unicode"
)

// The languages answers are written in.
const (
	langFrench  = "fr"
	langEnglish = "en"
)

var englishMarkers = sync.OnceValue(func() map[string]bool { return set(words("english.txt", "markers")...) })

// language tells an English question (two distinct English markers or
// more) from a French one.
func language(toks []token) string {
	seen := map[string]bool{}
	for _, t := range toks {
		if englishMarkers()[t.key] {
			seen[t.key] = true
		}
	}
	if len(seen) >= 2 {
		return langEnglish
	}
	return langFrench
}

// wordTable reads a section of « from => to » pairs into a map from the
// keys of from (one or two words) to to.
func wordTable(file, section string) map[string]string {
	m := map[string]string{}
	for _, pair := range words(file, section) {
		from, to, ok := strings.Cut(pair, "=>")
		if !ok {
			panic("words/" + file + ": [" + section + "] wants « from => to »: " + pair)
		}
		m[foldKey(strings.TrimSpace(from))] = strings.TrimSpace(to)
	}
	return m
}

var (
	// englishJobs: English job words and their French, the words the offers
	// use.
	englishJobs = sync.OnceValue(func() map[string]string { return wordTable("english.txt", "jobs") })
	// abbreviations: short forms and their full words (« prof »).
	abbreviations = sync.OnceValue(func() map[string]string { return wordTable("english.txt", "abbreviations") })
)

// replaceWords replaces the words of table (one or two tokens) by what
// they stand for.
func replaceWords(toks []token, table map[string]string) []token {
	out := make([]token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		n, fr := 0, ""
		for k := min(3, len(toks)-i); k >= 1 && n == 0; k-- { // the longest entry: « waste disposal site »
			keys := make([]string, k)
			for j := range keys {
				keys[j] = toks[i+j].key
			}
			if v, ok := table[strings.Join(keys, " ")]; ok {
				n, fr = k, v
			}
		}
		if n == 0 {
			out = append(out, toks[i])
			continue
		}
		for j, t := range tokenize(fr) {
			if j == 0 {
				t.glue = toks[i].glue
			}
			out = append(out, t)
		}
		i += n - 1
	}
	return out
}

var comparisonPhrases = sync.OnceValue(func() *matcher[bool] {
	return newMatcher[bool](nil).add(true, words("intents.txt", "comparison")...)
})

// comparison reports whether the question compares offers; it marks
// nothing, the words are the intent's or scaffolding.
func (p *parser) comparison() bool {
	for i := range p.toks {
		if _, ok := comparisonPhrases().at(p.toks, i, nil); ok {
			return true
		}
		if p.toks[i].key == "entre" && i+1 < len(p.toks) && containsKey(p.toks[i+1:], "et") {
			return true
		}
	}
	return false
}

func containsKey(toks []token, key string) bool {
	for _, t := range toks {
		if t.key == key {
			return true
		}
	}
	return false
}

var (
	instructionPhrases = sync.OnceValue(func() *matcher[bool] {
		return newMatcher[bool](nil).add(true, words("injection.txt", "phrases")...)
	})
	imperatives = sync.OnceValue(func() map[string]bool {
		m := map[string]bool{}
		for _, w := range words("injection.txt", "imperatives") {
			m[foldKey(w)] = true
		}
		return m
	})
)

// dropInstructions splits a question into sentences and leaves out those
// that instruct the assistant (injection.txt): it returns the rest and what
// was left out.
func dropInstructions(text string) (kept, dropped string) {
	sentences := splitSentences(text)
	asks := 0
	for _, s := range sentences {
		if strings.Contains(s, "?") {
			asks++
		}
	}
	var keep, drop []string
	for _, s := range sentences {
		if isInstruction(s, asks > 0) {
			drop = append(drop, strings.TrimSpace(s))
		} else {
			keep = append(keep, s)
		}
	}
	return strings.Join(keep, " "), strings.Join(drop, " ")
}

// isInstruction reports whether a sentence instructs the assistant: it
// holds an instruction phrase, is markup (« </passages> »), or opens with
// an imperative and asks nothing while another sentence asks.
func isInstruction(s string, othersAsk bool) bool {
	if strings.ContainsAny(s, "<>[]{}") {
		return true
	}
	if hasInstructionPhrase(s) {
		return true
	}
	toks := tokenize(s)
	return len(toks) > 0 && imperatives()[toks[0].key] && !strings.Contains(s, "?") && othersAsk
}

// splitSentences cuts text after « . », « ! », « ? », « : », « ; » and line
// breaks, keeping each mark with its sentence; a quotation (« … ») stays
// with the sentence it is in.
func splitSentences(text string) []string {
	var out []string
	var b strings.Builder
	quoted := 0
	rs := []rune(text)
	for i, r := range rs {
		b.WriteRune(r)
		switch r {
		case '«', '“':
			quoted++
		case '»', '”':
			quoted = max(0, quoted-1)
		}
		end := strings.ContainsRune(".!?:;\n", r) && quoted == 0 && (i+1 == len(rs) || unicode.IsSpace(rs[i+1]) || r == '\n')
		if end {
			out = append(out, b.String())
			b.Reset()
		}
	}
	if strings.TrimSpace(b.String()) != "" {
		out = append(out, b.String())
	}
	return out
}
