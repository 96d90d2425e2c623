package sqlite

import (
	"context"
	"database/sql"
	"time"

	"yugongkai/auth"
	"yugongkai/vcode"
)

// Self-service accounts (migration 0017): verification codes, sessions and
// accounts by contact. Every method is one statement.

var (
	_ vcode.Store       = (*AuthStore)(nil)
	_ auth.AccountStore = (*AuthStore)(nil)
)

// PutCode implements vcode.Store.
func (s *AuthStore) PutCode(ctx context.Context, c *vcode.Code) error {
	return s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO verification_codes
			(id, purpose, contact_key, subject, hash, attempts, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, string(c.Purpose), c.ContactKey, c.Subject, c.Hash, c.Attempts, formatTime(c.CreatedAt), formatTime(c.ExpiresAt))
		return classify(err, "put code")
	})
}

// Code implements vcode.Store.
func (s *AuthStore) Code(ctx context.Context, id string) (*vcode.Code, error) {
	var c vcode.Code
	var purpose, created, expires string
	err := s.db.sql.QueryRowContext(ctx, `SELECT id, purpose, contact_key, subject, hash, attempts, created_at, expires_at
		FROM verification_codes WHERE id = ?`, id).Scan(&c.ID, &purpose, &c.ContactKey, &c.Subject, &c.Hash, &c.Attempts, &created, &expires)
	if err != nil {
		return nil, classify(err, "code")
	}
	c.Purpose = vcode.Purpose(purpose)
	if c.CreatedAt, err = parseTime(created); err != nil {
		return nil, classify(err, "code")
	}
	if c.ExpiresAt, err = parseTime(expires); err != nil {
		return nil, classify(err, "code")
	}
	return &c, nil
}

func (s *AuthStore) changed(ctx context.Context, what, query string, args ...any) (int64, error) {
	var n int64
	err := s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return classify(err, what)
		}
		n, err = res.RowsAffected()
		return classify(err, what)
	})
	return n, err
}

// CountAttempt implements vcode.Store.
func (s *AuthStore) CountAttempt(ctx context.Context, id string, max int) (bool, error) {
	n, err := s.changed(ctx, "count attempt", "UPDATE verification_codes SET attempts = attempts + 1 WHERE id = ? AND attempts < ?", id, max)
	return n == 1, err
}

// DeleteCode implements vcode.Store.
func (s *AuthStore) DeleteCode(ctx context.Context, id, hash string) (bool, error) {
	n, err := s.changed(ctx, "delete code", "DELETE FROM verification_codes WHERE id = ? AND hash = ?", id, hash)
	return n == 1, err
}

// DeleteExpiredCodes implements vcode.Store.
func (s *AuthStore) DeleteExpiredCodes(ctx context.Context, now time.Time) (int, error) {
	n, err := s.changed(ctx, "delete expired codes", "DELETE FROM verification_codes WHERE expires_at < ?", formatTime(now))
	return int(n), err
}

const sessionColumns = "id, user_id, token_version, client, created_at, expires_at"

func scanSession(row interface{ Scan(...any) error }) (*auth.Session, error) {
	var ss auth.Session
	var created, expires string
	if err := row.Scan(&ss.ID, &ss.UserID, &ss.TokenVersion, &ss.Client, &created, &expires); err != nil {
		return nil, err
	}
	var err error
	if ss.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if ss.ExpiresAt, err = parseTime(expires); err != nil {
		return nil, err
	}
	return &ss, nil
}

// CreateSession implements auth.AccountStore.
func (s *AuthStore) CreateSession(ctx context.Context, ss *auth.Session) error {
	return s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions ("+sessionColumns+") VALUES (?, ?, ?, ?, ?, ?)",
			ss.ID, ss.UserID, ss.TokenVersion, ss.Client, formatTime(ss.CreatedAt), formatTime(ss.ExpiresAt))
		return classify(err, "create session")
	})
}

// Session implements auth.AccountStore.
func (s *AuthStore) Session(ctx context.Context, id string) (*auth.Session, error) {
	ss, err := scanSession(s.db.sql.QueryRowContext(ctx, "SELECT "+sessionColumns+" FROM sessions WHERE id = ?", id))
	return ss, classify(err, "session")
}

// UserSessions implements auth.AccountStore.
func (s *AuthStore) UserSessions(ctx context.Context, userID string, now time.Time) ([]*auth.Session, error) {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT "+sessionColumns+" FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY created_at DESC, id DESC",
		userID, formatTime(now))
	if err != nil {
		return nil, classify(err, "user sessions")
	}
	defer rows.Close()
	var list []*auth.Session
	for rows.Next() {
		ss, err := scanSession(rows)
		if err != nil {
			return nil, classify(err, "user sessions")
		}
		list = append(list, ss)
	}
	return list, classify(rows.Err(), "user sessions")
}

// DeleteSession implements auth.AccountStore.
func (s *AuthStore) DeleteSession(ctx context.Context, userID, id string) (bool, error) {
	n, err := s.changed(ctx, "delete session", "DELETE FROM sessions WHERE id = ? AND user_id = ?", id, userID)
	return n == 1, err
}

// DeleteUserSessions implements auth.AccountStore.
func (s *AuthStore) DeleteUserSessions(ctx context.Context, userID, except string, now time.Time) (int, error) {
	var n int64
	err := s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ? AND id != ?", userID, except)
		if err != nil {
			return classify(err, "delete sessions")
		}
		if n, err = res.RowsAffected(); err != nil {
			return classify(err, "delete sessions")
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at < ?", formatTime(now))
		return classify(err, "delete expired sessions")
	})
	return int(n), err
}

// UsersByContact implements auth.AccountStore.
func (s *AuthStore) UsersByContact(ctx context.Context, email, phone string) ([]*auth.User, error) {
	q, arg := "SELECT "+userColumns+" FROM users WHERE email = ? AND email != '' ORDER BY created_at, id", email
	if email == "" {
		q, arg = "SELECT "+userColumns+" FROM users WHERE phone = ? AND phone != '' ORDER BY created_at, id", phone
	}
	rows, err := s.db.sql.QueryContext(ctx, q, arg)
	if err != nil {
		return nil, classify(err, "users by contact")
	}
	defer rows.Close()
	var list []*auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, classify(err, "users by contact")
		}
		list = append(list, u)
	}
	return list, classify(rows.Err(), "users by contact")
}
