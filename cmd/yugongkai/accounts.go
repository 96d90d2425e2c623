package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"time"

	"yugongkai/auth"
	"yugongkai/notify"
	"yugongkai/vcode"
)

// wireAccounts turns on self-service accounts: sessions, and sign-up and
// password reset by a code sent through the notification channels (email
// when YUGONGKAI_SMTP_ADDR is set, SMS when YUGONGKAI_SMS_URL is; with
// neither, asking for a code fails and says so). The codes' hashes are
// keyed by a key derived from the token secret, so instances sharing the
// secret check each other's codes. Expired codes and sessions are swept
// hourly.
func wireAccounts(ctx context.Context, a *auth.Service, st *stores, secret []byte, sender notify.CodeSender, log *slog.Logger) error {
	accounts, ok := st.auth.(auth.AccountStore)
	if !ok {
		return fmt.Errorf("the store keeps no sessions")
	}
	codeStore, ok := st.auth.(vcode.Store)
	if !ok {
		return fmt.Errorf("the store keeps no verification codes")
	}
	key := sha256.Sum256(append([]byte("yugongkai vcode\x00"), secret...))
	var s vcode.Sender = sender
	if len(sender.Senders) == 0 {
		s = nil
		log.Warn("sign-up and password reset by code are off: neither YUGONGKAI_SMTP_ADDR nor YUGONGKAI_SMS_URL is set")
	}
	a.Accounts = accounts
	a.Codes = vcode.New(codeStore, key[:], s, time.Now)
	go func() {
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := codeStore.DeleteExpiredCodes(ctx, time.Now()); err != nil {
					log.Error("sweep expired verification codes", "err", err)
				}
			}
		}
	}()
	return nil
}
