package api_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"offres/api"
	"offres/internal/metrics"
	"offres/internal/offres"
	"offres/search"
	"offres/web"
)

// slowSearcher makes each search of the real engine hold its slot for a
// while longer, as a search of a large catalogue does, so that a few
// dozen concurrent requests saturate the server.
type slowSearcher struct {
	api.Searcher
	delay time.Duration
}

func (s slowSearcher) Search(ctx context.Context, r search.Request) (offres.Result, error) {
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		return offres.Result{}, ctx.Err()
	}
	return s.Searcher.Search(ctx, r)
}

// TestLoadShedding saturates the searches of a real server: the requests
// that cannot be served within their deadline answer 503 with Retry-After
// before it, the others are served, the cheap routes keep answering, and
// the metrics count what was shed.
func TestLoadShedding(t *testing.T) {
	const deadline = 2 * time.Second
	reg := metrics.New()
	app, _ := newFullApp(t, api.Options{RequestTimeout: deadline, ConcurrentRequests: 2, SearchCacheEntries: -1}, nil,
		func(d *api.Deps) {
			d.Search = slowSearcher{Searcher: d.Search, delay: 50 * time.Millisecond}
			d.Metrics = reg
			d.Web = web.Assets
		})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 30 * time.Second} // a bound on a hang
	type answer struct {
		status     int
		retryAfter string
		body       string
		took       time.Duration
	}
	get := func(path string, headers ...string) answer {
		req, err := http.NewRequest("GET", base+path, nil)
		if err != nil {
			t.Error(err)
			return answer{}
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return answer{}
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return answer{resp.StatusCode, resp.Header.Get("Retry-After"), string(b), time.Since(start)}
	}

	// The server learns how long a search takes.
	for i := range 10 {
		if a := get(fmt.Sprintf("/api/v1/search?q=infirmier&page=%d", i+1)); a.status != 200 {
			t.Fatalf("search before the load: %d %s", a.status, a.body)
		}
	}

	const burst = 120
	searches := make([]answer, burst)
	var wg sync.WaitGroup
	for i := range burst {
		wg.Go(func() {
			searches[i] = get(fmt.Sprintf("/api/v1/search?q=infirmier&limit=%d&page=%d", i%50+1, i/50+1))
		})
	}
	// While the searches queue, the cheap routes answer.
	time.Sleep(100 * time.Millisecond)
	for _, path := range []string{"/api/v1/suggest?q=infi", "/healthz", "/readyz", "/widget.js"} {
		if a := get(path); a.status != 200 || a.took >= deadline {
			t.Errorf("%s during the load: %d after %s: %s", path, a.status, a.took, a.body)
		}
	}
	wg.Wait()

	var served, shed, late int
	for _, a := range searches {
		switch a.status {
		case 200:
			served++
		case 503:
			shed++
			if n, err := strconv.Atoi(a.retryAfter); err != nil || n < 1 {
				t.Errorf("503 with Retry-After %q", a.retryAfter)
			}
			if !strings.Contains(a.body, `"code":"overloaded"`) || !strings.Contains(a.body, "réessayez") {
				t.Errorf("503 body: %s", a.body)
			}
			if a.took >= deadline {
				t.Errorf("a shed search answered after %s, past its deadline", a.took)
			}
		case 504:
			// Admitted, but slower than its deadline: the estimate is a
			// mean; a few may, on a machine shared with other work.
			late++
		default:
			t.Errorf("search under load: %d %s", a.status, a.body)
		}
	}
	t.Logf("%d searches: %d served, %d shed, %d past their deadline", burst, served, shed, late)
	if served == 0 || shed == 0 || late > shed {
		t.Fatalf("%d served, %d shed: want some of each", served, shed)
	}

	m := get("/metrics", "Authorization", "Bearer "+adminToken)
	for _, want := range []string{
		fmt.Sprintf(`offres_http_shed_total{route="/api/v1/search"} %d`, shed),
		fmt.Sprintf(`offres_http_errors_total{code="overloaded",route="/api/v1/search"} %d`, shed),
	} {
		if !strings.Contains(m.body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
