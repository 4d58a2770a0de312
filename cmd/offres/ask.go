package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"offres/assistant"
	"offres/engine"
	"offres/llm"
)

// chatModel returns the OpenAI-compatible chat model that OFFRES_LLM_MODEL
// names, or nil: the assistant then answers by extraction.
func chatModel(e env, log *slog.Logger) (*llm.Chat, error) {
	model := e.getenv("OFFRES_LLM_MODEL")
	if model == "" {
		return nil, nil
	}
	cfg := llm.ChatConfig{
		BaseURL: e.getenv("OFFRES_LLM_BASE_URL"),
		APIKey:  e.getenv("OFFRES_LLM_API_KEY"),
		Model:   model,
		Logger:  log,
	}
	if v := e.getenv("OFFRES_LLM_TEMPERATURE"); v != "" {
		x, err := strconv.ParseFloat(v, 32)
		if err != nil {
			return nil, fmt.Errorf("OFFRES_LLM_TEMPERATURE %q is not a number: %w", v, errUsage)
		}
		cfg.Temperature = float32(x)
	}
	if v := e.getenv("OFFRES_LLM_MAX_TOKENS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("OFFRES_LLM_MAX_TOKENS %q is not an integer: %w", v, errUsage)
		}
		cfg.MaxTokens = n
	}
	if v := e.getenv("OFFRES_LLM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, fmt.Errorf("OFFRES_LLM_TIMEOUT %q is not a duration (30s, 1m): %w", v, errUsage)
		}
		cfg.Timeout = d
	}
	chat, err := llm.NewChat(cfg)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, errUsage)
	}
	log.Info("language model", "config", cfg)
	return chat, nil
}

// newAssistant returns the assistant over the engine, with the chat model
// of the environment if any.
func newAssistant(eng *engine.Engine, e env, log *slog.Logger, now func() time.Time) (*assistant.Assistant, error) {
	chat, err := chatModel(e, log)
	if err != nil {
		return nil, err
	}
	opts := assistant.Options{Logger: log, Now: now}
	if chat != nil {
		opts.LLM = chat
	}
	return assistant.New(eng.Search(), eng, opts)
}

// runAsk answers a question from the terminal, streaming the answer.
func runAsk(ctx context.Context, args []string, e env) error {
	var c common
	fs := newFlags("ask", e)
	c.register(fs, e)
	asJSON := fs.Bool("json", false, "print the whole answer as JSON")
	if err := parse(fs, args); err != nil {
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
	a, err := newAssistant(eng, e, log, nil)
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
