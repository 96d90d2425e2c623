package mongodb

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/apperr"
	"yugongkai/consultation"
)

// versionDoc is how a consultation.Version is stored: its fields plus an
// _id naming the consultation and the number, which makes a second version
// of the same number a duplicate key even on servers without secondary
// unique indexes, and the log position that last wrote it (see apply.go).
type versionDoc struct {
	ID                   string `bson:"_id"`
	consultation.Version `bson:",inline"`
	Applied              int64 `bson:"applied,omitempty"`
}

func versionID(consultationID string, n int) string {
	return fmt.Sprintf("%s/%d", consultationID, n)
}

// consultationDoc is a stored consultation with the log position that last
// wrote it.
type consultationDoc struct {
	consultation.Consultation `bson:",inline"`
	Applied                   int64 `bson:"applied,omitempty"`
}

// Consultation returns one consultation or apperr.ErrNotFound, after
// rolling its log forward.
func (db *DB) Consultation(ctx context.Context, id string) (*consultation.Consultation, error) {
	if err := db.catchUp(ctx, id); err != nil {
		return nil, err
	}
	return db.findConsultation(ctx, bson.D{{Key: "_id", Value: id}})
}

// ConsultationByDocumentNumber returns the published consultation bearing
// the 文号, or apperr.ErrNotFound. Only finalization sets Final, so the
// number alone identifies it.
func (db *DB) ConsultationByDocumentNumber(ctx context.Context, number string) (*consultation.Consultation, error) {
	return db.byNumber(ctx, "final.document_number", number)
}

// ConsultationByRegistrationNumber returns the published consultation
// bearing the 统一登记编号, or apperr.ErrNotFound.
func (db *DB) ConsultationByRegistrationNumber(ctx context.Context, number string) (*consultation.Consultation, error) {
	return db.byNumber(ctx, "final.registration_number", number)
}

// byNumber finds the consultation whose field holds number, then reads it
// again after rolling its log forward (a pending commit may change it).
func (db *DB) byNumber(ctx context.Context, field, number string) (*consultation.Consultation, error) {
	if number == "" {
		return nil, apperr.ErrNotFound
	}
	filter := bson.D{{Key: field, Value: number}}
	c, err := db.findConsultation(ctx, filter)
	if err != nil {
		return nil, err
	}
	if err := db.catchUp(ctx, c.ID); err != nil {
		return nil, err
	}
	return db.findConsultation(ctx, append(filter, bson.E{Key: "_id", Value: c.ID}))
}

func (db *DB) findConsultation(ctx context.Context, filter bson.D) (*consultation.Consultation, error) {
	var c consultation.Consultation
	if err := db.consultations.FindOne(ctx, filter).Decode(&c); err != nil {
		return nil, storeErr(err, "find consultation")
	}
	return &c, nil
}

// Version returns version n of a consultation or apperr.ErrNotFound.
func (db *DB) Version(ctx context.Context, consultationID string, n int) (*consultation.Version, error) {
	if err := db.catchUp(ctx, consultationID); err != nil {
		return nil, err
	}
	var d versionDoc
	if err := db.versions.FindOne(ctx, bson.D{{Key: "_id", Value: versionID(consultationID, n)}}).Decode(&d); err != nil {
		return nil, storeErr(err, "find version")
	}
	return &d.Version, nil
}

// Versions returns every version of a consultation in number order.
func (db *DB) Versions(ctx context.Context, consultationID string) ([]*consultation.Version, error) {
	if err := db.catchUp(ctx, consultationID); err != nil {
		return nil, err
	}
	cur, err := db.versions.Find(ctx, bson.D{{Key: "consultation_id", Value: consultationID}},
		options.Find().SetSort(bson.D{{Key: "number", Value: 1}}))
	if err != nil {
		return nil, storeErr(err, "find versions")
	}
	var docs []versionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storeErr(err, "read versions")
	}
	list := make([]*consultation.Version, len(docs))
	for i := range docs {
		list[i] = &docs[i].Version
	}
	return list, nil
}

// Page sizes of Consultations.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// Consultations lists by the filter, newest first (CreatedAt desc, ID
// desc), and returns the cursor of the next page, "" at the end. A cursor
// that this store did not issue is a BadRequest error.
func (db *DB) Consultations(ctx context.Context, f consultation.ListFilter) ([]*consultation.Consultation, string, error) {
	filter, err := listFilter(f)
	if err != nil {
		return nil, "", err
	}
	limit := f.Limit
	if limit <= 0 || limit > maxLimit {
		limit = defaultLimit
	}
	opts := options.Find().
		SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(limit) + 1) // one more tells whether a next page exists
	cur, err := db.consultations.Find(ctx, filter, opts)
	if err != nil {
		return nil, "", storeErr(err, "find consultations")
	}
	var list []*consultation.Consultation
	if err := cur.All(ctx, &list); err != nil {
		return nil, "", storeErr(err, "read consultations")
	}
	next := ""
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		next = encodeCursor(last.CreatedAt, last.ID)
	}
	return list, next, nil
}

// listFilter translates f into a query; the clauses are and-ed.
func listFilter(f consultation.ListFilter) (bson.D, error) {
	var and bson.A
	switch f.Status {
	case "":
	case consultation.Open:
		// Effective status: open only until ClosesAt.
		and = append(and, bson.D{
			{Key: "state", Value: consultation.Open},
			{Key: "closes_at", Value: bson.D{{Key: "$gt", Value: f.Now}}},
		})
	case consultation.Closed:
		and = append(and, bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "state", Value: consultation.Closed}},
			bson.D{
				{Key: "state", Value: consultation.Open},
				{Key: "closes_at", Value: bson.D{{Key: "$lte", Value: f.Now}}},
			},
		}}})
	default:
		and = append(and, bson.D{{Key: "state", Value: f.Status}})
	}
	if f.DepartmentID != "" {
		and = append(and, bson.D{{Key: "department_id", Value: f.DepartmentID}})
	}
	if f.ProcedureType != "" {
		and = append(and, bson.D{{Key: "procedure_type", Value: f.ProcedureType}})
	}
	if f.PublicOnly {
		// A consultation becomes public when its notice is published;
		// published_at is omitted until then.
		published := bson.D{{Key: "published_at", Value: bson.D{{Key: "$exists", Value: true}}}}
		if f.VisibleDepartment != "" {
			and = append(and, bson.D{{Key: "$or", Value: bson.A{
				published,
				bson.D{{Key: "department_id", Value: f.VisibleDepartment}},
			}}})
		} else {
			and = append(and, published)
		}
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		and = append(and, bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "created_at", Value: bson.D{{Key: "$lt", Value: at}}}},
			bson.D{
				{Key: "created_at", Value: at},
				{Key: "_id", Value: bson.D{{Key: "$lt", Value: id}}},
			},
		}}})
	}
	switch len(and) {
	case 0:
		return bson.D{}, nil
	case 1:
		return and[0].(bson.D), nil
	}
	return bson.D{{Key: "$and", Value: and}}, nil
}

// A cursor is the base64url of "<created_at in Unix ms>|<id>" of the last
// consultation of a page. Milliseconds are all a BSON datetime keeps.
func encodeCursor(createdAt time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(createdAt.UnixMilli(), 10) + "|" + id))
}

func decodeCursor(s string) (time.Time, string, error) {
	bad := apperr.New(apperr.BadRequest, "error.bad_cursor")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, "", bad
	}
	ms, id, ok := strings.Cut(string(b), "|")
	if !ok || id == "" {
		return time.Time{}, "", bad
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return time.Time{}, "", bad
	}
	return time.UnixMilli(n).UTC(), id, nil
}
