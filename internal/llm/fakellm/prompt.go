package fakellm

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"offres/prompts"
)

// passage is one numbered passage of offres' prompt (prompts/user.tmpl).
type passage struct {
	N       int
	OfferID string
	Title   string
	Status  string
	Section string
	Text    string
}

// closed reports whether the passage's header says its offer is closed or
// expired; open whether it says it is open (in French, or in English for a
// question asked in English).
func (p passage) closed() bool {
	return strings.HasPrefix(p.Status, "CLÔTURÉE") || strings.HasPrefix(p.Status, "CLOSED")
}
func (p passage) open() bool {
	return strings.HasPrefix(p.Status, "ouverte") || strings.HasPrefix(p.Status, "open")
}

// view is what the model reads in offres' answer prompt.
type view struct {
	Passages []passage
	Question string
	// Asked is the « Information demandée » line: what the question asks.
	Asked   string
	English bool
	Refusal string
	// Rules: the local-employment rules were given.
	Rules bool
}

var (
	// passageRE matches the first line of a passage: « [n] Offre ID — Title — Status ».
	passageRE  = regexp.MustCompile(`(?m)^\[(\d{1,3})\] Offre (.+?) — (.+) — (.*)$`)
	questionRE = regexp.MustCompile(`(?m)^Question : (.+)$`)
	askedRE    = regexp.MustCompile(`(?m)^Information demandée : (.+)$`)
	// followUpRE finds the follow-up question of the rewriting prompt
	// (prompts/rewrite.tmpl).
	followUpRE = regexp.MustCompile(`(?m)^Question de suivi : (.+)$`)
)

// readPrompt reads the system and user messages of offres' answer prompt.
func readPrompt(system, user string) view {
	v := view{Passages: parsePassages(user), English: strings.Contains(system, "posée en anglais")}
	tail := user
	if i := strings.LastIndex(user, "</passages>"); i >= 0 {
		tail = user[i:]
	}
	if m := questionRE.FindAllStringSubmatch(tail, -1); m != nil {
		v.Question = strings.TrimSpace(m[len(m)-1][1])
	}
	if m := askedRE.FindStringSubmatch(tail); m != nil {
		v.Asked = strings.TrimSpace(m[1])
	}
	v.Refusal = prompts.Refusal
	if v.English {
		v.Refusal = prompts.RefusalEnglish
	}
	v.Rules = strings.Contains(tail, "<regles_emploi_local")
	return v
}

// parsePassages reads the numbered passages between <passages> and
// </passages> of a user message; none when there is no such block.
func parsePassages(user string) []passage {
	start := strings.Index(user, "<passages>")
	end := strings.LastIndex(user, "</passages>")
	if start < 0 || end < start {
		return nil
	}
	block := user[start+len("<passages>") : end]
	locs := passageRE.FindAllStringSubmatchIndex(block, -1)
	var out []passage
	for i, loc := range locs {
		n, _ := strconv.Atoi(block[loc[2]:loc[3]])
		p := passage{N: n, OfferID: block[loc[4]:loc[5]], Title: block[loc[6]:loc[7]], Status: block[loc[8]:loc[9]]}
		bodyEnd := len(block)
		if i+1 < len(locs) {
			bodyEnd = locs[i+1][0]
		}
		body := strings.TrimSpace(block[loc[1]:bodyEnd])
		if section, rest, ok := strings.Cut(body, "\n"); ok && strings.HasPrefix(section, "Section : ") {
			p.Section, body = strings.TrimPrefix(section, "Section : "), strings.TrimSpace(rest)
		}
		p.Text = body
		out = append(out, p)
	}
	return out
}

// maxQuoteWords bounds a quote, as a model quotes a clause, not a section.
const maxQuoteWords = 30

// quote returns the first words of text, up to a line break or
// maxQuoteWords, stopping before a word that holds a guillemet (a quote
// cannot contain one); "" when that leaves fewer than 3 characters.
func quote(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	var words []string
	for _, w := range strings.Fields(line) {
		if len(words) == maxQuoteWords || strings.ContainsAny(w, "«»") {
			break
		}
		words = append(words, w)
	}
	q := strings.TrimRight(strings.Join(words, " "), " ,;:(")
	if utf8.RuneCountInString(q) < 3 {
		return ""
	}
	return q
}

// tokens cuts text into pieces about as long as a model's tokens: a word
// with its leading space, long words in pieces of 6 characters.
func tokens(text string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range text {
		if r == ' ' || r == '\n' {
			flush()
		}
		cur = append(cur, r)
		if len(cur) >= 6 && r != ' ' && r != '\n' {
			flush()
		}
	}
	flush()
	return out
}
