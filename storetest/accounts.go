package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/ident"
	"yugongkai/vcode"
)

// AccountStores are the stores of self-service accounts; one value may
// implement all three.
type AccountStores struct {
	Auth     auth.Store
	Accounts auth.AccountStore
	Codes    vcode.Store
}

// RunAccounts is the contract of verification codes, sessions and accounts
// by contact, and the sign-up and reset procedures over them.
func RunAccounts(t *testing.T, open func(t *testing.T) AccountStores) {
	s := open(t) // one store for all: FerretDB opens are slow
	t.Run("Codes", func(t *testing.T) { testCodes(t, s.Codes) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, s) })
	t.Run("SignupAndReset", func(t *testing.T) { testSignupAndReset(t, s) })
}

func testCodes(t *testing.T, st vcode.Store) {
	c := &vcode.Code{ID: ident.ID(), Purpose: vcode.Signup, ContactKey: "k1", Hash: "h1", CreatedAt: T0, ExpiresAt: T0.Add(10 * time.Minute)}
	must(t, st.PutCode(ctx, c))
	got, err := st.Code(ctx, c.ID)
	must(t, err)
	if *got != *c {
		t.Errorf("Code = %+v, want %+v", got, c)
	}
	_, err = st.Code(ctx, "nope")
	wantKind(t, "missing code", err, apperr.NotFound)
	for i := 1; i <= 4; i++ {
		ok, err := st.CountAttempt(ctx, c.ID, 3)
		must(t, err)
		if ok != (i <= 3) {
			t.Errorf("CountAttempt #%d = %v, want %v", i, ok, i <= 3)
		}
	}
	if got, _ := st.Code(ctx, c.ID); got.Attempts != 3 {
		t.Errorf("attempts = %d, want 3", got.Attempts)
	}
	// A new code replaces the old one, tries and all.
	c2 := *c
	c2.Hash, c2.Attempts, c2.Subject = "h2", 0, "YGK-1"
	must(t, st.PutCode(ctx, &c2))
	if got, _ := st.Code(ctx, c.ID); got.Hash != "h2" || got.Attempts != 0 || got.Subject != "YGK-1" {
		t.Errorf("after replace: %+v", got)
	}
	if ok, err := st.DeleteCode(ctx, c.ID, "h1"); err != nil || ok {
		t.Errorf("DeleteCode(old hash) = %v, %v, want false", ok, err)
	}
	// Two requests spending one code: one wins.
	var wins int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := st.DeleteCode(context.Background(), c.ID, "h2")
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d concurrent DeleteCode won, want 1", wins)
	}
	old := &vcode.Code{ID: ident.ID(), Purpose: vcode.PasswordReset, ContactKey: "k2", Hash: "h", CreatedAt: T0, ExpiresAt: T0.Add(time.Minute)}
	live := &vcode.Code{ID: ident.ID(), Purpose: vcode.PasswordReset, ContactKey: "k3", Hash: "h", CreatedAt: T0, ExpiresAt: T0.Add(time.Hour)}
	must(t, st.PutCode(ctx, old))
	must(t, st.PutCode(ctx, live))
	n, err := st.DeleteExpiredCodes(ctx, T0.Add(30*time.Minute))
	must(t, err)
	if n != 1 {
		t.Errorf("DeleteExpiredCodes = %d, want 1", n)
	}
	if _, err := st.Code(ctx, live.ID); err != nil {
		t.Errorf("live code: %v", err)
	}
}

