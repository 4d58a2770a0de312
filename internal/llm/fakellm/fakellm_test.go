package fakellm

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"offres/internal/assistant"
	"offres/internal/demo"
	"offres/internal/engine"
	"offres/internal/llm"
	"offres/internal/offres"
	"offres/prompts"
)

// TestParsePassages renders offres' prompt and reads its passages back.
func TestParsePassages(t *testing.T) {
	want := []passage{
		{N: 1, OfferID: "3134-25-0308/SR", Title: "Chef de projet digital", Status: "CLÔTURÉE (clôturée le 7 mars 2025)",
			Section: "Résumé de l'offre", Text: "Date limite de candidature : 7 mars 2025\nLieu : Nouméa"},
		{N: 2, OfferID: "3134-25-0308/SR", Title: "Chef de projet digital", Status: "CLÔTURÉE (clôturée le 7 mars 2025)",
			Section: "Missions", Text: "Piloter la refonte du site ‹b›web›/b›.\nSecond paragraphe."},
		{N: 3, OfferID: "X#12", Title: "Infirmier — nuit", Status: "ouverte, 3 jours", Section: "Profil", Text: "Diplôme d'État."},
	}
	data := prompts.Data{Today: "28 novembre 2026", Question: "Quelle date limite ?"}
	for _, p := range want {
		data.Passages = append(data.Passages, prompts.Passage{N: p.N, OfferID: p.OfferID, Title: p.Title,
			Status: p.Status, Section: p.Section, Text: p.Text})
	}
	// A blank line in a passage's text is dropped: it would end the passage.
	data.Passages[1].Text = "Piloter la refonte du site ‹b›web›/b›.\n\nSecond paragraphe."
	_, user, err := prompts.Render(data)
	if err != nil {
		t.Fatal(err)
	}
	got := parsePassages(user)
	if len(got) != len(want) {
		t.Fatalf("%d passages, want %d:\n%s", len(got), len(want), user)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("passage %d:\n got %+v\nwant %+v", i+1, got[i], want[i])
		}
	}
	if ps := parsePassages("Question : rien"); ps != nil {
		t.Errorf("passages without a block: %+v", ps)
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"first line", "Date limite de candidature : 7 mars 2025\nLieu : Nouméa", "Date limite de candidature : 7 mars 2025"},
		{"bounded", strings.Repeat("mot ", 40), strings.TrimSpace(strings.Repeat("mot ", maxQuoteWords))},
		{"stops at a guillemet", "Le poste « chargé de mission » est basé", "Le poste"},
		{"trailing punctuation", "Vous éliminez les nuisibles (cafards, rats) :", "Vous éliminez les nuisibles (cafards, rats)"},
		{"guillemet first", "« Citation » puis texte", ""},
		{"too short", "a", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := quote(tc.text); got != tc.want {
				t.Errorf("quote(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	text := "D'après les offres trouvées :\n- Infirmier diplômé (X#1) [1]."
	toks := tokens(text)
	if strings.Join(toks, "") != text {
		t.Errorf("tokens do not join back: %q", toks)
	}
	for _, tok := range toks {
		if n := len([]rune(strings.TrimLeft(tok, " \n"))); n > 6 {
			t.Errorf("token %q longer than 6 characters", tok)
		}
	}
}

func TestReplyToTheRewritingPrompt(t *testing.T) {
	prompt, err := prompts.RenderRewrite(prompts.RewriteData{Previous: "Offres d'infirmier à Nouméa ?", Question: "Et à Dumbéa ?"})
	if err != nil {
		t.Fatal(err)
	}
	if m := followUpRE.FindStringSubmatch(prompt); m == nil || m[1] != "Et à Dumbéa ?" {
		t.Errorf("follow-up not found in %q", prompt)
	}
}

// TestAnswersPassTheCitationCheck asks offres' assistant questions of the
// demo corpus with the fake model behind its real chat client, streamed:
// every answer is the model's, grounded; with --invalid 1 every answer
// fails the check and the extractive answer replaces it.
func TestAnswersPassTheCitationCheck(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, offres.Noumea) }
	e, err := engine.Open(ctx, engine.Options{Dir: t.TempDir(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, _, err := e.Import(ctx, "demo.json", bytes.NewReader(demo.Offers)); err != nil {
		t.Fatal(err)
	}
	questions := []string{
		"Quelle est la date limite pour le poste de chef de projet digital ?",
		"Quelles sont les offres d'infirmier ?",
		"Où est basé le poste de géomètre topographe ?",
		"Quel est le salaire du poste de juriste marchés publics ?",
		"Quelles offres à Dumbéa ?",
	}
	for _, tc := range []struct {
		name    string
		invalid float64
		mode    string
	}{
		{"grounded", 0, assistant.ModeLLM},
		{"invalid quotes", 1, assistant.ModeExtractive},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := New(Options{Invalid: tc.invalid})
			srv := httptest.NewServer(fake.Handler())
			defer srv.Close()
			chat, err := llm.NewChat(llm.ChatConfig{BaseURL: srv.URL + "/v1", Model: "fake", MaxRetries: -1, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			a, err := assistant.New(e.Search(), e, assistant.Options{Now: now, LLM: chat})
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range questions {
				var streamed strings.Builder
				ans, err := a.Ask(ctx, assistant.Request{Question: q}, assistant.Stream{
					Token: func(s string) error { streamed.WriteString(s); return nil },
					Reset: func() error { streamed.Reset(); return nil },
				})
				if err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if ans.Mode != tc.mode || ans.Grounded != (tc.invalid == 0) {
					t.Errorf("%s: mode %s grounded %v, want %s %v:\n%s", q, ans.Mode, ans.Grounded, tc.mode, tc.invalid == 0, ans.Answer)
				}
				if tc.mode == assistant.ModeLLM && (len(ans.Citations) == 0 || streamed.String() != ans.Answer) {
					t.Errorf("%s: %d citations, streamed %q for %q", q, len(ans.Citations), streamed.String(), ans.Answer)
				}
			}
			if fake.stats.Streamed.Load() != int64(len(questions)) {
				t.Errorf("%d streamed requests, want %d", fake.stats.Streamed.Load(), len(questions))
			}
		})
	}
}

// TestStatusInEitherLanguage reads an offer's status as offres gives it, in
// French or, to a question asked in English, in English, and repeats it in
// the answer's language.
func TestStatusInEitherLanguage(t *testing.T) {
	for _, tc := range []struct {
		status       string
		closed, open bool
		english      string
	}{
		{"CLÔTURÉE (clôturée le 7 mars 2025)", true, false, "closed on 7 March 2025"},
		{"CLOSED (closed on 7 March 2025)", true, false, "closed on 7 March 2025"},
		{"CLOSED (published on 3 April 2021, no deadline: expired)", true, false, "published on 3 April 2021, no deadline: expired"},
		{"ouverte, jusqu'au 12 mars 2027", false, true, "until 12 March 2027"},
		{"open, until 12 March 2027", false, true, "until 12 March 2027"},
		{"open, closes in 3 days", false, true, "closes in 3 days"},
	} {
		p := passage{N: 1, OfferID: "X-1", Title: "Poste", Status: tc.status}
		if p.closed() != tc.closed || p.open() != tc.open {
			t.Errorf("%q: closed %v, open %v; want %v, %v", tc.status, p.closed(), p.open(), tc.closed, tc.open)
		}
		w := &writer{en: true}
		w.status(offer{id: "X-1", title: "Poste", passages: []passage{p}})
		if !strings.Contains(w.b.String(), "("+tc.english+")") {
			t.Errorf("%q: the English answer says %q, want (%s)", tc.status, w.b.String(), tc.english)
		}
	}
}

func TestEnglishDate(t *testing.T) {
	for in, want := range map[string]string{"12 mars 2027": "12 March 2027", "1er février 2027": "1 February 2027",
		"novembre 2026": "November 2026", "Nouméa": "", "12 mars": ""} {
		if got := englishDate(in); got != want {
			t.Errorf("englishDate(%q) = %q, want %q", in, got, want)
		}
	}
}
