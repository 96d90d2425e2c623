package web

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/history"
	"yugongkai/i18n"
	"yugongkai/redline"
	"yugongkai/search"
)

// sampleReport is an adoption report with a row of every kind.
func sampleReport(x *consultation.Consultation) *comments.Report {
	return &comments.Report{ConsultationID: x.ID, Title: x.Title, Received: 5, Published: 3, NotPublished: 1, Pending: 1, Undisposed: 1,
		DueOn: "2027-01-29", Overdue: true,
		ByChannel:     map[comments.Channel]int{comments.Online: 4, comments.Letter: 1},
		ByDisposition: map[comments.Outcome]int{comments.Adopted: 1, comments.NotAdopted: 1},
		Articles:      []comments.ArticleCount{{Count: 1}, {ArticleID: "a1", Label: "第一条", Count: 2}},
		Rows: []comments.ReportRow{{No: 1, Anonymous: true, Summary: "总体", Count: 1},
			{No: 2, Commenter: "张*祥", ArticleID: "a1", ArticleLabel: "第一条", Summary: "建议", Count: 2, Outcome: comments.NotAdopted, Reason: "理由"}}}
}

// sampleRedline is a redline with every kind of change, one linked comment
// and one drafting change.
func sampleRedline(v *consultation.Version) redlineView {
	from := consultation.RedlineArticles(v)
	to := append([]redline.Article{}, from...)
	to[0].Text += "修改。"
	to = append(to, redline.Article{ID: "new", Number: 3, Label: "第三条", Text: "第三条　新增。"})
	linked := map[string][]comments.PublicComment{from[0].ID: {{ID: "m1", Body: "意见\n第二段", Name: "张*祥", Count: 2,
		Disposition: &comments.PublicDisposition{Outcome: comments.PartiallyAdopted, Reason: "部分"}}}}
	return buildRedline(redline.Compare(from, to), v, v, linked, true)
}

// addDecisionTemplateData adds representative data of the decision,
// redline, report, history and legal review pages to TestRenderEveryTemplate.
func addDecisionTemplateData(data map[string]any, base func(auth.Principal) pageBase, x *consultation.Consultation, v *consultation.Version) {
	legal := auth.Principal{UserID: "u2", Username: "legal", Role: auth.Legal}
	anyone := base(auth.Principal{})
	opts := []option{{"1", "v1 征求意见稿（2026年12月1日）", true}}
	data["diff"] = diffPageData{pageBase: anyone, C: x, FromOptions: opts, ToOptions: opts, All: true, Single: true, redlineView: sampleRedline(v), JSONURL: "/j", TextURL: "/t"}
	data["report"] = reportPageData{reportSummary: newReportSummary(anyone, x, sampleReport(x)), Articles: []countRow{{Label: "第一条", N: 2, ID: "a1"}, {Label: "总体意见", N: 1}}}
	ev := history.Event{Consultation: x.ID, Seq: 1, At: x.CreatedAt, ActorRole: "staff", Type: "consultation.created", Public: true, Payload: json.RawMessage(`{"a":1}`), Hash: "ab"}
	data["history"] = historyPageData{pageBase: anyone, C: x, Events: []historyRow{{Event: ev, TypeLabel: "创建草案", RoleLabel: "部门工作人员", Payload: "{\n  \"a\": 1\n}"}},
		V: &consultation.Verification{OK: false, Events: 1, BadSeq: 1, Head: "ab"}}
	rl := sampleRedline(v)
	st := &consultation.ProcedureStatement{ProcedureType: x.ProcedureType, OpensAt: x.OpensAt, ClosesAt: x.ClosesAt, ShorteningReason: "急",
		Extensions: x.Extensions, ClosedEarly: x.ClosedEarly, ConsultedVersion: 1, RevisedVersion: 2, ReviewRounds: 1,
		Comments: consultation.RecordFacts{Received: 3, Published: 2, Declined: 1, Undisposed: 1}}
	rx := *x
	rx.State, rx.Review = consultation.InReview, &consultation.Review{SubmittedAt: *x.OpensAt, DueOn: "2026-11-01", Outcome: consultation.Revise, Opinion: "须修改", Rounds: 2}
	rv := legalReviewData{pageBase: base(legal), C: &rx, Department: "县公安局", Statement: st, Period: "22 个工作日", Missing: []string{"item.revised_draft"},
		Window: consultation.ReviewWindowFor(x.ProcedureType), Redline: &rl, Summary: newReportSummary(base(legal), x, sampleReport(x)),
		Form: legalOpinionForm{Outcome: "revise", Opinion: "意见"}, Errors: formErrors{"outcome": "o", "opinion": "p", "consultation": "c"}, CanGive: true}
	rv.outcomes()
	data["review"] = rv
	hit := search.Hit{Kind: search.KindComment, ConsultationID: x.ID, Title: x.Title, At: *x.OpensAt, Snippet: "…建议养犬登记", Match: [2]int{3, 5}}
	data["search"] = searchPageData{pageBase: anyone, Query: "养犬", Searched: true, Statuses: opts, Departments: opts, Types: opts, Kinds: opts,
		Results: []searchResult{resultOf(hit), resultOf(search.Hit{Kind: search.KindConsultation, Title: "t", Snippet: "x"})}, NextURL: "/search?q=x&after=y"}
	data["review_finalize"] = legalFinalizeData{pageBase: base(legal), C: x, Form: legalFinalizeForm{DocumentNumber: "某政发〔2026〕12号", AdoptedOn: "2026-12-01"},
		Errors: formErrors{"document_number": "d", "registration_number": "r", "adopted_on": "a", "effective_on": "e", "effective_exception": "x", "consultation": "c"}, NeedsRegistration: true, IsRule: true}
}

