package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"yugongkai/apperr"
	"yugongkai/consultation"
)

// ConsultationStore implements consultation.Store: consultations, their
// versions, their event chain, and the settings.
type ConsultationStore struct {
	db *DB
}

var _ consultation.Store = (*ConsultationStore)(nil)

// Consultations returns the store of consultations.
func (db *DB) Consultations() *ConsultationStore { return &ConsultationStore{db: db} }

// Ping reports whether the database answers a query.
func (s *ConsultationStore) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// consultationColumns are the indexed columns derived from a consultation,
// in the order of consultationRow's values, then rev and record.
const consultationColumns = "department_id, state, procedure_type, closes_at, published_at, created_at, document_number, registration_number"

// consultationRow returns the values of consultationColumns for c.
func consultationRow(c *consultation.Consultation) []any {
	var number, reg any // NULL: the unique indexes ignore consultations without one
	if c.Final != nil && c.Final.DocumentNumber != "" {
		number = c.Final.DocumentNumber
	}
	if c.Final != nil && c.Final.RegistrationNumber != "" {
		reg = c.Final.RegistrationNumber
	}
	return []any{c.DepartmentID, string(c.State), string(c.ProcedureType), formatTimePtr(c.ClosesAt),
		formatTimePtr(c.PublishedAt), formatTime(c.CreatedAt), number, reg}
}

// Consultation returns one consultation or apperr.ErrNotFound.
func (s *ConsultationStore) Consultation(ctx context.Context, id string) (*consultation.Consultation, error) {
	c, err := scanConsultation(s.db.sql.QueryRowContext(ctx, "SELECT rev, record FROM consultations WHERE id = ?", id))
	return c, classify(err, "consultation")
}

// ConsultationByDocumentNumber returns the consultation whose final
// publication bears the 文号 number, or apperr.ErrNotFound.
func (s *ConsultationStore) ConsultationByDocumentNumber(ctx context.Context, number string) (*consultation.Consultation, error) {
	return s.byColumn(ctx, "document_number", number)
}

// ConsultationByRegistrationNumber returns the consultation whose final
// publication bears the 统一登记编号, or apperr.ErrNotFound.
func (s *ConsultationStore) ConsultationByRegistrationNumber(ctx context.Context, number string) (*consultation.Consultation, error) {
	return s.byColumn(ctx, "registration_number", number)
}

func (s *ConsultationStore) byColumn(ctx context.Context, column, value string) (*consultation.Consultation, error) {
	if value == "" {
		return nil, classify(sql.ErrNoRows, "consultation by "+column)
	}
	c, err := scanConsultation(s.db.sql.QueryRowContext(ctx, "SELECT rev, record FROM consultations WHERE "+column+" = ?", value))
	return c, classify(err, "consultation by "+column)
}

func scanConsultation(row interface{ Scan(...any) error }) (*consultation.Consultation, error) {
	var rev int64
	var record []byte
	if err := row.Scan(&rev, &record); err != nil {
		return nil, err
	}
	return decodeConsultation(rev, record)
}

// decodeConsultation decodes a stored record. The rev column is
// authoritative; the record carries the same value.
func decodeConsultation(rev int64, record []byte) (*consultation.Consultation, error) {
	var c consultation.Consultation
	if err := json.Unmarshal(record, &c); err != nil {
		return nil, fmt.Errorf("decode consultation: %w", err)
	}
	c.Rev = rev
	return &c, nil
}

// writeConsultation carries out ch.Write within t: insert (Rev 1), update
// under compare-and-swap on Rev, or check the Rev. It returns the new Rev.
func writeConsultation(ctx context.Context, t *txn, ch *consultation.Change) (int64, error) {
	c := ch.Consultation
	for _, e := range ch.Events {
		if e.Consultation != c.ID {
			return 0, apperr.Wrap(fmt.Errorf("event %d of consultation %q appended to %q", e.Seq, e.Consultation, c.ID), "sqlite: commit")
		}
	}
	if ch.Write == consultation.CheckRev {
		var stored int64
		if err := t.QueryRowContext(ctx, "SELECT rev FROM consultations WHERE id = ?", c.ID).Scan(&stored); err != nil {
			return 0, classify(err, "check consultation")
		}
		if stored != c.Rev {
			return 0, fmt.Errorf("sqlite: consultation %s: rev %d, stored %d: %w", c.ID, c.Rev, stored, consultation.ErrStale)
		}
		return stored, nil
	}
	next := *c
	next.Rev = c.Rev + 1
	if ch.Write == consultation.Insert {
		next.Rev = 1
	}
	record, err := json.Marshal(&next)
	if err != nil {
		return 0, apperr.Wrap(err, "sqlite: encode consultation")
	}
	if ch.Write == consultation.Insert {
		args := append([]any{c.ID}, consultationRow(&next)...)
		args = append(args, next.Rev, string(record))
		_, err := t.ExecContext(ctx, "INSERT INTO consultations (id, "+consultationColumns+", rev, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", args...)
		return next.Rev, numberErr(err, "create consultation")
	}
	args := append(consultationRow(&next), next.Rev, string(record), c.ID, c.Rev)
	res, err := t.ExecContext(ctx, `UPDATE consultations SET (`+consultationColumns+`, rev, record) =
		(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ? AND rev = ?`, args...)
	if err != nil {
		return 0, numberErr(err, "update consultation")
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, classify(err, "update consultation")
	} else if n == 0 {
		var stored int64
		if err := t.QueryRowContext(ctx, "SELECT rev FROM consultations WHERE id = ?", c.ID).Scan(&stored); err != nil {
			return 0, classify(err, "update consultation")
		}
		return 0, fmt.Errorf("sqlite: update consultation %s: rev %d is stale, stored %d: %w", c.ID, c.Rev, stored, consultation.ErrStale)
	}
	return next.Rev, nil
}

