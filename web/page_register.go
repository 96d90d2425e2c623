package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/i18n"
)

// The sign-up and password-reset pages (/register, /password-reset), two
// steps each: the contact, then the code with the new account's or the
// new password's fields. And /me/sessions. API: api_signup.go.

func (s *Server) accountPageRoutes() {
	small := limitBody(DefaultBodyLimit)
	s.App.Get("/register", s.registerPage)
	s.App.Post("/register/code", small, s.registerCodeSubmit)
	s.App.Post("/register", small, s.registerSubmit)
	s.App.Get("/password-reset", s.resetPage)
	s.App.Post("/password-reset/code", small, s.resetCodeSubmit)
	s.App.Post("/password-reset", small, s.resetSubmit)
	s.App.Get("/me/sessions", s.sessionsPage)
	s.App.Post("/me/sessions/end-others", small, s.endOthersSubmit)
	s.App.Post("/me/sessions/:id/end", small, s.endSessionSubmit)
}

// codeFormData is either step of /register or /password-reset.
type codeFormData struct {
	pageBase
	Reset    bool   // the password-reset form, not sign-up
	Step     int    // 1: contact; 2: code and the rest
	Contact  string // as typed
	Username string
	Sent     string // the "we sent a message" notice
	Error    string // a message not about one field
	Errors   formErrors
}

func (s *Server) codeForm(c *fiber.Ctx, reset bool, step int) codeFormData {
	title := "page.register.title"
	if reset {
		title = "page.reset.title"
	}
	return codeFormData{pageBase: s.base(c, i18n.T(langOf(c), title)), Reset: reset, Step: step,
		Contact: strings.TrimSpace(c.FormValue("contact")), Username: strings.TrimSpace(c.FormValue("username"))}
}

// formFailure shows err on the form when it is the user's to fix: field
// errors, a wrong code, too many requests. Other errors go to the error
// page. The page shows view, d when view is nil.
func (s *Server) formFailure(c *fiber.Ctx, page string, d *codeFormData, err error, view ...any) error {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return err
	}
	status := fiber.StatusUnprocessableEntity
	switch {
	case ae.Key == "vcode.wrong":
		d.Errors = formErrors{"code": i18n.T(d.Lang, ae.Key)}
	case ae.Kind == apperr.RateLimited:
		status = fiber.StatusTooManyRequests
		d.Error = i18n.T(d.Lang, ae.Key, ae.Args...)
		if len(ae.Args) > 0 {
			if secs, ok := ae.Args[0].(int); ok {
				c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
			}
		}
	case len(ae.Fields) > 0:
		d.Errors = fieldErrors(d.Lang, err)
	default:
		return err
	}
	if len(view) > 0 {
		return s.render(c, status, page, view[0])
	}
	return s.render(c, status, page, d)
}

func (s *Server) registerPage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "account_code", s.codeForm(c, false, 1))
}

func (s *Server) resetPage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "account_code", s.codeForm(c, true, 1))
}

// codeStep sends the code (or the notice) and shows the second step; the
// page says the same whether or not the contact has an account.
func (s *Server) codeStep(c *fiber.Ctx, reset bool) error {
	d := s.codeForm(c, reset, 1)
	lim := s.cfg.Limits.RegisterPerIP
	if reset {
		lim = s.cfg.Limits.CodePerIP
	}
	err := limit(lim, s.clientIP(c))
	if err == nil && reset {
		err = s.cfg.Auth.RequestPasswordReset(c.UserContext(), d.Contact, string(d.Lang))
	} else if err == nil {
		err = s.cfg.Auth.RequestSignupCode(c.UserContext(), d.Contact, string(d.Lang))
	}
	if err != nil {
		return s.formFailure(c, "account_code", &d, err)
	}
	d.Step = 2
	d.Sent = s.codeSent(c).Message
	return s.render(c, fiber.StatusOK, "account_code", d)
}

