package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"yugongkai/apperr"
	"yugongkai/ident"
	"yugongkai/vcode"
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// MinAdminPasswordLength is the shortest password accepted for the first
// administrator account set from the environment.
const MinAdminPasswordLength = 12

// CheckAdminPassword applies the password policy, with the longer minimum,
// to the administrator password an operator supplies; it returns an error
// saying what is wrong.
func CheckAdminPassword(p string) error {
	var f apperr.Fields
	validateAccount(&f, "admin", p, "", "")
	switch {
	case f.Err() != nil || utf8.RuneCountInString(p) < MinAdminPasswordLength:
		return fmt.Errorf("must be %d to 256 characters", MinAdminPasswordLength)
	case distinctRunes(p) < 5:
		return errors.New("must not be mostly one repeated character")
	}
	return nil
}

func distinctRunes(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9_\-.]{3,32}$`)
var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
var phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 \-]{5,20}$`)

// Service implements account rules over a Store.
type Service struct {
	Store Store
	Now   func() time.Time
	// Hash hashes a new password; HashPassword unless a test lightens it.
	Hash func(password string) (string, error)
	// Log receives the audit line of every account administration (who did
	// what to whom; never a password); nil: slog.Default.
	Log *slog.Logger
	// Accounts tracks sessions and finds accounts by contact; Codes sends
	// and checks verification codes. Both nil: no self-service sign-up,
	// password reset by code or session list (signup.go, sessions.go).
	Accounts AccountStore
	Codes    *vcode.Service
}

// NewService returns a Service using the wall clock.
func NewService(s Store) *Service { return &Service{Store: s, Now: time.Now, Hash: HashPassword} }

func (s *Service) hash(password string) (string, error) {
	if s.Hash != nil {
		return s.Hash(password)
	}
	return HashPassword(password)
}

// Registration is a resident's sign-up form.
type Registration struct {
	Username string `json:"username" jsonschema:"required"`
	Password string `json:"password" jsonschema:"required,minLength=10"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
}

// NewUser is an account created by an administrator.
type NewUser struct {
	Username     string `json:"username" jsonschema:"required"`
	Password     string `json:"password" jsonschema:"required,minLength=10"`
	Role         Role   `json:"role" jsonschema:"required"`
	DepartmentID string `json:"department_id"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
}

func validateAccount(f *apperr.Fields, username, password, phone, email string) {
	if username == "" {
		f.Add("username", "field.required")
	} else if !usernamePattern.MatchString(username) {
		f.Add("username", "field.username")
	}
	if password == "" {
		f.Add("password", "field.required")
	} else if utf8.RuneCountInString(password) < MinPasswordLength {
		f.Add("password", "field.too_short", MinPasswordLength)
	} else if len(password) > 256 {
		f.Add("password", "field.too_long", 256)
	}
	if phone != "" && !phonePattern.MatchString(phone) {
		f.Add("phone", "field.phone")
	}
	if email != "" && (!emailPattern.MatchString(email) || len(email) > 254) {
		f.Add("email", "field.email")
	}
}

// Register creates a resident account without verifying its contact. It
// is not offered to the public (the API and pages sign up with a code,
// Signup in signup.go); tests and tools use it. Returns Invalid for bad
// fields and Conflict when the username is taken.
func (s *Service) Register(ctx context.Context, r Registration) (*User, error) {
	r.Username = strings.TrimSpace(r.Username)
	r.Phone, r.Email = strings.TrimSpace(r.Phone), strings.TrimSpace(r.Email)
	var f apperr.Fields
	validateAccount(&f, r.Username, r.Password, r.Phone, r.Email)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.create(ctx, r.Username, r.Password, Resident, "", r.Phone, r.Email)
}

// CreateUser lets an administrator create any account. Returns Forbidden,
// Invalid or Conflict.
func (s *Service) CreateUser(ctx context.Context, actor Principal, n NewUser) (*User, error) {
	if !actor.Is(Admin) {
		return nil, apperr.New(apperr.Forbidden, "auth.role_required", "admin")
	}
	n.Username = strings.TrimSpace(n.Username)
	var f apperr.Fields
	validateAccount(&f, n.Username, n.Password, n.Phone, n.Email)
	if !n.Role.Valid() {
		f.Add("role", "field.invalid_choice", "resident, staff, legal, admin")
	}
	if n.Role == Staff && n.DepartmentID == "" {
		f.Add("department_id", "field.department_required")
	}
	if n.DepartmentID != "" {
		if _, err := s.Store.Department(ctx, n.DepartmentID); apperr.Is(err, apperr.NotFound) {
			f.Add("department_id", "field.not_found")
		} else if err != nil {
			return nil, err
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	dept := n.DepartmentID
	if n.Role != Staff {
		dept = ""
	}
	return s.create(ctx, n.Username, n.Password, n.Role, dept, n.Phone, n.Email)
}

func (s *Service) create(ctx context.Context, username, password string, role Role, dept, phone, email string) (*User, error) {
	hash, err := s.hash(password)
	if err != nil {
		return nil, apperr.Wrap(err, "hash password")
	}
	u := &User{ID: ident.ID(), Username: username, PasswordHash: hash, Role: role, DepartmentID: dept,
		Phone: phone, Email: email, CreatedAt: s.Now().UTC().Truncate(time.Millisecond)}
	if err := s.Store.CreateUser(ctx, u); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			var f apperr.Fields
			f.Add("username", "auth.username_taken")
			return nil, f.Err()
		}
		return nil, err
	}
	return u, nil
}

