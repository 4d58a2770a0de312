// Package prompts holds what the assistant tells a language model, as
// templates, and the local-employment rules it explains: text files in this
// directory, embedded in the binary, so that a change to a prompt is a
// reviewed change to a file (the golden tests show its rendering).
package prompts

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

//go:embed *.tmpl emploi-local.md emploi-local.en.md
var files embed.FS

var templates = template.Must(template.New("").Option("missingkey=error").ParseFS(files, "*.tmpl"))

// defaultUndatedOpenDays is offres.DefaultUndatedOpenDays (prompts
// imports only the standard library).
const defaultUndatedOpenDays = 60

// Refusal is what the assistant says when the offers do not answer.
const Refusal = "Je ne trouve pas cette information dans les offres."

// RefusalEnglish is the refusal to a question asked in English.
const RefusalEnglish = "I cannot find this information in the offers."

// Refusals are the refusals in every language the assistant answers in.
var Refusals = []string{Refusal, RefusalEnglish}

// Passage is one numbered passage given to the model.
type Passage struct {
	N                      int
	OfferID, Title, Status string
	Section, Text          string
}

// Data is what the templates are rendered with.
type Data struct {
	Today    string // « 28 novembre 2026 », in the question's language (« 28 November 2026 »)
	Question string
	// Asked, when not empty, says in French what the question asks (« la
	// date limite de candidature », « la liste des offres qui
	// correspondent »): the value the answer must give, from the clause that
	// states it.
	Asked    string
	Passages []Passage
	// Rules, when not empty, are the local-employment rules (RulesDate
	// their date), for questions about residence, in the question's
	// language (LocalEmployment.Text or English).
	Rules, RulesDate string
	Refusal          string
	// English is true when the question is asked in English: the answer
	// is written in English (the offers' words quoted in French), and
	// Today, the passages' Status and Rules are given in English.
	English bool
	// UndatedOpenDays is how long an offer without a deadline is open
	// after its publication (offres.DefaultUndatedOpenDays when zero).
	UndatedOpenDays int
}

// Render returns the system and user messages for data. The passages and
// the question are data that cannot forge the prompt's structure: any "<"
// or ">" in them is replaced, so that they cannot close the tags that
// delimit them, and any "[" or "]", so that they cannot write a passage's
// header « [n] Offre … » nor a citation; the one-line fields (the
// question, a title, a section) lose their line breaks, and a passage's
// text its blank lines, which separate the passages.
func Render(data Data) (system, user string, err error) {
	data.Refusal = Refusal
	if data.English {
		data.Refusal = RefusalEnglish
	}
	if data.UndatedOpenDays <= 0 {
		data.UndatedOpenDays = defaultUndatedOpenDays
	}
	data.Question, data.Asked = neutralizeLine(data.Question), neutralizeLine(data.Asked)
	ps := make([]Passage, len(data.Passages))
	for i, p := range data.Passages {
		p.Title, p.Section, p.OfferID, p.Status = neutralizeLine(p.Title), neutralizeLine(p.Section), neutralizeLine(p.OfferID), neutralizeLine(p.Status)
		p.Text = neutralizeBlock(p.Text)
		ps[i] = p
	}
	data.Passages = ps
	var sb, ub bytes.Buffer
	if err := templates.ExecuteTemplate(&sb, "system.tmpl", data); err != nil {
		return "", "", fmt.Errorf("prompts: system: %w", err)
	}
	if err := templates.ExecuteTemplate(&ub, "user.tmpl", data); err != nil {
		return "", "", fmt.Errorf("prompts: user: %w", err)
	}
	return strings.TrimSpace(sb.String()), strings.TrimSpace(ub.String()), nil
}

// RewriteData is what the follow-up rewriting prompt is rendered with.
type RewriteData struct {
	Previous       string // the previous question, standalone
	PreviousOffers string // « Titre (référence) ; … » of the previous answer
	Question       string // the follow-up
}

