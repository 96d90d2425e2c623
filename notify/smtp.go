package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// SMTP sends email through a submission server (YUGONGKAI_SMTP_ADDR).
// It upgrades the connection with STARTTLS whenever the server offers it,
// and sends over plain SMTP only to a loopback address (a local relay);
// credentials are sent only over TLS or to loopback (net/smtp.PlainAuth).
type SMTP struct {
	Addr     string // host:port
	From     string // "名称 <notify@example.gov.cn>" or a bare address
	User     string
	Password string
	// TLS configures STARTTLS; nil verifies the server as Addr's host.
	TLS     *tls.Config
	Timeout time.Duration // per message (30 s)
	// Now dates the messages (time.Now).
	Now func() time.Time
}

// Loopback reports whether host is a loopback name or address.
func Loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send implements Sender.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return Permanent(fmt.Errorf("smtp: sender %q: %w", s.From, err))
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return Permanent(fmt.Errorf("smtp: bad recipient address: %w", err))
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	body, err := Build(m, from, to, now)
	if err != nil {
		return Permanent(err)
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return Permanent(fmt.Errorf("smtp: address %q: %w", s.Addr, err))
	}
	timeout := orDefault(s.Timeout, 30*time.Second)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return classifySMTP(err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		if s.TLS != nil {
			cfg = s.TLS.Clone()
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("smtp: STARTTLS: %w", err)
		}
	} else if !Loopback(host) {
		return fmt.Errorf("smtp: %s offers no STARTTLS; plain SMTP is allowed only to loopback", host)
	}
	if s.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, host)); err != nil {
			return classifySMTP(err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return classifySMTP(err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return classifySMTP(err)
	}
	wc, err := c.Data()
	if err != nil {
		return classifySMTP(err)
	}
	if _, err := wc.Write(body); err != nil {
		return classifySMTP(err)
	}
	if err := wc.Close(); err != nil {
		return classifySMTP(err)
	}
	_ = c.Quit()
	return nil
}

// classifySMTP marks a 5xx reply permanent.
func classifySMTP(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return Permanent(fmt.Errorf("smtp: %w", err))
	}
	return fmt.Errorf("smtp: %w", err)
}

// encodeHeader encodes a header value in RFC 2047 when it is not ASCII.
func encodeHeader(s string) string { return mime.BEncoding.Encode("UTF-8", s) }

// Build renders m as an RFC 5322 message: UTF-8 text and HTML parts
// (multipart/alternative, quoted-printable), an RFC 2047 subject, the
// stable Message-ID, and List-Unsubscribe (RFC 2369, RFC 8058) unless the
// message has no unsubscribe link.
func Build(m Message, from, to *mail.Address, date time.Time) ([]byte, error) {
	var b bytes.Buffer
	boundary := "=_yugongkai_" + m.ID
	h := []struct{ k, v string }{
		{"From", from.String()},
		{"To", to.String()},
		{"Subject", encodeHeader(m.Subject)},
		{"Date", date.Format(time.RFC1123Z)},
		{"Message-ID", "<" + m.MessageID + ">"},
		{"MIME-Version", "1.0"},
		{"Auto-Submitted", "auto-generated"},
		{"Content-Language", string(m.Lang)},
	}
	if m.OneClick != "" {
		h = append(h, struct{ k, v string }{"List-Unsubscribe", "<" + m.OneClick + ">"},
			struct{ k, v string }{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"})
	}
	h = append(h, struct{ k, v string }{"Content-Type", `multipart/alternative; boundary="` + boundary + `"`})
	for _, kv := range h {
		if strings.ContainsAny(kv.v, "\r\n") {
			return nil, fmt.Errorf("smtp: header %s contains a line break", kv.k)
		}
		b.WriteString(kv.k + ": " + kv.v + "\r\n")
	}
	b.WriteString("\r\n")
	mw := multipart.NewWriter(&b)
	if err := mw.SetBoundary(boundary); err != nil {
		return nil, err
	}
	for _, part := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=UTF-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qw := quotedprintable.NewWriter(pw)
		if _, err := qw.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(part.body, "\r\n", "\n"), "\n", "\r\n"))); err != nil {
			return nil, err
		}
		if err := qw.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
