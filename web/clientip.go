package web

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ParseTrustedProxies reads a comma-separated list of proxy addresses and
// CIDR ranges ("10.0.0.0/8, 192.0.2.7"). An empty string is an empty list.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.Contains(part, "/") {
			p, err := netip.ParsePrefix(part)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: %w", part, err)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", part, err)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// trusted reports whether a is one of the configured proxies.
func trusted(proxies []netip.Prefix, a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientIP is the address the rate limits and logs attribute a request to.
// The connection's peer is the client unless it is a trusted proxy; then
// X-Forwarded-For is read from the right, each trusted proxy having appended
// the address it received the request from, and the first address that is
// not a trusted proxy is the client. Entries to its left were written by the
// client itself and are never believed, so rotating a fake first entry
// changes nothing. An entry that is not an IP address ends the walk at the
// last trusted hop.
func ClientIP(proxies []netip.Prefix, peer netip.Addr, xForwardedFor []string) netip.Addr {
	peer = peer.Unmap()
	if !trusted(proxies, peer) {
		return peer
	}
	client := peer
	for i := len(xForwardedFor) - 1; i >= 0; i-- {
		entries := strings.Split(xForwardedFor[i], ",")
		for j := len(entries) - 1; j >= 0; j-- {
			e := strings.TrimSpace(entries[j])
			if e == "" {
				continue
			}
			a, err := netip.ParseAddr(e)
			if err != nil {
				return client
			}
			client = a.Unmap()
			if !trusted(proxies, client) {
				return client
			}
		}
	}
	return client
}

const localClientIP = "client_ip"

// clientIP is ClientIP for the current request, computed once.
func (s *Server) clientIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(localClientIP).(string); ok {
		return ip
	}
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	var xff []string
	if len(s.cfg.TrustedProxies) > 0 {
		for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
			xff = append(xff, string(v))
		}
	}
	ip := ClientIP(s.cfg.TrustedProxies, peer, xff).String()
	c.Locals(localClientIP, ip)
	return ip
}