// RenderRewrite returns the prompt that asks a model to rewrite a follow-up
// into a standalone question.
func RenderRewrite(data RewriteData) (string, error) {
	data.Previous, data.PreviousOffers, data.Question = neutralizeLine(data.Previous), neutralizeLine(data.PreviousOffers), neutralizeLine(data.Question)
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, "rewrite.tmpl", data); err != nil {
		return "", fmt.Errorf("prompts: rewrite: %w", err)
	}
	return strings.TrimSpace(b.String()), nil
}

// neutralizer replaces the characters of untrusted text that delimit the
// prompt's parts by look-alikes that delimit nothing: angle brackets
// (tags) and square brackets (passage numbers, citations).
var neutralizer = strings.NewReplacer("<", "‹", ">", "›", "[", "⟦", "]", "⟧")

// lineBreaks are the characters a model may read as the end of a line.
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\v", "\n", "\f", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n")

// neutralizeLine neutralizes a one-line field: its line breaks become
// spaces, so that it cannot start a line of the prompt.
func neutralizeLine(s string) string {
	return strings.ReplaceAll(lineBreaks.Replace(neutralizer.Replace(s)), "\n", " ")
}

// neutralizeBlock neutralizes a passage's text: its lines stay, but not
// its blank lines, so that it cannot end its passage and start another,
// and a line that starts as a line of the templates (« Section : »,
// « Question : ») is marked as text with a leading "· ".
func neutralizeBlock(s string) string {
	lines := strings.Split(lineBreaks.Replace(neutralizer.Replace(s)), "\n")
	kept := lines[:0]
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if templateLine(l) {
			l = "· " + l
		}
		kept = append(kept, l)
	}
	return strings.Join(kept, "\n")
}

// templateLine reports whether line starts as a line the templates write
// around the data.
func templateLine(line string) bool {
	head := strings.ToLower(strings.TrimSpace(line))
	for _, p := range []string{"section", "question", "offre", "règles", "regles"} {
		if rest, ok := strings.CutPrefix(head, p); ok && (rest == "" || strings.HasPrefix(strings.TrimLeft(rest, " s\u00a0"), ":") || strings.HasPrefix(rest, " ")) {
			return true
		}
	}
	return false
}

// LocalEmployment is the dated, sourced explanation of New Caledonia's
// local-employment rules (emploi-local.md, and its English translation
// emploi-local.en.md for questions asked in English).
type LocalEmployment struct {
	Date    string   // when the facts were gathered (YYYY-MM-DD)
	Sources []string // where they come from
	Text    string   // the explanation, in French, one paragraph a line
	English string   // the same explanation in English
}

// Rules returns the local-employment rules, in French and in English; the
// translation must have the date and the sources of the French text.
func Rules() (LocalEmployment, error) {
	fr, err := readRules("emploi-local.md")
	if err != nil {
		return LocalEmployment{}, err
	}
	en, err := readRules("emploi-local.en.md")
	if err != nil {
		return LocalEmployment{}, err
	}
	if en.Date != fr.Date || strings.Join(en.Sources, "\n") != strings.Join(fr.Sources, "\n") {
		return LocalEmployment{}, fmt.Errorf("prompts: emploi-local.en.md: its date and sources must be those of emploi-local.md")
	}
	fr.English = en.Text
	return fr, nil
}

func readRules(name string) (LocalEmployment, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return LocalEmployment{}, err
	}
	r, err := parseRules(string(b))
	if err != nil {
		return r, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}

func parseRules(s string) (LocalEmployment, error) {
	var out LocalEmployment
	rest, ok := strings.CutPrefix(s, "---\n")
	if !ok {
		return out, fmt.Errorf("prompts: no front matter")
	}
	head, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return out, fmt.Errorf("prompts: front matter not closed")
	}
	for _, line := range strings.Split(head, "\n") {
		switch {
		case strings.HasPrefix(line, "date:"):
			out.Date = strings.TrimSpace(strings.TrimPrefix(line, "date:"))
		case strings.HasPrefix(strings.TrimSpace(line), "- "):
			out.Sources = append(out.Sources, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- ")))
		}
	}
	out.Text = strings.TrimSpace(body)
	if out.Date == "" || len(out.Sources) == 0 || out.Text == "" {
		return out, fmt.Errorf("prompts: date, sources and text are required")
	}
	return out, nil
}
