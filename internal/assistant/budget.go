package assistant

import (
	"context"
	"errors"
	"sync"
	"time"
	"unicode/utf8"

	"offres/internal/offres"
)

// Token budgets of the language model. Past a budget, answers are
// extractive: the service goes on answering, only without the model.
const (
	// DefaultTokensPerClientDay bounds the tokens (prompt and completion)
	// spent on one client in a day (in Nouméa).
	DefaultTokensPerClientDay = 20_000
	// DefaultMaxPromptTokens bounds the prompt of one call, estimated.
	DefaultMaxPromptTokens = 8_000
	// maxBudgetClients bounds the clients counted in a day; past it a new
	// client gets extractive answers until the next day.
	maxBudgetClients = 100_000
)

// errBudget: a token budget is spent.
var errBudget = errors.New("token budget spent")

// budget counts the tokens spent per client and in all, per day in
// Nouméa.
type budget struct {
	perClient, perDay, maxPrompt int
	now                          func() time.Time

	mu     sync.Mutex
	day    offres.Date
	total  int
	client map[string]int
	full   bool // maxBudgetClients reached today: logged once
}

func newBudget(perClient, perDay, maxPrompt int, now func() time.Time) *budget {
	return &budget{perClient: perClient, perDay: perDay, maxPrompt: maxPrompt, now: now, client: map[string]int{}}
}

// rollLocked starts a new day's counts when the day changed.
func (b *budget) rollLocked() {
	if today := offres.Today(b.now); today != b.day {
		b.day, b.total, b.client, b.full = today, 0, map[string]int{}, false
	}
}

// allow reports whether a call of about prompt tokens may be made for
// client; a negative budget is no limit.
func (b *budget) allow(client string, prompt int) (ok bool, firstFull bool) {
	if b.maxPrompt >= 0 && prompt > b.maxPrompt {
		return false, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rollLocked()
	if b.perDay >= 0 && b.total >= b.perDay {
		return false, false
	}
	used, known := b.client[client]
	if !known && len(b.client) >= maxBudgetClients {
		first := !b.full
		b.full = true
		return false, first
	}
	return b.perClient < 0 || used < b.perClient, false
}

// charge counts the tokens of a call.
func (b *budget) charge(client string, tokens int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rollLocked()
	b.total += tokens
	if _, known := b.client[client]; known || len(b.client) < maxBudgetClients {
		b.client[client] += tokens
	}
}

// estimateTokens estimates the tokens of messages: about four characters
// a token in French, rounded up.
func estimateTokens(msgs []offres.ChatMessage) int {
	n := 0
	for _, m := range msgs {
		n += utf8.RuneCountInString(m.Content)
	}
	return (n + 3) / 4
}

// chat calls the model for client within the budgets, and charges what
// it spent: the tokens it reported, or an estimate when it reported none.
func (a *Assistant) chat(ctx context.Context, client string, msgs []offres.ChatMessage, onToken func(string) error) (offres.Completion, error) {
	prompt := estimateTokens(msgs)
	ok, firstFull := a.budget.allow(client, prompt)
	if firstFull {
		a.log.Warn("too many clients for the token budgets today: new clients get extractive answers")
	}
	if !ok {
		return offres.Completion{}, errBudget
	}
	comp, err := a.llm.Stream(ctx, msgs, onToken)
	used := comp.PromptTokens + comp.CompletionTokens
	if used == 0 && (err == nil || comp.Text != "") {
		used = prompt + (utf8.RuneCountInString(comp.Text)+3)/4
	}
	// A call that failed before any answer costs nothing: a model that is
	// down does not spend the clients' budgets.
	a.budget.charge(client, used)
	return comp, err
}
