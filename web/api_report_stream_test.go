package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"yugongkai/comments"
	"yugongkai/storetest"
)

// TestReportStreamedAndPaged exports a report of many export pages (the
// service reads 7 rows at a time here) as CSV and JSON, and pages it on
// the report page (SQLite: 100 rows a page): every row
// once, numbered in order, whole draft first and then the articles in the
// draft's order, the same rows in all three.
func TestReportStreamedAndPaged(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id := e.openForPages(w, draftBody(shortText))
		arts := e.articleIDs(id)
		e.comments.ExportPage = 7
		n := 230
		if e.store == "mongodb" {
			n = 20 // FerretDB is slow; still three export pages
		}
		var list []*comments.Comment
		for i := 0; i < n; i++ {
			body := fmt.Sprintf("第%04d位居民：建议明确登记期限。", i)
			article := ""
			if i%3 > 0 {
				article = arts[i%len(arts)]
			}
			c := storetest.NewComment(id, comments.ExactGroupID(article, body), body, T0.Add(time.Duration(n-i)*time.Second))
			c.ArticleID = article
			list = append(list, c)
		}
		if err := e.comments.Store.Commit(context.Background(), &comments.Change{ForConsultation: id, Insert: list}); err != nil {
			t.Fatal(err)
		}
		order := map[string]int{"总体意见": 0}
		for i := range arts {
			order[fmt.Sprintf("第%s条", []string{"一", "二", "三", "四", "五"}[i])] = i + 1
		}

		r := e.want(e.do("GET", "/api/v1/consultations/"+id+"/report.csv", w.staffA, nil), 200, "csv")
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Body), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		// The table ends with the people by category (comments.CategoryRows),
		// lines without a number.
		cats := 0
		for len(recs) > 0 && recs[len(recs)-1][0] == "" {
			recs, cats = recs[:len(recs)-1], cats+1
		}
		if len(recs) != n+1 || cats == 0 {
			t.Fatalf("csv: %d lines and %d category lines, want a header, %d rows and the categories", len(recs), cats, n)
		}
		seen := map[string]bool{}
		last := -1
		for i, rec := range recs[1:] {
			if rec[0] != strconv.Itoa(i+1) {
				t.Fatalf("csv row %d numbered %s", i+1, rec[0])
			}
			o, ok := order[rec[2]]
			if !ok || o < last {
				t.Fatalf("csv row %d on %q after article %d", i+1, rec[2], last)
			}
			last = o
			if seen[rec[3]] {
				t.Fatalf("csv row %d repeats %q", i+1, rec[3])
			}
			seen[rec[3]] = true
		}

		r = e.want(e.do("GET", "/api/v1/consultations/"+id+"/report", w.staffA, nil), 200, "json")
		var rep comments.Report
		if err := json.Unmarshal(r.Body, &rep); err != nil {
			t.Fatalf("json: %v", err)
		}
		if len(rep.Rows) != n || rep.Received != n || rep.Rows[n-1].Summary != recs[n][3] {
			t.Fatalf("json: %d rows, received %d; want %d and the CSV's last row", len(rep.Rows), rep.Received, n)
		}

		if e.store != "sqlite" {
			return
		}
		b := e.browser()
		b.login("staffa", "password-staffa")
		p := b.get("/consultations/"+id+"/report").want(t, 200, "report page")
		if !strings.Contains(p.Body, recs[100][3]) || strings.Contains(p.Body, recs[101][3]) {
			t.Error("the report page does not show exactly the first 100 rows")
		}
		_, next := links(p.Body)
		if next == "" {
			t.Fatal("the report page has no next link")
		}
		p = b.get(next).want(t, 200, "report page 2")
		if !strings.Contains(p.Body, recs[101][3]) || !strings.Contains(p.Body, recs[200][3]) || strings.Contains(p.Body, recs[100][3]) || strings.Contains(p.Body, recs[201][3]) {
			t.Error("page 2 of the report does not show rows 101–200")
		}
		b.get("/consultations/"+id+"/report?after=nonsense").want(t, 400, "garbage cursor")
	})
}
