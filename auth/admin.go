package auth

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strings"

	"yugongkai/apperr"
)

// Account administration (administrators only): disable and enable an
// account, change its role and department, reset its password, rename a
// department. Every action bumps the account's token version where it
// changes what its tokens may do, so they stop working at once, and is
// written to the audit log (Service.Log).

// AccountForm changes an account; nil fields stay as they are.
type AccountForm struct {
	Disabled     *bool   `json:"disabled"`
	Role         *Role   `json:"role" jsonschema:"enum=resident,enum=staff,enum=legal,enum=admin"`
	DepartmentID *string `json:"department_id"`
}

func (s *Service) audit(ctx context.Context, actor Principal, action, target string, attrs ...any) {
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "account administration", append([]any{"audit", action, "actor", actor.Username, "target", target}, attrs...)...)
}

// UpdateAccount applies f to account id. An administrator cannot disable
// or demote their own account (someone must remain able to administer).
// Errors: Forbidden (not an administrator), NotFound, Invalid (role,
// department), Conflict (own account).
func (s *Service) UpdateAccount(ctx context.Context, actor Principal, id string, f AccountForm) (*User, error) {
	if !actor.Is(Admin) {
		return nil, apperr.New(apperr.Forbidden, "auth.role_required", "admin")
	}
	u, err := s.Store.User(ctx, id)
	if err != nil {
		return nil, err
	}
	var fe apperr.Fields
	role, dept := u.Role, u.DepartmentID
	if f.Role != nil {
		if !f.Role.Valid() {
			fe.Add("role", "field.invalid_choice", "resident, staff, legal, admin")
		}
		role = *f.Role
	}
	if f.DepartmentID != nil {
		dept = strings.TrimSpace(*f.DepartmentID)
	}
	if role != Staff {
		dept = "" // only staff belong to a department
	} else if dept == "" {
		fe.Add("department_id", "field.department_required")
	} else if _, err := s.Store.Department(ctx, dept); apperr.Is(err, apperr.NotFound) {
		fe.Add("department_id", "field.not_found")
	} else if err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if u.ID == actor.UserID && ((f.Disabled != nil && *f.Disabled) || role != Admin) {
		return nil, apperr.New(apperr.Conflict, "auth.own_account")
	}
	changed := role != u.Role || dept != u.DepartmentID || (f.Disabled != nil && *f.Disabled != u.Disabled)
	if !changed {
		return u, nil
	}
	before := struct {
		role     Role
		dept     string
		disabled bool
	}{u.Role, u.DepartmentID, u.Disabled}
	u.Role, u.DepartmentID = role, dept
	if f.Disabled != nil {
		u.Disabled = *f.Disabled
	}
	u.TokenVersion++ // the tokens carry the role and department
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	s.audit(ctx, actor, "account.updated", u.Username, "role_from", string(before.role), "role_to", string(u.Role),
		"department_from", before.dept, "department_to", u.DepartmentID, "disabled_from", before.disabled, "disabled_to", u.Disabled)
	return u, nil
}

// ResetPassword gives account id a new random password, returned once to
// the administrator to pass on; the user must change it at the next login,
// and every token of the account stops working. Errors: Forbidden,
// NotFound.
func (s *Service) ResetPassword(ctx context.Context, actor Principal, id string) (string, error) {
	if !actor.Is(Admin) {
		return "", apperr.New(apperr.Forbidden, "auth.role_required", "admin")
	}
	u, err := s.Store.User(ctx, id)
	if err != nil {
		return "", err
	}
	password := TemporaryPassword()
	if u.PasswordHash, err = s.hash(password); err != nil {
		return "", apperr.Wrap(err, "hash password")
	}
	u.MustChangePassword = true
	u.TokenVersion++
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return "", err
	}
	s.audit(ctx, actor, "account.password_reset", u.Username)
	return password, nil
}

// TemporaryPassword returns a random 16-character password without the
// characters people confuse (0/O, 1/l/I).
func TemporaryPassword() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// RenameDepartment renames department id. Errors: Forbidden, NotFound,
// Invalid (name), Conflict (the name is taken).
func (s *Service) RenameDepartment(ctx context.Context, actor Principal, id, name string) (*Department, error) {
	if !actor.Is(Admin) {
		return nil, apperr.New(apperr.Forbidden, "auth.role_required", "admin")
	}
	d, err := s.Store.Department(ctx, id)
	if err != nil {
		return nil, err
	}
	if name, err = departmentName(name); err != nil {
		return nil, err
	}
	old := d.Name
	d.Name = name
	if err := s.Store.RenameDepartment(ctx, d); err != nil {
		return nil, err
	}
	s.audit(ctx, actor, "department.renamed", d.ID, "from", old, "to", name)
	return d, nil
}