// TestRenderDecisionSection renders the consultation page of a published
// decision (stamped, with a failed check) and the other states of the
// review page, in both languages.
func TestRenderDecisionSection(t *testing.T) {
	ps, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	v := &consultation.Version{Number: 2, Kind: consultation.FinalText, CreatedAt: now, Note: "公布稿"}
	x := &consultation.Consultation{ID: "c1", Title: "办法", State: consultation.Published, ProcedureType: consultation.Rule, PublishedAt: &now, OpensAt: &now, ClosesAt: &now, PublicVersion: 1, CurrentVersion: 2,
		Final: &consultation.Final{DocumentNumber: "某政发〔2026〕12号", RegistrationNumber: "R-1", AdoptedOn: "2026-12-01", EffectiveOn: "2027-01-01", EffectiveException: "急",
			PublishedAt: now, Version: 2, LaterStatus: "repealed", LaterAt: &now, SuccessorURL: "/consultations/c2"}}
	for _, lang := range i18n.Langs {
		b := pageBase{Lang: lang, Now: now, Title: "t"}
		dec := &decisionSection{Final: x.Final, Report: newReportSummary(b, x, sampleReport(x)), Verification: &consultation.Verification{OK: false, BadSeq: 7},
			Steps: []versionStep{{V: v}, {V: v, DiffURL: "/d"}}, DiffURL: "/consultations/c1/diff?from=1&to=2", ArchiveURL: "/a", HistoryURL: "/h", ReportURL: "/r"}
		d := consultationPageData{pageBase: b, C: x, Decision: dec, Versions: []*consultation.Version{v}, Version: v}
		var buf bytes.Buffer
		if err := ps.pages["consultation"].ExecuteTemplate(&buf, "layout", d); err != nil {
			t.Fatalf("consultation with decision (%s): %v", lang, err)
		}
		for _, want := range []string{"某政发〔2026〕12号", "R-1", `href="/consultations/c2"`, `href="/consultations/c1/diff?from=1&amp;to=2"`, `class="chart"`, `href="/a"`} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("decision (%s) lacks %q", lang, want)
			}
		}
		if m := missingKey.FindString(buf.String()); m != "" {
			t.Errorf("decision (%s): untranslated key %q", lang, m)
		}
		if lang == i18n.ZH && !strings.Contains(buf.String(), "校验失败：第7条记录") {
			t.Errorf("decision: the failed check is not named")
		}
		for _, st := range []consultation.State{consultation.Approved, consultation.InReview} {
			rx := *x
			rx.State = st
			rd := legalReviewData{pageBase: b, C: &rx, Statement: &consultation.ProcedureStatement{}, CanFinalize: st == consultation.Approved}
			buf.Reset()
			if err := ps.pages["review"].ExecuteTemplate(&buf, "layout", rd); err != nil {
				t.Errorf("review %s (%s): %v", st, lang, err)
			}
		}
	}
}

// The redline kind labels are the redline package's own words in Chinese.
func TestDiffKindLabels(t *testing.T) {
	for _, k := range []redline.Kind{redline.Added, redline.Deleted, redline.Modified, redline.Moved, redline.Renumbered, redline.Unchanged} {
		if got, want := i18n.T(i18n.ZH, "page.diff.kind."+string(k)), k.Label(); got != want {
			t.Errorf("page.diff.kind.%s = %q, want %q", k, got, want)
		}
	}
}

func TestSearchResultMarksTheMatch(t *testing.T) {
	cases := []struct {
		snippet          string
		match            [2]int
		before, m, after string
	}{
		{"…建议养犬登记", [2]int{3, 5}, "…建议", "养犬", "登记"},
		{"养犬", [2]int{0, 2}, "", "养犬", ""},
		{"bad offsets", [2]int{5, 99}, "bad offsets", "", ""},
	}
	for _, c := range cases {
		r := resultOf(search.Hit{Snippet: c.snippet, Match: c.match})
		if r.Before != c.before || r.Match != c.m || r.After != c.after {
			t.Errorf("resultOf(%q, %v) = %q|%q|%q, want %q|%q|%q", c.snippet, c.match, r.Before, r.Match, r.After, c.before, c.m, c.after)
		}
	}
}
