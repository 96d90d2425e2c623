package comments_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/internal/cputime"
	"yugongkai/sqlite"
	"yugongkai/storetest"
)

// importCSV is a CSV file of n valid rows (UTF-8, no BOM).
func importCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("body,channel,received_on,real_name,display,contact_phone\n")
	for i := range n {
		fmt.Fprintf(&b, "\"来信第%d号：建议明确城区范围，并对犬只登记收费标准予以公示，便于群众监督。\",letter,2026-12-%02d,王小明%d,masked,1391234%04d\n", i, 1+i%10, i%100, i%10000)
	}
	return b.Bytes()
}

func TestImport(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	e.now = T0.Add(15 * 24 * time.Hour)

	t.Run("OK", func(t *testing.T) {
		data := importCSV(5)
		p, err := e.svc.PreviewImport(ctx, staff, c.ID, data)
		if err != nil {
			t.Fatal(err)
		}
		if p.Rows != 5 || !p.OK() || p.Encoding != comments.EncodingUTF8 || p.Converted {
			t.Fatalf("preview = %+v", p)
		}
		if n, _ := e.db.Comments().LogSize(ctx, c.ID); n != 0 {
			t.Fatalf("preview stored %d comments", n)
		}
		b0, w0 := e.db.WriteStats()
		_, res, err := e.svc.Import(ctx, staff, c.ID, data, p.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if b1, w1 := e.db.WriteStats(); w1-w0 != 1 || b1-b0 != 1 {
			t.Errorf("import took %d writes in %d transactions, want 1 in 1", w1-w0, b1-b0)
		}
		if res.Count != 5 || len(res.Receipts) != 5 || res.Receipts[0].Row != 2 {
			t.Fatalf("result = %+v", res)
		}
		for _, r := range res.Receipts {
			cm, err := e.db.Comments().CommentByReceipt(ctx, r.Code)
			if err != nil {
				t.Fatalf("receipt %s: %v", r.Code, err)
			}
			if cm.Channel != comments.Letter || cm.Import == nil || cm.Import.Row != r.Row || cm.EnteredBy != staff.UserID {
				t.Errorf("comment of row %d = %+v", r.Row, cm)
			}
		}
		if n, _ := e.db.Comments().LogSize(ctx, c.ID); n != 5 {
			t.Errorf("log holds %d leaves, want 5", n)
		}
		evs, _ := e.db.Consultations().Events(ctx, c.ID)
		last := evs[len(evs)-1]
		if last.Type != "comments.imported" || !strings.Contains(string(last.Payload), p.SHA256) || !strings.Contains(string(last.Payload), `"count":5`) {
			t.Errorf("last event = %s %s", last.Type, last.Payload)
		}
		got, err := e.svc.ImportReceipts(ctx, staff, c.ID, p.SHA256)
		if err != nil || got.Count != 5 || got.Receipts[4] != res.Receipts[4] {
			t.Errorf("ImportReceipts = %+v, %v", got, err)
		}
		_, _, err = e.svc.Import(ctx, staff, c.ID, data, p.SHA256)
		wantKind(t, "second import of the same file", err, apperr.Conflict)
		_, err = e.svc.PreviewImport(ctx, other, c.ID, data)
		wantKind(t, "preview by another department", err, apperr.Forbidden)
	})

	t.Run("ErrDigest", func(t *testing.T) {
		_, _, err := e.svc.Import(ctx, staff, c.ID, importCSV(2), strings.Repeat("0", 64))
		wantKind(t, "import with another file's digest", err, apperr.Conflict)
	})

	t.Run("BadRows", func(t *testing.T) {
		data := []byte("意见内容,收到方式,收到日期,条款\n" +
			"好,信函,2026/12/3,\n" + // valid: Chinese headings and values, slashed date
			",letter,2026-12-03,\n" + // row 3: body required
			"x,fax,2027-02-01,第九十九条\n") // row 4: channel, date after close, article
		p, err := e.svc.PreviewImport(ctx, staff, c.ID, data)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range p.Errors {
			got = append(got, r.Column+"@"+strconv.Itoa(r.Row)+":"+r.Key)
		}
		want := []string{"意见内容@3:field.required", "条款@4:comments.article_not_in_version", "收到方式@4:field.invalid_choice", "收到日期@4:comments.received_in_future"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("errors = %v, want %v", got, want)
		}
		before, _ := e.db.Comments().LogSize(ctx, c.ID)
		p2, res, err := e.svc.Import(ctx, staff, c.ID, data, p.SHA256)
		wantKind(t, "import with bad rows", err, apperr.Invalid)
		if res != nil || p2 == nil || len(p2.Errors) != 4 {
			t.Errorf("import with bad rows = %+v, %+v", p2, res)
		}
		if after, _ := e.db.Comments().LogSize(ctx, c.ID); after != before {
			t.Errorf("bad import stored %d comments", after-before)
		}
	})

	t.Run("GB18030", func(t *testing.T) {
		gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("意见内容,收到方式,收到日期\n请延长过渡期。,座谈会,2026-12-05\n"))
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.svc.PreviewImport(ctx, staff, c.ID, gb)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Converted || p.Encoding != comments.EncodingGB18030 || !p.OK() {
			t.Fatalf("preview = %+v", p)
		}
		_, res, err := e.svc.Import(ctx, staff, c.ID, gb, p.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		cm, _ := e.db.Comments().CommentByReceipt(ctx, res.Receipts[0].Code)
		if cm.Body != "请延长过渡期。" || cm.Channel != comments.Symposium {
			t.Errorf("stored %q via %s", cm.Body, cm.Channel)
		}
	})

	t.Run("FileErrors", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			data []byte
			key  string
		}{
			{"empty", nil, "import.empty"},
			{"BOM only", []byte("\xEF\xBB\xBF\n"), "import.empty"},
			{"headings only", []byte("body,channel,received_on\n"), "import.no_rows"},
			{"missing column", []byte("body,channel\nx,letter\n"), "import.missing_columns"},
			{"unknown column", []byte("body,channel,received_on,bdy\n"), "import.unknown_column"},
			{"repeated column", []byte("body,意见内容,channel,received_on\n"), "import.repeated_column"},
			{"invalid UTF-8 after BOM", []byte("\xEF\xBB\xBFbody,channel,received_on\n\xff\xfe,letter,2026-12-01\n"), "import.bad_utf8"},
			{"neither UTF-8 nor GB18030", []byte("body,channel,received_on\n\xff\xfd\xff,letter,2026-12-01\n"), "import.bad_encoding_line"},
			{"UTF-16", []byte("\xFF\xFEb\x00"), "import.bad_encoding"},
			{"old xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), "import.old_xls"},
			{"broken xlsx", []byte("PK\x03\x04garbage"), "import.bad_xlsx"},
			{"broken quotes", []byte("body,channel,received_on\n\"x,letter,2026-12-01\n"), "import.bad_csv"},
			{"too large", make([]byte, comments.MaxImportBytes+1), "import.too_large"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.svc.PreviewImport(ctx, staff, c.ID, tc.data)
				if got := keyOf(err); got != tc.key {
					t.Errorf("PreviewImport = %v, want key %s", err, tc.key)
				}
			})
		}
	})
}

