package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"yugongkai/comments"
)

// upload posts a multipart import request: the file and form fields.
func (e *env) upload(path, tok string, data []byte, fields map[string]string, header ...string) response {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if data != nil {
		fw, _ := w.CreateFormFile("file", "comments.csv")
		fw.Write(data)
	}
	w.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := e.srv.App.Test(req, -1)
	if err != nil {
		e.t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	r := response{Status: res.StatusCode, Header: res.Header}
	var raw bytes.Buffer
	raw.ReadFrom(res.Body)
	r.Body = raw.Bytes()
	_ = json.Unmarshal(r.Body, &r.JSON)
	return r
}

type previewJSON struct {
	SHA256    string `json:"sha256"`
	Format    string `json:"format"`
	Encoding  string `json:"encoding"`
	Converted bool   `json:"converted"`
	Rows      int    `json:"rows"`
	OK        bool   `json:"ok"`
	Errors    []struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

func decodePreview(t *testing.T, raw []byte) previewJSON {
	t.Helper()
	var p previewJSON
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("preview: %v: %s", err, raw)
	}
	return p
}

type receiptsJSON struct {
	SHA256   string `json:"sha256"`
	Count    int    `json:"count"`
	Receipts []struct {
		Row       int    `json:"row"`
		Receipt   string `json:"receipt"`
		CommentID string `json:"comment_id"`
	} `json:"receipts"`
}

// letters is a CSV of n letters received on 2026-12-01.
func letters(n int) string {
	var b strings.Builder
	b.WriteString("意见内容,收到方式,收到日期,姓名,公开方式\n")
	for i := range n {
		fmt.Fprintf(&b, "来信%d：建议明确城区范围。,信函,2026-12-01,王小明,masked\n", i)
	}
	return b.String()
}

// xlsxFile builds a workbook; a cell value starting with "=" is set as a
// formula.
func xlsxFile(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			var err error
			if strings.HasPrefix(v, "=") {
				err = f.SetCellFormula("Sheet1", cell, v[1:])
			} else {
				err = f.SetCellStr("Sheet1", cell, v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportAPI(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, nil)
		path := "/api/v1/consultations/" + id + "/comments/import"
		stored := func() int { return len(e.staffComments(w.staffA, id)) }

		t.Run("GB18030", func(t *testing.T) {
			gb, err := simplifiedchinese.GB18030.NewEncoder().String(letters(2))
			if err != nil {
				t.Fatal(err)
			}
			p := decodePreview(t, e.want(e.upload(path, w.staffA, []byte(gb), nil), 200, "preview GB18030").Body)
			if !p.OK || !p.Converted || p.Encoding != "gb18030" || p.Rows != 2 || p.Format != "csv" {
				t.Errorf("preview = %+v", p)
			}
			if n := stored(); n != 0 {
				t.Errorf("a preview stored %d comments", n)
			}
		})

		t.Run("BadRows", func(t *testing.T) {
			data := "body,channel,received_on,article_id,contact_email\n" +
				"好的建议,letter,2026-12-01,,\n" +
				",letter,2026-12-01,,\n" +
				"x,fax,2027-03-01,no-such-article,not-an-email\n"
			p := decodePreview(t, e.want(e.upload(path, w.staffA, []byte(data), nil, "Accept-Language", "en"), 200, "preview bad rows").Body)
			var got []string
			for _, r := range p.Errors {
				got = append(got, fmt.Sprintf("%d/%s/%s", r.Row, r.Column, r.Code))
				if r.Message == "" || strings.Contains(r.Message, ".") && strings.HasPrefix(r.Message, r.Code) {
					t.Errorf("row %d: message %q is not localized", r.Row, r.Message)
				}
			}
			want := "3/body/field.required 4/article_id/comments.article_not_in_version 4/contact_email/field.email 4/channel/field.invalid_choice 4/received_on/comments.received_in_future"
			if strings.Join(got, " ") != want {
				t.Errorf("errors = %v\nwant     %s", got, want)
			}
			if p.OK || p.Rows != 3 {
				t.Errorf("preview = %+v", p)
			}
			r := e.want(e.upload(path, w.staffA, []byte(data), map[string]string{"confirm": "true", "sha256": p.SHA256}), 422, "commit bad rows")
			if r.errCode() != "invalid" || !strings.Contains(r.errMessage(), "5") {
				t.Errorf("commit bad rows: %s", r.Body)
			}
			if n := stored(); n != 0 {
				t.Errorf("a refused import stored %d comments", n)
			}
		})

		t.Run("XLSX", func(t *testing.T) {
			head := []string{"body", "channel", "received_on", "article_id", "display"}
			withFormula := xlsxFile(t, [][]string{head, {"座谈会记录：建议延长过渡期。", "symposium", "2026-12-01", art, "anonymous"},
				{"=CONCATENATE(\"a\",\"b\")", "letter", "2026-12-01", "", "anonymous"}})
			p := decodePreview(t, e.want(e.upload(path, w.staffA, withFormula, nil), 200, "preview formula").Body)
			if p.OK || len(p.Errors) != 1 || p.Errors[0].Row != 3 || p.Errors[0].Column != "body" || p.Errors[0].Code != "import.formula" {
				t.Errorf("formula preview = %+v", p)
			}
			data := xlsxFile(t, [][]string{head, {"座谈会记录：建议延长过渡期。", "symposium", "2026-12-01", art, "anonymous"},
				{"请愿书（附 312 人签名）：反对收费。", "信函", "2026-12-01", "", "匿名"}})
			p = decodePreview(t, e.want(e.upload(path, w.staffA, data, nil), 200, "preview xlsx").Body)
			if !p.OK || p.Format != "xlsx" || p.Rows != 2 {
				t.Fatalf("xlsx preview = %+v", p)
			}
			r := e.want(e.upload(path, w.staffA, data, map[string]string{"confirm": "true", "sha256": p.SHA256}), 201, "import xlsx")
			var res receiptsJSON
			json.Unmarshal(r.Body, &res)
			if res.Count != 2 || len(res.Receipts) != 2 || res.Receipts[0].Row != 2 || res.Receipts[1].Row != 3 {
				t.Fatalf("receipts = %s", r.Body)
			}
			e.want(e.upload(path, w.staffA, data, map[string]string{"confirm": "true", "sha256": p.SHA256}), 409, "same file again")

			// The receipts CSV lists every row; each receipt is found.
			csvRes := e.want(e.do("GET", "/api/v1/consultations/"+id+"/imports/"+p.SHA256+"/receipts.csv", w.staffA, nil), 200, "receipts csv")
			if !bytes.HasPrefix(csvRes.Body, []byte("\xEF\xBB\xBF")) || !strings.HasPrefix(csvRes.Header.Get("Content-Type"), "text/csv") {
				t.Errorf("receipts csv: no BOM or type %q", csvRes.Header.Get("Content-Type"))
			}
			recs, err := csv.NewReader(bytes.NewReader(csvRes.Body[3:])).ReadAll()
			if err != nil || len(recs) != 3 {
				t.Fatalf("receipts csv: %v %q", err, recs)
			}
			for i, rec := range recs[1:] {
				if rec[1] != res.Receipts[i].Receipt || rec[0] != fmt.Sprint(res.Receipts[i].Row) {
					t.Errorf("csv row %d = %v, want %+v", i, rec, res.Receipts[i])
				}
				got := e.want(e.do("GET", "/api/v1/receipts/"+rec[1], "", nil), 200, "receipt "+rec[1])
				if !strings.Contains(string(got.Body), rec[1]) {
					t.Errorf("receipt %s: %s", rec[1], got.Body)
				}
			}
			e.want(e.do("GET", "/api/v1/consultations/"+id+"/imports/"+p.SHA256+"/receipts.csv", w.staffB, nil), 403, "other department's receipts")
			if n := stored(); n != 2 {
				t.Errorf("stored %d comments, want 2", n)
			}
		})

		t.Run("CSVReceiptsOnCommit", func(t *testing.T) {
			data := []byte("\xEF\xBB\xBF" + letters(3))
			p := decodePreview(t, e.want(e.upload(path, w.staffA, data, nil), 200, "preview").Body)
			r := e.want(e.upload(path, w.staffA, data, map[string]string{"confirm": "1", "sha256": p.SHA256}, "Accept", "text/csv"), 201, "import")
			recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xEF\xBB\xBF")))).ReadAll()
			if err != nil || len(recs) != 4 || !strings.HasPrefix(recs[1][1], "YGK-") {
				t.Errorf("receipts csv on commit: %v %q", err, recs)
			}
		})

		t.Run("FileErrors", func(t *testing.T) {
			before := stored()
			big := bytes.Repeat([]byte("a"), comments.MaxImportBytes+10)
			for _, tc := range []struct {
				name   string
				tok    string
				data   []byte
				fields map[string]string
				status int
				code   string
			}{
				{"no file", w.staffA, nil, nil, 422, "invalid"},
				{"empty", w.staffA, []byte{}, nil, 422, "invalid"},
				{"missing column", w.staffA, []byte("body,channel\nx,letter\n"), nil, 422, "invalid"},
				{"unknown column", w.staffA, []byte("body,channel,received_on,bdy\nx,letter,2026-12-01,y\n"), nil, 422, "invalid"},
				{"invalid UTF-8", w.staffA, []byte("\xEF\xBB\xBFbody,channel,received_on\n\xff,letter,2026-12-01\n"), nil, 400, "bad_request"},
				{"over 50 MiB", w.staffA, big, nil, 413, "too_large"},
				{"another file's digest", w.staffA, []byte(letters(1)), map[string]string{"confirm": "true", "sha256": strings.Repeat("a", 64)}, 409, "conflict"},
				{"a resident", w.resident, []byte(letters(1)), nil, 403, "forbidden"},
				{"another department", w.staffB, []byte(letters(1)), nil, 403, "forbidden"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := e.upload(path, tc.tok, tc.data, tc.fields)
					if r.Status != tc.status || r.errCode() != tc.code || r.errMessage() == "" {
						t.Errorf("status %d %s, want %d %s: %.300s", r.Status, r.errCode(), tc.status, tc.code, r.Body)
					}
				})
			}
			if n := stored(); n != before {
				t.Errorf("refused files stored %d comments", n-before)
			}
		})
	})
}

