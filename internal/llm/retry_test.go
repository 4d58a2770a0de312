package llm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	const base, max = 500 * time.Millisecond, 30 * time.Second
	for _, tc := range []struct {
		name  string
		retry int
		r     float64
		want  time.Duration
	}{
		{"first, no jitter", 1, 0, 250 * time.Millisecond},
		{"first, most jitter", 1, 0.999999999, 500*time.Millisecond - 1},
		{"second", 2, 0.5, 750 * time.Millisecond},
		{"third", 3, 0, time.Second},
		{"capped", 10, 0, 15 * time.Second},
		{"capped, most jitter", 40, 0.999999999, max - 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := backoff(tc.retry, base, max, tc.r)
			if diff := got - tc.want; diff < -20 || diff > 20 {
				t.Fatalf("backoff(%d, r=%v) = %s, want %s", tc.retry, tc.r, got, tc.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name       string
		after, ms  string
		want       time.Duration
		wantParsed bool
	}{
		{"none", "", "", 0, false},
		{"seconds", "1", "", time.Second, true},
		{"zero", "0", "", 0, true},
		{"spaces", " 12 ", "", 12 * time.Second, true},
		{"http date", "Sat, 07 Mar 2026 10:00:05 GMT", "", 5 * time.Second, true},
		{"rfc 850 date", "Saturday, 07-Mar-26 10:00:02 GMT", "", 2 * time.Second, true},
		{"past date", "Sat, 07 Mar 2026 09:00:00 GMT", "", 0, true},
		{"milliseconds first", "2", "150", 150 * time.Millisecond, true},
		{"fractional milliseconds", "", "20.5", 20500 * time.Microsecond, true},
		{"negative", "-3", "", 0, false},
		{"garbage", "soon", "later", 0, false},
		{"huge", "99999999999", "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tc.after, tc.ms, now)
			if got != tc.want || ok != tc.wantParsed {
				t.Fatalf("got %s %v, want %s %v", got, ok, tc.want, tc.wantParsed)
			}
		})
	}
}

func TestSleep(t *testing.T) {
	if err := sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	start := time.Now()
	if err := sleep(ctx, time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("slept %s", d)
	}
}

func TestRetryableStatus(t *testing.T) {
	for code, want := range map[int]bool{
		400: false, 401: false, 403: false, 404: false, 408: true, 409: false, 422: false,
		429: true, 500: true, 501: false, 502: true, 503: true, 504: true, 505: false, 529: true,
	} {
		if got := retryableStatus(code); got != want {
			t.Errorf("retryableStatus(%d) = %v, want %v", code, got, want)
		}
	}
}

func TestSanitizeMessage(t *testing.T) {
	inputs := []string{"chef", "Chef de projet digital à la DSIN, Nouméa"}
	for _, tc := range []struct {
		name, msg, want string
	}{
		{"plain", "  model not found ", "model not found"},
		{"quotes an input", "cannot embed 'Chef de projet digital à la DSIN'", withheldMessage},
		{"short inputs are not looked for", "chef is a word", "chef is a word"},
		{"api key", "Incorrect API key provided: sk-abcdef.", "Incorrect API key provided: [api key]."},
		{"long", strings.Repeat("é", 400), strings.Repeat("é", maxMessageLen/2) + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sanitizeMessage(tc.msg, "sk-abcdef", inputs); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
