package comments_test

import (
	"strings"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/comments"
)

// TestPetitionTotals: a petition entered offline and one imported are one
// comment each, and the report's totals equal the sum of signatories.
func TestPetitionTotals(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	e.now = T0.Add(3 * 24 * time.Hour)
	online, err := e.svc.Submit(ctx, resident, c.ID, comments.Submission{Body: "赞成。", RealName: "张小祥"}, "")
	if err != nil {
		t.Fatal(err)
	}
	petition, err := e.svc.EnterOffline(ctx, staff, c.ID, comments.OfflineSubmission{
		Submission: comments.Submission{Body: "联名信：请保留城区遛犬时段。", Display: comments.Anonymous, OnBehalfOf: "某社区居民"},
		Channel:    comments.Letter, ReceivedOn: "2026-12-02", Signatories: 312})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.EnterOffline(ctx, staff, c.ID, comments.OfflineSubmission{
		Submission: comments.Submission{Body: "x"}, Channel: comments.Letter, ReceivedOn: "2026-12-02", Signatories: -3})
	wantKind(t, "negative signatories", err, apperr.Invalid)

	csv := "意见内容,收到方式,收到日期,联名人数,意见人类型,单位名称,公开方式\n" +
		"建议设立宠物友好公园。,信函,2026-12-02,1024,行业协会,县宠物行业协会,实名\n" +
		"支持登记制度。,电子邮件,2026-12-02,,企业,某宠物医院,\n"
	p, err := e.svc.PreviewImport(ctx, staff, c.ID, []byte(csv))
	if err != nil || !p.OK() {
		t.Fatalf("preview = %+v, %v", p, err)
	}
	if _, _, err := e.svc.Import(ctx, staff, c.ID, []byte(csv), p.SHA256); err != nil {
		t.Fatal(err)
	}
	bad := "意见内容,收到方式,收到日期,联名人数\n请考虑。,信函,2026-12-02,很多\n"
	p, err = e.svc.PreviewImport(ctx, staff, c.ID, []byte(bad))
	if err != nil || p.OK() || p.Errors[0].Field != "signatories" {
		t.Fatalf("preview of a bad count = %+v, %v", p, err)
	}

	r, err := e.svc.Report(ctx, staff, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	const people = 1 + 312 + 1024 + 1
	if r.Received != people || r.Published != people || r.Submissions != 4 {
		t.Errorf("received %d, published %d, submissions %d; want %d, %d, 4", r.Received, r.Published, r.Submissions, people, people)
	}
	if got := r.ByChannel[comments.Letter]; got != 312+1024 {
		t.Errorf("by channel letter = %d, want %d", got, 312+1024)
	}
	sum := 0
	for _, n := range r.ByCategory {
		sum += n
	}
	if sum != people || r.ByCategory[comments.IndustryAssociation] != 1024 || r.ByCategory[comments.Enterprise] != 1 {
		t.Errorf("by category = %v, want a total of %d", r.ByCategory, people)
	}
	if r.Undisposed != people {
		t.Errorf("undisposed = %d, want %d", r.Undisposed, people)
	}
	var rows []string
	for _, row := range r.Rows {
		if row.Signatories > 0 {
			rows = append(rows, row.Commenter+"/"+row.Summary[:3])
		}
	}
	if len(rows) != 2 {
		t.Errorf("rows with signatories = %v, want the two petitions", rows)
	}
	table := r.Table("zh-CN")
	var csvText strings.Builder
	for _, rec := range table {
		csvText.WriteString(strings.Join(rec, ",") + "\n")
	}
	if got := csvText.String(); !strings.Contains(got, "联名 312 人") || !strings.Contains(got, ",行业协会、商会,,,1024,") ||
		!strings.Contains(got, ",合计（人）,,,1338,") {
		t.Errorf("report table lacks the petition or the breakdown:\n%s", got)
	}
	for i, rec := range table {
		if len(rec) != len(table[0]) {
			t.Errorf("table row %d has %d cells, the header %d", i, len(rec), len(table[0]))
		}
	}
	cm, err := e.db.Comments().CommentByReceipt(ctx, petition.Code)
	if err != nil || cm.Signatories != 312 || cm.Public().Signatories != 312 {
		t.Fatalf("petition = %+v, %v", cm, err)
	}
	if cm.Public().OnBehalfOf != "" {
		t.Errorf("anonymous petition shows on behalf of %q", cm.Public().OnBehalfOf)
	}
	if cm, _ := e.db.Comments().CommentByReceipt(ctx, online.Code); cm.Public().Signatories != 0 {
		t.Errorf("one person's comment shows %d signatories", cm.Public().Signatories)
	}
}

// TestCategories: every category of the table is accepted; an organization
// category needs its name and shows it, a person category is masked.
func TestCategories(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	for _, cat := range comments.Categories {
		t.Run(string(cat.Type), func(t *testing.T) {
			in := comments.Submission{Body: "意见：" + string(cat.Type), CommenterType: cat.Type, RealName: "王小明",
				OnBehalfOf: "选区选民 13812345678"}
			if !cat.NeedsOrganization {
				in.OrganizationName = "县第一中学" // a person's unit, not shown
			}
			_, err := e.svc.Submit(ctx, resident, c.ID, in, "")
			if cat.NeedsOrganization {
				wantKind(t, "no organization name", err, apperr.Invalid)
				in.OrganizationName = "某县" + string(cat.Type)
				_, err = e.svc.Submit(ctx, resident, c.ID, in, "")
			}
			if err != nil {
				t.Fatal(err)
			}
			list, _, err := e.db.Comments().Comments(ctx, comments.Filter{ConsultationID: c.ID, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			var p comments.PublicComment
			for _, cm := range list {
				if cm.Body == in.Body {
					p = cm.Public()
				}
			}
			want := "王*明"
			if !cat.Person {
				want = in.OrganizationName
			}
			if p.Name != want || p.CommenterType != cat.Type {
				t.Errorf("public name, type = %q, %q; want %q, %q", p.Name, p.CommenterType, want, cat.Type)
			}
			if strings.Contains(p.OnBehalfOf, "13812345678") || !strings.HasPrefix(p.OnBehalfOf, "选区选民") {
				t.Errorf("public on behalf of = %q, want it with the phone masked", p.OnBehalfOf)
			}
		})
	}
	_, err := e.svc.Submit(ctx, resident, c.ID, comments.Submission{Body: "x", CommenterType: "alien", RealName: "王小明"}, "")
	wantKind(t, "unknown category", err, apperr.Invalid)
}
