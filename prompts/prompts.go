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

//go:embed *.tmpl emploi-local.md
var files embed.FS

var templates = template.Must(template.New("").Option("missingkey=error").ParseFS(files, "*.tmpl"))

// Refusal is what the assistant says when the offers do not answer.
const Refusal = "Je ne trouve pas cette information dans les offres."

// Passage is one numbered passage given to the model.
type Passage struct {
	N                      int
	OfferID, Title, Status string
	Section, Text          string
}

// Data is what the templates are rendered with.
type Data struct {
	Today    string // « vendredi 28 novembre 2026 »
	Question string
	Passages []Passage
	// Rules, when not empty, are the local-employment rules (RulesDate
	// their date), for questions about residence.
	Rules, RulesDate string
	Refusal          string
}

// Render returns the system and user messages for data. The passages and
// the question are data: any "<" or ">" in them is replaced, so that they
// cannot close the tags that delimit them.
func Render(data Data) (system, user string, err error) {
	data.Refusal = Refusal
	data.Question = neutralize(data.Question)
	ps := make([]Passage, len(data.Passages))
	for i, p := range data.Passages {
		p.Title, p.Section, p.Text, p.OfferID = neutralize(p.Title), neutralize(p.Section), neutralize(p.Text), neutralize(p.OfferID)
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
	data.Previous, data.PreviousOffers, data.Question = neutralize(data.Previous), neutralize(data.PreviousOffers), neutralize(data.Question)
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, "rewrite.tmpl", data); err != nil {
		return "", fmt.Errorf("prompts: rewrite: %w", err)
	}
	return strings.TrimSpace(b.String()), nil
}

// neutralize replaces the angle brackets of untrusted text by look-alikes
// that close no tag.
func neutralize(s string) string {
	return strings.NewReplacer("<", "‹", ">", "›").Replace(s)
}

// LocalEmployment is the dated, sourced explanation of New Caledonia's
// local-employment rules (emploi-local.md).
type LocalEmployment struct {
	Date    string   // when the facts were gathered (YYYY-MM-DD)
	Sources []string // where they come from
	Text    string   // the explanation, in French, one paragraph a line
}

// Rules returns the local-employment rules.
func Rules() (LocalEmployment, error) {
	b, err := files.ReadFile("emploi-local.md")
	if err != nil {
		return LocalEmployment{}, err
	}
	return parseRules(string(b))
}

func parseRules(s string) (LocalEmployment, error) {
	var out LocalEmployment
	rest, ok := strings.CutPrefix(s, "---\n")
	if !ok {
		return out, fmt.Errorf("prompts: emploi-local.md: no front matter")
	}
	head, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return out, fmt.Errorf("prompts: emploi-local.md: front matter not closed")
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
		return out, fmt.Errorf("prompts: emploi-local.md: date, sources and text are required")
	}
	return out, nil
}
