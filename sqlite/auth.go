package sqlite

import (
	"context"
	"database/sql"

	"yugongkai/auth"
)

// AuthStore implements auth.Store.
type AuthStore struct {
	db *DB
}

var _ auth.Store = (*AuthStore)(nil)

// Auth returns the store of accounts and departments.
func (db *DB) Auth() *AuthStore { return &AuthStore{db: db} }

// CreateDepartment inserts d. Returns a Conflict error if the id or the
// name exists.
func (s *AuthStore) CreateDepartment(ctx context.Context, d *auth.Department) error {
	return s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO departments (id, name, created_at) VALUES (?, ?, ?)",
			d.ID, d.Name, formatTime(d.CreatedAt))
		return classify(err, "create department")
	})
}

// Department returns one department or apperr.ErrNotFound.
func (s *AuthStore) Department(ctx context.Context, id string) (*auth.Department, error) {
	row := s.db.sql.QueryRowContext(ctx, "SELECT id, name, created_at FROM departments WHERE id = ?", id)
	d, err := scanDepartment(row)
	return d, classify(err, "department")
}

// RenameDepartment sets the name of department d.ID. Returns
// apperr.ErrNotFound, or Conflict if another department has the name.
func (s *AuthStore) RenameDepartment(ctx context.Context, d *auth.Department) error {
	return s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE departments SET name = ? WHERE id = ?", d.Name, d.ID)
		if err != nil {
			return classify(err, "rename department")
		}
		return mustHaveChanged(res, "rename department")
	})
}

// Departments returns all departments ordered by name.
func (s *AuthStore) Departments(ctx context.Context) ([]*auth.Department, error) {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT id, name, created_at FROM departments ORDER BY name, id")
	if err != nil {
		return nil, classify(err, "departments")
	}
	defer rows.Close()
	var list []*auth.Department
	for rows.Next() {
		d, err := scanDepartment(rows)
		if err != nil {
			return nil, classify(err, "departments")
		}
		list = append(list, d)
	}
	return list, classify(rows.Err(), "departments")
}

func scanDepartment(row interface{ Scan(...any) error }) (*auth.Department, error) {
	var d auth.Department
	var created string
	if err := row.Scan(&d.ID, &d.Name, &created); err != nil {
		return nil, err
	}
	var err error
	if d.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	return &d, nil
}

// userColumns are the columns scanUser reads, in order.
const userColumns = "id, username, password_hash, role, department_id, phone, email, token_version, created_at, disabled, must_change_password"

// CreateUser inserts u. Returns a Conflict error if the id or the username
// exists.
func (s *AuthStore) CreateUser(ctx context.Context, u *auth.User) error {
	return s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO users ("+userColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			u.ID, u.Username, u.PasswordHash, string(u.Role), u.DepartmentID, u.Phone, u.Email, u.TokenVersion, formatTime(u.CreatedAt),
			u.Disabled, u.MustChangePassword)
		return classify(err, "create user")
	})
}

// User returns the user with id or apperr.ErrNotFound.
func (s *AuthStore) User(ctx context.Context, id string) (*auth.User, error) {
	u, err := scanUser(s.db.sql.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	return u, classify(err, "user")
}

// UserByName returns the user with username or apperr.ErrNotFound. The
// comparison is exact: usernames are normalized before they are stored.
func (s *AuthStore) UserByName(ctx context.Context, username string) (*auth.User, error) {
	u, err := scanUser(s.db.sql.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE username = ?", username))
	return u, classify(err, "user by name")
}

// Users returns all users ordered by username.
func (s *AuthStore) Users(ctx context.Context) ([]*auth.User, error) {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY username")
	if err != nil {
		return nil, classify(err, "users")
	}
	defer rows.Close()
	var list []*auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, classify(err, "users")
		}
		list = append(list, u)
	}
	return list, classify(rows.Err(), "users")
}

// UpdateUser replaces the mutable fields of u: password hash, role,
// department, contact, token version, disabled and must-change-password.
// The username and the creation time stay as they were. Returns
// apperr.ErrNotFound.
func (s *AuthStore) UpdateUser(ctx context.Context, u *auth.User) error {
	return s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, role = ?, department_id = ?,
			phone = ?, email = ?, token_version = ?, disabled = ?, must_change_password = ? WHERE id = ?`,
			u.PasswordHash, string(u.Role), u.DepartmentID, u.Phone, u.Email, u.TokenVersion, u.Disabled, u.MustChangePassword, u.ID)
		if err != nil {
			return classify(err, "update user")
		}
		return mustHaveChanged(res, "update user")
	})
}

// CountUsers returns how many accounts exist.
func (s *AuthStore) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.sql.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n)
	return n, classify(err, "count users")
}

func scanUser(row interface{ Scan(...any) error }) (*auth.User, error) {
	var u auth.User
	var role, created string
	if err := row.Scan(&u.ID, &u.Username, &u.PasswordHash, &role, &u.DepartmentID,
		&u.Phone, &u.Email, &u.TokenVersion, &created, &u.Disabled, &u.MustChangePassword); err != nil {
		return nil, err
	}
	u.Role = auth.Role(role)
	var err error
	if u.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	return &u, nil
}

// mustHaveChanged returns apperr.ErrNotFound if res changed no row.
func mustHaveChanged(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return classify(err, what)
	}
	if n == 0 {
		return classify(sql.ErrNoRows, what)
	}
	return nil
}
