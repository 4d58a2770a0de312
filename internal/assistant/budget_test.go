package assistant_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"offres/internal/assistant"
	"offres/internal/llm/llmtest"
)

// TestTokenBudgets: past a client's or the day's budget of tokens, the
// answers are extractive and the model is not called; the budgets are
// counted from the usage the model reports, per day in Nouméa; a model
// that fails costs nothing.
func TestTokenBudgets(t *testing.T) {
	e := openDemo(t)
	const question = "Quelle est la date limite pour le poste de chef de projet digital ?"
	var down atomic.Bool
	srv := llmtest.New(t, func(llmtest.Request) llmtest.Reply {
		if down.Load() {
			return llmtest.Reply{Status: 500}
		}
		return llmtest.Reply{Tokens: []string{"La date limite était le 7 mars 2025 [1]."}, PromptTokens: 900, CompletionTokens: 100}
	})
	var day atomic.Int64
	now := func() time.Time { return fixedNow().AddDate(0, 0, int(day.Load())) }
	a, err := assistant.New(e.Search(), e, assistant.Options{Now: now, LLM: chat(t, srv), TokensPerClientDay: 2500, TokensPerDay: 4500})
	if err != nil {
		t.Fatal(err)
	}
	modeOf := func(client string) string {
		t.Helper()
		ans, err := a.Ask(context.Background(), assistant.Request{Question: question, Client: client}, assistant.Stream{})
		if err != nil {
			t.Fatal(err)
		}
		return ans.Mode
	}
	calls := func() int { return len(srv.Requests()) }

	// 1,000 tokens a call: the third call starts under 2,500, the fourth not.
	for i, want := range []string{assistant.ModeLLM, assistant.ModeLLM, assistant.ModeLLM, assistant.ModeExtractive} {
		if got := modeOf("203.0.113.1"); got != want {
			t.Fatalf("client A, question %d: mode %s, want %s", i+1, got, want)
		}
	}
	if calls() != 3 {
		t.Fatalf("%d calls to the model, want 3", calls())
	}
	// Another client has its own budget, within the day's 4,500.
	if modeOf("203.0.113.2") != assistant.ModeLLM || modeOf("203.0.113.2") != assistant.ModeLLM {
		t.Fatal("client B is limited by client A's budget")
	}
	// 5,000 spent today: the day's budget is spent for everyone.
	if got := modeOf("203.0.113.3"); got != assistant.ModeExtractive {
		t.Fatalf("past the day's budget: mode %s", got)
	}
	if calls() != 5 {
		t.Fatalf("%d calls to the model, want 5", calls())
	}
	// The next day in Nouméa, the budgets start again; a model that is down
	// costs nothing, so client A gets the model back once it recovers.
	day.Store(1)
	down.Store(true)
	for range 4 {
		if got := modeOf("203.0.113.1"); got != assistant.ModeExtractive {
			t.Fatalf("model down: mode %s", got)
		}
	}
	down.Store(false)
	if got := modeOf("203.0.113.1"); got != assistant.ModeLLM {
		t.Fatalf("the next day, model back: mode %s", got)
	}
}

// TestPromptBudget: a prompt estimated over the bound is not sent.
func TestPromptBudget(t *testing.T) {
	e := openDemo(t)
	srv := llmtest.New(t, func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Tokens: []string{"La date limite était le 7 mars 2025 [1]."}}
	})
	a, err := assistant.New(e.Search(), e, assistant.Options{Now: fixedNow, LLM: chat(t, srv), MaxPromptTokens: 50})
	if err != nil {
		t.Fatal(err)
	}
	ans, err := a.Ask(context.Background(), assistant.Request{Question: "Quelle est la date limite pour le poste de chef de projet digital ?"}, assistant.Stream{})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Mode != assistant.ModeExtractive || len(srv.Requests()) != 0 {
		t.Fatalf("mode %s after %d calls: the prompt over the bound was sent", ans.Mode, len(srv.Requests()))
	}
}
