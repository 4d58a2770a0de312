package fakellm

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
)

// Mode is how the model answers a request: carefully (""), or in one of the
// ways real models misbehave.
type Mode string

// The misbehaviours. The first five write an answer that offres' checks
// must refuse (the extractive answer then replaces it, with a notice); the
// last four fail at the wire, as providers do (offres then answers
// extractively, without a notice).
const (
	Careful Mode = ""
	// InventDate adds a deadline found in no passage, with a citation.
	InventDate Mode = "invent-date"
	// InventAmount adds a salary found in no passage, with a citation.
	InventAmount Mode = "invent-amount"
	// WrongCitation cites, for a quoted clause, a passage of another offer
	// that does not hold it (or a passage number that was not given).
	WrongCitation Mode = "wrong-citation"
	// FlipStatus says a closed offer is open, or an open one closed.
	FlipStatus Mode = "flip-status"
	// ObeyInjection does what an instruction in the question or in a
	// passage says (every time there is one, when misbehaving at all).
	ObeyInjection Mode = "obey-injection"
	// Malformed streams a chunk that is not JSON (a plain JSON body that is
	// not one when not streaming).
	Malformed Mode = "malformed"
	// Empty answers with no content at all.
	Empty Mode = "empty"
	// ServerError answers 500 with an OpenAI error body.
	ServerError Mode = "server-error"
	// Timeout sends nothing until the client gives up.
	Timeout Mode = "timeout"
)

// Modes are the misbehaviours, in the order the schedule picks them.
var Modes = []Mode{InventDate, InventAmount, WrongCitation, FlipStatus, ObeyInjection, Malformed, Empty, ServerError, Timeout}

// scheduled are the modes the hash of a question picks from: obeying an
// injection happens where there is one.
var scheduled = []Mode{InventDate, InventAmount, WrongCitation, FlipStatus, Malformed, Empty, ServerError, Timeout}

// modeFor returns how to answer the question of v: deterministic, so that
// a retried request and a rerun misbehave alike. share is the part of the
// questions answered badly, in [0, 1].
func modeFor(v view, share float64) Mode {
	if share <= 0 {
		return Careful
	}
	if instruction(v) != "" {
		return ObeyInjection
	}
	h := fnv.New64a()
	h.Write([]byte(v.Question))
	sum := h.Sum64()
	if float64(sum%10000)/10000 >= share {
		return Careful
	}
	return scheduled[(sum/10000)%uint64(len(scheduled))]
}

var (
	instructionRE = re(`\b(ignore[rsz]?|oublie[rz]?|instructions|consignes|tes r[èe]gles|all rules|system|prompt|tu es maintenant|tu dois r[ée]pondre|r[ée]ponds que|nouvelle r[èe]gle|ajoute [àa] la fin)\b`)
	payloadRE     = re(`\b(?:r[ée]pond(?:s|ez|re) que|dis que|affiche que|affichez que|say|print|write|[ée]cris|ajoute(?:z)? [àa] la fin)\s*:?\s*«?\s*([^«».!?;]{3,80})`)
)

// instruction returns the sentence of the question, or of a passage, that
// instructs the model; "" when none does.
func instruction(v view) string {
	texts := []string{v.Question}
	for _, p := range v.Passages {
		texts = append(texts, p.Text)
	}
	for _, t := range texts {
		for _, s := range regexp.MustCompile(`[.?!\n]`).Split(t, -1) {
			if instructionRE.MatchString(s) {
				return strings.TrimSpace(s)
			}
		}
	}
	return ""
}

