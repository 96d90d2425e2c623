package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/apperr"
	"yugongkai/auth"
)

// CreateDepartment inserts d. Returns apperr.ErrConflict if the id or the
// name exists.
func (db *DB) CreateDepartment(ctx context.Context, d *auth.Department) error {
	_, err := db.departments.InsertOne(ctx, d)
	return storeErr(err, "insert department")
}

// Department returns one department or apperr.ErrNotFound.
func (db *DB) Department(ctx context.Context, id string) (*auth.Department, error) {
	var d auth.Department
	if err := db.departments.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return nil, storeErr(err, "find department")
	}
	return &d, nil
}

// Departments returns all departments ordered by name.
func (db *DB) Departments(ctx context.Context) ([]*auth.Department, error) {
	cur, err := db.departments.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "name", Value: 1}}))
	if err != nil {
		return nil, storeErr(err, "find departments")
	}
	var list []*auth.Department
	if err := cur.All(ctx, &list); err != nil {
		return nil, storeErr(err, "read departments")
	}
	return list, nil
}

// CreateUser inserts u. Returns apperr.ErrConflict if the id or the
// username exists.
func (db *DB) CreateUser(ctx context.Context, u *auth.User) error {
	_, err := db.users.InsertOne(ctx, u)
	return storeErr(err, "insert user")
}

// User returns the user with id or apperr.ErrNotFound.
func (db *DB) User(ctx context.Context, id string) (*auth.User, error) {
	return db.findUser(ctx, bson.D{{Key: "_id", Value: id}})
}

// UserByName returns the user with username or apperr.ErrNotFound.
func (db *DB) UserByName(ctx context.Context, username string) (*auth.User, error) {
	return db.findUser(ctx, bson.D{{Key: "username", Value: username}})
}

func (db *DB) findUser(ctx context.Context, filter bson.D) (*auth.User, error) {
	var u auth.User
	if err := db.users.FindOne(ctx, filter).Decode(&u); err != nil {
		return nil, storeErr(err, "find user")
	}
	return &u, nil
}

// Users returns all users ordered by username.
func (db *DB) Users(ctx context.Context) ([]*auth.User, error) {
	cur, err := db.users.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "username", Value: 1}}))
	if err != nil {
		return nil, storeErr(err, "find users")
	}
	var list []*auth.User
	if err := cur.All(ctx, &list); err != nil {
		return nil, storeErr(err, "read users")
	}
	return list, nil
}

// UpdateUser replaces the mutable fields of u: password hash, role,
// department, contact and token version; the username and creation time
// stay as stored. Returns apperr.ErrNotFound.
func (db *DB) UpdateUser(ctx context.Context, u *auth.User) error {
	set := bson.D{
		{Key: "password_hash", Value: u.PasswordHash},
		{Key: "role", Value: u.Role},
		{Key: "token_version", Value: u.TokenVersion},
		{Key: "disabled", Value: u.Disabled},
		{Key: "must_change_password", Value: u.MustChangePassword},
	}
	var unset bson.D
	// The optional fields are omitempty in auth.User: an emptied field is
	// removed so the stored document looks like a freshly inserted one.
	for _, f := range []struct{ key, value string }{
		{"department_id", u.DepartmentID},
		{"phone", u.Phone},
		{"email", u.Email},
	} {
		if f.value != "" {
			set = append(set, bson.E{Key: f.key, Value: f.value})
		} else {
			unset = append(unset, bson.E{Key: f.key, Value: ""})
		}
	}
	update := bson.D{{Key: "$set", Value: set}}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	res, err := db.users.UpdateOne(ctx, bson.D{{Key: "_id", Value: u.ID}}, update)
	if err != nil {
		return storeErr(err, "update user")
	}
	if res.MatchedCount == 0 {
		return apperr.ErrNotFound
	}
	return nil
}

// RenameDepartment sets the name of department d.ID. Returns
// apperr.ErrNotFound, or Conflict if another department has the name.
func (db *DB) RenameDepartment(ctx context.Context, d *auth.Department) error {
	res, err := db.departments.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: d.Name}}}})
	if err != nil {
		return storeErr(err, "rename department")
	}
	if res.MatchedCount == 0 {
		return apperr.ErrNotFound
	}
	return nil
}

// CountUsers returns how many accounts exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	n, err := db.users.CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, storeErr(err, "count users")
	}
	return int(n), nil
}
