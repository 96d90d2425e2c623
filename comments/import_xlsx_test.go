package comments_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/spreadsheet"
	"yugongkai/sqlite"
	"yugongkai/storetest"
)

// importTable is the same rows as a CSV and as an XLSX (text cells, in the
// shared-string table as Excel writes them).
func importFiles(t *testing.T, rows [][]string) (csvData, xlsxData []byte) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	var x bytes.Buffer
	if err := spreadsheet.Write(&x, "Sheet1", rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), x.Bytes()
}

// importRows is a file of n rows using every column, with Chinese
// headings and values, a blank row, a multi-line body and a petition.
func importRows(n int) [][]string {
	rows := [][]string{{"意见内容", "收到方式", "收到日期", "条款", "意见人类型", "单位名称", "公开方式", "姓名", "联系电话", "电子邮箱", "联名人数", "代表"}}
	for i := range n {
		r := []string{fmt.Sprintf("来信第%d号：建议明确城区范围。\n第二段：收费标准予以公示。", i), []string{"信函", "email", "座谈会"}[i%3],
			fmt.Sprintf("2026/12/%d", 1+i%10), "", "个人", "", "隐去部分姓名", fmt.Sprintf("王小明%d", i), fmt.Sprintf("1391234%04d", i), "", "", ""}
		if i%4 == 1 {
			r[4], r[5], r[6], r[10], r[11] = "单位", "某村村民委员会", "实名", strconv.Itoa(10+i), "受某村村民委托"
		}
		if i == 2 {
			rows = append(rows, make([]string, len(r))) // blank: skipped
		}
		rows = append(rows, r)
	}
	return rows
}

