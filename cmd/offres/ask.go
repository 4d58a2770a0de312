package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"offres/internal/assistant"
	"offres/internal/config"
	"offres/internal/engine"
	"offres/internal/llm"
	"offres/internal/metrics"
)

// chatModel returns the OpenAI-compatible chat model the settings name, or
// nil: the assistant then answers by extraction.
func chatModel(s config.LLM, log *slog.Logger) (*llm.Chat, error) {
	if s.Model == "" {
		return nil, nil
	}
	cfg := llm.ChatConfig{
		BaseURL:     s.BaseURL,
		APIKey:      s.APIKey,
		Model:       s.Model,
		Temperature: float32(s.Temperature),
		MaxTokens:   s.MaxTokens,
		Timeout:     s.Timeout.Duration,
		Logger:      log,
	}
	chat, err := llm.NewChat(cfg)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, errUsage)
	}
	log.Info("language model", "config", cfg)
	return chat, nil
}

// newAssistant returns the assistant over the engine, with the chat model
// of the settings if any, and its token budgets; reg, when not nil, counts
// the model's tokens and times its calls.
func newAssistant(eng *engine.Engine, s config.LLM, log *slog.Logger, now func() time.Time, reg *metrics.Registry) (*assistant.Assistant, error) {
	chat, err := chatModel(s, log)
	if err != nil {
		return nil, err
	}
	opts := assistant.Options{Logger: log, Now: now,
		TokensPerClientDay: s.TokensPerClientDay, TokensPerDay: s.TokensPerDay, MaxPromptTokens: s.MaxPromptTokens,
		UndatedOpenDays: eng.UndatedOpenDays()}
	if chat != nil {
		opts.LLM = chat
		if reg != nil {
			opts.LLM = reg.LLM(chat)
		}
	}
	return assistant.New(eng.Search(), eng, opts)
}

// runAsk answers a question from the terminal, streaming the answer.
func runAsk(ctx context.Context, args []string, e env) error {
	var c common
	fs := newFlags("ask", e)
	c.register(fs)
	asJSON := fs.Bool("json", false, "print the whole answer as JSON")
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	question := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if question == "" {
		return fmt.Errorf("ask: give a question: %w", errUsage)
	}
	eng, log, err := c.open(ctx, e)
	if err != nil {
		return err
	}
	defer eng.Close()
	a, err := newAssistant(eng, c.cfg.LLM, log, nil, nil)
	if err != nil {
		return err
	}
	var stream assistant.Stream
	if !*asJSON {
		stream.Token = func(text string) error { _, err := fmt.Fprint(e.stdout, text); return err }
		stream.Reset = func() error {
			_, err := fmt.Fprintln(e.stdout, "\n[réponse du modèle retirée : citations invalides]")
			return err
		}
	}
	ans, err := a.Ask(ctx, assistant.Request{Question: question}, stream)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ans)
	}
	fmt.Fprintln(e.stdout)
	if len(ans.Citations) > 0 {
		fmt.Fprintln(e.stdout, "\nSources :")
		for _, c := range ans.Citations {
			fmt.Fprintf(e.stdout, "[%d] %s — %s (%s) : « %s »\n", c.N, c.OfferID, c.Title, c.Section, c.Quote)
		}
	}
	return nil
}
