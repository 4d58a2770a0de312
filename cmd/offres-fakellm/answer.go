package main

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

// passageRE matches the first line of a passage: « [n] Offre ID — Title — Status ».
var passageRE = regexp.MustCompile(`(?m)^\[(\d{1,3})\] Offre (.+?) — (.+) — (.*)$`)

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
const maxQuoteWords = 14

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

// answer writes what a careful model answers from the passages: for each of
// the first offers (at most three), its title, its status and a verbatim
// clause of its best passage with the citation [n], so that offres'
// citation check passes. invalid makes the answer quote a clause no offer
// holds, which the check refuses (the extractive fallback then answers).
// Without passages, the answer is the refusal.
func answer(ps []passage, invalid bool) string {
	if len(ps) == 0 {
		return prompts.Refusal
	}
	var b strings.Builder
	b.WriteString("D'après les offres trouvées :")
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p.OfferID] || len(seen) == 3 {
			continue
		}
		seen[p.OfferID] = true
		b.WriteString("\n- " + p.Title + " (" + p.OfferID + ", " + p.Status + ")")
		q := quote(best(ps, p.OfferID).Text)
		if invalid {
			q = "poste logé, véhicule de fonction et prime annuelle de 30 %"
		}
		n := strconv.Itoa(best(ps, p.OfferID).N)
		if q == "" {
			b.WriteString(" [" + n + "].")
		} else {
			b.WriteString(" : « " + q + " » [" + n + "].")
		}
	}
	b.WriteString("\nConsultez chaque offre pour le détail et les modalités de candidature.")
	return b.String()
}

// best returns the passage to quote of an offer: the one closest to the
// question (the second given for it, when there is one), else its summary.
func best(ps []passage, offerID string) passage {
	var first *passage
	for i := range ps {
		if ps[i].OfferID != offerID {
			continue
		}
		if first != nil {
			return ps[i]
		}
		first = &ps[i]
	}
	return *first
}

// followUpRE finds the follow-up question of the rewriting prompt
// (prompts/rewrite.tmpl).
var followUpRE = regexp.MustCompile(`(?m)^Question de suivi : (.+)$`)

// reply returns the completion of a conversation: the rewritten question
// for the rewriting prompt, else the answer from the passages of the last
// user message.
func reply(user string, invalid bool) string {
	if m := followUpRE.FindStringSubmatch(user); m != nil && !strings.Contains(user, "<passages>") {
		return strings.TrimSpace(m[1])
	}
	return answer(parsePassages(user), invalid)
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