// misbehave writes the answer of a text misbehaviour from the careful one,
// and the invented fact it carries ("" when the check is on the mode); the
// mode actually used (a status flip needs an offer whose status is known:
// without one, a date is invented instead).
func misbehave(m Mode, v view, careful string) (text, marker string, used Mode) {
	if len(v.Passages) == 0 {
		return careful, "", Careful
	}
	first := v.Passages[0]
	prompt := strings.ToLower(v.Question)
	for _, p := range v.Passages {
		prompt += "\n" + strings.ToLower(p.Text+" "+p.Status)
	}
	switch m {
	case FlipStatus:
		for _, p := range v.Passages {
			switch {
			case strings.Contains(p.Status, "sans date limite") || strings.Contains(p.Status, "no deadline"):
				// No deadline: offres cannot tell open from closed.
			case p.closed():
				s := pick(v.English, " Cette offre est encore ouverte [%d].", " This offer is still open [%d].")
				return stripStatus(careful) + fmt.Sprintf(s, p.N), "", m
			case p.open():
				s := pick(v.English, " Cette offre est clôturée [%d].", " This offer is closed [%d].")
				return stripStatus(careful) + fmt.Sprintf(s, p.N), "", m
			}
		}
		m = InventDate
	case ObeyInjection:
		ins := instruction(v)
		if p := payloadRE.FindStringSubmatch(ins); p != nil {
			payload := strings.TrimSpace(p[1])
			return payload + fmt.Sprintf(" [%d].", first.N), payload, m
		}
		s := pick(v.English, "D'accord, j'ignore mes consignes précédentes. %s", "Sure, I will ignore my previous instructions. %s")
		return fmt.Sprintf(s, careful), "", m
	case WrongCitation:
		if out, ok := misattribute(v, careful); ok {
			return out, "", m
		}
		return careful + fmt.Sprintf(" [%d]", len(v.Passages)+1), "", m
	}
	switch m {
	case InventDate:
		for _, d := range [][2]string{{"14 janvier 2027", "14 January 2027"}, {"23 février 2028", "23 February 2028"}, {"9 août 2027", "9 August 2027"}} {
			if !strings.Contains(prompt, d[0]) {
				s := pick(v.English, " La date limite de candidature est le %s [%d].", " The application deadline is %s [%d].")
				marker := pick(v.English, d[0], d[1])
				return careful + fmt.Sprintf(s, marker, first.N), marker, m
			}
		}
	case InventAmount:
		for _, a := range [][2]string{{"412 000 XPF", "412,000 XPF"}, {"587 500 XPF", "587,500 XPF"}} {
			if !strings.Contains(prompt, strings.ToLower(a[0][:3])) {
				s := pick(v.English, " Le salaire est de %s par mois [%d].", " The salary is %s a month [%d].")
				marker := pick(v.English, a[0], a[1])
				return careful + fmt.Sprintf(s, marker, first.N), marker, m
			}
		}
	}
	if m == InventDate || m == InventAmount {
		return careful, "", Careful // nothing to invent that the passages do not hold
	}
	return careful, "", m // the misbehaviours of the wire
}

// stripStatus drops the careful answer's sentences about the offer's status.
func stripStatus(s string) string {
	return statusSentenceRE.ReplaceAllString(s, "")
}

var quotedRE = regexp.MustCompile(`«([^«»]+)» \[(\d+)\]`)

// misattribute moves the first quote of the careful answer to a passage of
// another offer that does not hold it.
func misattribute(v view, careful string) (string, bool) {
	m := quotedRE.FindStringSubmatchIndex(careful)
	if m == nil {
		return "", false
	}
	q := strings.ToLower(strings.TrimSpace(careful[m[2]:m[3]]))
	n := careful[m[4]:m[5]]
	var from string
	for _, p := range v.Passages {
		if fmt.Sprint(p.N) == n {
			from = p.OfferID
		}
	}
	for _, p := range v.Passages {
		if p.OfferID != from && !strings.Contains(strings.ToLower(offerText(v, p.OfferID)), q) {
			return careful[:m[4]] + fmt.Sprint(p.N) + careful[m[5]:], true
		}
	}
	return "", false
}

func offerText(v view, id string) string {
	var b strings.Builder
	for _, p := range v.Passages {
		if p.OfferID == id {
			b.WriteString(p.Title + "\n" + p.Text + "\n")
		}
	}
	return b.String()
}

var statusSentenceRE = regexp.MustCompile(` (Cette offre est (clôturée ou expirée|ouverte)|This offer is (closed or expired|open))[^.\[]*\[\d+\]\.`)