// An import whose commit fails in the middle of the stream — the first,
// a middle or the last row's write — stores nothing: no comment, no log
// leaf, no event (the same file then imports whole).
func TestImportFailureMidStream(t *testing.T) {
	var armed atomic.Bool
	var k, seen atomic.Int64
	e := newEnv(t, sqlite.WithFaults(func(op string) error {
		if armed.Load() && strings.HasPrefix(op, "INSERT INTO comments ") && seen.Add(1) == k.Load() {
			return storetest.ErrInjected
		}
		return nil
	}))
	c := e.open(t, false)
	e.now = T0.Add(15 * 24 * time.Hour)
	const n = 1500
	data := importCSV(n)
	p, err := e.svc.PreviewImport(ctx, staff, c.ID, data)
	if err != nil || !p.OK() {
		t.Fatalf("preview: %v %+v", err, p)
	}
	for _, at := range []int64{1, n / 2, n} {
		k.Store(at)
		seen.Store(0)
		armed.Store(true)
		_, res, err := e.svc.Import(ctx, staff, c.ID, data, p.SHA256)
		armed.Store(false)
		if !errors.Is(err, storetest.ErrInjected) || res != nil {
			t.Fatalf("import failing at row write %d = %+v, %v", at, res, err)
		}
		if size, _ := e.db.Comments().LogSize(ctx, c.ID); size != 0 {
			t.Errorf("failure at row %d: log holds %d leaves", at, size)
		}
		if list, _, _ := e.db.Comments().Comments(ctx, comments.Filter{ConsultationID: c.ID, Limit: 10}); len(list) != 0 {
			t.Errorf("failure at row %d: %d comments stored", at, len(list))
		}
		_, err = e.svc.ImportReceipts(ctx, staff, c.ID, p.SHA256)
		wantKind(t, "receipts of a failed import", err, apperr.NotFound)
	}
	_, res, err := e.svc.Import(ctx, staff, c.ID, data, p.SHA256)
	if err != nil || res.Count != n || len(res.Receipts) != n {
		t.Fatalf("import after the faults = %+v, %v", res, err)
	}
	if size, _ := e.db.Comments().LogSize(ctx, c.ID); size != n {
		t.Errorf("log holds %d leaves, want %d", size, n)
	}
}