func testSessions(t *testing.T, s AccountStores) {
	st := s.Accounts
	u1, u2 := ident.ID(), ident.ID()
	mk := func(user string, created time.Time, ttl time.Duration) *auth.Session {
		ss := &auth.Session{ID: ident.ID(), UserID: user, TokenVersion: 2, Client: "Firefox/140", CreatedAt: created, ExpiresAt: created.Add(ttl)}
		must(t, st.CreateSession(ctx, ss))
		return ss
	}
	a := mk(u1, T0, time.Hour)
	b := mk(u1, T0.Add(time.Minute), time.Hour)
	expired := mk(u1, T0.Add(-2*time.Hour), time.Hour)
	other := mk(u2, T0, time.Hour)
	wantKind(t, "duplicate session", st.CreateSession(ctx, a), apperr.Conflict)
	got, err := st.Session(ctx, a.ID)
	must(t, err)
	if *got != *a {
		t.Errorf("Session = %+v, want %+v", got, a)
	}
	list, err := st.UserSessions(ctx, u1, T0.Add(2*time.Minute))
	must(t, err)
	if len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID {
		t.Fatalf("UserSessions = %v, want [b a] (newest first, not the expired one)", sessionIDs(list))
	}
	if ok, _ := st.DeleteSession(ctx, u2, a.ID); ok {
		t.Error("DeleteSession of another user's session succeeded")
	}
	if ok, err := st.DeleteSession(ctx, u1, b.ID); err != nil || !ok {
		t.Errorf("DeleteSession = %v, %v", ok, err)
	}
	_, err = st.Session(ctx, b.ID)
	wantKind(t, "ended session", err, apperr.NotFound)
	c := mk(u1, T0.Add(3*time.Minute), time.Hour)
	n, err := st.DeleteUserSessions(ctx, u1, c.ID, T0.Add(4*time.Minute))
	must(t, err)
	if n != 2 { // a and the expired one
		t.Errorf("DeleteUserSessions = %d, want 2", n)
	}
	for _, id := range []string{a.ID, expired.ID} {
		_, err = st.Session(ctx, id)
		wantKind(t, "ended session", err, apperr.NotFound)
	}
	for _, id := range []string{c.ID, other.ID} {
		if _, err := st.Session(ctx, id); err != nil {
			t.Errorf("session kept: %v", err)
		}
	}

	// Accounts by contact.
	for i, u := range []*auth.User{
		{ID: ident.ID(), Username: "bycontact1", PasswordHash: "x", Role: auth.Resident, Email: "li@example.cn", CreatedAt: T0},
		{ID: ident.ID(), Username: "bycontact2", PasswordHash: "x", Role: auth.Resident, Email: "li@example.cn", Phone: "13800000001", CreatedAt: T0.Add(time.Second)},
		{ID: ident.ID(), Username: "bycontact3", PasswordHash: "x", Role: auth.Resident, CreatedAt: T0.Add(2 * time.Second)},
	} {
		if err := s.Auth.CreateUser(ctx, u); err != nil {
			t.Fatalf("user %d: %v", i, err)
		}
	}
	byEmail, err := st.UsersByContact(ctx, "li@example.cn", "")
	must(t, err)
	if len(byEmail) != 2 || byEmail[0].Username != "bycontact1" || byEmail[1].Username != "bycontact2" {
		t.Errorf("UsersByContact(email) = %d users", len(byEmail))
	}
	byPhone, err := st.UsersByContact(ctx, "", "13800000001")
	must(t, err)
	if len(byPhone) != 1 || byPhone[0].Username != "bycontact2" {
		t.Errorf("UsersByContact(phone) = %d users", len(byPhone))
	}
	none, err := st.UsersByContact(ctx, "", "")
	must(t, err)
	if len(none) != 0 {
		t.Errorf("UsersByContact(\"\", \"\") = %d users, want 0", len(none))
	}
}

func sessionIDs(list []*auth.Session) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

// CodeOutbox is a vcode.Sender keeping what it was asked to send.
type CodeOutbox struct {
	mu   sync.Mutex
	Sent []vcode.Message
}

// SendCode implements vcode.Sender.
func (o *CodeOutbox) SendCode(_ context.Context, m vcode.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.Sent = append(o.Sent, m)
	return nil
}