// A commit that fails in the middle stores nothing, and the same file
// imports once the store works again.
func TestImportCommitFailure(t *testing.T) {
	for _, store := range stores {
		t.Run(store, func(t *testing.T) {
			var armed atomic.Bool
			var seen atomic.Int64
			injected := errors.New("injected fault")
			e := newFaultEnv(t, store, func(op string) error {
				if !armed.Load() {
					return nil
				}
				// SQLite: the 20th comment insert; MongoDB: the log record,
				// the one write that decides.
				if strings.HasPrefix(op, "INSERT INTO comments ") && seen.Add(1) == 20 || op == "insert commits" {
					return injected
				}
				return nil
			})
			w := e.world()
			id, _ := e.openConsultation(w, nil)
			path := "/api/v1/consultations/" + id + "/comments/import"
			data := []byte(letters(50))
			p := decodePreview(t, e.want(e.upload(path, w.staffA, data, nil), 200, "preview").Body)
			armed.Store(true)
			r := e.upload(path, w.staffA, data, map[string]string{"confirm": "true", "sha256": p.SHA256})
			armed.Store(false)
			if r.Status != 500 {
				t.Fatalf("import with a failing store: %d %s", r.Status, r.Body)
			}
			if n := len(e.staffComments(w.staffA, id)); n != 0 {
				t.Fatalf("a failed import stored %d comments", n)
			}
			if size, err := e.comments.Store.LogSize(context.Background(), id); err != nil || size != 0 {
				t.Errorf("log size after a failed import: %d, %v", size, err)
			}
			evs := e.want(e.do("GET", "/api/v1/consultations/"+id+"/history", w.staffA, nil), 200, "history")
			if strings.Contains(string(evs.Body), "comments.imported") {
				t.Errorf("a failed import left its event")
			}
			r = e.want(e.upload(path, w.staffA, data, map[string]string{"confirm": "true", "sha256": p.SHA256}), 201, "import after the fault")
			if n := len(e.staffComments(w.staffA, id)); n != 50 {
				t.Errorf("stored %d comments, want 50", n)
			}
		})
	}
}

