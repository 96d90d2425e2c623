package comments

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/i18n"
)

// Bulk import of comments received offline (letters, petitions with many
// signatures, 座谈会 records): staff upload a CSV or XLSX file, see every
// bad cell (PreviewImport, which stores nothing), then send the same file
// again with its SHA-256 (Import). Between the two nothing is kept on the
// server: the file is the staging area, and the digest makes sure the rows
// committed are the rows previewed. Import checks every row again (the
// consultation may have changed) and stores all rows in one commit, or
// none.

// ErrChangeTooLarge is wrapped by the error a store returns when a change
// is larger than it can commit at once (MongoDB: one 15 MiB log record).
var ErrChangeTooLarge = errors.New("comments: change too large for one commit")

// ImportPreview is what a file would import.
type ImportPreview struct {
	SHA256   string `json:"sha256"`
	Format   string `json:"format"`   // csv or xlsx
	Encoding string `json:"encoding"` // utf-8 or gb18030 (the file was converted)
	// Converted: the file was not UTF-8 and was read as GB18030.
	Converted bool             `json:"converted"`
	Rows      int              `json:"rows"` // non-empty data rows
	Errors    []ImportRowError `json:"errors"`

	table *importTable // the file's columns, once its headings are read
}

// column returns the heading of field as the file spells it.
func (p *ImportPreview) column(field string) string {
	if p.table == nil {
		return field
	}
	return p.table.column(field)
}

// OK reports a file with no bad row.
func (p *ImportPreview) OK() bool { return len(p.Errors) == 0 }

type importedRow struct {
	n    int
	in   OfflineSubmission
	form Submission
}

// ImportReceipt is the receipt of one imported row.
type ImportReceipt struct {
	Row       int    `json:"row"`
	Code      string `json:"receipt"`
	CommentID string `json:"comment_id"`
}

// ImportResult is a committed import.
type ImportResult struct {
	SHA256   string          `json:"sha256"`
	Count    int             `json:"count"`
	Receipts []ImportReceipt `json:"receipts"`
}

// ImportRef marks a comment as row Row of the import of the file SHA256.
type ImportRef struct {
	SHA256 string `json:"sha256" bson:"sha256"`
	Row    int    `json:"row" bson:"row"`
}

// PreviewImport checks every row of an import file for consultation id as
// EnterOffline would and stores nothing. Errors: Forbidden (not the owning
// department), Conflict (consultation never opened, withdrawn or
// finalized), and the file's own errors — TooLarge (over 50 MiB,
// MaxImportRows, or the store's own limit per import: a store with a
// MaxImportRows() int method), BadRequest (not CSV/XLSX, invalid UTF-8, unknown
// encoding, unreadable), Invalid (empty, missing, unknown or repeated
// columns). Bad rows are not an error: they are listed in the preview.
func (s *Service) PreviewImport(ctx context.Context, actor auth.Principal, consultationID string, data []byte) (*ImportPreview, error) {
	return s.PreviewUpload(ctx, actor, consultationID, UploadBytes(data))
}