// Last returns the last message sent.
func (o *CodeOutbox) Last(t *testing.T) vcode.Message {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.Sent) == 0 {
		t.Fatal("no message sent")
	}
	return o.Sent[len(o.Sent)-1]
}

func testSignupAndReset(t *testing.T, s AccountStores) {
	now := T0
	clock := func() time.Time { return now }
	out := &CodeOutbox{}
	codes := vcode.New(s.Codes, []byte("contract-test-key-0123456789abcdef"), out, clock)
	a := auth.NewService(s.Auth)
	a.Now, a.Hash, a.Accounts, a.Codes = clock, auth.LightHashPassword, s.Accounts, codes

	must(t, a.RequestSignupCode(ctx, " Wang@Example.CN ", "zh-CN"))
	m := out.Last(t)
	if m.Code == "" || m.Contact != (vcode.Contact{Channel: vcode.Email, Address: "wang@example.cn"}) {
		t.Fatalf("sign-up message = %+v", m)
	}
	form := auth.SignupForm{Username: "wang", Password: "correct horse battery", Contact: "wang@example.cn", Code: wrong(m.Code)}
	_, err := a.Signup(ctx, form)
	wantKind(t, "wrong code", err, apperr.Invalid)
	form.Code = m.Code
	u, err := a.Signup(ctx, form)
	must(t, err)
	if u.Email != "wang@example.cn" || u.Role != auth.Resident {
		t.Errorf("signed up %+v", u)
	}
	_, err = a.Signup(ctx, auth.SignupForm{Username: "wang2", Password: form.Password, Contact: form.Contact, Code: m.Code})
	wantKind(t, "code used twice", err, apperr.Invalid)

	// The contact has an account now: a second sign-up gets a notice, no code.
	must(t, a.RequestSignupCode(ctx, "wang@example.cn", "zh-CN"))
	if m := out.Last(t); m.Code != "" || m.Notice != "vcode.notice.account_exists" {
		t.Errorf("sign-up for a taken contact sent %+v", m)
	}

	// Reset: wrong codes use the tries up, then even the right one fails.
	must(t, a.RequestPasswordReset(ctx, "WANG@example.cn", "en"))
	m = out.Last(t)
	if m.Code == "" || m.Purpose != vcode.PasswordReset {
		t.Fatalf("reset message = %+v", m)
	}
	reset := auth.ResetForm{Contact: "wang@example.cn", Code: wrong(m.Code), NewPassword: "a new long passphrase"}
	for range codes.MaxAttempts {
		wantKind(t, "wrong reset code", a.ResetPasswordByCode(ctx, reset), apperr.Invalid)
	}
	reset.Code = m.Code
	wantKind(t, "code out of tries", a.ResetPasswordByCode(ctx, reset), apperr.Invalid)
	must(t, a.RequestPasswordReset(ctx, "wang@example.cn", "en"))
	reset.Code = out.Last(t).Code
	now = now.Add(11 * time.Minute) // expired
	wantKind(t, "expired code", a.ResetPasswordByCode(ctx, reset), apperr.Invalid)
	must(t, a.RequestPasswordReset(ctx, "wang@example.cn", "en"))
	reset.Code = out.Last(t).Code
	must(t, a.ResetPasswordByCode(ctx, reset))
	if _, err := a.Login(ctx, "wang", "a new long passphrase"); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
	if got, _ := s.Auth.User(ctx, u.ID); got.TokenVersion != u.TokenVersion+1 {
		t.Errorf("token version %d, want %d (sessions ended)", got.TokenVersion, u.TokenVersion+1)
	}

	// No account: a notice, and the same answer.
	must(t, a.RequestPasswordReset(ctx, "+86 139-0000-0000", "zh-CN"))
	if m := out.Last(t); m.Code != "" || m.Notice != "vcode.notice.no_account" || m.Contact.Address != "13900000000" {
		t.Errorf("reset for an unknown contact sent %+v", m)
	}
}

// wrong returns a six-digit code other than code.
func wrong(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}