// EnsureAdmin creates the admin account with password when no account named
// "admin" exists. It reports whether it created one. Instances starting
// together on one MongoDB race for it: the one that loses finds the
// account another made and reports false, like a later start.
func (s *Service) EnsureAdmin(ctx context.Context, password string) (bool, error) {
	if _, err := s.Store.UserByName(ctx, "admin"); err == nil {
		return false, nil
	} else if !apperr.Is(err, apperr.NotFound) {
		return false, err
	}
	if _, err := s.create(ctx, "admin", password, Admin, "", "", ""); err != nil {
		if _, again := s.Store.UserByName(ctx, "admin"); again == nil && apperr.Is(err, apperr.Invalid) {
			return false, nil // auth.username_taken: another instance made it
		}
		return false, err
	}
	return true, nil
}

// Login checks a username and password. It returns auth.bad_credentials
// (Unauthorized) for an unknown user and for a wrong password alike, after
// the same amount of work.
func (s *Service) Login(ctx context.Context, username, password string) (*User, error) {
	u, err := s.Store.UserByName(ctx, strings.TrimSpace(username))
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return nil, err
	}
	if u == nil {
		CheckPassword(dummyHash(), password)
		return nil, apperr.New(apperr.Unauthorized, "auth.bad_credentials")
	}
	if !CheckPassword(u.PasswordHash, password) {
		return nil, apperr.New(apperr.Unauthorized, "auth.bad_credentials")
	}
	if u.Disabled {
		return nil, apperr.New(apperr.Forbidden, "auth.disabled")
	}
	return u, nil
}

// Authenticate returns the user a token names, provided the token's version
// is still current. Returns Unauthorized otherwise.
func (s *Service) Authenticate(ctx context.Context, userID string, tokenVersion int64) (*User, error) {
	u, err := s.Store.User(ctx, userID)
	if apperr.Is(err, apperr.NotFound) {
		return nil, apperr.New(apperr.Unauthorized, "auth.token_invalid")
	} else if err != nil {
		return nil, err
	}
	if u.TokenVersion != tokenVersion || u.Disabled {
		return nil, apperr.New(apperr.Unauthorized, "auth.token_invalid")
	}
	return u, nil
}

// Logout revokes every token of the user.
func (s *Service) Logout(ctx context.Context, actor Principal) error {
	u, err := s.Store.User(ctx, actor.UserID)
	if err != nil {
		return err
	}
	u.TokenVersion++
	return s.Store.UpdateUser(ctx, u)
}

// ChangePassword sets a new password and revokes every token.
func (s *Service) ChangePassword(ctx context.Context, actor Principal, old, new string) error {
	u, err := s.Store.User(ctx, actor.UserID)
	if err != nil {
		return err
	}
	if !CheckPassword(u.PasswordHash, old) {
		return apperr.New(apperr.Unauthorized, "auth.bad_credentials")
	}
	var f apperr.Fields
	validateAccount(&f, u.Username, new, "", "")
	if err := f.Err(); err != nil {
		return err
	}
	if u.PasswordHash, err = s.hash(new); err != nil {
		return apperr.Wrap(err, "hash password")
	}
	u.TokenVersion++
	u.MustChangePassword = false
	return s.Store.UpdateUser(ctx, u)
}

// departmentName checks a department's name: required, at most 100
// characters.
func departmentName(name string) (string, error) {
	name = strings.TrimSpace(name)
	var f apperr.Fields
	if name == "" {
		f.Add("name", "field.required")
	} else if utf8.RuneCountInString(name) > 100 {
		f.Add("name", "field.too_long", 100)
	}
	return name, f.Err()
}

// CreateDepartment lets an administrator add a department.
func (s *Service) CreateDepartment(ctx context.Context, actor Principal, name string) (*Department, error) {
	if !actor.Is(Admin) {
		return nil, apperr.New(apperr.Forbidden, "auth.role_required", "admin")
	}
	name, err := departmentName(name)
	if err != nil {
		return nil, err
	}
	d := &Department{ID: ident.ID(), Name: name, CreatedAt: s.Now().UTC().Truncate(time.Millisecond)}
	if err := s.Store.CreateDepartment(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

// Users lists every account (administrators only).
func (s *Service) Users(ctx context.Context, actor Principal) ([]*User, error) {
	if !actor.Is(Admin) {
		return nil, apperr.New(apperr.Forbidden, "auth.role_required", "admin")
	}
	return s.Store.Users(ctx)
}
