package api

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// proxies are the trusted reverse proxies (Options.TrustedProxies).
type proxies []netip.Prefix

// parseProxies reads the trusted proxies: IP addresses and CIDR ranges;
// an entry that is neither is ignored (the configuration refuses it).
func parseProxies(list []string) proxies {
	var out proxies
	for _, p := range list {
		p = strings.TrimSpace(p)
		if a, err := netip.ParseAddr(p); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		} else if pr, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pr.Masked())
		}
	}
	return out
}

// trusts reports whether addr is a trusted proxy.
func (ps proxies) trusts(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range ps {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// clientIP returns the client's address, the identity of its rate limits
// and token budgets. Without trusted proxies, or from a peer that is not
// one, it is the connection's address. From a trusted proxy, it is the
// right-most entry of X-Forwarded-For that is not a trusted proxy: each
// proxy appends the address it was reached from, so the entries left of
// it are whatever the client wrote and decide nothing. When every entry
// is a trusted proxy, the left-most is the client.
func (s *server) clientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if len(s.proxies) == 0 || !ok || !s.proxies.trusts(peer) {
		return c.Context().RemoteIP().String()
	}
	var entries []string
	for _, h := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		for _, e := range strings.Split(string(h), ",") {
			if e = strings.TrimSpace(e); e != "" {
				entries = append(entries, e)
			}
		}
	}
	if len(entries) == 0 {
		return peer.Unmap().String()
	}
	for i := len(entries) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(entries[i])
		if err != nil {
			return entries[i] // written by a trusted proxy: not the client's to choose
		}
		if !s.proxies.trusts(a) {
			return a.Unmap().String()
		}
	}
	return entries[0]
}

// isProxied reports whether the request comes from a trusted proxy.
func (s *server) isProxied(c *fiber.Ctx) bool {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	return ok && s.proxies.trusts(peer)
}
