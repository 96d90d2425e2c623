package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// SMSGateway sends text messages through an HTTP gateway
// (YUGONGKAI_SMS_URL, YUGONGKAI_SMS_TOKEN). The contract (README):
//
//	POST <url>
//	Authorization: Bearer <token>
//	Content-Type: application/json
//	Idempotency-Key: <notification id>
//	{"id": "<notification id>", "to": "13800000000", "text": "【意见征集】…"}
//
// Any 2xx means accepted. 408, 429 and 5xx are tried again later, any
// other status is final. A gateway should drop a repeated id (at-least-once).
type SMSGateway struct {
	URL    string
	Token  string
	Client *http.Client // default: 15 s timeout
}

// SMSRequest is the JSON body posted to the gateway.
type SMSRequest struct {
	ID   string `json:"id"`
	To   string `json:"to"`
	Text string `json:"text"`
}

// Send implements Sender.
func (g *SMSGateway) Send(ctx context.Context, m Message) error {
	body, err := json.Marshal(SMSRequest{ID: m.ID, To: m.To, Text: m.Text})
	if err != nil {
		return Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("sms: gateway URL: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", m.ID)
	if g.Token != "" {
		req.Header.Set("Authorization", "Bearer "+g.Token)
	}
	client := g.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("sms: gateway: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("sms: gateway answered %s", resp.Status)
	default:
		return Permanent(fmt.Errorf("sms: gateway answered %s", resp.Status))
	}
}
