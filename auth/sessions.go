package auth

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"yugongkai/apperr"
	"yugongkai/ident"
)

// Session is one login: the token (its jti is the session ID) of one
// browser or client. A user sees their live sessions and can end one or
// all the others; an ended session's token stops working at once.
type Session struct {
	ID           string    `json:"id" bson:"_id"`
	UserID       string    `json:"-" bson:"user_id"`
	TokenVersion int64     `json:"-" bson:"token_version"`
	Client       string    `json:"client" bson:"client"` // the User-Agent, shortened
	CreatedAt    time.Time `json:"created_at" bson:"created_at"`
	ExpiresAt    time.Time `json:"expires_at" bson:"expires_at"`
	// Current marks the session of the request that lists them.
	Current bool `json:"current" bson:"-"`
}

// AccountStore is what self-service accounts need beyond Store: sessions
// and finding accounts by contact.
type AccountStore interface {
	// CreateSession inserts s. Errors: Conflict (the id exists).
	CreateSession(ctx context.Context, s *Session) error
	// Session returns session id. Errors: NotFound.
	Session(ctx context.Context, id string) (*Session, error)
	// UserSessions returns the sessions of user that expire after now,
	// newest first.
	UserSessions(ctx context.Context, userID string, now time.Time) ([]*Session, error)
	// DeleteSession removes session id of user and reports whether it did.
	DeleteSession(ctx context.Context, userID, id string) (bool, error)
	// DeleteUserSessions removes every session of user but except, and
	// those expired before now of anyone; it returns how many of user's.
	DeleteUserSessions(ctx context.Context, userID, except string, now time.Time) (int, error)
	// UsersByContact returns the accounts whose email is email (when not
	// "") or whose phone is phone (when not ""), oldest first. Contacts are
	// compared as stored: self-registered accounts store them normalized.
	UsersByContact(ctx context.Context, email, phone string) ([]*User, error)
}

// MaxClientLength is how much of a User-Agent a session keeps.
const MaxClientLength = 120

// StartSession records a new session of u until expires and returns its
// id, to be the token's jti. Without an AccountStore sessions are not
// tracked and the id is only the jti.
func (s *Service) StartSession(ctx context.Context, u *User, client string, expires time.Time) (string, error) {
	id := ident.ID()
	if s.Accounts == nil {
		return id, nil
	}
	client = strings.ToValidUTF8(strings.TrimSpace(client), "")
	for utf8.RuneCountInString(client) > MaxClientLength {
		r := []rune(client)
		client = string(r[:MaxClientLength])
	}
	ss := &Session{ID: id, UserID: u.ID, TokenVersion: u.TokenVersion, Client: client,
		CreatedAt: s.Now().UTC().Truncate(time.Millisecond), ExpiresAt: expires.UTC()}
	if err := s.Accounts.CreateSession(ctx, ss); err != nil {
		return "", err
	}
	return id, nil
}

// AuthenticateSession is Authenticate for a token with session id sid: the
// session must still exist (not ended) when sessions are tracked.
func (s *Service) AuthenticateSession(ctx context.Context, userID string, tokenVersion int64, sid string) (*User, error) {
	u, err := s.Authenticate(ctx, userID, tokenVersion)
	if err != nil || s.Accounts == nil {
		return u, err
	}
	ss, err := s.Accounts.Session(ctx, sid)
	if apperr.Is(err, apperr.NotFound) {
		return nil, apperr.New(apperr.Unauthorized, "auth.token_invalid")
	} else if err != nil {
		return nil, err
	}
	if ss.UserID != u.ID {
		return nil, apperr.New(apperr.Unauthorized, "auth.token_invalid")
	}
	return u, nil
}

// Sessions lists actor's live sessions, newest first; current (the
// requesting session's id) is marked. Sessions of an older token version
// (before a logout or password change) are dead and left out.
func (s *Service) Sessions(ctx context.Context, actor Principal, current string) ([]*Session, error) {
	if actor.Anonymous() {
		return nil, apperr.New(apperr.Unauthorized, "error.unauthorized")
	}
	if s.Accounts == nil {
		return []*Session{}, nil
	}
	u, err := s.Store.User(ctx, actor.UserID)
	if err != nil {
		return nil, err
	}
	all, err := s.Accounts.UserSessions(ctx, actor.UserID, s.Now())
	if err != nil {
		return nil, err
	}
	list := []*Session{}
	for _, ss := range all {
		if ss.TokenVersion == u.TokenVersion {
			ss.Current = ss.ID == current
			list = append(list, ss)
		}
	}
	return list, nil
}

// EndSession ends actor's session id (its token stops working). Errors:
// Unauthorized, NotFound (not one of actor's).
func (s *Service) EndSession(ctx context.Context, actor Principal, id string) error {
	if actor.Anonymous() {
		return apperr.New(apperr.Unauthorized, "error.unauthorized")
	}
	if s.Accounts == nil {
		return apperr.ErrNotFound
	}
	ok, err := s.Accounts.DeleteSession(ctx, actor.UserID, id)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.ErrNotFound
	}
	return nil
}

// EndOtherSessions ends every session of actor but current and returns
// how many. Errors: Unauthorized.
func (s *Service) EndOtherSessions(ctx context.Context, actor Principal, current string) (int, error) {
	if actor.Anonymous() {
		return 0, apperr.New(apperr.Unauthorized, "error.unauthorized")
	}
	if s.Accounts == nil {
		return 0, nil
	}
	return s.Accounts.DeleteUserSessions(ctx, actor.UserID, current, s.Now())
}