// rowLimitless hides a store's per-import row limit.
type rowLimitless struct{ comments.Store }

// A file larger than MongoDB commits at once (one 15 MiB log record) is
// refused with a clear error and stores nothing; SQLite imports it.
func TestImportTooLargeForOneRecord(t *testing.T) {
	long := strings.Repeat("建议", 1000) // 2,000 characters, 6 KB
	var b strings.Builder
	b.WriteString("body,channel,received_on,display\n")
	for i := range 1400 {
		fmt.Fprintf(&b, "%s%d,letter,2026-12-01,anonymous\n", long, i)
	}
	data := []byte(b.String())
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, nil)
		path := "/api/v1/consultations/" + id + "/comments/import"
		if e.store == "mongodb" {
			// The per-import row limit refuses the file at the preview.
			r := e.upload(path, w.staffA, data, nil, "Accept-Language", "en")
			if r.Status != 413 || !strings.Contains(r.errMessage(), "at most 100") {
				t.Errorf("preview over MongoDB's row limit: %d %s", r.Status, r.Body)
			}
			// The record limit holds even without the row limit.
			e.comments.Store = rowLimitless{e.comments.Store}
		}
		p := decodePreview(t, e.want(e.upload(path, w.staffA, data, nil), 200, "preview").Body)
		r := e.upload(path, w.staffA, data, map[string]string{"confirm": "true", "sha256": p.SHA256}, "Accept-Language", "en")
		size, err := e.comments.Store.LogSize(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		switch e.store {
		case "mongodb":
			if r.Status != 413 || r.errCode() != "too_large" || !strings.Contains(r.errMessage(), "Split the file") {
				t.Errorf("too large for one record: %d %s", r.Status, r.Body)
			}
			if size != 0 {
				t.Errorf("a refused import stored %d comments", size)
			}
		default:
			if r.Status != 201 || size != 1400 {
				t.Errorf("import of 1,400 long rows: %d, %d stored; %.200s", r.Status, size, r.Body)
			}
		}
	})
}
