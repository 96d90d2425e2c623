package comments_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"yugongkai/storetest"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/workcal"
)

func TestSubmitPeriod(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	cases := []struct {
		name string
		at   time.Time
		kind apperr.Kind // "" = accepted
	}{
		{"at opening", T0, ""},
		{"one ms before close", closes.Add(-time.Millisecond), ""},
		{"exactly at close", closes, apperr.PeriodClosed},
		{"after close", closes.Add(time.Hour), apperr.PeriodClosed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.now = tc.at
			_, err := e.svc.Submit(ctx, resident, c.ID, sub("意见 "+tc.name), "")
			if tc.kind == "" {
				if err != nil {
					t.Fatalf("Submit at %v: %v, want accepted", tc.at, err)
				}
				return
			}
			wantKind(t, "Submit", err, tc.kind)
			if got, want := message(err), "本次征求意见已于 2026年12月31日24时 截止。"; got != want {
				t.Errorf("message = %q, want %q", got, want)
			}
		})
	}

	t.Run("before opening", func(t *testing.T) {
		e.now = T0
		later, err := e.cs.Create(ctx, staff, consultation.DraftForm{Title: ptr("后开放"), ProcedureType: ptr(consultation.Other),
			Explanation: ptr("说明"), LegalBasis: ptr("依据"), Contact: &consultation.Contact{Department: "局", Phone: "1"},
			Channels: &consultation.Channels{Email: "a@b.cn"}, Text: ptr(draftText)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.cs.Publish(ctx, staff, later.ID, consultation.PublishForm{OpensAt: "2026-12-10", ClosesAt: "2026-12-31"}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Submit(ctx, resident, later.ID, sub("太早了"), "")
		wantKind(t, "Submit before opening", err, apperr.PeriodClosed)
		e.now = time.Date(2026, 12, 9, 16, 0, 0, 0, time.UTC) // 2026-12-10 00:00 Shanghai
		if _, err := e.svc.Submit(ctx, resident, later.ID, sub("正好"), ""); err != nil {
			t.Errorf("Submit at opening: %v", err)
		}
	})

	t.Run("draft is invisible", func(t *testing.T) {
		d, err := e.cs.Create(ctx, staff, consultation.DraftForm{Title: ptr("草稿"), ProcedureType: ptr(consultation.Other)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Submit(ctx, resident, d.ID, sub("x"), "")
		wantKind(t, "Submit on a draft", err, apperr.NotFound)
	})
}

func TestAnonymousSetting(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	if _, err := e.svc.Submit(ctx, public, c.ID, sub("匿名提交"), ""); err != nil {
		t.Fatalf("anonymous Submit with the default setting: %v", err)
	}
	c, _ = e.cs.Get(ctx, staff, c.ID)
	c.AllowAnonymous = false
	if err := storetest.Update(e.db.Consultations(), c); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Submit(ctx, public, c.ID, sub("匿名提交"), "")
	wantKind(t, "anonymous Submit when switched off", err, apperr.Unauthorized)
	if _, err := e.svc.Submit(ctx, resident, c.ID, sub("实名提交"), ""); err != nil {
		t.Errorf("registered Submit when anonymous is off: %v", err)
	}
}

func TestEnterOffline(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	e.now = closes.Add(72 * time.Hour) // period over
	letter := func(received string) comments.OfflineSubmission {
		return comments.OfflineSubmission{Submission: sub("来信意见"), Channel: comments.Letter, ReceivedOn: received}
	}
	cases := []struct {
		name  string
		actor auth.Principal
		in    comments.OfflineSubmission
		kind  apperr.Kind
		field string
	}{
		{"received on the last day", staff, letter("2026-12-31"), "", ""},
		{"received 1 ms before close", staff, letter(closes.Add(-time.Millisecond).Format(time.RFC3339Nano)), "", ""},
		{"symposium", staff, comments.OfflineSubmission{Submission: sub("座谈会意见"), Channel: comments.Symposium, ReceivedOn: "2026-12-15"}, "", ""},
		{"admin", admin, letter("2026-12-20"), "", ""},
		{"received after close", staff, letter("2027-01-01"), apperr.Invalid, "received_on"},
		{"received at close", staff, letter(closes.Format(time.RFC3339)), apperr.Invalid, "received_on"},
		{"received in the future", staff, letter("2027-02-01"), apperr.Invalid, "received_on"},
		{"no date", staff, letter(""), apperr.Invalid, "received_on"},
		{"online is not offline", staff, comments.OfflineSubmission{Submission: sub("x"), Channel: comments.Online, ReceivedOn: "2026-12-20"}, apperr.Invalid, "channel"},
		{"another department", other, letter("2026-12-20"), apperr.Forbidden, ""},
		{"resident", resident, letter("2026-12-20"), apperr.Forbidden, ""},
		{"legal", legal, letter("2026-12-20"), apperr.Forbidden, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.svc.EnterOffline(ctx, tc.actor, c.ID, tc.in)
			if tc.kind == "" {
				if err != nil {
					t.Fatalf("EnterOffline: %v", err)
				}
				got := e.comment(t, r.CommentID)
				if got.Channel != tc.in.Channel || got.EnteredBy != tc.actor.UserID {
					t.Errorf("stored channel %s entered by %s, want %s by %s", got.Channel, got.EnteredBy, tc.in.Channel, tc.actor.UserID)
				}
				return
			}
			wantKind(t, "EnterOffline", err, tc.kind)
			if tc.field != "" && !strings.Contains(fieldOf(err), tc.field) {
				t.Errorf("invalid fields = %q, want %s", fieldOf(err), tc.field)
			}
		})
	}
	// The stored time is the date received, not the time of entry.
	list, err := e.svc.List(ctx, staff, c.ID, comments.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, cm := range list.Comments {
		if !cm.ReceivedAt.Before(closes) {
			t.Errorf("offline comment received at %v, after the close", cm.ReceivedAt)
		}
	}
}

func TestIdempotency(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	first, err := e.svc.Submit(ctx, resident, c.ID, sub("第一次"), "key-1")
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.Submit(ctx, resident, c.ID, sub("第一次（重试）"), "key-1")
	if err != nil {
		t.Fatal(err)
	}
	if again.Code != first.Code || again.BodySHA256 != first.BodySHA256 || !again.Repeated || !again.ReceivedAt.Equal(first.ReceivedAt) {
		t.Errorf("retry receipt = %+v, want the first %+v (repeated)", again, first)
	}
	// The retry after the close still gets its receipt: it was stored in time.
	e.now = closes.Add(time.Hour)
	late, err := e.svc.Submit(ctx, resident, c.ID, sub("第一次"), "key-1")
	if err != nil || late.Code != first.Code {
		t.Errorf("retry after close = %+v, %v; want the first receipt", late, err)
	}
	e.now = T0
	other, err := e.svc.Submit(ctx, resident2, c.ID, sub("另一人"), "key-1")
	if err != nil || other.Code == first.Code {
		t.Errorf("same key, other user = %+v, %v; want a new receipt", other, err)
	}
	anon, err := e.svc.Submit(ctx, public, c.ID, sub("匿名"), "key-1")
	if err != nil || anon.Code == first.Code || anon.Code == other.Code {
		t.Errorf("same key, anonymous = %+v, %v; want a new receipt", anon, err)
	}

	// Concurrent retries store one comment.
	var wg sync.WaitGroup
	codes := make([]string, 8)
	errs := make([]error, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := e.svc.Submit(ctx, resident, c.ID, sub("并发"), "key-2")
			errs[i] = err
			if r != nil {
				codes[i] = r.Code
			}
		}()
	}
	wg.Wait()
	for i := range codes {
		if errs[i] != nil || codes[i] != codes[0] {
			t.Errorf("concurrent retry %d = %q, %v; want %q", i, codes[i], errs[i], codes[0])
		}
	}
	n, err := e.db.Comments().CountComments(ctx, comments.CountFilter{ConsultationID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("stored comments = %d, want 4", n)
	}
	_, err = e.svc.Submit(ctx, resident, c.ID, sub("x"), strings.Repeat("k", 201))
	wantKind(t, "overlong key", err, apperr.BadRequest)
}

func TestSubmitValidation(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	arts := e.articles(t, c)
	cases := []struct {
		name  string
		in    comments.Submission
		field string // "" = accepted
	}{
		{"whole draft", sub("赞成。"), ""},
		{"article of the version", comments.Submission{Body: "建议修改", ArticleID: arts[1], Display: comments.Anonymous}, ""},
		{"unknown article", comments.Submission{Body: "建议修改", ArticleID: "zzzzzzzz", Display: comments.Anonymous}, "article_id"},
		{"empty body", sub(""), "body"},
		{"blank body", sub(" \n\t　"), "body"},
		{"5000 characters", sub(strings.Repeat("意", 5000)), ""},
		{"5000 after trimming", sub("  " + strings.Repeat("意", 5000) + "\n"), ""},
		{"5001 characters", sub(strings.Repeat("意", 5001)), "body"},
		{"newlines and tabs", sub("第一，\n\t第二。"), ""},
		{"bell", sub("响\a铃"), "body"},
		{"NUL", sub("a\x00b"), "body"},
		{"C1 control", sub("a\u0085b"), "body"},
		{"invalid UTF-8", sub("a\xffb"), "body"},
		{"organization needs a name", comments.Submission{Body: "x", CommenterType: comments.Organization}, "organization_name"},
		{"organization", comments.Submission{Body: "x", CommenterType: comments.Organization, OrganizationName: "某律师协会"}, ""},
		{"masked needs a name", comments.Submission{Body: "x"}, "real_name"},
		{"bad display", comments.Submission{Body: "x", Display: "loud", RealName: "张三"}, "display"},
		{"bad commenter type", comments.Submission{Body: "x", CommenterType: "robot", RealName: "张三"}, "commenter_type"},
		{"bad email", comments.Submission{Body: "x", RealName: "张三", ContactEmail: "not-an-email"}, "contact_email"},
		{"bad phone", comments.Submission{Body: "x", RealName: "张三", ContactPhone: "call me"}, "contact_phone"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.svc.Submit(ctx, resident, c.ID, tc.in, "")
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Submit: %v", err)
				}
				got := e.comment(t, r.CommentID)
				if got.Body != strings.TrimSpace(tc.in.Body) {
					t.Errorf("stored body not trimmed: %q", got.Body)
				}
				return
			}
			wantKind(t, "Submit", err, apperr.Invalid)
			if got := fieldOf(err); !strings.Contains(got, tc.field) {
				t.Errorf("invalid fields = %q, want %s", got, tc.field)
			}
		})
	}
}

var codeRE = regexp.MustCompile(`^YGK-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)

func TestReceiptCodes(t *testing.T) {
	const n = 2000
	seen := map[string]bool{}
	var perPos [12]map[byte]int
	for i := range perPos {
		perPos[i] = map[byte]int{}
	}
	prev := ""
	sequential := 0
	for i := 0; i < n; i++ {
		code := comments.NewReceiptCode()
		if !codeRE.MatchString(code) {
			t.Fatalf("code %q does not have the form YGK-XXXX-XXXX-XXXX", code)
		}
		if seen[code] {
			t.Fatalf("code %q repeated after %d codes", code, i)
		}
		seen[code] = true
		raw := strings.ReplaceAll(code[4:], "-", "")
		for p := 0; p < 12; p++ {
			perPos[p][raw[p]]++
		}
		if prev != "" && raw[:11] == prev[:11] {
			sequential++
		}
		prev = raw
	}
	if sequential > 0 {
		t.Errorf("%d consecutive codes share their first 11 characters: sequential", sequential)
	}
	// Every position uses the whole alphabet about evenly: 2000/32 ≈ 62 each.
	for p, counts := range perPos {
		if len(counts) != 32 {
			t.Errorf("position %d uses %d of 32 symbols", p, len(counts))
		}
		for sym, k := range counts {
			if k < 25 || k > 110 {
				t.Errorf("position %d: symbol %c appears %d times in %d codes", p, sym, k, n)
			}
		}
	}
	if bits := comments.ReceiptChars * 5; bits < 60 {
		t.Errorf("receipt entropy = %d bits, want ≥ 60", bits)
	}

	norm := []struct{ in, want string }{
		{"YGK-7Q4M-K2XH-9D3P", "YGK-7Q4M-K2XH-9D3P"},
		{"ygk 7q4m k2xh 9d3p", "YGK-7Q4M-K2XH-9D3P"},
		{"7Q4MK2XH9D3P", "YGK-7Q4M-K2XH-9D3P"},
		{"YGK-OQ4M-K2XH-9DIL", "YGK-0Q4M-K2XH-9D11"},
		{"YGK-7Q4M-K2XH-9D3U", ""}, // U is not in the alphabet
		{"YGK-7Q4M-K2XH", ""},
		{"", ""},
		{"YGK-7Q4M-K2XH-9D3P-0", ""},
	}
	for _, tc := range norm {
		got, ok := comments.NormalizeReceiptCode(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("NormalizeReceiptCode(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func TestReceiptStatus(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	r := e.submit(t, c, public, sub("请增加遛狗时间限制。"))
	typed := strings.ToLower(strings.ReplaceAll(r.Code, "-", " "))
	st, err := e.svc.Receipt(ctx, typed)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != comments.Pending || st.Code != r.Code || st.ConsultationState != "open" || st.BodySHA256 != r.BodySHA256 {
		t.Errorf("Receipt = %+v", st)
	}
	if _, err := e.svc.Moderate(ctx, staff, r.CommentID, comments.ModerationForm{Action: comments.Decline, Reason: comments.OffTopic}); err != nil {
		t.Fatal(err)
	}
	st, _ = e.svc.Receipt(ctx, r.Code)
	if st.Status != comments.Declined || st.DeclineReason != comments.OffTopic {
		t.Errorf("declined Receipt = %+v", st)
	}
	e.now = closes
	if _, err := e.svc.Dispose(ctx, staff, r.CommentID, comments.DispositionForm{Outcome: comments.OutOfScope, Reason: "不属于本办法调整范围"}); err != nil {
		t.Fatal(err)
	}
	st, _ = e.svc.Receipt(ctx, r.Code)
	if st.Disposition == nil || st.Disposition.Outcome != comments.OutOfScope || st.ConsultationState != "closed" {
		t.Errorf("disposed Receipt = %+v", st)
	}
	for _, code := range []string{"YGK-0000-0000-0000", "nonsense", ""} {
		_, err := e.svc.Receipt(ctx, code)
		wantKind(t, "Receipt("+code+")", err, apperr.NotFound)
	}
}

func TestModerationAuthorization(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	cases := []struct {
		name  string
		actor auth.Principal
		form  comments.ModerationForm
		kind  apperr.Kind
	}{
		{"own department publishes", staff, comments.ModerationForm{Action: comments.Publish}, ""},
		{"colleague declines", staff2, comments.ModerationForm{Action: comments.Decline, Reason: comments.Spam, Note: "广告"}, ""},
		{"admin publishes", admin, comments.ModerationForm{Action: comments.Publish}, ""},
		{"another department", other, comments.ModerationForm{Action: comments.Publish}, apperr.Forbidden},
		{"legal", legal, comments.ModerationForm{Action: comments.Publish}, apperr.Forbidden},
		{"resident", resident, comments.ModerationForm{Action: comments.Publish}, apperr.Forbidden},
		{"anonymous", public, comments.ModerationForm{Action: comments.Publish}, apperr.Forbidden},
		{"decline without reason", staff, comments.ModerationForm{Action: comments.Decline}, apperr.Invalid},
		{"reason off the list", staff, comments.ModerationForm{Action: comments.Decline, Reason: "boring"}, apperr.Invalid},
		{"unknown action", staff, comments.ModerationForm{Action: "delete"}, apperr.Invalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.submit(t, c, resident, sub("意见："+tc.name))
			got, err := e.svc.Moderate(ctx, tc.actor, r.CommentID, tc.form)
			if tc.kind != "" {
				wantKind(t, "Moderate", err, tc.kind)
				if st := e.comment(t, r.CommentID).Status; st != comments.Pending {
					t.Errorf("status after refused moderation = %s, want pending", st)
				}
				return
			}
			if err != nil {
				t.Fatalf("Moderate: %v", err)
			}
			want := comments.Published
			if tc.form.Action == comments.Decline {
				want = comments.Declined
			}
			if got.Status != want || got.Moderation == nil || got.Moderation.By != tc.actor.UserID || got.Moderation.Reason != tc.form.Reason {
				t.Errorf("after Moderate: status %s moderation %+v", got.Status, got.Moderation)
			}
			_, err = e.svc.Moderate(ctx, tc.actor, r.CommentID, tc.form)
			wantKind(t, "same moderation twice", err, apperr.Conflict)
		})
	}
	_, err := e.svc.Moderate(ctx, staff, "missing", comments.ModerationForm{Action: comments.Publish})
	wantKind(t, "missing comment", err, apperr.NotFound)

	// Decisions are in the hash chain without personal data.
	events, err := e.db.Consultations().Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	moderated := 0
	for _, ev := range events {
		if ev.Type == "comment.moderated" {
			moderated++
			if bytes.Contains(ev.Payload, []byte("13912345678")) || bytes.Contains(ev.Payload, []byte("张小祥")) {
				t.Errorf("event payload holds personal data: %s", ev.Payload)
			}
		}
	}
	if moderated != 3 {
		t.Errorf("comment.moderated events = %d, want 3", moderated)
	}
}

func TestDisposition(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	arts := e.articles(t, c)
	r := e.submit(t, c, resident, sub("建议修改第二条。"))
	e.now = closes.Add(24 * time.Hour)
	cases := []struct {
		name  string
		actor auth.Principal
		form  comments.DispositionForm
		kind  apperr.Kind
		field string
	}{
		{"adopted without reason", staff, comments.DispositionForm{Outcome: comments.Adopted, ChangedArticles: []string{arts[1]}}, "", ""},
		{"adopted, no article changed, with reason", staff, comments.DispositionForm{Outcome: comments.Adopted, Reason: "已在实施细则中规定。"}, "", ""},
		{"adopted, no article changed, no reason", staff, comments.DispositionForm{Outcome: comments.Adopted}, apperr.Invalid, "reason"},
		{"not adopted with reason", staff2, comments.DispositionForm{Outcome: comments.NotAdopted, Reason: "上位法已有规定"}, "", ""},
		{"partially adopted", admin, comments.DispositionForm{Outcome: comments.PartiallyAdopted, Reason: "部分采纳", ChangedArticles: []string{arts[0], arts[1]}}, "", ""},
		{"not adopted without reason", staff, comments.DispositionForm{Outcome: comments.NotAdopted}, apperr.Invalid, "reason"},
		{"partially without reason", staff, comments.DispositionForm{Outcome: comments.PartiallyAdopted, Reason: "  "}, apperr.Invalid, "reason"},
		{"out of scope without reason", staff, comments.DispositionForm{Outcome: comments.OutOfScope}, apperr.Invalid, "reason"},
		{"no outcome", staff, comments.DispositionForm{Reason: "x"}, apperr.Invalid, "status"},
		{"unknown outcome", staff, comments.DispositionForm{Outcome: "ignored", Reason: "x"}, apperr.Invalid, "status"},
		{"unknown article", staff, comments.DispositionForm{Outcome: comments.Adopted, ChangedArticles: []string{"nope"}}, apperr.Invalid, "changed_articles"},
		{"another department", other, comments.DispositionForm{Outcome: comments.Adopted}, apperr.Forbidden, ""},
		{"legal", legal, comments.DispositionForm{Outcome: comments.Adopted}, apperr.Forbidden, ""},
		{"resident", resident, comments.DispositionForm{Outcome: comments.Adopted}, apperr.Forbidden, ""},
	}
	applied := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.svc.Dispose(ctx, tc.actor, r.CommentID, tc.form)
			if tc.kind != "" {
				wantKind(t, "Dispose", err, tc.kind)
				if tc.field != "" && !strings.Contains(fieldOf(err), tc.field) {
					t.Errorf("invalid fields = %q, want %s", fieldOf(err), tc.field)
				}
				return
			}
			if err != nil {
				t.Fatalf("Dispose: %v", err)
			}
			applied++
			if got.Disposition == nil || got.Disposition.Outcome != tc.form.Outcome || got.Disposition.By != tc.actor.UserID || !got.Disposition.At.Equal(e.now) {
				t.Errorf("Disposition = %+v", got.Disposition)
			}
			if len(got.Dispositions) != applied {
				t.Errorf("disposition history has %d entries, want %d", len(got.Dispositions), applied)
			}
		})
	}

	// Frozen once the decision is published (公布).
	cur, _ := e.cs.Get(ctx, staff, c.ID)
	cur.State = consultation.Published
	if err := storetest.Update(e.db.Consultations(), cur); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Dispose(ctx, staff, r.CommentID, comments.DispositionForm{Outcome: comments.Adopted})
	wantKind(t, "Dispose after publication", err, apperr.Conflict)
	_, err = e.svc.DisposeGroup(ctx, staff, c.ID, e.comment(t, r.CommentID).GroupID, comments.DispositionForm{Outcome: comments.Adopted})
	wantKind(t, "DisposeGroup after publication", err, apperr.Conflict)
	if got := e.comment(t, r.CommentID); got.Disposition.Outcome != comments.PartiallyAdopted {
		t.Errorf("disposition changed after publication: %+v", got.Disposition)
	}
}

func TestGroups(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	// Identical after normalizing whitespace, punctuation and width.
	texts := []string{"建议限制大型犬在城区饲养，ABC。", "建议限制大型犬在城区饲养, ＡＢＣ", " 建议 限制大型犬在城区饲养！abc "}
	var ids []string
	for _, tx := range texts {
		ids = append(ids, e.submit(t, c, resident, sub(tx)).CommentID)
	}
	lone := e.submit(t, c, resident, sub("完全不同的意见：应当设立养犬登记点。")).CommentID
	gid := e.comment(t, ids[0]).GroupID
	for _, id := range ids[1:] {
		if g := e.comment(t, id).GroupID; g != gid {
			t.Fatalf("identical texts in groups %s and %s", gid, g)
		}
	}
	if e.comment(t, lone).GroupID == gid {
		t.Fatal("a different text joined the group")
	}
	for _, id := range append(ids, lone) {
		e.publish(t, id)
	}

	// The public list shows the group once with its count.
	page, err := e.svc.List(ctx, public, c.ID, comments.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, p := range page.Public {
		counts[p.GroupID] = p.Count
	}
	if page.Internal || len(page.Public) != 2 || counts[gid] != 3 {
		t.Errorf("public list = %d entries, counts %v; want 2 entries, group %s ×3", len(page.Public), counts, gid)
	}

	// Answer the group once: every member inherits it; a late member too.
	e.now = T0.Add(48 * time.Hour)
	n, err := e.svc.DisposeGroup(ctx, staff, c.ID, gid, comments.DispositionForm{Outcome: comments.NotAdopted, Reason: "已有规定"})
	if err != nil || n != 3 {
		t.Fatalf("DisposeGroup = %d, %v; want 3", n, err)
	}
	late := e.submit(t, c, resident2, sub("建议限制大型犬在城区饲养。abc")).CommentID
	for _, id := range append(ids, late) {
		d := e.comment(t, id).Disposition
		if d == nil || d.Outcome != comments.NotAdopted || d.GroupID != gid {
			t.Errorf("member %s disposition = %+v, want the group's", id, d)
		}
	}
	_, err = e.svc.DisposeGroup(ctx, other, c.ID, gid, comments.DispositionForm{Outcome: comments.Adopted})
	wantKind(t, "DisposeGroup by another department", err, apperr.Forbidden)
	_, err = e.svc.DisposeGroup(ctx, staff, c.ID, "nope", comments.DispositionForm{Outcome: comments.Adopted})
	wantKind(t, "DisposeGroup of a missing group", err, apperr.NotFound)

	// Merge the lone comment's group into the campaign group.
	loneGroup := e.comment(t, lone).GroupID
	into, err := e.svc.Merge(ctx, staff, c.ID, []string{gid, loneGroup})
	if err != nil || into != gid {
		t.Fatalf("Merge = %q, %v", into, err)
	}
	if got := e.comment(t, lone); got.GroupID != gid || got.Disposition == nil || got.Disposition.Outcome != comments.NotAdopted {
		t.Errorf("merged comment: group %s disposition %+v", got.GroupID, got.Disposition)
	}
	_, err = e.svc.Merge(ctx, staff, c.ID, []string{gid})
	wantKind(t, "Merge of one group", err, apperr.Invalid)
	_, err = e.svc.Merge(ctx, other, c.ID, []string{gid, loneGroup})
	wantKind(t, "Merge by another department", err, apperr.Forbidden)

	// Split it out again; it keeps its answer, the group shrinks.
	if err := e.svc.Split(ctx, staff, lone); err != nil {
		t.Fatal(err)
	}
	if got := e.comment(t, lone); got.GroupID != "s"+lone || got.Disposition == nil {
		t.Errorf("split comment: group %s disposition %+v", got.GroupID, got.Disposition)
	}
	g, err := e.db.Comments().Group(ctx, c.ID, gid)
	if err != nil {
		t.Fatal(err)
	}
	if g.Count != 4 {
		t.Errorf("group after split: Count = %d, want 4", g.Count)
	}
	wantKind(t, "Split by another department", e.svc.Split(ctx, other, ids[0]), apperr.Forbidden)
}

func TestProposeGroups(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	base := "我们坚决反对在城区全面禁止饲养大型犬的规定，理由如下：第一，许多家庭已经饲养多年，犬只已经登记并按时免疫；第二，禁止饲养将迫使大量犬只被遗弃，反而增加流浪犬数量；第三，应当通过牵引、嘴套和时段管理来解决问题。"
	a := e.submit(t, c, resident, sub(base)).CommentID
	b := e.submit(t, c, resident, sub(strings.Replace(base, "许多家庭", "很多家庭", 1))).CommentID
	d := e.submit(t, c, resident, sub("建议在各社区设立犬只免疫点，方便群众就近办理，并公布办理时间和地点。")).CommentID
	ga, gb, gd := e.comment(t, a).GroupID, e.comment(t, b).GroupID, e.comment(t, d).GroupID
	if ga == gb {
		t.Fatal("near-identical texts fell into one exact group; the test needs two")
	}
	props, err := e.svc.ProposeGroups(ctx, staff, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(props) != 1 {
		t.Fatalf("ProposeGroups = %+v, want one proposal", props)
	}
	got := fmt.Sprint(props[0].GroupIDs)
	if !strings.Contains(got, ga) || !strings.Contains(got, gb) || strings.Contains(got, gd) || props[0].Count != 2 || props[0].Similarity < 0.8 {
		t.Errorf("proposal = %+v, want groups %s and %s", props[0], ga, gb)
	}
	_, err = e.svc.ProposeGroups(ctx, other, c.ID)
	wantKind(t, "ProposeGroups by another department", err, apperr.Forbidden)
	if _, err := e.svc.Merge(ctx, staff, c.ID, props[0].GroupIDs); err != nil {
		t.Fatal(err)
	}
	if props, _ := e.svc.ProposeGroups(ctx, staff, c.ID); len(props) != 0 {
		t.Errorf("after merging, ProposeGroups = %+v, want none", props)
	}
}

// A form letter sent with small changes by many residents is many groups
// sharing bands; ProposeGroups links them all into one proposal (comparing
// each with the component it joins, not every pair), and a dissimilar
// comment in none.
func TestProposeGroupsFormLetter(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	base := "我们坚决反对在城区全面禁止饲养大型犬的规定，理由如下：第一，许多家庭已经饲养多年，犬只已经登记并按时免疫；第二，禁止饲养将迫使大量犬只被遗弃，反而增加流浪犬数量；第三，应当通过牵引、嘴套和时段管理来解决问题。"
	var want []string
	for i := range 8 {
		id := e.submit(t, c, resident, sub(base+fmt.Sprintf("（第%d号意见）", i))).CommentID
		want = append(want, e.comment(t, id).GroupID)
	}
	other := e.comment(t, e.submit(t, c, resident, sub("建议在各社区设立犬只免疫点，方便群众就近办理，并公布办理时间和地点。")).CommentID).GroupID
	props, err := e.svc.ProposeGroups(ctx, staff, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(props) != 1 || len(props[0].GroupIDs) != len(want) || props[0].Count != len(want) || props[0].Similarity < 0.8 {
		t.Fatalf("ProposeGroups = %+v, want one proposal of the %d groups %v", props, len(want), want)
	}
	got := fmt.Sprint(props[0].GroupIDs)
	for _, g := range want {
		if !strings.Contains(got, g) {
			t.Errorf("proposal %s lacks group %s", got, g)
		}
	}
	if strings.Contains(got, other) {
		t.Errorf("proposal %s holds the unrelated group %s", got, other)
	}
}

func TestListStaffAndPublic(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	arts := e.articles(t, c)
	var published []string
	for i := 0; i < 7; i++ {
		in := sub(fmt.Sprintf("第%d条意见", i))
		if i%2 == 0 {
			in.ArticleID = arts[0]
		}
		e.now = e.now.Add(time.Second)
		r := e.submit(t, c, resident, in)
		if i < 5 {
			e.publish(t, r.CommentID)
			published = append(published, r.CommentID)
		}
	}
	cases := []struct {
		name     string
		actor    auth.Principal
		f        comments.ListFilter
		internal bool
		want     int
	}{
		{"staff all", staff, comments.ListFilter{}, true, 7},
		{"staff pending", staff, comments.ListFilter{Status: "pending"}, true, 2},
		{"legal published", legal, comments.ListFilter{Status: "published"}, true, 5},
		{"admin all", admin, comments.ListFilter{Status: "all"}, true, 7},
		{"staff article", staff, comments.ListFilter{ArticleID: &arts[0]}, true, 4},
		{"public", public, comments.ListFilter{}, false, 5},
		{"other department sees public copies", other, comments.ListFilter{}, false, 5},
		{"public published", resident, comments.ListFilter{Status: "published"}, false, 5},
		{"public article", public, comments.ListFilter{ArticleID: &arts[0]}, false, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page, err := e.svc.List(ctx, tc.actor, c.ID, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			got := len(page.Public)
			if tc.internal {
				got = len(page.Comments)
			}
			if page.Internal != tc.internal || got != tc.want {
				t.Errorf("List: internal %v, %d comments; want %v, %d", page.Internal, got, tc.internal, tc.want)
			}
		})
	}
	_, err := e.svc.List(ctx, public, c.ID, comments.ListFilter{Status: "pending"})
	wantKind(t, "public asks for pending", err, apperr.Forbidden)
	_, err = e.svc.List(ctx, staff, c.ID, comments.ListFilter{Status: "weird"})
	wantKind(t, "unknown status", err, apperr.Invalid)

	// Public pages: stable order, no repeats, cursor to the end.
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		page, err := e.svc.List(ctx, public, c.ID, comments.ListFilter{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Public {
			seen = append(seen, p.ID)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	if fmt.Sprint(seen) != fmt.Sprint(published) {
		t.Errorf("paged public list = %v, want %v", seen, published)
	}
	_, err = e.svc.List(ctx, public, c.ID, comments.ListFilter{Cursor: "!!"})
	wantKind(t, "bad cursor", err, apperr.BadRequest)
}

// walk collects every string in a JSON document.
func walk(v any, out *[]string) {
	switch x := v.(type) {
	case string:
		*out = append(*out, x)
	case []any:
		for _, e := range x {
			walk(e, out)
		}
	case map[string]any:
		for k, e := range x {
			*out = append(*out, k)
			walk(e, out)
		}
	}
}

func TestPublicOutputHidesPersonalData(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	secrets := []string{"13912345678", "li.xiaoming@example.com", "110101199003071241", "李小明", "0571-87654321", "13800001111", "contact@example.org"}
	ind := comments.Submission{Body: "我的身份证号110101199003071241，手机13800001111，邮箱li.xiaoming@example.com，请联系。",
		RealName: "李小明", ContactPhone: "13912345678", ContactEmail: "contact@example.org"}
	org := comments.Submission{Body: "本会意见：建议修改。电话0571-87654321。", CommenterType: comments.Organization,
		OrganizationName: "某县律师协会", RealName: "李小明", ContactPhone: "13912345678"}
	anon := comments.Submission{Body: "匿名意见", Display: comments.Anonymous, RealName: "李小明", ContactEmail: "li.xiaoming@example.com"}
	var receipts []*comments.Receipt
	for _, in := range []comments.Submission{ind, org, anon} {
		e.now = e.now.Add(time.Second)
		r := e.submit(t, c, resident, in)
		e.publish(t, r.CommentID)
		receipts = append(receipts, r)
	}
	// Staff see the originals.
	staffPage, err := e.svc.List(ctx, staff, c.ID, comments.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if staffPage.Comments[0].Body != ind.Body || staffPage.Comments[0].ContactPhone != "13912345678" {
		t.Errorf("staff copy lost the original: %+v", staffPage.Comments[0])
	}

	e.now = closes
	page, err := e.svc.List(ctx, public, c.ID, comments.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	report, err := e.svc.Report(ctx, public, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	if err := report.WriteCSV(&csv, i18n.ZH); err != nil {
		t.Fatal(err)
	}
	outputs := map[string]any{"list": page, "report": report}
	for i, r := range receipts {
		st, err := e.svc.Receipt(ctx, r.Code)
		if err != nil {
			t.Fatal(err)
		}
		// The receipt shows its holder their own text as written (the code
		// is the secret); everything else on it must hide personal data.
		if st.Body == "" {
			t.Errorf("receipt %d: the commenter's own text is missing", i)
		}
		st.Body = ""
		outputs[fmt.Sprintf("receipt %d", i)] = st
	}
	for name, v := range outputs {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		var strs []string
		walk(doc, &strs)
		for _, s := range strs {
			for _, secret := range secrets {
				if strings.Contains(s, secret) {
					t.Errorf("%s: public JSON contains %q in %q", name, secret, s)
				}
			}
		}
	}
	for _, secret := range secrets {
		if strings.Contains(csv.String(), secret) {
			t.Errorf("report CSV contains %q", secret)
		}
	}

	// Masking applied to the public copies.
	byName := map[string]*comments.PublicComment{}
	for _, p := range page.Public {
		byName[p.Name] = p
	}
	if p := byName["李*明"]; p == nil || !strings.Contains(p.Body, "138****1111") || !strings.Contains(p.Body, "110***********1241") || !strings.Contains(p.Body, "@example.com") {
		t.Errorf("masked individual = %+v", p)
	}
	if p := byName["某县律师协会"]; p == nil || !strings.Contains(p.Body, "0571-****4321") {
		t.Errorf("organization shown by name with masked landline: %+v", p)
	}
	if p := byName[""]; p == nil || !p.Anonymous {
		t.Errorf("anonymous comment = %+v", p)
	}
}

func TestReport(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	arts := e.articles(t, c)
	onArt := func(s comments.Submission, a string) comments.Submission {
		s.ArticleID = a
		e.now = e.now.Add(time.Second)
		return s
	}
	r1 := e.submit(t, c, resident, sub("总体赞成。"))
	r2 := e.submit(t, c, resident, onArt(comments.Submission{Body: "第二条范围太窄。", RealName: "张三"}, arts[1]))
	r3 := e.submit(t, c, resident, onArt(comments.Submission{Body: "第二条范围太窄。", RealName: "王五", Display: comments.RealName}, arts[1]))
	e.now = e.now.Add(time.Second)
	r4 := e.submit(t, c, resident, sub("广告：出售犬粮"))
	e.now = e.now.Add(time.Second)
	r5 := e.submit(t, c, public, comments.Submission{Body: "=HYPERLINK(\"x\")", Display: comments.Anonymous})
	for _, r := range []*comments.Receipt{r1, r2, r3, r5} {
		e.publish(t, r.CommentID)
	}
	if _, err := e.svc.Moderate(ctx, staff, r4.CommentID, comments.ModerationForm{Action: comments.Decline, Reason: comments.Spam}); err != nil {
		t.Fatal(err)
	}
	e.submit(t, c, resident, sub("还在审核中")) // pending

	_, err := e.svc.Report(ctx, public, c.ID)
	wantKind(t, "public report while open", err, apperr.Forbidden)
	if _, err := e.svc.Report(ctx, staff, c.ID); err != nil {
		t.Errorf("staff report while open: %v", err)
	}

	e.now = closes.Add(time.Hour)
	if _, err := e.svc.EnterOffline(ctx, staff, c.ID, comments.OfflineSubmission{Submission: comments.Submission{Body: "座谈会上提出：应延长过渡期。", Display: comments.Anonymous},
		Channel: comments.Symposium, ReceivedOn: "2026-12-20"}); err != nil {
		t.Fatal(err)
	}
	dispose := func(id string, o comments.Outcome, reason string) {
		t.Helper()
		if _, err := e.svc.Dispose(ctx, staff, id, comments.DispositionForm{Outcome: o, Reason: reason}); err != nil {
			t.Fatal(err)
		}
	}
	dispose(r1.CommentID, comments.Adopted, "已在实施细则中规定。")
	g := e.comment(t, r2.CommentID).GroupID
	if _, err := e.svc.DisposeGroup(ctx, staff, c.ID, g, comments.DispositionForm{Outcome: comments.PartiallyAdopted, Reason: "扩大至近郊"}); err != nil {
		t.Fatal(err)
	}
	dispose(r4.CommentID, comments.OutOfScope, "广告")

	rep, err := e.svc.Report(ctx, public, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want int
	}{
		{"received", rep.Received, 7},
		{"published", rep.Published, 4},
		{"not published", rep.NotPublished, 1},
		{"pending", rep.Pending, 2},
		{"online", rep.ByChannel[comments.Online], 6},
		{"symposium", rep.ByChannel[comments.Symposium], 1},
		{"adopted", rep.ByDisposition[comments.Adopted], 1},
		{"partially adopted", rep.ByDisposition[comments.PartiallyAdopted], 2},
		{"out of scope (declined still answered)", rep.ByDisposition[comments.OutOfScope], 1},
		{"undisposed", rep.Undisposed, 3},
		{"whole draft", rep.Articles[0].Count, 5},
		{"article 2", rep.Articles[2].Count, 2},
		{"rows (group once)", len(rep.Rows), 3},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("report %s = %d, want %d", ch.name, ch.got, ch.want)
		}
	}
	// 20 working days after 2026-12-31.
	wantDue := e.cs.Calendar(ctx).AddWorkdays(workcal.MustParseDate("2026-12-31"), 20).String()
	if rep.DueOn != wantDue || rep.Overdue {
		t.Errorf("report due %s overdue %v, want %s not overdue", rep.DueOn, rep.Overdue, wantDue)
	}

	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf, i18n.ZH); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeff") {
		t.Errorf("CSV does not start with a BOM: %q", out[:10])
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(out, "\ufeff")), "\n")
	wantLines := []string{
		"序号,意见人,条文,意见摘要,件数,处理情况,理由",
		"1,张*祥,总体意见,总体赞成。,1,采纳,已在实施细则中规定。",
		"2,匿名,总体意见,\"'=HYPERLINK(\"\"x\"\")\",1,待答复,",
		"3,张*,第二条,第二条范围太窄。,2,部分采纳,扩大至近郊",
		// The people by commenter category (category.go), every comment received.
		",按提交人类别（人数）,,,,,",
		",个人,,,7,,",
		",合计（人）,,,7,,",
	}
	if fmt.Sprint(lines) != fmt.Sprint(wantLines) {
		t.Errorf("CSV =\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}
	var en bytes.Buffer
	if err := rep.WriteCSV(&en, i18n.EN); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(en.String(), "No.,Commenter,Article") {
		t.Errorf("English CSV header: %q", strings.SplitN(en.String(), "\n", 2)[0])
	}
}

func TestQueues(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	e.submit(t, c, resident, sub("待审核一"))
	r := e.submit(t, c, resident, sub("待审核二"))
	e.publish(t, r.CommentID)

	q, err := e.svc.Queues(ctx, staff)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.PendingModeration) != 1 || q.PendingModeration[0].Pending != 1 || len(q.Undisposed) != 1 || q.Undisposed[0].Undisposed != 2 || len(q.OverdueReports) != 0 {
		t.Errorf("Queues while open = %+v", q)
	}
	if q, _ := e.svc.Queues(ctx, other); len(q.PendingModeration)+len(q.Undisposed) != 0 {
		t.Errorf("another department's queues = %+v, want empty", q)
	}
	if q, _ := e.svc.Queues(ctx, admin); len(q.PendingModeration) != 1 {
		t.Errorf("admin queues = %+v", q)
	}
	for _, p := range []auth.Principal{resident, public, legal} {
		_, err := e.svc.Queues(ctx, p)
		wantKind(t, "Queues by "+string(p.Role), err, apperr.Forbidden)
	}

	// The report falls due 20 working days after the close.
	due := e.cs.Calendar(ctx).AddWorkdays(workcal.MustParseDate("2026-12-31"), 20)
	e.now = workcal.EndOfDay(due).Add(-time.Millisecond)
	if q, _ := e.svc.Queues(ctx, staff); len(q.OverdueReports) != 0 {
		t.Errorf("on the due day: overdue = %+v", q.OverdueReports)
	}
	e.now = workcal.EndOfDay(due)
	q, _ = e.svc.Queues(ctx, staff)
	if len(q.OverdueReports) != 1 || q.OverdueReports[0].ReportDueOn != due.String() {
		t.Errorf("after the due day: overdue = %+v", q.OverdueReports)
	}
	list, _ := e.svc.List(ctx, staff, c.ID, comments.ListFilter{})
	for _, cm := range list.Comments {
		if _, err := e.svc.Dispose(ctx, staff, cm.ID, comments.DispositionForm{Outcome: comments.Adopted, Reason: "已在实施细则中规定。"}); err != nil {
			t.Fatal(err)
		}
	}
	if q, _ := e.svc.Queues(ctx, staff); len(q.OverdueReports) != 0 || len(q.Undisposed) != 0 {
		t.Errorf("all answered: queues = %+v", q)
	}
}

func TestModerationOff(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	r := e.submit(t, c, resident, sub("不经审核直接公开"))
	if st := e.comment(t, r.CommentID).Status; st != comments.Published {
		t.Fatalf("status with moderation off = %s, want published", st)
	}
	page, err := e.svc.List(ctx, public, c.ID, comments.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Public) != 1 || page.Public[0].Body != "不经审核直接公开" || page.Public[0].Name != "张*祥" {
		t.Errorf("public list = %+v", page.Public)
	}
	// A declined comment is kept and counted, never deleted.
	if _, err := e.svc.Moderate(ctx, staff, r.CommentID, comments.ModerationForm{Action: comments.Decline, Reason: comments.Abusive}); err != nil {
		t.Fatal(err)
	}
	page, _ = e.svc.List(ctx, public, c.ID, comments.ListFilter{})
	all, _ := e.svc.List(ctx, staff, c.ID, comments.ListFilter{Status: "declined"})
	if len(page.Public) != 0 || len(all.Comments) != 1 {
		t.Errorf("after decline: public %d, staff declined %d; want 0 and 1", len(page.Public), len(all.Comments))
	}
}

func TestDecisionsInHistory(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	r := e.submit(t, c, resident, sub("意见"))
	e.publish(t, r.CommentID)
	if _, err := e.svc.Dispose(ctx, staff, r.CommentID, comments.DispositionForm{Outcome: comments.NotAdopted, Reason: "理由"}); err != nil {
		t.Fatal(err)
	}
	g := e.comment(t, r.CommentID).GroupID
	if _, err := e.svc.DisposeGroup(ctx, staff, c.ID, g, comments.DispositionForm{Outcome: comments.Adopted, Reason: "已在实施细则中规定。"}); err != nil {
		t.Fatal(err)
	}
	events, err := e.db.Consultations().Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range events {
		if strings.HasPrefix(ev.Type, "comment.") {
			got = append(got, fmt.Sprintf("%s public=%v", ev.Type, ev.Public))
			if ev.ActorID != staff.UserID {
				t.Errorf("%s actor = %q, want %q", ev.Type, ev.ActorID, staff.UserID)
			}
			if bytes.Contains(ev.Payload, []byte("张小祥")) || bytes.Contains(ev.Payload, []byte("13912345678")) {
				t.Errorf("%s payload holds personal data: %s", ev.Type, ev.Payload)
			}
		}
	}
	want := []string{"comment.moderated public=false", "comment.disposed public=true", "comment.group_disposed public=true"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("comment events = %v, want %v", got, want)
	}
}

func TestConcurrentIdenticalComments(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	const n = 12
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := "坚决反对禁养大型犬！"
			if i%2 == 1 {
				body = "坚决反对禁养大型犬"
			}
			_, errs[i] = e.svc.Submit(ctx, resident, c.ID, sub(body), "")
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
	}
	page, err := e.svc.List(ctx, public, c.ID, comments.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Public) != 1 || page.Public[0].Count != n {
		t.Errorf("public list = %d entries, first count %d; want 1 entry ×%d", len(page.Public), page.Public[0].Count, n)
	}
}

// After withdrawal the comment record is closed: no moderation, answer,
// redaction or regrouping changes it (the lifecycle table's rows).
func TestCommentRecordClosedAfterWithdrawal(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	r := e.submit(t, c, resident, sub("建议明确登记期限。"))
	if _, err := e.cs.Withdraw(ctx, staff, c.ID, consultation.ReasonForm{Reason: "政策调整"}); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Moderate(ctx, staff, r.CommentID, comments.ModerationForm{Action: comments.Publish})
	wantKind(t, "moderate after withdrawal", err, apperr.Conflict)
	_, err = e.svc.Dispose(ctx, staff, r.CommentID, comments.DispositionForm{Outcome: comments.Adopted})
	wantKind(t, "dispose after withdrawal", err, apperr.Conflict)
	_, err = e.svc.Redact(ctx, staff, r.CommentID, comments.RedactForm{Start: 0, End: 2, Reason: comments.RedactAbusive})
	wantKind(t, "redact after withdrawal", err, apperr.Conflict)
	wantKind(t, "split after withdrawal", e.svc.Split(ctx, staff, r.CommentID), apperr.Conflict)
	_, err = e.svc.EnterOffline(ctx, staff, c.ID, comments.OfflineSubmission{Submission: sub("来信"), Channel: comments.Letter, ReceivedOn: "2026-12-01"})
	wantKind(t, "offline entry after withdrawal", err, apperr.Conflict)
	if got := e.comment(t, r.CommentID); got.Status != comments.Pending || got.Disposition != nil {
		t.Errorf("comment changed after withdrawal: %+v", got)
	}
}

// A comment entered offline while the decision is approved must be
// answered before finalization: finalize names it (rule 7).
func TestOfflineDuringReviewBlocksFinalize(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	e.now = closes.Add(time.Hour)
	if _, err := e.cs.SubmitForReview(ctx, staff, c.ID, consultation.SubmitForm{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cs.GiveOpinion(ctx, legal, c.ID, consultation.OpinionForm{Outcome: consultation.Lawful, Opinion: "合法。"}); err != nil {
		t.Fatal(err)
	}
	r, err := e.svc.EnterOffline(ctx, staff, c.ID, comments.OfflineSubmission{Submission: sub("座谈会意见"), Channel: comments.Symposium, ReceivedOn: "2026-12-20"})
	if err != nil {
		t.Fatal(err)
	}
	e.cs.Facts = e.svc.Facts
	_, err = e.cs.Finalize(ctx, legal, c.ID, consultation.FinalizeForm{Interpretation: "政策解读。", DocumentNumber: "某政发〔2027〕1号", RegistrationNumber: "ZJ-2027-1", AdoptedOn: "2027-01-01", EffectiveOn: "2027-01-02"})
	wantKind(t, "finalize with an unanswered offline comment", err, apperr.Invalid)
	var ae *apperr.Error
	if !errors.As(err, &ae) || len(ae.Fields) == 0 || !strings.Contains(fmt.Sprint(ae.Fields[0].Args...), r.Code) {
		t.Errorf("finalize refusal does not name the receipt %s: %v", r.Code, err)
	}
	cur, err := e.cs.Get(ctx, staff, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.cs.Statement(ctx, cur)
	if err != nil {
		t.Fatal(err)
	}
	if !st.ChangedSinceSubmission {
		t.Error("the review statement does not show that a comment arrived after submission")
	}
	if _, err := e.svc.Dispose(ctx, staff, r.CommentID, comments.DispositionForm{Outcome: comments.NotAdopted, Reason: "已有规定。"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cs.Finalize(ctx, legal, c.ID, consultation.FinalizeForm{Interpretation: "政策解读。", DocumentNumber: "某政发〔2027〕1号", RegistrationNumber: "ZJ-2027-1", AdoptedOn: "2027-01-01", EffectiveOn: "2027-01-02"}); err != nil {
		t.Errorf("finalize once answered: %v", err)
	}
}

// The comments' tree head is sealed into the chain hourly while comments
// arrive and when the period closes early; the seal is the whole log.
func TestSeals(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	seals := func() []map[string]any {
		evs, err := e.db.Consultations().Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []map[string]any
		for _, ev := range evs {
			if ev.Type == "comments.sealed" {
				var p map[string]any
				json.Unmarshal(ev.Payload, &p)
				out = append(out, p)
			}
		}
		return out
	}
	e.submit(t, c, resident, sub("第一条意见"))
	e.submit(t, c, resident, sub("第二条意见"))
	if sealed, err := e.cs.Seal(ctx, c.ID); err != nil || !sealed {
		t.Fatalf("first hourly seal: %v %v", sealed, err)
	}
	e.submit(t, c, resident, sub("第三条意见"))
	if sealed, _ := e.cs.Seal(ctx, c.ID); sealed {
		t.Error("sealed again within the hour")
	}
	e.now = e.now.Add(61 * time.Minute)
	if sealed, err := e.cs.Seal(ctx, c.ID); err != nil || !sealed {
		t.Fatalf("seal an hour later: %v %v", sealed, err)
	}
	if sealed, _ := e.cs.Seal(ctx, c.ID); sealed {
		t.Error("sealed a log that did not grow")
	}
	e.submit(t, c, resident, sub("第四条意见"))
	if _, err := e.cs.Close(ctx, staff, c.ID, consultation.CloseForm{Reason: "提前结束", ShorteningReason: "紧急"}); err != nil {
		t.Fatal(err)
	}
	got := seals()
	if len(got) != 3 || got[0]["tree_size"] != float64(2) || got[1]["tree_size"] != float64(3) || got[2]["tree_size"] != float64(4) {
		t.Fatalf("seals = %v, want tree sizes 2, 3, 4", got)
	}
	_, root, err := e.svc.LogHead(ctx, c.ID)
	if err != nil || got[2]["root_hash"] != root {
		t.Errorf("last seal root %v, log root %s (%v)", got[2]["root_hash"], root, err)
	}
	cur, _ := e.cs.Get(ctx, staff, c.ID)
	evs, _ := e.db.Consultations().Events(ctx, c.ID)
	v := consultation.VerifyChain(cur, evs)
	if err := comments.VerifyRecord(ctx, e.db.Consultations(), e.db.Comments(), cur, evs, v); err != nil || !v.OK {
		t.Errorf("record after seals: %v %+v", err, v)
	}
}
