package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unsafe"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/vcode"
)

// CommentStore implements comments.Store (migration 0002_comments.sql).
// Every write, counters of the group included, is one transaction.
type CommentStore struct {
	db *DB
}

var _ comments.Store = (*CommentStore)(nil)

// Comments returns the store of comments.
func (db *DB) Comments() *CommentStore { return &CommentStore{db: db} }

// commentRecord is the JSON kept in comments.record: the comment plus the
// fields its own JSON encoding leaves out for staff views.
type commentRecord struct {
	*comments.Comment
	IdempotencyKey string   `json:"idempotency_key,omitempty"`
	Bands          []string `json:"bands,omitempty"`
	// AttachmentTexts are the attachments' extracted texts, in order
	// (attachment.Meta.Text is left out of the comment's JSON).
	AttachmentTexts []string `json:"attachment_texts,omitempty"`
}

func encodeComment(c *comments.Comment) (string, error) {
	b, err := json.Marshal(commentRecord{Comment: c, IdempotencyKey: c.IdempotencyKey, Bands: c.Bands, AttachmentTexts: attachmentTexts(c)})
	if err != nil {
		return "", apperr.Wrap(err, "sqlite: encode comment")
	}
	// b is Marshal's own and never written again: the string can share it
	// rather than copy a record per comment (an import writes 100,000).
	return unsafe.String(unsafe.SliceData(b), len(b)), nil
}

func decodeComment(record []byte) (*comments.Comment, error) {
	r := commentRecord{Comment: &comments.Comment{}}
	if err := json.Unmarshal(record, &r); err != nil {
		return nil, err
	}
	r.Comment.IdempotencyKey, r.Comment.Bands = r.IdempotencyKey, r.Bands
	for i, text := range r.AttachmentTexts {
		if i < len(r.Comment.Attachments) {
			r.Comment.Attachments[i].Text = text
		}
	}
	r.Comment.ReceivedAt, r.Comment.CreatedAt = r.Comment.ReceivedAt.UTC(), r.Comment.CreatedAt.UTC()
	return r.Comment, nil
}

