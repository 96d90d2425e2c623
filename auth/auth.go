// Package auth holds accounts, departments and roles, and the rules for who
// may act. It knows nothing of HTTP or tokens: the web layer turns a verified
// token into a Principal and passes it to the domain services.
package auth

import (
	"context"
	"time"
)

// Role is what an account may do.
type Role string

const (
	Resident Role = "resident"
	Staff    Role = "staff" // belongs to exactly one department
	Legal    Role = "legal" // 司法局 / 法制机构
	Admin    Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case Resident, Staff, Legal, Admin:
		return true
	}
	return false
}

// Department is a drafting department (起草部门).
type Department struct {
	ID        string    `json:"id" bson:"_id"`
	Name      string    `json:"name" bson:"name"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
}

// User is an account. Phone and Email are private contact data.
type User struct {
	ID           string    `json:"id" bson:"_id"`
	Username     string    `json:"username" bson:"username"`
	PasswordHash string    `json:"-" bson:"password_hash"`
	Role         Role      `json:"role" bson:"role"`
	DepartmentID string    `json:"department_id,omitempty" bson:"department_id,omitempty"`
	Phone        string    `json:"phone,omitempty" bson:"phone,omitempty"`
	Email        string    `json:"email,omitempty" bson:"email,omitempty"`
	TokenVersion int64     `json:"-" bson:"token_version"` // bumped to revoke every token issued before
	CreatedAt    time.Time `json:"created_at" bson:"created_at"`
	// Disabled accounts cannot log in, and their tokens stop working.
	Disabled bool `json:"disabled" bson:"disabled"`
	// MustChangePassword is set when an administrator reset the password:
	// the account can do nothing but change it.
	MustChangePassword bool `json:"must_change_password" bson:"must_change_password"`
}

// Principal is the acting party of a request. The zero value is an anonymous
// member of the public.
type Principal struct {
	UserID       string
	Username     string
	Role         Role
	DepartmentID string
}

// Anonymous reports whether no one is logged in.
func (p Principal) Anonymous() bool { return p.UserID == "" }

// Is reports whether the principal has role r.
func (p Principal) Is(r Role) bool { return !p.Anonymous() && p.Role == r }

// StaffOf reports whether p is staff of department id.
func (p Principal) StaffOf(departmentID string) bool {
	return p.Is(Staff) && departmentID != "" && p.DepartmentID == departmentID
}

// PrincipalOf returns the principal acting as u.
func PrincipalOf(u *User) Principal {
	return Principal{UserID: u.ID, Username: u.Username, Role: u.Role, DepartmentID: u.DepartmentID}
}

// Store persists accounts and departments.
type Store interface {
	// CreateDepartment inserts d. Returns a Conflict error if the name exists.
	CreateDepartment(ctx context.Context, d *Department) error
	// RenameDepartment sets the name of department d.ID. Returns
	// apperr.ErrNotFound, or a Conflict error if another department has it.
	RenameDepartment(ctx context.Context, d *Department) error
	// Department returns one department or apperr.ErrNotFound.
	Department(ctx context.Context, id string) (*Department, error)
	// Departments returns all departments ordered by name.
	Departments(ctx context.Context) ([]*Department, error)
	// CreateUser inserts u. Returns a Conflict error if the username exists.
	CreateUser(ctx context.Context, u *User) error
	// User returns the user with id or apperr.ErrNotFound.
	User(ctx context.Context, id string) (*User, error)
	// UserByName returns the user with username or apperr.ErrNotFound.
	UserByName(ctx context.Context, username string) (*User, error)
	// Users returns all users ordered by username.
	Users(ctx context.Context) ([]*User, error)
	// UpdateUser replaces the mutable fields of u (password hash, role,
	// department, contact, token version). Returns apperr.ErrNotFound.
	UpdateUser(ctx context.Context, u *User) error
	// CountUsers returns how many accounts exist.
	CountUsers(ctx context.Context) (int, error)
}
