package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"offres/api"
	"offres/internal/assistant"
	"offres/internal/llm"
	"offres/internal/llm/llmtest"
)

// newAskApp serves the demo corpus with an assistant on model (nil:
// extractive).
func newAskApp(t *testing.T, opts api.Options, model assistant.LLM) *fiber.App {
	t.Helper()
	app, _ := newFullApp(t, opts, model)
	return app
}

const seedQuestion = `{"question":"Quelle est la date limite pour le poste de chef de projet digital ?"}`

func TestAskJSON(t *testing.T) {
	app := newAskApp(t, api.Options{}, nil)
	r := do(t, app, "POST", "/api/v1/ask", strings.NewReader(seedQuestion), "Content-Type", "application/json")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var ans assistant.Answer
	r.decode(t, &ans)
	if ans.Mode != "extractive" || !ans.Grounded || ans.ConversationID == "" || len(ans.Citations) == 0 ||
		ans.Citations[0].OfferID != "3134-25-0308/SR" || !strings.Contains(ans.Answer, "7 mars 2025") || !strings.Contains(ans.Answer, "clôturée") {
		t.Fatalf("answer: %s", r.body)
	}
	// A follow-up in the same conversation.
	body := `{"question":"Et où est-il basé ?","conversation_id":"` + ans.ConversationID + `"}`
	r = do(t, app, "POST", "/api/v1/ask", strings.NewReader(body), "Content-Type", "application/json")
	var next assistant.Answer
	r.decode(t, &next)
	if r.status != 200 || !strings.Contains(next.Answer, "Nouméa") || next.ConversationID != ans.ConversationID {
		t.Errorf("follow-up: %d %s", r.status, r.body)
	}
	for _, bad := range []string{`{`, `{"question":""}`, `{"question":"` + strings.Repeat("a", 501) + `"}`,
		`{"question":"x","conversation_id":"<script>"}`, `{"question":"x","filters":{"salaire":["1"]}}`} {
		r := do(t, app, "POST", "/api/v1/ask", strings.NewReader(bad), "Content-Type", "application/json")
		if r.status != 400 || r.errorCode(t) != "invalid_request" {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}

// events parses a Server-Sent Events body.
func events(t *testing.T, body []byte) (names []string, data []string) {
	t.Helper()
	for _, block := range strings.Split(strings.TrimSpace(string(body)), "\n\n") {
		if strings.HasPrefix(block, ":") {
			continue // a keep-alive comment
		}
		var name, d string
		for _, line := range strings.Split(block, "\n") {
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				name = v
			} else if v, ok := strings.CutPrefix(line, "data: "); ok {
				d = v
			}
		}
		if name == "" || !json.Valid([]byte(d)) {
			t.Fatalf("bad event %q", block)
		}
		names, data = append(names, name), append(data, d)
	}
	return names, data
}

func TestAskStream(t *testing.T) {
	srv := llmtest.New(t, func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Tokens: []string{"La date limite était le ", "7 mars 2025 [1] ; ", "l'offre est clôturée."}}
	})
	model, err := llm.NewChat(llm.ChatConfig{BaseURL: srv.URL + "/v1", Model: "test-chat", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	app := newAskApp(t, api.Options{}, model)
	r := do(t, app, "POST", "/api/v1/ask", strings.NewReader(seedQuestion), "Content-Type", "application/json", "Accept", "text/event-stream")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	names, data := events(t, r.body)
	if len(names) < 3 || names[len(names)-2] != "citations" || names[len(names)-1] != "done" {
		t.Fatalf("events %v", names)
	}
	var text strings.Builder
	for i, n := range names[:len(names)-2] {
		if n != "token" {
			t.Fatalf("event %d is %s, want token: %v", i, n, names)
		}
		var tok struct{ Text string }
		json.Unmarshal([]byte(data[i]), &tok)
		text.WriteString(tok.Text)
	}
	var ans assistant.Answer
	json.Unmarshal([]byte(data[len(data)-1]), &ans)
	if ans.Mode != "llm" || !ans.Grounded || ans.Answer != text.String() || len(ans.Citations) != 1 {
		t.Errorf("done: %s; streamed %q", data[len(data)-1], text.String())
	}
}

// TestAskStreamClientGone: a client that closes the connection mid-answer
// stops the model's call.
func TestAskStreamClientGone(t *testing.T) {
	srv := llmtest.New(t, func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Tokens: []string{"La ", "date "}, Delay: 20 * time.Millisecond, Stall: true}
	})
	model, err := llm.NewChat(llm.ChatConfig{BaseURL: srv.URL + "/v1", Model: "test-chat", MaxRetries: -1, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	app := newAskApp(t, api.Options{AskKeepAlive: 50 * time.Millisecond}, model)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+ln.Addr().String()+"/api/v1/ask", strings.NewReader(seedQuestion))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	// The first event, past the keep-alive comments that may come first
	// while the search runs.
	br := bufio.NewReader(resp.Body)
	line, err := br.ReadString('\n')
	for err == nil && (strings.HasPrefix(line, ":") || line == "\n") {
		line, err = br.ReadString('\n')
	}
	if err != nil || !strings.HasPrefix(line, "event: token") {
		t.Fatalf("first event %q, %v", line, err)
	}
	cancel() // the client goes away
	resp.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for srv.Cancelled.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if srv.Cancelled.Load() == 0 {
		t.Error("the model's call went on after the client left")
	}
}