func outcomeOf(c *comments.Comment) string {
	if c.Disposition == nil {
		return ""
	}
	return string(c.Disposition.Outcome)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func isPublished(s comments.Status) int {
	if s == comments.Published {
		return 1
	}
	return 0
}

// duplicateKey marks a UNIQUE violation on insert as comments.ErrDuplicateKey.
func duplicateKey(err error, what string) error {
	err = classify(err, what)
	if apperr.Is(err, apperr.Conflict) {
		return &apperr.Error{Kind: apperr.Conflict, Key: "error.conflict", Cause: fmt.Errorf("%v: %w", err, comments.ErrDuplicateKey)}
	}
	return err
}

// insertComment stores c within t and counts it in its group. A comment
// identical to a merged group joins the group it was merged into; one that
// joins a group with a disposition takes it.
func insertComment(ctx context.Context, t *txn, c *comments.Comment) error {
	{
		tx := t
		// Follow merges: a comment identical to a merged group joins its target.
		var disp sql.NullString
		for hops := 0; hops < 10; hops++ {
			var into string
			err := tx.QueryRowContext(ctx, "SELECT merged_into, disposition FROM comment_groups WHERE consultation_id = ? AND id = ?", c.ConsultationID, c.GroupID).Scan(&into, &disp)
			if err == sql.ErrNoRows || (err == nil && into == "") {
				break
			}
			if err != nil {
				return classify(err, "insert comment: group")
			}
			c.GroupID = into
		}
		size, err := logSize(ctx, t, c.ConsultationID)
		if err != nil {
			return err
		}
		c.LeafIndex = size
		if err := inheritDisposition(c, disp); err != nil {
			return err
		}
		if err := insertCommentRow(ctx, t, c); err != nil {
			return err
		}
		if err := countArticle(ctx, tx, c.ConsultationID, c.ArticleID, c.Status, 1); err != nil {
			return err
		}
		res, pub, rep, err := countInGroup(ctx, t, c)
		if err != nil {
			return err
		}
		if !t.noLog {
			if err := appendLeaf(ctx, t, c); err != nil {
				return err
			}
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		return createGroup(ctx, tx, c, 1, pub, rep)
	}
}

// inheritDisposition gives c the answer its group was given as a whole
// (disp, the group's disposition column), unless c has one.
func inheritDisposition(c *comments.Comment, disp sql.NullString) error {
	if !disp.Valid || c.Disposition != nil {
		return nil
	}
	var d comments.Disposition
	if err := json.Unmarshal([]byte(disp.String), &d); err != nil {
		return classify(err, "insert comment: group disposition")
	}
	d.At = d.At.UTC()
	appendDisposition(c, d)
	return nil
}

// insertCommentRow writes c's row.
func insertCommentRow(ctx context.Context, t *txn, c *comments.Comment) error {
	record, err := encodeComment(c)
	if err != nil {
		return err
	}
	email, phone := comments.ContactKeys(t.keys, c)
	if _, err := t.ExecContext(ctx, `INSERT INTO comments (id, consultation_id, article_id, status, channel, group_id, outcome,
		received_at, receipt, idempotency_key, record, contact_email_key, contact_phone_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.ConsultationID, c.ArticleID, string(c.Status), string(c.Channel), c.GroupID, outcomeOf(c),
		formatTime(c.ReceivedAt), c.Receipt, nullable(c.IdempotencyKey), record, nullable(email), nullable(phone)); err != nil {
		return duplicateKey(err, "insert comment")
	}
	if t.inserted == nil {
		t.inserted = reportDeltas{}
	}
	t.inserted.addInserted(c)
	return nil
}

// countInGroup counts c in its group. The result says whether the group
// existed (one row changed); pub and rep are what createGroup needs if not.
func countInGroup(ctx context.Context, t *txn, c *comments.Comment) (res sql.Result, pub int, rep string, err error) {
	pub, rep = groupMember(c)
	res, err = t.ExecContext(ctx, `UPDATE comment_groups SET count = count + 1, published_count = published_count + ?,
		first_at = min(first_at, ?), rep_id = CASE WHEN rep_id = '' THEN ? ELSE rep_id END
		WHERE consultation_id = ? AND id = ?`, pub, formatTime(c.ReceivedAt), rep, c.ConsultationID, c.GroupID)
	if err != nil {
		return nil, 0, "", classify(err, "insert comment: count in group")
	}
	return res, pub, rep, nil
}

// groupMember returns what c adds to its group: 1 to the published count
// if c is published, and c as the group's representative if it is the
// first published member.
func groupMember(c *comments.Comment) (pub int, rep string) {
	pub = isPublished(c.Status)
	if pub == 1 {
		rep = c.ID
	}
	return pub, rep
}

// createGroup inserts the group of c with c as first member, with c's band
// keys (SharedBands reads them from there).
func createGroup(ctx context.Context, tx *txn, c *comments.Comment, count, published int, rep string) error {
	bands, err := bandsJSON(c.Bands)
	if err != nil {
		return apperr.Wrap(err, "sqlite: encode bands")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO comment_groups (consultation_id, id, count, published_count, first_id, rep_id,
		first_at, article_id, bands, disposition, merged_into) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '')`,
		c.ConsultationID, c.GroupID, count, published, c.ID, rep, formatTime(c.ReceivedAt), c.ArticleID, bands); err != nil {
		return classify(err, "create comment group")
	}
	return nil
}

// bandsJSON returns json.Marshal(bands) as a string. Band keys are hex
// digits, which JSON writes as they are, so it writes them directly (one
// allocation, for a row of a bulk import); other text goes through
// json.Marshal.
func bandsJSON(bands []string) (string, error) {
	if bands == nil {
		return "null", nil
	}
	n := len("[]")
	for _, k := range bands {
		for i := range len(k) {
			if !('0' <= k[i] && k[i] <= '9' || 'a' <= k[i] && k[i] <= 'f') {
				b, err := json.Marshal(bands)
				return string(b), err
			}
		}
		n += len(k) + len(`"",`)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteByte('[')
	for i, k := range bands {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(k)
		b.WriteByte('"')
	}
	b.WriteByte(']')
	return b.String(), nil
}

func (s *CommentStore) one(ctx context.Context, what, where string, args ...any) (*comments.Comment, error) {
	var record []byte
	if err := s.db.sql.QueryRowContext(ctx, "SELECT record FROM comments WHERE "+where, args...).Scan(&record); err != nil {
		return nil, classify(err, what)
	}
	c, err := decodeComment(record)
	return c, classify(err, what)
}

// Comment returns one comment or apperr.ErrNotFound.
func (s *CommentStore) Comment(ctx context.Context, id string) (*comments.Comment, error) {
	return s.one(ctx, "comment", "id = ?", id)
}

// CommentByReceipt returns the comment with the receipt code.
func (s *CommentStore) CommentByReceipt(ctx context.Context, code string) (*comments.Comment, error) {
	return s.one(ctx, "comment by receipt", "receipt = ?", code)
}

// CommentByIdempotencyKey returns the comment stored with the key.
func (s *CommentStore) CommentByIdempotencyKey(ctx context.Context, consultationID, key string) (*comments.Comment, error) {
	return s.one(ctx, "comment by idempotency key", "consultation_id = ? AND idempotency_key = ?", consultationID, key)
}

// CommentsByID returns the comments with the given ids that exist.
func (s *CommentStore) CommentsByID(ctx context.Context, ids []string) ([]*comments.Comment, error) {
	var out []*comments.Comment
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		list, err := s.query(ctx, "comments by id", "SELECT record, received_at, id FROM comments WHERE id IN (?"+strings.Repeat(", ?", len(chunk)-1)+")", args, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// GroupTexts returns GroupText of the comments with the given ids that exist.
// SQLite takes the body and the attachments' texts out of each record
// (json_extract): a third of the time of reading and decoding the whole
// record in Go (BenchmarkGroupTexts), and about half of decoding it into a
// struct of those two fields only, which still copies the record out and
// scans all of it in Go. attachment_texts, when present, has one text for
// each attachment (encodeComment, the records' one writer), so no count of
// the attachments is read.
func (s *CommentStore) GroupTexts(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		if err := s.groupTexts(ctx, chunk, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *CommentStore) groupTexts(ctx context.Context, ids []string, out map[string]string) error {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.sql.QueryContext(ctx, "SELECT id, json_extract(record, '$.body'), json_extract(record, '$.attachment_texts') FROM comments WHERE id IN (?"+
		strings.Repeat(", ?", len(ids)-1)+")", args...)
	if err != nil {
		return classify(err, "group texts")
	}
	defer rows.Close()
	for rows.Next() {
		var id, body string
		var texts []byte // a JSON array, NULL without attachment text
		if err := rows.Scan(&id, &body, &texts); err != nil {
			return classify(err, "group texts")
		}
		var list []string
		if texts != nil {
			if err := json.Unmarshal(texts, &list); err != nil {
				return classify(err, "group texts")
			}
		}
		out[id] = comments.JoinGroupText(body, list)
	}
	return classify(rows.Err(), "group texts")
}

// query runs a SELECT record, <key time>, id query; with limit > 0 it stops
// after limit rows and reports whether more followed.
func (s *CommentStore) query(ctx context.Context, what, q string, args []any, limit int) ([]*comments.Comment, error) {
	list, _, err := s.page(ctx, what, q, args, limit)
	return list, err
}

func (s *CommentStore) page(ctx context.Context, what, q string, args []any, limit int) ([]*comments.Comment, string, error) {
	rows, err := s.db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", classify(err, what)
	}
	defer rows.Close()
	var list []*comments.Comment
	var lastAt, lastID string
	for rows.Next() {
		if limit > 0 && len(list) == limit {
			return list, encodeCursor(lastAt, lastID), nil
		}
		var record []byte
		if err := rows.Scan(&record, &lastAt, &lastID); err != nil {
			return nil, "", classify(err, what)
		}
		c, err := decodeComment(record)
		if err != nil {
			return nil, "", classify(err, what)
		}
		list = append(list, c)
	}
	return list, "", classify(rows.Err(), what)
}

// Comments lists by the filter in (ReceivedAt, ID) order.
func (s *CommentStore) Comments(ctx context.Context, f comments.Filter) ([]*comments.Comment, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	where := []string{"consultation_id = ?"}
	args := []any{f.ConsultationID}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if f.ArticleID != nil {
		where, args = append(where, "article_id = ?"), append(args, *f.ArticleID)
	}
	if f.GroupID != "" {
		where, args = append(where, "group_id = ?"), append(args, f.GroupID)
	}
	if len(f.Outcomes) > 0 {
		marks := make([]string, len(f.Outcomes))
		for i, o := range f.Outcomes {
			marks[i], args = "?", append(args, string(o))
		}
		where = append(where, "outcome IN ("+strings.Join(marks, ", ")+")")
	}
	if f.Undisposed {
		where = append(where, "outcome = ''")
	}
	if f.Before != "" {
		return s.commentsBefore(ctx, where, args, f.Before, limit)
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where, args = append(where, "(received_at, id) > (?, ?)"), append(args, at, id)
	}
	q := "SELECT record, received_at, id FROM comments WHERE " + strings.Join(where, " AND ") + " ORDER BY received_at, id LIMIT ?"
	return s.page(ctx, "list comments", q, append(args, limit+1), limit)
}

// readComment reads one comment inside a write transaction.
func readComment(ctx context.Context, tx *txn, id string) (*comments.Comment, error) {
	var record []byte
	if err := tx.QueryRowContext(ctx, "SELECT record FROM comments WHERE id = ?", id).Scan(&record); err != nil {
		return nil, classify(err, "read comment")
	}
	c, err := decodeComment(record)
	return c, classify(err, "read comment")
}

// saveComment writes back the mutable columns and the record of c; the
// contact keys follow its contacts (an erased contact takes its key along).
func saveComment(ctx context.Context, tx *txn, c *comments.Comment) error {
	record, err := encodeComment(c)
	if err != nil {
		return err
	}
	email, phone := comments.ContactKeys(tx.keys, c)
	_, err = tx.ExecContext(ctx, `UPDATE comments SET status = ?, group_id = ?, outcome = ?, record = ?,
		contact_email_key = ?, contact_phone_key = ? WHERE id = ?`,
		string(c.Status), c.GroupID, outcomeOf(c), record, nullable(email), nullable(phone), c.ID)
	return classify(err, "update comment")
}

// setModeration changes the status of a comment from from to to within tx.
func setModeration(ctx context.Context, tx *txn, id string, from, to comments.Status, m comments.Moderation) error {
	{
		c, err := readComment(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.Status != from {
			return fmt.Errorf("sqlite: comment %s is %s, not %s: %w", id, c.Status, from, apperr.ErrConflict)
		}
		c.Status, c.Moderation = to, &m
		if err := saveComment(ctx, tx, c); err != nil {
			return err
		}
		if err := countArticle(ctx, tx, c.ConsultationID, c.ArticleID, from, -1); err != nil {
			return err
		}
		if err := countArticle(ctx, tx, c.ConsultationID, c.ArticleID, to, 1); err != nil {
			return err
		}
		delta := isPublished(to) - isPublished(from)
		if delta == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE comment_groups SET published_count = published_count + ?,
			rep_id = CASE WHEN ? = 1 AND rep_id = '' THEN ? ELSE rep_id END WHERE consultation_id = ? AND id = ?`,
			delta, delta, c.ID, c.ConsultationID, c.GroupID); err != nil {
			return classify(err, "moderate: group")
		}
		if delta < 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE comment_groups SET rep_id = coalesce((SELECT id FROM comments
				WHERE consultation_id = ?1 AND group_id = ?2 AND status = 'published' ORDER BY received_at, id LIMIT 1), '')
				WHERE consultation_id = ?1 AND id = ?2 AND rep_id = ?3`, c.ConsultationID, c.GroupID, c.ID); err != nil {
				return classify(err, "moderate: representative")
			}
		}
		return nil
	}
}

func appendDisposition(c *comments.Comment, d comments.Disposition) {
	c.Disposition = &d
	c.Dispositions = append(c.Dispositions, d)
}

// setDisposition makes d the current disposition of comment id within tx.
func setDisposition(ctx context.Context, tx *txn, id string, d comments.Disposition) error {
	c, err := readComment(ctx, tx, id)
	if err != nil {
		return err
	}
	appendDisposition(c, d)
	return saveComment(ctx, tx, c)
}

// redact replaces a comment's public copy within tx.
func redact(ctx context.Context, tx *txn, r comments.Redacted) error {
	c, err := readComment(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	c.PublicBody = r.PublicBody
	c.Redactions = append(c.Redactions, r.R)
	return saveComment(ctx, tx, c)
}

// members returns the comments of a group, in (ReceivedAt, ID) order.
func members(ctx context.Context, tx *txn, where string, args ...any) ([]*comments.Comment, error) {
	rows, err := tx.QueryContext(ctx, "SELECT record FROM comments WHERE "+where+" ORDER BY received_at, id", args...)
	if err != nil {
		return nil, classify(err, "group members")
	}
	defer rows.Close()
	var list []*comments.Comment
	for rows.Next() {
		var record []byte
		if err := rows.Scan(&record); err != nil {
			return nil, classify(err, "group members")
		}
		c, err := decodeComment(record)
		if err != nil {
			return nil, classify(err, "group members")
		}
		list = append(list, c)
	}
	return list, classify(rows.Err(), "group members")
}

// setGroupDisposition records d on the group and every member within tx.
func setGroupDisposition(ctx context.Context, tx *txn, consultationID, groupID string, d comments.Disposition) error {
	disp, err := json.Marshal(d)
	if err != nil {
		return apperr.Wrap(err, "sqlite: encode disposition")
	}
	{
		res, err := tx.ExecContext(ctx, "UPDATE comment_groups SET disposition = ? WHERE consultation_id = ? AND id = ?", string(disp), consultationID, groupID)
		if err != nil {
			return classify(err, "group disposition")
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return fmt.Errorf("sqlite: group %s: %w", groupID, apperr.ErrNotFound)
		}
		list, err := members(ctx, tx, "consultation_id = ? AND group_id = ?", consultationID, groupID)
		if err != nil {
			return err
		}
		for _, c := range list {
			appendDisposition(c, d)
			if err := saveComment(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	}
}

// moveToGroup moves whole groups and single comments to group to within tx.
func moveToGroup(ctx context.Context, tx *txn, consultationID, to string, from []string, ids []string) error {
	{
		var or []string
		args := []any{consultationID, to}
		if len(from) > 0 {
			or = append(or, "group_id IN (?"+strings.Repeat(", ?", len(from)-1)+")")
			for _, g := range from {
				args = append(args, g)
			}
		}
		if len(ids) > 0 {
			or = append(or, "id IN (?"+strings.Repeat(", ?", len(ids)-1)+")")
			for _, id := range ids {
				args = append(args, id)
			}
		}
		if len(or) == 0 {
			return nil
		}
		list, err := members(ctx, tx, "consultation_id = ? AND group_id != ? AND ("+strings.Join(or, " OR ")+")", args...)
		if err != nil || len(list) == 0 {
			return err
		}
		target, err := readGroup(ctx, tx, consultationID, to)
		switch {
		case apperr.Is(err, apperr.NotFound):
			first := *list[0]
			first.GroupID = to
			if err := createGroup(ctx, tx, &first, 0, 0, ""); err != nil {
				return err
			}
			target = &comments.Group{}
		case err != nil:
			return err
		}
		touched := map[string]bool{to: true}
		for _, c := range list {
			touched[c.GroupID] = true
			c.GroupID = to
			if target.Disposition != nil {
				appendDisposition(c, *target.Disposition)
			}
			if err := saveComment(ctx, tx, c); err != nil {
				return err
			}
		}
		mergedFrom := map[string]bool{}
		for _, g := range from {
			mergedFrom[g] = true
		}
		for g := range touched {
			if err := recountGroup(ctx, tx, consultationID, g, to, mergedFrom[g]); err != nil {
				return err
			}
		}
		return nil
	}
}

// recountGroup recomputes a group's counters and representative from its
// members. An emptied group loses its band keys; merged says it was merged
// into to.
func recountGroup(ctx context.Context, tx *txn, consultationID, id, to string, merged bool) error {
	var count, published int
	var firstAt sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(status = 'published'), 0), min(received_at)
		FROM comments WHERE consultation_id = ? AND group_id = ?`, consultationID, id).Scan(&count, &published, &firstAt); err != nil {
		return classify(err, "recount group")
	}
	var rep string
	err := tx.QueryRowContext(ctx, `SELECT id FROM comments WHERE consultation_id = ? AND group_id = ? AND status = 'published'
		ORDER BY received_at, id LIMIT 1`, consultationID, id).Scan(&rep)
	if err != nil && err != sql.ErrNoRows {
		return classify(err, "recount group: representative")
	}
	into := ""
	if merged && count == 0 {
		into = to
	}
	if _, err := tx.ExecContext(ctx, `UPDATE comment_groups SET count = ?, published_count = ?, rep_id = ?,
		first_at = coalesce(?, first_at), merged_into = CASE WHEN ? != '' THEN ? ELSE merged_into END
		WHERE consultation_id = ? AND id = ?`, count, published, rep, firstAt, into, into, consultationID, id); err != nil {
		return classify(err, "recount group: update")
	}
	return nil
}

const groupColumns = "consultation_id, id, count, published_count, first_id, rep_id, first_at, article_id, bands, disposition, merged_into"

type rowScanner interface{ Scan(dest ...any) error }

func scanGroup(row rowScanner) (*comments.Group, error) {
	var g comments.Group
	var firstAt, bands string
	var disp sql.NullString
	if err := row.Scan(&g.ConsultationID, &g.ID, &g.Count, &g.PublishedCount, &g.FirstID, &g.RepID, &firstAt,
		&g.ArticleID, &bands, &disp, &g.MergedInto); err != nil {
		return nil, err
	}
	var err error
	if g.FirstAt, err = parseTime(firstAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(bands), &g.Bands); err != nil {
		return nil, err
	}
	if disp.Valid {
		g.Disposition = &comments.Disposition{}
		if err := json.Unmarshal([]byte(disp.String), g.Disposition); err != nil {
			return nil, err
		}
		g.Disposition.At = g.Disposition.At.UTC()
	}
	return &g, nil
}

func readGroup(ctx context.Context, tx *txn, consultationID, id string) (*comments.Group, error) {
	g, err := scanGroup(tx.QueryRowContext(ctx, "SELECT "+groupColumns+" FROM comment_groups WHERE consultation_id = ? AND id = ?", consultationID, id))
	return g, classify(err, "comment group")
}

// Group returns one group or apperr.ErrNotFound.
func (s *CommentStore) Group(ctx context.Context, consultationID, groupID string) (*comments.Group, error) {
	g, err := scanGroup(s.db.sql.QueryRowContext(ctx, "SELECT "+groupColumns+" FROM comment_groups WHERE consultation_id = ? AND id = ?", consultationID, groupID))
	return g, classify(err, "comment group")
}

// PublicGroups lists groups with a published member in (FirstAt, ID) order.
func (s *CommentStore) PublicGroups(ctx context.Context, f comments.GroupFilter) ([]*comments.Group, string, error) {
	return s.groups(ctx, "public groups", f, "published_count > 0")
}

// CountByStance implements comments.Store.
func (s *CommentStore) CountByStance(ctx context.Context, consultationID string) (map[string]comments.StanceCounts, error) {
	rows, err := s.db.sql.QueryContext(ctx, `SELECT article_id, stance, count(*) FROM comments
		WHERE consultation_id = ? AND stance IS NOT NULL AND status = 'published' GROUP BY article_id, stance`, consultationID)
	if err != nil {
		return nil, classify(err, "count by stance")
	}
	defer rows.Close()
	out := map[string]comments.StanceCounts{}
	for rows.Next() {
		var article, stance string
		var n int
		if err := rows.Scan(&article, &stance, &n); err != nil {
			return nil, classify(err, "count by stance")
		}
		if out[article] == nil {
			out[article] = comments.StanceCounts{}
		}
		out[article][comments.Stance(stance)] = n
	}
	return out, classify(rows.Err(), "count by stance")
}

// CommentsByUser implements comments.Store.
func (s *CommentStore) CommentsByUser(ctx context.Context, userID string, limit int) ([]*comments.Comment, error) {
	return s.query(ctx, "comments by user", "SELECT record, received_at, id FROM comments WHERE user_id = ? ORDER BY received_at DESC, id DESC LIMIT ?",
		[]any{userID, limit}, limit)
}

// CommentsByContact implements comments.Store over the contact key
// columns (migration 0023), one indexed range per channel.
func (s *CommentStore) CommentsByContact(ctx context.Context, contact vcode.Contact, limit int) ([]*comments.Comment, error) {
	col := "contact_email_key"
	if contact.Channel == vcode.SMS {
		col = "contact_phone_key"
	}
	key := s.db.contactKeys.ContactKey(contact)
	if key == "" || limit <= 0 {
		return nil, nil
	}
	return s.query(ctx, "comments by contact", "SELECT record, received_at, id FROM comments WHERE "+col+" = ? ORDER BY received_at DESC, id DESC LIMIT ?",
		[]any{key, limit}, limit)
}

// SharedBands returns the groups sharing each band key held by ≥ 2
// non-empty groups. The keys are read out of each group's bands column
// (json_each) and sorted by SQLite, which spills to temporary files rather
// than hold every key of a large consultation in memory.
func (s *CommentStore) SharedBands(ctx context.Context, consultationID string) ([][]string, error) {
	rows, err := s.db.sql.QueryContext(ctx, `WITH keys AS MATERIALIZED (
			SELECT j.value AS band, g.id AS group_id FROM comment_groups g, json_each(g.bands) j
			WHERE g.consultation_id = ?1 AND g.count > 0 AND g.bands NOT IN ('null', '[]'))
		SELECT band, group_id FROM keys WHERE band IN (SELECT band FROM keys GROUP BY band HAVING count(*) > 1)
		ORDER BY band, group_id`, consultationID)
	if err != nil {
		return nil, classify(err, "shared bands")
	}
	defer rows.Close()
	var sets [][]string
	var cur string
	for rows.Next() {
		var band, group string
		if err := rows.Scan(&band, &group); err != nil {
			return nil, classify(err, "shared bands")
		}
		if band != cur || len(sets) == 0 {
			sets, cur = append(sets, nil), band
		}
		sets[len(sets)-1] = append(sets[len(sets)-1], group)
	}
	for _, set := range sets {
		sort.Strings(set)
	}
	return sets, classify(rows.Err(), "shared bands")
}

// CountComments counts comments matching the filter.
func (s *CommentStore) CountComments(ctx context.Context, f comments.CountFilter) (int, error) {
	where := []string{"consultation_id = ?"}
	args := []any{f.ConsultationID}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if f.Channel != "" {
		where, args = append(where, "channel = ?"), append(args, string(f.Channel))
	}
	if f.ArticleID != nil {
		where, args = append(where, "article_id = ?"), append(args, *f.ArticleID)
	}
	if f.Outcome != "" {
		where, args = append(where, "outcome = ?"), append(args, string(f.Outcome))
	}
	if f.Undisposed {
		where = append(where, "outcome = ''")
	}
	if f.CommenterType != "" {
		where, args = append(where, "commenter_type = ?"), append(args, string(f.CommenterType))
	}
	var n int
	err := s.db.sql.QueryRowContext(ctx, "SELECT count(*) FROM comments WHERE "+strings.Join(where, " AND "), args...).Scan(&n)
	if err != nil || !f.Signatories {
		return n, classify(err, "count comments")
	}
	return s.addSignatories(ctx, n, where, args)
}

// countArticle moves the per-article counter of (article, status) by delta.
func countArticle(ctx context.Context, tx *txn, consultationID, articleID string, status comments.Status, delta int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO comment_article_counts (consultation_id, article_id, status, n) VALUES (?, ?, ?, ?)
		ON CONFLICT (consultation_id, article_id, status) DO UPDATE SET n = n + excluded.n`, consultationID, articleID, string(status), delta)
	return classify(err, "count comment per article")
}

// CountByArticle implements comments.Store from the per-article counters.
func (s *CommentStore) CountByArticle(ctx context.Context, consultationID string, status comments.Status) (map[string]int, error) {
	q := "SELECT article_id, sum(n) FROM comment_article_counts WHERE consultation_id = ?"
	args := []any{consultationID}
	if status != "" {
		q, args = q+" AND status = ?", append(args, string(status))
	}
	rows, err := s.db.sql.QueryContext(ctx, q+" GROUP BY article_id HAVING sum(n) > 0", args...)
	if err != nil {
		return nil, classify(err, "count by article")
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, classify(err, "count by article")
		}
		out[id] = n
	}
	return out, classify(rows.Err(), "count by article")
}
