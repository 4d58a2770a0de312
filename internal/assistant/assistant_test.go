package assistant_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"offres/internal/assistant"
	"offres/internal/demo"
	"offres/internal/engine"
	"offres/internal/llm"
	"offres/internal/llm/llmtest"
	"offres/internal/offres"
	"offres/prompts"
)

func fixedNow() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, offres.Noumea) }

// openDemo returns an engine holding the demo corpus.
func openDemo(t *testing.T) *engine.Engine {
	t.Helper()
	e := openFiles(t)
	if _, _, err := e.Import(context.Background(), "demo.json", bytes.NewReader(demo.Offers)); err != nil {
		t.Fatal(err)
	}
	return e
}

func newAssistant(t *testing.T, e *engine.Engine, model assistant.LLM) *assistant.Assistant {
	t.Helper()
	a, err := assistant.New(e.Search(), e, assistant.Options{Now: fixedNow, LLM: model})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func ask(t *testing.T, a *assistant.Assistant, question, conv string) assistant.Answer {
	t.Helper()
	ans, err := a.Ask(context.Background(), assistant.Request{Question: question, ConversationID: conv}, assistant.Stream{})
	if err != nil {
		t.Fatalf("Ask(%q): %v", question, err)
	}
	return ans
}

// TestExtractiveAnswers asks factual and list questions of the demo corpus
// and checks the facts, the citations and the refusals.
func TestExtractiveAnswers(t *testing.T) {
	a := newAssistant(t, openDemo(t), nil)
	for _, tc := range []struct {
		question string
		offer    string   // the offer answered about (first citation), "" for a refusal
		contains []string // in the answer
		absent   []string // not in the answer
	}{
		{"Quelle est la date limite pour le poste de chef de projet digital ?", "3134-25-0308/SR",
			[]string{"7 mars 2025", "clôturée"}, []string{"ouverte"}},
		{"Où est basé le poste de géomètre topographe ?", "PS-2026-0719/DIE", []string{"Nouméa"}, nil},
		{"Qui recrute le maître-nageur sauveteur ?", "DUM-SPO-2026-14", []string{"Dumbéa"}, nil},
		{"Quelle est la catégorie du poste de juriste marchés publics ?", "PS-2026-0651/DAJ", []string{"catégorie"}, nil},
		{"Quelle durée de résidence faut-il pour le chef de projet digital ?", "3134-25-0308/SR",
			[]string{"5 ans", "Je ne peux pas dire si vous remplissez cette condition", "drhfpnc.gouv.nc"}, nil},
		{"Quel est le salaire du poste de boulanger ?", "", []string{prompts.Refusal}, nil},
		{"Quelle est la date limite pour le poste de pilote de ligne ?", "", []string{prompts.Refusal}, nil},
		{"L'offre d'assistant administratif du service de l'insertion est-elle ouverte ?", "PS-2026-0587/DEPS",
			[]string{"clôturée"}, []string{"toutes les offres sont ouvertes"}},
	} {
		t.Run(tc.question, func(t *testing.T) {
			ans := ask(t, a, tc.question, "")
			if ans.Mode != assistant.ModeExtractive || !ans.Grounded {
				t.Errorf("mode %s, grounded %v", ans.Mode, ans.Grounded)
			}
			for _, s := range tc.contains {
				if !strings.Contains(ans.Answer, s) {
					t.Errorf("answer lacks %q:\n%s", s, ans.Answer)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(strings.ToLower(ans.Answer), strings.ToLower(s)) {
					t.Errorf("answer has %q:\n%s", s, ans.Answer)
				}
			}
			if tc.offer == "" {
				for _, c := range ans.Citations {
					t.Errorf("a refusal cites %s", c.OfferID)
				}
				return
			}
			if len(ans.Citations) == 0 || ans.Citations[0].OfferID != tc.offer {
				t.Fatalf("citations %+v, want %s first\n%s", ans.Citations, tc.offer, ans.Answer)
			}
			for _, c := range ans.Citations {
				if !strings.Contains(ans.Answer, "["+itoa(c.N)+"]") || c.Quote == "" {
					t.Errorf("citation %+v not in the answer or without quote", c)
				}
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestListAnswers(t *testing.T) {
	a := newAssistant(t, openDemo(t), nil)
	ans := ask(t, a, "Quels postes en informatique à Nouméa ?", "")
	if ans.Filters[offres.FacetCommune] == nil || ans.Filters[offres.FacetCommune][0] != "Nouméa" {
		t.Errorf("filters not echoed: %v", ans.Filters)
	}
	for _, id := range []string{"PS-2026-0640/DSIN", "PS-2026-0615/DSIN"} {
		if !contains(ans.Offers, id) {
			t.Errorf("%s not listed: %v\n%s", id, ans.Offers, ans.Answer)
		}
	}
	if contains(ans.Offers, "3134-25-0308/SR") {
		t.Errorf("the closed chef de projet digital offer is listed as open")
	}
	if len(ans.Citations) != len(ans.Offers) {
		t.Errorf("%d citations for %d offers", len(ans.Citations), len(ans.Offers))
	}
	week := ask(t, a, "Quelles offres ferment cette semaine ?", "")
	if len(week.Offers) == 0 {
		t.Fatalf("no offer closing this week:\n%s", week.Answer)
	}
	for _, id := range week.Offers {
		if !strings.Contains(week.Answer, id) {
			t.Errorf("%s not in the answer", id)
		}
	}
	if !strings.Contains(week.Answer, "clôture dans") && !strings.Contains(week.Answer, "clôture aujourd'hui") {
		t.Errorf("no closing date:\n%s", week.Answer)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestFollowUps(t *testing.T) {
	a := newAssistant(t, openDemo(t), nil)
	conv := "test-conversation-1"
	first := ask(t, a, "Y a-t-il des postes de garde-pêche ?", conv)
	if len(first.Offers) == 0 {
		t.Fatalf("no garde-pêche offer:\n%s", first.Answer)
	}
	then := ask(t, a, "Et au Mont-Dore ?", conv)
	if got := then.Filters[offres.FacetCommune]; len(got) != 1 || got[0] != "Le Mont-Dore" {
		t.Errorf("follow-up filters %v (question %q)", then.Filters, then.Question)
	}
	for _, id := range then.Offers {
		if id != "PS-2026-0511/DDDT" && id != "PS-2026-0722/DDDT" {
			t.Logf("listed %s", id)
		}
	}
	dl := ask(t, a, "Quelle est la date limite du poste de géomètre topographe ?", "test-conversation-2")
	if len(dl.Citations) == 0 {
		t.Fatal(dl.Answer)
	}
	where := ask(t, a, "Et où est-il basé ?", "test-conversation-2")
	if len(where.Citations) == 0 || where.Citations[0].OfferID != "PS-2026-0719/DIE" || !strings.Contains(where.Answer, "Nouméa") {
		t.Errorf("follow-up about the same offer: %q\n%s", where.Question, where.Answer)
	}
	if _, err := a.Ask(context.Background(), assistant.Request{Question: "x", ConversationID: "bad id!"}, assistant.Stream{}); !errors.Is(err, offres.ErrInvalid) {
		t.Errorf("bad conversation id: %v", err)
	}
	if _, err := a.Ask(context.Background(), assistant.Request{Question: strings.Repeat("a", assistant.MaxQuestionLen+1)}, assistant.Stream{}); !errors.Is(err, offres.ErrInvalid) {
		t.Errorf("long question: %v", err)
	}
}

// chat returns a chat client of the test server.
func chat(t *testing.T, srv *llmtest.Server) *llm.Chat {
	t.Helper()
	c, err := llm.NewChat(llm.ChatConfig{BaseURL: srv.URL + "/v1", Model: "test-chat", MaxRetries: -1, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLLMAnswers(t *testing.T) {
	e := openDemo(t)
	question := "Quelle est la date limite pour le poste de chef de projet digital ?"
	for _, tc := range []struct {
		name     string
		reply    llmtest.Reply
		mode     string
		grounded bool
	}{
		{"cited", llmtest.Reply{Tokens: []string{"La date limite était le 7 mars 2025 ", "[1] : l'offre est clôturée."}}, assistant.ModeLLM, true},
		{"quoted", llmtest.Reply{Tokens: []string{"L'offre indique « Date limite de candidature : 7 mars 2025 » [1]."}}, assistant.ModeLLM, true},
		{"refusal", llmtest.Reply{Tokens: []string{prompts.Refusal}}, assistant.ModeLLM, true},
		{"bad number", llmtest.Reply{Tokens: []string{"Le 7 mars 2025 [7]."}}, assistant.ModeExtractive, false},
		{"invented quote", llmtest.Reply{Tokens: []string{"L'offre dit « ouverte jusqu'en 2027 » [1]."}}, assistant.ModeExtractive, false},
		{"no citation", llmtest.Reply{Tokens: []string{"Toutes les offres sont ouvertes."}}, assistant.ModeExtractive, false},
		// Finding 4 of issue 13: claims without quotes are checked too.
		{"invented amount", llmtest.Reply{Tokens: []string{"Le salaire est de 1 000 000 XPF [1]."}}, assistant.ModeExtractive, false},
		{"closed offer said open", llmtest.Reply{Tokens: []string{"L'offre est encore ouverte, vous pouvez postuler [1]."}}, assistant.ModeExtractive, false},
		{"wrong deadline", llmtest.Reply{Tokens: []string{"La date limite est le 7 mars 2027 [1]."}}, assistant.ModeExtractive, false},
		{"429", llmtest.Reply{Status: 429}, assistant.ModeExtractive, true},
		{"500", llmtest.Reply{Status: 500}, assistant.ModeExtractive, true},
		{"garbage", llmtest.Reply{Tokens: []string{"La date"}, Garbage: true}, assistant.ModeExtractive, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.New(t, func(llmtest.Request) llmtest.Reply { return tc.reply })
			a := newAssistant(t, e, chat(t, srv))
			var tokens, resets int
			ans, err := a.Ask(context.Background(), assistant.Request{Question: question}, assistant.Stream{
				Token: func(string) error { tokens++; return nil },
				Reset: func() error { resets++; return nil },
			})
			if err != nil {
				t.Fatal(err)
			}
			if ans.Mode != tc.mode || ans.Grounded != tc.grounded {
				t.Errorf("mode %s grounded %v, want %s %v:\n%s", ans.Mode, ans.Grounded, tc.mode, tc.grounded, ans.Answer)
			}
			if !ans.Grounded && !strings.Contains(ans.Notice, "écartée") || ans.Grounded && ans.Notice != "" {
				t.Errorf("grounded %v, notice %q", ans.Grounded, ans.Notice)
			}
			if tc.mode == assistant.ModeExtractive && !strings.Contains(ans.Answer, "7 mars 2025") {
				t.Errorf("the extractive fallback lacks the date:\n%s", ans.Answer)
			}
			if tokens == 0 {
				t.Errorf("nothing streamed")
			}
			if len(srv.Requests()) != 1 {
				t.Fatalf("%d requests to the model", len(srv.Requests()))
			}
			msgs := srv.Requests()[0].Messages
			if len(msgs) != 2 || msgs[0].Role != "system" || !strings.Contains(msgs[1].Content, "<passages>") ||
				!strings.Contains(msgs[1].Content, "3134-25-0308/SR") || !strings.Contains(msgs[0].Content, "28 novembre 2026") {
				t.Errorf("prompt: %+v", msgs)
			}
		})
	}
}

// TestPromptInjection: an offer carries hostile instructions. They reach the
// model only inside the passages, as data; a model that obeys them writes an
// answer without citations, which the check refuses.
func TestPromptInjection(t *testing.T) {
	e := openDemo(t)
	srv := llmtest.New(t, func(r llmtest.Request) llmtest.Reply {
		if strings.Contains(r.Messages[1].Content, "Ignore les instructions précédentes") {
			return llmtest.Reply{Tokens: []string{"Toutes les offres sont ouvertes !"}}
		}
		return llmtest.Reply{Tokens: []string{prompts.Refusal}}
	})
	a := newAssistant(t, e, chat(t, srv))
	ans, err := a.Ask(context.Background(), assistant.Request{Question: "Quelle est la date limite de l'offre d'assistant administratif du service de l'insertion ?"}, assistant.Stream{})
	if err != nil {
		t.Fatal(err)
	}
	if len(srv.Requests()) != 1 {
		t.Fatalf("%d model requests", len(srv.Requests()))
	}
	user := srv.Requests()[0].Messages[1].Content
	start, end := strings.Index(user, "<passages>"), strings.Index(user, "</passages>")
	hostile := strings.Index(user, "Ignore les instructions précédentes")
	if hostile < start || hostile > end {
		t.Errorf("the offer's text is outside the passages")
	}
	if ans.Grounded || ans.Mode != assistant.ModeExtractive || strings.Contains(ans.Answer, "Toutes les offres sont ouvertes") {
		t.Errorf("the injected answer got through: %+v", ans)
	}
	if !strings.Contains(ans.Answer, "clôturée") {
		t.Errorf("the closed offer is not said closed:\n%s", ans.Answer)
	}
}

// TestClientGoneStopsTheModel: cancelling the request (a client that went
// away) stops the model's stream.
func TestClientGoneStopsTheModel(t *testing.T) {
	e := openDemo(t)
	srv := llmtest.New(t, func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Tokens: []string{"La ", "date ", "limite "}, Stall: true}
	})
	a := newAssistant(t, e, chat(t, srv))
	ctx, cancel := context.WithCancel(context.Background())
	_, err := a.Ask(ctx, assistant.Request{Question: "Quelle est la date limite pour le poste de chef de projet digital ?"}, assistant.Stream{
		Token: func(string) error { cancel(); return nil },
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Ask after the client left: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for srv.Cancelled.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if srv.Cancelled.Load() == 0 {
		t.Error("the model's request was not cancelled")
	}
}

// TestFollowUpRewrittenByModel: with a model, a follow-up is rewritten by
// it into a standalone question before retrieval.
func TestFollowUpRewrittenByModel(t *testing.T) {
	e := openDemo(t)
	srv := llmtest.New(t, func(r llmtest.Request) llmtest.Reply {
		user := r.Messages[len(r.Messages)-1].Content
		if strings.Contains(user, "Question de suivi") {
			return llmtest.Reply{Tokens: []string{"Où est basé le poste de géomètre topographe ?"}}
		}
		return llmtest.Reply{Tokens: []string{"Voir le passage [1]."}}
	})
	a := newAssistant(t, e, chat(t, srv))
	conv := "rewrite-by-model"
	ask(t, a, "Quelle est la date limite pour le poste de géomètre topographe ?", conv)
	before := len(srv.Requests())
	ans := ask(t, a, "Et où est-il basé ?", conv)
	if ans.Question != "Où est basé le poste de géomètre topographe ?" {
		t.Errorf("standalone question %q", ans.Question)
	}
	reqs := srv.Requests()[before:]
	if len(reqs) != 2 || !strings.Contains(reqs[0].Messages[0].Content, "Géomètre topographe (PS-2026-0719/DIE)") {
		t.Fatalf("model requests for the follow-up: %+v", reqs)
	}
	if ans.Mode != assistant.ModeLLM || len(ans.Offers) == 0 || ans.Offers[0] != "PS-2026-0719/DIE" {
		t.Errorf("answer %+v", ans)
	}
}

// TestModelTimeout: a model that stalls past its deadline gives the
// extractive answer.
func TestModelTimeout(t *testing.T) {
	e := openDemo(t)
	srv := llmtest.New(t, func(llmtest.Request) llmtest.Reply { return llmtest.Reply{Tokens: []string{"La date"}, Stall: true} })
	model, err := llm.NewChat(llm.ChatConfig{BaseURL: srv.URL + "/v1", Model: "test-chat", MaxRetries: -1, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	a := newAssistant(t, e, model)
	resets := 0
	ans, err := a.Ask(context.Background(), assistant.Request{Question: "Quelle est la date limite pour le poste de chef de projet digital ?"},
		assistant.Stream{Token: func(string) error { return nil }, Reset: func() error { resets++; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Mode != assistant.ModeExtractive || !strings.Contains(ans.Answer, "7 mars 2025") || resets != 1 {
		t.Errorf("after a model timeout: mode %s, resets %d:\n%s", ans.Mode, resets, ans.Answer)
	}
}

// TestUndatedWindow: an offer without a deadline is open for the window the
// search uses (search.undated_open_days), then expired: a list of open
// offers leaves it out and says it matched.
func TestUndatedWindow(t *testing.T) {
	e := openDemo(t) // CHS-AB 2026/31, psychiatrist, published 2026-10-20, no deadline
	for _, tc := range []struct {
		days   int
		listed bool
	}{{0, true}, {30, false}} {
		a, err := assistant.New(e.Search(), e, assistant.Options{Now: fixedNow, UndatedOpenDays: tc.days})
		if err != nil {
			t.Fatal(err)
		}
		ans := ask(t, a, "Quels postes de médecin psychiatre sont ouverts ?", "")
		listed := strings.Contains(strings.Join(ans.CitedOffers(), " "), "CHS-AB 2026/31")
		if listed != tc.listed || (!listed && !strings.Contains(ans.Answer, "1 offre correspond mais elle est clôturée ou expirée")) {
			t.Errorf("window %d: %q", tc.days, ans.Answer)
		}
	}
}

// TestJobInGeneral: a question about a job in general (« pour être »,
// « d'un », « les postes de ») is answered from each offer of that job
// found, the open ones first, each citing its own; a question about « le
// poste de » one job is answered from one offer.
func TestJobInGeneral(t *testing.T) {
	a := newAssistant(t, openDemo(t), nil)
	for _, tc := range []struct {
		question string
		offers   []string // cited, in order
	}{
		{"Faut-il le permis bateau pour être garde-pêche ?", []string{"PS-2026-0722/DDDT", "PS-2026-0511/DDDT"}},
		{"Quelle est la date limite pour les postes d'animateur périscolaire ?", []string{"VDN/2026/118", "DUM-ENF-2026-21"}},
		{"What is the deadline for the jobs of animateur périscolaire?", []string{"VDN/2026/118", "DUM-ENF-2026-21"}},
		{"Faut-il le permis bateau pour le poste de garde-pêche à Yaté ?", []string{"PS-2026-0722/DDDT"}},
	} {
		ans := ask(t, a, tc.question, "")
		var cited []string
		for _, c := range ans.Citations {
			if !slices.Contains(cited, c.OfferID) {
				cited = append(cited, c.OfferID)
			}
		}
		if !slices.Equal(cited, tc.offers) {
			t.Errorf("%q cites %q, want %q:\n%s", tc.question, cited, tc.offers, ans.Answer)
		}
	}
}

// TestOffersNamedAlike: offers a question names alike (two « Ripeur »
// offers at Beaune) are answered from the one that states what is asked;
// a place is named as France Travail writes it (« 974 - ST DENIS ») or by
// its department; a name the question gives (« à Groslay ») is never
// missed (the held-out batches ft-m and ft-n of questions-shared.json).
func TestOffersNamedAlike(t *testing.T) {
	e := openFiles(t)
	const offers = `[
{"id":"R1","intitule":"Ripeur / Ripeuse (H/F)","description":"Collecte des déchets ménagers.","dateCreation":"2026-11-20T08:00:00Z","lieuTravail":{"libelle":"21 - BEAUNE"},"typeContrat":"MIS","typeContratLibelle":"Mission intérimaire - 1 Mois"},
{"id":"R2","intitule":"Ripeur / Ripeuse (H/F)","description":"Collecter les déchets et ordures ménagères.","dateCreation":"2026-11-21T08:00:00Z","lieuTravail":{"libelle":"21 - BEAUNE"},"entreprise":{"nom":"SKILLS OFFICE"},"typeContrat":"MIS","typeContratLibelle":"Intérim - 1 Mois"},
{"id":"N1","intitule":"Agent / Agente de nettoiement d'espace urbain","description":"Nettoyage des rues et des parcs.","dateCreation":"2026-11-22T08:00:00Z","lieuTravail":{"libelle":"974 - ST DENIS"},"salaire":{"libelle":"Mensuel de 1801.8 Euros sur 12 mois"}},
{"id":"E1","intitule":"Agent d'entretien et de maintenance (H/F)","description":"Entretien des locaux.","dateCreation":"2026-11-22T08:00:00Z","lieuTravail":{"libelle":"67 - ST NABOR"},"dureeTravailLibelle":"35H"},
{"id":"E2","intitule":"Agent d'entretient (H/F)","description":"Nettoyage quotidien des bureaux.","dateCreation":"2026-11-22T08:00:00Z","lieuTravail":{"libelle":"95 - GROSLAY"},"dureeTravailLibelle":"35H Travail dimanche et jours fériés"},
{"id":"V1","intitule":"Conducteur de balayeuse (H/F)","description":"Conduite de la balayeuse.","dateCreation":"2026-11-22T08:00:00Z","lieuTravail":{"libelle":"86 - POITIERS"},"salaire":{"libelle":"Horaire de 11.88 Euros"}},
{"id":"V2","intitule":"Conducteur de balayeuse (H/F)","description":"Conduite de la balayeuse.","dateCreation":"2026-11-22T08:00:00Z","lieuTravail":{"libelle":"38 - VIENNE"},"salaire":{"libelle":"Mensuel de 1950.0 Euros"}}
]`
	if _, _, err := e.Import(context.Background(), "ft.json", strings.NewReader(offers)); err != nil {
		t.Fatal(err)
	}
	a := newAssistant(t, e, nil)
	for _, tc := range []struct{ question, offer, fact string }{
		{"Quelle agence d'intérim propose le poste de ripeur à Beaune ?", "R2", "SKILLS OFFICE"},
		{"Salaire de l'agent de nettoiement à Saint-Denis de La Réunion ?", "N1", "1801.8"},
		// The place names the offer, though another has more of its words
		// (and its title is misspelt).
		{"L'agent d'entretien à Groslay travaille le dimanche ?", "E2", "dimanche"},
		// « Vienne » is a town (V2) and a department (V1's, Poitiers): the town.
		{"What's the monthly pay of the sweeper driver in Vienne?", "V2", "1950"},
	} {
		ans := ask(t, a, tc.question, "")
		if cited := ans.CitedOffers(); len(cited) == 0 || cited[0] != tc.offer || !strings.Contains(ans.Answer, tc.fact) {
			t.Errorf("%q: cites %v, want %s saying %q:\n%s", tc.question, cited, tc.offer, tc.fact, ans.Answer)
		}
	}
}

// TestFamilyList: a list of a field lists its jobs' offers though they do
// not say the field's word: « santé » at Dumbéa is the nurse's offer and
// the physiotherapist's (demo-q04).
func TestFamilyList(t *testing.T) {
	a := newAssistant(t, openDemo(t), nil)
	ans := ask(t, a, "Y a-t-il des offres dans la santé à Dumbéa ?", "")
	for _, id := range []string{"CHT-Médecine-2026-03", "CHT-Rééducation-2026-08"} {
		if !slices.Contains(ans.CitedOffers(), id) {
			t.Errorf("does not list %s: %s", id, ans.Answer)
		}
	}
}