// PreviewUpload is PreviewImport of a file read where it lies (Upload).
func (s *Service) PreviewUpload(ctx context.Context, actor auth.Principal, consultationID string, src Upload) (*ImportPreview, error) {
	c, err := s.manage(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	if err := consultation.Check(actor, c, consultation.ActOffline); err != nil {
		return nil, err
	}
	return s.previewImport(ctx, c, src)
}

func (s *Service) previewImport(ctx context.Context, c *consultation.Consultation, src Upload) (*ImportPreview, error) {
	sha, err := src.sha256()
	if err != nil {
		return nil, err
	}
	return s.readImport(ctx, c, sha, fileRows(src, nil), nil)
}

// importRows reads an import file's rows, handing each to each in file
// order (parseImport's contract): from the file itself (fileRows) or
// from the spool of an earlier reading (importSpool.replay).
type importRows func(each func(*importTable, importRow) error) (*importTable, error)

// fileRows reads data with parseImport, recording an XLSX's rows in
// spool if it is not nil (and finishing the spool when the reading ends).
// A spool that could not be written does not fail the reading: it is
// not replayed (spoolRows).
func fileRows(src Upload, spool *importSpool) importRows {
	return func(each func(*importTable, importRow) error) (*importTable, error) {
		t, err := parseImport(src, spool, each)
		if spool != nil {
			if err != nil {
				t = nil
			}
			spool.finish(t)
		}
		return t, err
	}
}

// spoolRows replays spool if the reading that wrote it succeeded, and
// otherwise (no spool, or a write failed: a full disk) reads src again.
func spoolRows(src Upload, spool *importSpool) importRows {
	return func(each func(*importTable, importRow) error) (*importTable, error) {
		if spool != nil && spool.done {
			return spool.replay(each)
		}
		return parseImport(src, nil, each)
	}
}

// readImport reads and checks every row that read hands on for c as a
// preview of the file with digest sha, and with emit calls it for each
// good row as it is read (the import's stream: emit stores the row). With
// emit, a bad row ends the reading with Invalid import.has_errors (the
// preview before it found none, so the file or the consultation changed);
// a file error found after some rows were emitted is returned as well,
// and the caller's transaction rolls back.
func (s *Service) readImport(ctx context.Context, c *consultation.Consultation, sha string, read importRows, emit func(importedRow) error) (*ImportPreview, error) {
	if c.OpensAt == nil || c.PublicVersion == 0 {
		return nil, consultation.WrongState(c.State, "comment")
	}
	v, err := s.Consultations.Store.Version(ctx, c.ID, c.PublicVersion)
	if err != nil {
		return nil, err
	}
	// A row may name its article by id or as labelled in the draft (第十二条).
	byLabel := map[string]string{}
	for _, a := range v.Articles() {
		byLabel[a.Label] = a.ID
	}
	article := func(s string) string {
		if id, ok := byLabel[strings.TrimSpace(s)]; ok {
			return id
		}
		return s
	}
	p := &ImportPreview{SHA256: sha}
	now := s.now()
	hasArticle := func(id string) bool { _, ok := v.Article(id); return ok }
	var t *importTable
	t, err = read(func(t *importTable, r importRow) error {
		p.table = t
		val := func(field string) string {
			v := strings.TrimSpace(r.cells[field])
			if m, ok := importValues[field]; ok {
				if code, ok := m[v]; ok {
					return code
				}
				return strings.ToLower(v)
			}
			return v
		}
		in := OfflineSubmission{Submission: Submission{ArticleID: article(val("article_id")), Body: r.cells["body"],
			CommenterType: CommenterType(val("commenter_type")), OrganizationName: val("organization_name"),
			Display: Display(val("display")), RealName: val("real_name"), ContactPhone: val("contact_phone"),
			ContactEmail: val("contact_email")},
			Channel: Channel(val("channel")), ReceivedOn: normalizeDate(val("received_on"))}
		in.OnBehalfOf = val("on_behalf_of")
		in.Signatories = importSignatories(val("signatories"))
		if in.Display == "" {
			in.Display = Anonymous // a letter or a petition often carries no name to show
		}
		bad := len(p.Errors)
		p.Errors = append(p.Errors, r.errs...)
		form, _, err := checkOffline(c, in, hasArticle, now)
		if err != nil { // (ae declared here: errors.As puts it on the heap)
			var ae *apperr.Error
			if !errors.As(err, &ae) {
				return err
			}
			for _, fe := range ae.Fields {
				if r.formula[fe.Field] {
					continue // reported as a formula
				}
				p.Errors = append(p.Errors, ImportRowError{Row: r.n, Column: p.column(fe.Field), Field: fe.Field, Key: fe.Key, Args: fe.Args})
			}
		}
		if emit == nil {
			return nil
		}
		if len(p.Errors) > bad {
			return apperr.New(apperr.Invalid, "import.has_errors", len(p.Errors)-bad)
		}
		return emit(importedRow{n: r.n, in: in, form: form})
	})
	if err != nil {
		return nil, err
	}
	p.Format, p.Encoding, p.Converted, p.Rows = t.format, t.encoding, t.converted, t.rows
	if l, ok := s.Store.(interface{ MaxImportRows() int }); ok && t.rows > l.MaxImportRows() {
		return nil, apperr.New(apperr.TooLarge, "import.too_many_rows_store", t.rows, l.MaxImportRows())
	}
	return p, nil
}

// Import stores every row of an import file previewed with digest sha256,
// all in one commit with one comments.imported event (count, file digest),
// and returns each row's receipt. It refuses, storing nothing, a file
// whose digest is not sha256, a file with any bad row (Invalid,
// import.has_errors, with the preview), a file already imported into the
// consultation (Conflict), and a change too large for the store (TooLarge).
// Other errors as PreviewImport.
//
// The rows are never all in memory: the file is read and checked once
// (the preview, storing nothing), then read and checked again as the
// change's Stream while the store writes each row in the commit; the
// receipts are those of the rows written. An XLSX is unzipped and decoded
// only in the first reading, which records its rows in a temporary spool
// file that the second reading replays (importSpool); the spool is
// removed before Import returns, whatever the outcome.
func (s *Service) Import(ctx context.Context, actor auth.Principal, consultationID string, data []byte, sha string) (*ImportPreview, *ImportResult, error) {
	return s.ImportUpload(ctx, actor, consultationID, UploadBytes(data), sha)
}

// ImportUpload is Import of a file read where it lies (Upload): a CSV is
// read three times as a stream (its digest, the check, the rows as they
// are stored), never whole into memory.
func (s *Service) ImportUpload(ctx context.Context, actor auth.Principal, consultationID string, src Upload, sha string) (*ImportPreview, *ImportResult, error) {
	sha = strings.ToLower(strings.TrimSpace(sha))
	if got, err := src.sha256(); err != nil {
		return nil, nil, err
	} else if sha != got {
		return nil, nil, apperr.New(apperr.Conflict, "import.digest_mismatch")
	}
	xlsx, err := src.isXLSX()
	if err != nil {
		return nil, nil, err
	}
	var p *ImportPreview
	var res *ImportResult
	var spool *importSpool
	defer func() { spool.Remove() }()
	build := func(c *consultation.Consultation, ch *Change) error {
		spool.Remove() // an earlier attempt's
		spool = nil
		if xlsx {
			spool, _ = newImportSpool() // nil if the temporary directory refuses it: the workbook is read twice
		}
		read, again := fileRows(src, spool), spoolRows(src, spool)
		var err error
		if p, err = s.readImport(ctx, c, sha, read, nil); err != nil {
			return err
		}
		if !p.OK() {
			return apperr.New(apperr.Invalid, "import.has_errors", len(p.Errors))
		}
		if when, done, err := s.importedAt(ctx, c.ID, p.SHA256); err != nil {
			return err
		} else if done {
			return apperr.New(apperr.Conflict, "import.already_imported", when)
		}
		now := s.now()
		res = &ImportResult{SHA256: p.SHA256, Count: p.Rows}
		ch.Stream = func(yield func(*Comment) error) error {
			res.Receipts = make([]ImportReceipt, 0, p.Rows)
			pace := s.importPacer(p.Rows) // importpace.go
			q, err := s.readImport(ctx, c, sha, again, func(r importedRow) error {
				received, _ := parseReceived(r.in.ReceivedOn)
				cm := s.build(c, r.form, r.in.Channel, stamp(received), now)
				cm.EnteredBy = actor.UserID
				cm.Receipt = NewReceiptCode()
				cm.Import = &ImportRef{SHA256: p.SHA256, Row: r.n}
				cm.Signatories = r.in.Signatories
				if err := yield(cm); err != nil {
					return err
				}
				res.Receipts = append(res.Receipts, ImportReceipt{Row: r.n, Code: cm.Receipt, CommentID: cm.ID})
				pace(len(res.Receipts))
				return nil
			})
			if err != nil {
				return err
			}
			if q.Rows != p.Rows || len(res.Receipts) != p.Rows {
				return apperr.Wrap(fmt.Errorf("import read %d rows, previewed %d", len(res.Receipts), p.Rows), "comments: import")
			}
			return nil
		}
		return s.Consultations.Record(&ch.Change, actor, "comments.imported", false, map[string]any{
			"count": p.Rows, "sha256": p.SHA256, "format": p.Format, "encoding": p.Encoding, "state": string(c.State)})
	}
	for attempt := 0; attempt < 3; attempt++ { // a receipt code collision (one in 2^60 per row) draws again
		if err = s.run(ctx, actor, consultationID, consultation.ActOffline, build); !errors.Is(err, ErrDuplicateKey) {
			break
		}
	}
	switch {
	case errors.Is(err, ErrChangeTooLarge):
		return p, nil, apperr.New(apperr.TooLarge, "import.too_large_for_store", p.Rows)
	case apperr.Is(err, apperr.Invalid) && p != nil && !p.OK():
		return p, nil, err
	case err != nil:
		return nil, nil, err
	}
	if s.OnSubmit != nil {
		s.OnSubmit() // the search index follows from its durable queue
	} else if s.OnChange != nil {
		if c, err := s.Consultations.Store.Consultation(ctx, consultationID); err == nil {
			for _, r := range res.Receipts {
				if cm, err := s.Store.Comment(ctx, r.CommentID); err == nil {
					s.notify(ctx, c, cm)
				}
			}
		}
	}
	return p, res, nil
}

// importedAt tells whether the file with digest sha was imported into the
// consultation, and when (so a form sent twice does not import twice).
func (s *Service) importedAt(ctx context.Context, consultationID, sha string) (string, bool, error) {
	evs, err := s.Consultations.Store.Events(ctx, consultationID)
	if err != nil {
		return "", false, err
	}
	for _, e := range evs {
		if e.Type != "comments.imported" {
			continue
		}
		var pl struct {
			SHA256 string `json:"sha256"`
		}
		if json.Unmarshal(e.Payload, &pl) == nil && pl.SHA256 == sha {
			return consultation.FormatDateTime(e.At), true, nil
		}
	}
	return "", false, nil
}

// ImportReceipts returns the receipts of the rows imported from the file
// with digest sha, in row order. Errors: Forbidden (not the owning
// department), NotFound (no such import).
func (s *Service) ImportReceipts(ctx context.Context, actor auth.Principal, consultationID, sha string) (*ImportResult, error) {
	c, err := s.manage(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	sha = strings.ToLower(strings.TrimSpace(sha))
	if _, done, err := s.importedAt(ctx, c.ID, sha); err != nil {
		return nil, err
	} else if !done {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	res := &ImportResult{SHA256: sha}
	f := Filter{ConsultationID: c.ID, Limit: 500}
	for {
		page, next, err := s.Store.Comments(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, cm := range page {
			if cm.Import != nil && cm.Import.SHA256 == sha {
				res.Receipts = append(res.Receipts, ImportReceipt{Row: cm.Import.Row, Code: cm.Receipt, CommentID: cm.ID})
			}
		}
		if next == "" || len(page) == 0 {
			break
		}
		f.Cursor = next
	}
	sortReceipts(res.Receipts)
	res.Count = len(res.Receipts)
	return res, nil
}

func sortReceipts(rs []ImportReceipt) {
	slices.SortFunc(rs, func(a, b ImportReceipt) int { return a.Row - b.Row })
}

// WriteCSV writes the receipts as CSV in UTF-8 with a BOM (so that Excel
// reads the Chinese headings): row, receipt code, comment id.
func (r *ImportResult) WriteCSV(w io.Writer, lang i18n.Lang) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(utf8BOM)
	cw := csv.NewWriter(bw)
	cw.Write([]string{i18n.T(lang, "import.csv_row"), i18n.T(lang, "import.csv_receipt"), i18n.T(lang, "import.csv_comment")})
	for _, rc := range r.Receipts {
		cw.Write([]string{strconv.Itoa(rc.Row), rc.Code, rc.CommentID})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