// stored is what an imported row became, without what differs between
// two imports by design (ids, receipt codes, the file's digest).
func stored(t *testing.T, e *env, c *consultation.Consultation, res *comments.ImportResult) []string {
	t.Helper()
	v, err := e.db.Consultations().Version(ctx, c.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range res.Receipts {
		cm, err := e.db.Comments().CommentByReceipt(ctx, r.Code)
		if err != nil {
			t.Fatalf("receipt %s: %v", r.Code, err)
		}
		a, _ := v.Article(cm.ArticleID) // ids differ between consultations, labels do not
		out = append(out, fmt.Sprintf("row %d=%d: %q %s %s art=%q %s org=%q %s name=%q tel=%q mail=%q sig=%d for=%q %s",
			r.Row, cm.Import.Row, cm.Body, cm.Channel, cm.ReceivedAt.Format(time.RFC3339), a.Label, cm.CommenterType,
			cm.OrganizationName, cm.Display, cm.RealName, cm.ContactPhone, cm.ContactEmail, cm.Signatories, cm.OnBehalfOf, cm.Status))
	}
	return out
}

// importTemps lists the import's temporary files in dir: the spool and
// excelize's unzipped parts.
func importTemps(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "yugongkai-importspool-") || strings.HasPrefix(e.Name(), "excelize-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// An XLSX imports exactly as the same rows as CSV: the same preview, the
// same receipts' rows, the same comments; its bad rows get the same
// report. The XLSX's second reading comes from the spool, which is gone
// when Import returns.
func TestImportXLSXMatchesCSV(t *testing.T) {
	e := newEnv(t)
	cs := []*consultation.Consultation{e.open(t, false), e.open(t, false), e.open(t, false), e.open(t, false)}
	e.now = T0.Add(15 * 24 * time.Hour)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	v, err := e.db.Consultations().Version(ctx, cs[0].ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	art := v.Articles()[1].Label

	rows := importRows(40)
	rows[5][3] = art
	csvData, xlsxData := importFiles(t, rows)
	var got [3][]string
	for i, data := range [][]byte{csvData, xlsxData, xlsxData} {
		if i == 2 { // no spool (the temporary directory refuses it): the workbook is read twice
			t.Setenv("TMPDIR", filepath.Join(tmp, "missing"))
		}
		c := cs[i+1]
		p, err := e.svc.PreviewImport(ctx, staff, c.ID, data)
		if err != nil || !p.OK() || p.Rows != 40 {
			t.Fatalf("preview %d = %+v, %v", i, p, err)
		}
		_, res, err := e.svc.Import(ctx, staff, c.ID, data, p.SHA256)
		if err != nil {
			t.Fatalf("import %d: %v", i, err)
		}
		if res.Count != 40 || len(res.Receipts) != 40 {
			t.Fatalf("import %d = %d rows, %d receipts", i, res.Count, len(res.Receipts))
		}
		got[i] = stored(t, e, c, res)
		if left := importTemps(t, tmp); len(left) > 0 {
			t.Errorf("import %d left %v", i, left)
		}
	}
	for i := range 2 {
		if !slices.Equal(got[0], got[i+1]) {
			t.Errorf("CSV and XLSX (%d) imports differ:\n%s\n---\n%s", i, strings.Join(got[0], "\n"), strings.Join(got[i+1], "\n"))
		}
	}
	t.Setenv("TMPDIR", tmp)
	if !strings.Contains(got[1][2], "row 5=5") || !strings.Contains(got[1][3], art) {
		t.Errorf("rows after the blank one: %s", got[1][2:4])
	}

	bad := importRows(6)
	bad[2][0] = ""                     // row 3: body required (row 4 stays blank)
	bad[4][1], bad[4][2] = "fax", "x"  // row 5: channel, date
	bad[5][3] = "第九十九条"                // row 6: article
	bad[6][8], bad[6][9] = "12", "no@" // row 7: phone, email
	csvData, xlsxData = importFiles(t, bad)
	c := cs[0]
	var report [2]string
	for i, data := range [][]byte{csvData, xlsxData} {
		p, err := e.svc.PreviewImport(ctx, staff, c.ID, data)
		if err != nil {
			t.Fatal(err)
		}
		var errs []string
		for _, r := range p.Errors {
			errs = append(errs, fmt.Sprintf("%d/%s/%s:%s%v", r.Row, r.Column, r.Field, r.Key, r.Args))
		}
		report[i] = fmt.Sprintf("%d rows: %s", p.Rows, strings.Join(errs, " "))
		p2, res, err := e.svc.Import(ctx, staff, c.ID, data, p.SHA256)
		wantKind(t, "import with bad rows", err, apperr.Invalid)
		if res != nil || p2 == nil || len(p2.Errors) != len(p.Errors) {
			t.Errorf("import %d with bad rows = %+v, %+v", i, p2, res)
		}
		if left := importTemps(t, tmp); len(left) > 0 {
			t.Errorf("failed import %d left %v", i, left)
		}
	}
	if report[0] != report[1] || strings.Count(report[0], "/") < 2*6 {
		t.Errorf("reports differ or miss errors:\nCSV  %s\nXLSX %s", report[0], report[1])
	}
	if n, _ := e.db.Comments().LogSize(ctx, c.ID); n != 0 {
		t.Errorf("bad imports stored %d comments", n)
	}
}

// An XLSX import whose commit fails in the stream stores nothing and
// removes its spool (which the stream was reading from).
func TestImportXLSXSpoolRemovedOnFailure(t *testing.T) {
	var armed, sawSpool atomic.Bool
	var tmp string
	e := newEnv(t, sqlite.WithFaults(func(op string) error {
		if !armed.Load() || !strings.HasPrefix(op, "INSERT INTO comments ") {
			return nil
		}
		if ents, _ := os.ReadDir(tmp); slices.ContainsFunc(ents, func(e os.DirEntry) bool {
			return strings.HasPrefix(e.Name(), "yugongkai-importspool-") && strings.HasSuffix(e.Name(), ".spool")
		}) {
			sawSpool.Store(true)
		}
		return storetest.ErrInjected
	}))
	c := e.open(t, false)
	e.now = T0.Add(15 * 24 * time.Hour)
	tmp = t.TempDir()
	t.Setenv("TMPDIR", tmp)
	_, data := importFiles(t, importRows(30))
	p, err := e.svc.PreviewImport(ctx, staff, c.ID, data)
	if err != nil || !p.OK() {
		t.Fatalf("preview: %+v, %v", p, err)
	}
	armed.Store(true)
	_, res, err := e.svc.Import(ctx, staff, c.ID, data, p.SHA256)
	armed.Store(false)
	if !errors.Is(err, storetest.ErrInjected) || res != nil {
		t.Fatalf("failing import = %+v, %v", res, err)
	}
	if !sawSpool.Load() {
		t.Error("no spool file while the stream was written")
	}
	if left := importTemps(t, tmp); len(left) > 0 {
		t.Errorf("failed import left %v", left)
	}
	if n, _ := e.db.Comments().LogSize(ctx, c.ID); n != 0 {
		t.Errorf("failed import stored %d comments", n)
	}
	if _, res, err = e.svc.Import(ctx, staff, c.ID, data, p.SHA256); err != nil || res.Count != 30 {
		t.Fatalf("import after the fault = %+v, %v", res, err)
	}
	if left := importTemps(t, tmp); len(left) > 0 {
		t.Errorf("import left %v", left)
	}
}
