package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strings"

	"yugongkai/consultation"
	"yugongkai/notify"
)

// startNotify wires the delivery of notifications from the environment
// and starts its worker: email when YUGONGKAI_SMTP_ADDR is set, SMS when
// YUGONGKAI_SMS_URL is. With neither, nothing is sent and notifications
// wait, pending; with one, the other channel's notifications fail ("no
// sender configured"). Commands never wait for either.
//
// It also returns the sender of verification codes over the same channels
// (accounts.go).
func startNotify(ctx context.Context, getenv func(string) string, st *stores, cs *consultation.Service, secret []byte, baseURL string, log *slog.Logger) (*notify.Service, notify.CodeSender, error) {
	key := sha256.Sum256(append([]byte("yugongkai notify\x00"), secret...))
	links := notify.Links{BaseURL: baseURL, Key: key[:]}
	senders := map[string]notify.Sender{}
	domain := "localhost"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		domain = u.Hostname()
	}
	if addr := getenv("YUGONGKAI_SMTP_ADDR"); addr != "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, notify.CodeSender{}, fmt.Errorf("YUGONGKAI_SMTP_ADDR %q: want host:port", addr)
		}
		from, err := mail.ParseAddress(getenv("YUGONGKAI_SMTP_FROM"))
		if err != nil {
			return nil, notify.CodeSender{}, fmt.Errorf("YUGONGKAI_SMTP_FROM: %w", err)
		}
		if i := strings.LastIndexByte(from.Address, '@'); i >= 0 {
			domain = from.Address[i+1:]
		}
		senders[consultation.ChannelEmail] = &notify.SMTP{Addr: addr, From: getenv("YUGONGKAI_SMTP_FROM"),
			User: getenv("YUGONGKAI_SMTP_USER"), Password: getenv("YUGONGKAI_SMTP_PASSWORD")}
		log.Info("notifications by email", "smtp", addr, "plain_allowed", notify.Loopback(host))
	}
	if u := getenv("YUGONGKAI_SMS_URL"); u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "https" && !(p.Scheme == "http" && notify.Loopback(p.Hostname()))) {
			return nil, notify.CodeSender{}, fmt.Errorf("YUGONGKAI_SMS_URL %q: want an https URL (http only to loopback)", u)
		}
		senders[consultation.ChannelSMS] = &notify.SMSGateway{URL: u, Token: getenv("YUGONGKAI_SMS_TOKEN")}
		log.Info("notifications by SMS")
	}
	w := &notify.Worker{Store: st.outbox, Senders: senders, Links: links, Domain: domain, Log: log}
	if len(senders) > 0 {
		go w.Run(ctx)
	} else {
		log.Warn("notifications stay pending: neither YUGONGKAI_SMTP_ADDR nor YUGONGKAI_SMS_URL is set")
	}
	return &notify.Service{Store: st.outbox, Consultations: cs, Links: links}, notify.CodeSender{Senders: senders, Domain: domain}, nil
}