// numberErr names a 文号 or registration number another decision holds.
func numberErr(err error, what string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "consultations.document_number"):
		return fmt.Errorf("sqlite: %s: %v: %w", what, err, consultation.ErrDocumentNumberTaken)
	case strings.Contains(msg, "consultations.registration_number"):
		return fmt.Errorf("sqlite: %s: %v: %w", what, err, consultation.ErrRegistrationNumberTaken)
	}
	return classify(err, what)
}

// Consultations lists by the filter, newest first (CreatedAt desc, ID
// desc), a page of at most f.Limit (20 if not positive, at most 100), with
// the cursor of the next page ("" at the end). A cursor that this store did
// not make is a BadRequest error.
//
// An open consultation without ClosesAt counts as open, as
// consultation.Settle leaves it open.
func (s *ConsultationStore) Consultations(ctx context.Context, f consultation.ListFilter) ([]*consultation.Consultation, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)

	var where []string
	var args []any
	now := formatTime(f.Now)
	switch f.Status {
	case "":
	case consultation.Open:
		where = append(where, "state = ? AND (closes_at IS NULL OR closes_at > ?)")
		args = append(args, string(consultation.Open), now)
	case consultation.Closed:
		where = append(where, "(state = ? OR (state = ? AND closes_at <= ?))")
		args = append(args, string(consultation.Closed), string(consultation.Open), now)
	default:
		where = append(where, "state = ?")
		args = append(args, string(f.Status))
	}
	if f.DepartmentID != "" {
		where = append(where, "department_id = ?")
		args = append(args, f.DepartmentID)
	}
	if f.ProcedureType != "" {
		where = append(where, "procedure_type = ?")
		args = append(args, string(f.ProcedureType))
	}
	if f.PublicOnly {
		if f.VisibleDepartment != "" {
			where = append(where, "(published_at IS NOT NULL OR department_id = ?)")
			args = append(args, f.VisibleDepartment)
		} else {
			where = append(where, "published_at IS NOT NULL")
		}
	}
	if f.Cursor != "" {
		created, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where = append(where, "(created_at, id) < (?, ?)")
		args = append(args, created, id)
	}
	query := "SELECT rev, record, created_at, id FROM consultations"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY created_at DESC, id DESC LIMIT ?"
	args = append(args, limit+1) // one more than asked tells whether a next page exists

	rows, err := s.db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", classify(err, "list consultations")
	}
	defer rows.Close()
	var list []*consultation.Consultation
	var lastCreated, lastID string
	for rows.Next() {
		if len(list) == limit {
			return list, encodeCursor(lastCreated, lastID), nil
		}
		var rev int64
		var record []byte
		if err := rows.Scan(&rev, &record, &lastCreated, &lastID); err != nil {
			return nil, "", classify(err, "list consultations")
		}
		c, err := decodeConsultation(rev, record)
		if err != nil {
			return nil, "", classify(err, "list consultations")
		}
		list = append(list, c)
	}
	if err := rows.Err(); err != nil {
		return nil, "", classify(err, "list consultations")
	}
	return list, "", nil
}

// encodeCursor returns the cursor of the page that follows the row
// (created, id): the unpadded base64url encoding of the created_at column
// text, a space, and the id. Clients treat it as opaque; it stays valid
// across restarts and does not skip or repeat rows inserted meanwhile.
func encodeCursor(created, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(created + " " + id))
}

// errBadCursor is wrapped by the errors of decodeCursor.
var errBadCursor = apperr.New(apperr.BadRequest, "error.bad_cursor")

// decodeCursor returns the keyset a cursor holds, or a BadRequest error.
func decodeCursor(cursor string) (created, id string, err error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return "", "", fmt.Errorf("sqlite: cursor %q: %v: %w", cursor, err, errBadCursor)
	}
	created, id, ok := strings.Cut(string(b), " ")
	if !ok || id == "" {
		return "", "", fmt.Errorf("sqlite: cursor %q: no id: %w", cursor, errBadCursor)
	}
	t, err := parseTime(created)
	if err != nil {
		return "", "", fmt.Errorf("sqlite: cursor %q: %v: %w", cursor, err, errBadCursor)
	}
	return formatTime(t), id, nil
}
