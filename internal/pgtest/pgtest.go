// Package pgtest gives tests a PostgreSQL database of their own on the
// server of OFFRES_TEST_DATABASE_URL (scripts/pg-setup.sh starts one), and a
// TCP proxy to it that a test can cut and restore, to see what offres does
// while its database is away, without stopping a server other tests share.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"offres/internal/postgres"
)

// Database creates an empty database for the test, dropped when it ends,
// and returns its URL. Without OFFRES_TEST_DATABASE_URL the test is
// skipped, or failed when OFFRES_REQUIRE_DATABASE=1 (CI).
func Database(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv("OFFRES_TEST_DATABASE_URL")
	if admin == "" {
		if os.Getenv("OFFRES_REQUIRE_DATABASE") == "1" {
			tb.Fatal("OFFRES_TEST_DATABASE_URL is not set and OFFRES_REQUIRE_DATABASE=1")
		}
		tb.Skip("OFFRES_TEST_DATABASE_URL is not set: no PostgreSQL to test against (scripts/test.sh starts one)")
	}
	var b [6]byte
	rand.Read(b[:])
	name := "offres_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u, err := postgres.CreateDatabase(ctx, admin, name)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := postgres.DropDatabase(ctx, admin, name); err != nil {
			tb.Error(err)
		}
	})
	return u
}

// Proxy forwards the connections it accepts to a database server. Cut
// drops them all and refuses new ones, as a server that went down; Stall
// leaves them open but silent, as a network that drops every packet;
// Restore forwards again.
type Proxy struct {
	tb     testing.TB
	target string
	addr   string

	mu      sync.Mutex
	l       net.Listener // nil while cut
	state   state
	clients map[net.Conn]bool // the connections accepted
	servers map[net.Conn]bool // the connections to the server
}

type state int

const (
	forwarding state = iota
	cut
	stalled
)

// NewProxy starts a proxy to the server of dbURL, stopped when the test
// ends, and returns it with the URL of the same database through it. The
// URL may be postgres://… or keyword/value (host=… port=…).
func NewProxy(tb testing.TB, dbURL string) (*Proxy, string) {
	tb.Helper()
	target, proxied := serverAddress(tb, dbURL)
	p := &Proxy{tb: tb, target: target, clients: map[net.Conn]bool{}, servers: map[net.Conn]bool{}}
	if err := p.listen("127.0.0.1:0"); err != nil {
		tb.Fatal(err)
	}
	p.addr = p.l.Addr().String()
	tb.Cleanup(p.Cut)
	return p, proxied(p.addr)
}

func (p *Proxy) listen(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	p.l = l
	go p.accept(l)
	return nil
}

func (p *Proxy) accept(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		st := p.state
		if st == cut || p.l != l {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.clients[c] = true
		p.mu.Unlock()
		if st == stalled {
			continue // held open, never answered
		}
		go p.forward(c)
	}
}

func (p *Proxy) forward(c net.Conn) {
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	p.mu.Lock()
	if err != nil || p.state != forwarding {
		p.mu.Unlock()
		c.Close()
		if up != nil {
			up.Close()
		}
		return
	}
	p.servers[up] = true
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	// One side ended: end both, unless the proxy stalled, which keeps the
	// client's side open and silent.
	p.mu.Lock()
	defer p.mu.Unlock()
	up.Close()
	delete(p.servers, up)
	if p.state != stalled {
		c.Close()
		delete(p.clients, c)
	}
}

// Cut closes every connection and refuses new ones.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state = cut
	if p.l != nil {
		p.l.Close()
		p.l = nil
	}
	p.closeConns()
}

// Stall closes the connections to the server but leaves the clients' open
// and silent, and accepts new ones without ever answering them.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state = stalled
	for c := range p.servers {
		c.Close()
	}
	clear(p.servers)
}

// Restore forwards again, on the same address; the connections a stall
// held are closed.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closeConns()
	p.state = forwarding
	if p.l == nil {
		if err := p.listen(p.addr); err != nil {
			p.tb.Errorf("proxy: listen again on %s: %v", p.addr, err)
		}
	}
}

func (p *Proxy) closeConns() {
	for _, set := range []map[net.Conn]bool{p.clients, p.servers} {
		for c := range set {
			c.Close()
		}
		clear(set)
	}
}

// serverAddress returns the host:port of a database URL and a function that
// points the URL at another address.
func serverAddress(tb testing.TB, dbURL string) (string, func(addr string) string) {
	tb.Helper()
	if strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://") {
		u, err := url.Parse(dbURL)
		if err != nil {
			tb.Fatalf("database url: %v", err)
		}
		host, port := u.Hostname(), u.Port()
		if host == "" {
			host = "localhost"
		}
		if port == "" {
			port = "5432"
		}
		return net.JoinHostPort(host, port), func(addr string) string {
			v := *u
			v.Host = addr
			return v.String()
		}
	}
	host, port := "localhost", "5432"
	for _, f := range strings.Fields(dbURL) {
		if k, v, ok := strings.Cut(f, "="); ok {
			switch k {
			case "host":
				host = v
			case "port":
				port = v
			}
		}
	}
	return net.JoinHostPort(host, port), func(addr string) string {
		h, p, _ := net.SplitHostPort(addr)
		return dbURL + " host=" + h + " port=" + p // the last setting of a keyword wins
	}
}