// BenchmarkImport100k imports 100,000 rows (IMPORT_ROWS overrides) into
// one consultation on SQLite with fsync at commit, and reports the seconds
// from the upload's bytes to the durable commit, unpaced, and the commit's
// (Import's) CPU time, allocations and bytes allocated per row. Run it alone:
//
//	go test ./comments -run '^$' -bench Import100k -benchtime 1x
func BenchmarkImport100k(b *testing.B) {
	n := 100_000
	if s := os.Getenv("IMPORT_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	data := importCSV(n)
	for range b.N {
		b.StopTimer()
		e := newEnv(b)
		e.svc.ImportDuty = 1 // the commit's own speed, without its rests (importpace.go)
		c := e.open(b, false)
		e.now = T0.Add(15 * 24 * time.Hour)
		b.StartTimer()
		start := time.Now()
		p, err := e.svc.PreviewImport(ctx, staff, c.ID, data)
		if err != nil || !p.OK() {
			b.Fatalf("preview: %v %+v", err, p.Errors)
		}
		preview, sha := time.Since(start), p.SHA256
		p = nil
		b0, w0 := e.db.WriteStats()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		cpu0 := cputime.Process()
		_, res, err := e.svc.Import(ctx, staff, c.ID, data, sha)
		if err != nil {
			b.Fatal(err)
		}
		total := time.Since(start)
		cpu := cputime.Process() - cpu0
		runtime.ReadMemStats(&m1)
		if b1, w1 := e.db.WriteStats(); w1-w0 != 1 || b1-b0 != 1 {
			b.Fatalf("import took %d writes in %d transactions, want 1 in 1", w1-w0, b1-b0)
		}
		if res.Count != n {
			b.Fatalf("imported %d of %d", res.Count, n)
		}
		b.ReportMetric(preview.Seconds(), "preview-s")
		b.ReportMetric(total.Seconds(), "s/import")
		b.ReportMetric(float64(n)/total.Seconds(), "rows/s")
		b.ReportMetric(float64(cpu)/1e3/float64(n), "commit-cpu-µs/row")
		b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(n), "commit-allocs/row")
		b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(n), "commit-B/row")
	}
}

func keyOf(err error) string {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return ""
	}
	return ae.Key
}
