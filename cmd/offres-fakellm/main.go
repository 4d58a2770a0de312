// Command offres-fakellm is a stand-in language model for load tests
// (scripts/load.sh) and for the evaluation of the assistant's model path
// (docs/assistant.md): an OpenAI-compatible chat-completions server
// (POST /v1/chat/completions, streamed in the OpenAI Server-Sent Events
// wire format or not) that answers like a careful model, token by token
// with a delay, from the numbered passages of offres' prompt: the clause
// that states what is asked, quoted verbatim with its citation [n].
// --invalid makes a share of the answers quote a clause no offer holds;
// --misbehave makes a share of the questions answered in one of the ways
// real models fail (an invented date or amount, a wrong citation, an open
// offer called closed, an injected instruction obeyed, malformed JSON, an
// empty answer, a 500, a timeout), which offres must catch. GET /stats
// counts what it did. The model itself is internal/llm/fakellm.
//
//	offres-fakellm --addr 127.0.0.1:9090 --first-token 300ms --token-delay 20ms
//	OFFRES_LLM_MODEL=fake OFFRES_LLM_BASE_URL=http://127.0.0.1:9090/v1 offres serve
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"offres/internal/llm/fakellm"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "offres-fakellm:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("offres-fakellm", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:9090", "listen address")
	var opts fakellm.Options
	fs.DurationVar(&opts.FirstToken, "first-token", 300*time.Millisecond, "wait before the first token (time to first token)")
	fs.DurationVar(&opts.TokenDelay, "token-delay", 20*time.Millisecond, "wait between two tokens (20ms: 50 tokens/s)")
	fs.Float64Var(&opts.Invalid, "invalid", 0, "share of answers, in [0, 1], quoting a clause no offer holds")
	fs.Float64Var(&opts.Misbehave, "misbehave", 0, "share of questions, in [0, 1], answered in one of the misbehaviours (and every injected instruction obeyed)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if opts.Invalid < 0 || opts.Invalid > 1 || opts.Misbehave < 0 || opts.Misbehave > 1 || opts.FirstToken < 0 || opts.TokenDelay < 0 {
		return fmt.Errorf("--invalid and --misbehave must be in [0, 1] and the delays not negative")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: fakellm.New(opts).Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "offres-fakellm: listening on %s (first token %s, %s per token, invalid %.0f %%, misbehave %.0f %%)\n",
		ln.Addr(), opts.FirstToken, opts.TokenDelay, opts.Invalid*100, opts.Misbehave*100)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
