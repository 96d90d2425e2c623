package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/auth"
)

// localSession holds the id of the request's session (its token's jti).
const localSession = "session"

func sessionID(c *fiber.Ctx) string {
	s, _ := c.Locals(localSession).(string)
	return s
}

// issueSession records a new session of u (auth.Service.StartSession)
// and returns its token: the API's login, the login page and sign-up.
func (s *Server) issueSession(c *fiber.Ctx, u *auth.User) (string, time.Time, error) {
	exp := s.cfg.Tokens.Expiry()
	sid, err := s.cfg.Auth.StartSession(c.UserContext(), u, string([]byte(c.Get(fiber.HeaderUserAgent))), exp)
	if err != nil {
		return "", time.Time{}, err
	}
	tok, exp, err := s.cfg.Tokens.IssueSession(u.ID, u.TokenVersion, sid, exp)
	if err != nil {
		return "", time.Time{}, apperr.Wrap(err, "issue token")
	}
	return tok, exp, nil
}