func TestAskRateLimit(t *testing.T) {
	app := newAskApp(t, api.Options{AskPerMinute: 2}, nil)
	statuses := []int{}
	for range 3 {
		statuses = append(statuses, do(t, app, "POST", "/api/v1/ask", strings.NewReader(seedQuestion), "Content-Type", "application/json").status)
	}
	if statuses[0] != 200 || statuses[1] != 200 || statuses[2] != 429 {
		t.Errorf("statuses %v, want 200 200 429", statuses)
	}
	r := do(t, app, "POST", "/api/v1/ask", strings.NewReader(seedQuestion), "Content-Type", "application/json")
	if r.errorCode(t) != "rate_limited" {
		t.Errorf("rate limited body: %s", r.body)
	}
}

// TestRateLimitClientAddress: X-Forwarded-For names the client only when
// the request comes from a trusted proxy; otherwise a forged header gains
// nothing.
func TestRateLimitClientAddress(t *testing.T) {
	ask := func(app *fiber.App, forwarded string) int {
		return do(t, app, "POST", "/api/v1/ask", strings.NewReader(seedQuestion),
			"Content-Type", "application/json", "X-Forwarded-For", forwarded).status
	}
	direct := newAskApp(t, api.Options{AskPerMinute: 2}, nil)
	got := []int{ask(direct, "203.0.113.1"), ask(direct, "203.0.113.2"), ask(direct, "203.0.113.3")}
	if got[2] != 429 {
		t.Errorf("forged X-Forwarded-For without a trusted proxy: %v, want the third limited", got)
	}
	proxied := newAskApp(t, api.Options{AskPerMinute: 2, TrustedProxies: []string{"0.0.0.0/0"}}, nil)
	got = []int{ask(proxied, "203.0.113.1"), ask(proxied, "203.0.113.2"), ask(proxied, "203.0.113.3")}
	if got[0] != 200 || got[1] != 200 || got[2] != 200 {
		t.Errorf("three clients behind a trusted proxy: %v, want each served", got)
	}
	if ask(proxied, "203.0.113.1") != 200 || ask(proxied, "203.0.113.1") != 429 {
		t.Errorf("one client behind a trusted proxy is not limited")
	}
	// Finding 3 of issue 13: behind one trusted proxy (app.Test's peer is
	// 0.0.0.0), a client that writes its own X-Forwarded-For has its
	// real address appended by the proxy: the right-most entry decides,
	// whatever the client put on the left.
	one := newAskApp(t, api.Options{AskPerMinute: 2, TrustedProxies: []string{"0.0.0.0"}}, nil)
	got = []int{ask(one, "10.9.0.1, 198.51.100.7"), ask(one, "10.9.0.2, 198.51.100.7"), ask(one, "10.9.0.3, 198.51.100.7")}
	if got[2] != 429 {
		t.Errorf("spoofed left part of X-Forwarded-For: %v, want the third limited", got)
	}
	// Behind two trusted proxies (the second, 10.0.0.2, appended by the
	// first), the entry left of the proxies is the client; trusted
	// entries are skipped from the right.
	two := newAskApp(t, api.Options{AskPerMinute: 2, TrustedProxies: []string{"0.0.0.0", "10.0.0.0/8"}}, nil)
	got = []int{ask(two, "192.0.2.9, 203.0.113.1, 10.0.0.2"), ask(two, "192.0.2.9, 203.0.113.2, 10.0.0.2"), ask(two, "192.0.2.9, 203.0.113.3, 10.0.0.2")}
	if got[0] != 200 || got[1] != 200 || got[2] != 200 {
		t.Errorf("three clients behind two trusted proxies: %v, want each served", got)
	}
	if ask(two, "1.1.1.1, 203.0.113.1, 10.0.0.2") != 200 || ask(two, "8.8.8.8, 203.0.113.1, 10.0.0.2") != 429 {
		t.Errorf("a client behind two trusted proxies changed its identity with the header's left part")
	}
}