func (s *Server) registerCodeSubmit(c *fiber.Ctx) error { return s.codeStep(c, false) }
func (s *Server) resetCodeSubmit(c *fiber.Ctx) error    { return s.codeStep(c, true) }

// registerSubmit creates the account and logs it in.
func (s *Server) registerSubmit(c *fiber.Ctx) error {
	d := s.codeForm(c, false, 2)
	var err error
	if c.FormValue("password") != c.FormValue("confirm_password") {
		var f apperr.Fields
		f.Add("confirm_password", "page.password.mismatch")
		err = f.Err()
	} else if err = limit(s.cfg.Limits.CodeCheckPerIP, s.clientIP(c)); err == nil {
		var u *auth.User
		u, err = s.cfg.Auth.Signup(c.UserContext(), auth.SignupForm{Username: d.Username, Password: c.FormValue("password"),
			Contact: d.Contact, Code: c.FormValue("code")})
		if err == nil {
			tok, exp, err := s.issueSession(c, u)
			if err != nil {
				return err
			}
			setSessionCookie(c, tok, exp)
			setCSRFCookie(c, newCSRFToken())
			return c.Redirect("/me/comments?welcome=1", fiber.StatusSeeOther)
		}
	}
	return s.formFailure(c, "account_code", &d, err)
}

// resetSubmit sets the new password; the user then logs in with it.
func (s *Server) resetSubmit(c *fiber.Ctx) error {
	d := s.codeForm(c, true, 2)
	var err error
	if c.FormValue("new_password") != c.FormValue("confirm_password") {
		var f apperr.Fields
		f.Add("confirm_password", "page.password.mismatch")
		err = f.Err()
	} else if err = limit(s.cfg.Limits.CodeCheckPerIP, s.clientIP(c)); err == nil {
		err = s.cfg.Auth.ResetPasswordByCode(c.UserContext(), auth.ResetForm{Contact: d.Contact, Code: c.FormValue("code"),
			Username: d.Username, NewPassword: c.FormValue("new_password")})
		if err == nil {
			clearSessionCookie(c)
			return c.Redirect("/login?changed=1", fiber.StatusSeeOther)
		}
	}
	return s.formFailure(c, "account_code", &d, err)
}

// sessionsPageData lists one's sessions.
type sessionsPageData struct {
	pageBase
	Sessions []*auth.Session
	Notice   string
}

func (s *Server) sessionsPage(c *fiber.Ctx) error {
	p, err := requirePage(c, auth.Resident, auth.Staff, auth.Legal, auth.Admin)
	if err != nil {
		return err
	}
	list, err := s.cfg.Auth.Sessions(c.UserContext(), p, sessionID(c))
	if err != nil {
		return err
	}
	d := sessionsPageData{pageBase: s.base(c, i18n.T(langOf(c), "page.sessions.title")), Sessions: list}
	if n, err := strconv.Atoi(c.Query("ended")); err == nil {
		d.Notice = i18n.T(d.Lang, "page.sessions.ended", n)
	}
	return s.render(c, fiber.StatusOK, "me_sessions", d)
}

func (s *Server) endSessionSubmit(c *fiber.Ctx) error {
	p, err := requirePage(c, auth.Resident, auth.Staff, auth.Legal, auth.Admin)
	if err != nil {
		return err
	}
	if err := s.cfg.Auth.EndSession(c.UserContext(), p, c.Params("id")); err != nil {
		return err
	}
	return c.Redirect("/me/sessions?ended=1", fiber.StatusSeeOther)
}

func (s *Server) endOthersSubmit(c *fiber.Ctx) error {
	p, err := requirePage(c, auth.Resident, auth.Staff, auth.Legal, auth.Admin)
	if err != nil {
		return err
	}
	n, err := s.cfg.Auth.EndOtherSessions(c.UserContext(), p, sessionID(c))
	if err != nil {
		return err
	}
	return c.Redirect("/me/sessions?ended="+strconv.Itoa(n), fiber.StatusSeeOther)
}
