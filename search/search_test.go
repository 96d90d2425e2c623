package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"yugongkai/comments"
	"yugongkai/consultation"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"第１２条", "第12条"},
		{"ＡＢＣ公司 abc", "abc公司abc"},
		{"ＷｉＦｉ", "wifi"},
		{"公共　安全\n\t治安", "公共安全治安"},
		{"（一）", "(一)"},
		{"“５日”，、。", "“5日”,、。"}, // ， is full-width ASCII; quotes, 、 and 。 are not
		{"零\u200b宽\ufeff", "零宽"},
		{"bad\xffutf8", "badutf8"},
		{"", ""},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTerms(t *testing.T) {
	got := Terms("养犬养犬")
	want := []string{"养", "养犬", "犬", "犬养"}
	if !slices.Equal(got, want) {
		t.Errorf("Terms(养犬养犬) = %v, want %v", got, want)
	}
	if got := Terms(""); len(got) != 0 {
		t.Errorf("Terms(\"\") = %v, want none", got)
	}
}

func TestQueryTerms(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"法", []string{"法"}},
		{"治安", []string{"治安"}},
		{"治安管理", []string{"治安", "安管", "管理"}},
		{"哈哈哈", []string{"哈哈"}},
	} {
		if got := QueryTerms(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("QueryTerms(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
	long := QueryTerms("中华人民共和国治安管理处罚法")
	if len(long) != maxQueryTerms || long[0] != "中华" || long[len(long)-1] != "罚法" {
		t.Errorf("QueryTerms(long) = %v, want %d terms from 中华 to 罚法", long, maxQueryTerms)
	}
}

func TestSnippet(t *testing.T) {
	src := strings.Repeat("前", 30) + "\n第十二条　　违反治安管理\n" + strings.Repeat("后", 100)
	got, m := snippet(src, Normalize("治安 管理"))
	r := []rune(got)
	if string(r[m[0]:m[1]]) != "治安管理" {
		t.Errorf("snippet marks %q, want 治安管理 (snippet %q)", string(r[m[0]:m[1]]), got)
	}
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") || strings.Contains(got, "\n") || strings.Contains(got, "　") {
		t.Errorf("snippet = %q, want cut marks and whitespace shown as single spaces", got)
	}
	if !strings.Contains(got, "第十二条 违反") {
		t.Errorf("snippet = %q, want the whitespace run shown as one space", got)
	}
	short, m := snippet("ＡＢＣ公司", "abc")
	if short != "ＡＢＣ公司" || m != [2]int{0, 3} {
		t.Errorf("snippet(ＡＢＣ公司, abc) = %q %v, want the whole source and [0 3]", short, m)
	}
}

var t0 = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)

func TestConsultationDoc(t *testing.T) {
	c := &consultation.Consultation{ID: "c1", Title: "某县养犬管理办法", Explanation: "起草说明：规范养犬", State: consultation.Draft,
		DepartmentID: "d1", ProcedureType: consultation.Rule, PublicVersion: 1,
		Contact: consultation.Contact{Phone: "0571-12345678"}}
	v := &consultation.Version{ConsultationID: "c1", Number: 1, Text: "第一条　为了规范养犬行为，制定本办法。"}
	if _, ok := ConsultationDoc(c, v); ok {
		t.Fatal("ConsultationDoc(draft) reported true; drafts are not public")
	}
	c.PublishedAt, c.State = &t0, consultation.Open
	d, ok := ConsultationDoc(c, v)
	if !ok {
		t.Fatal("ConsultationDoc(open) reported false")
	}
	for _, part := range []string{"某县养犬管理办法", "起草说明：规范养犬", "为了规范养犬行为"} {
		if !strings.Contains(d.Text, Normalize(part)) {
			t.Errorf("ConsultationDoc text lacks %q", part)
		}
	}
	if strings.Contains(d.Source, "12345678") {
		t.Error("ConsultationDoc indexes the contact data")
	}
	if d.Kind != KindConsultation || d.ConsultationID != "c1" || !d.At.Equal(t0) || d.DepartmentID != "d1" || d.ProcedureType != consultation.Rule || d.State != consultation.Open {
		t.Errorf("ConsultationDoc = %+v", d)
	}
}

func TestCommentDoc(t *testing.T) {
	c := &consultation.Consultation{ID: "c1", Title: "某县养犬管理办法", PublishedAt: &t0, State: consultation.Open, DepartmentID: "d1"}
	cm := &comments.Comment{ID: "m1", ConsultationID: "c1", Body: "我是张三，电话13812345678，建议取消登记费",
		PublicBody: "我是张*，电话138****5678，建议取消登记费", RealName: "张三", PublicName: "张*",
		ContactPhone: "13812345678", ContactEmail: "z@example.com", Status: comments.Pending, ReceivedAt: t0}
	if _, ok := CommentDoc(c, cm); ok {
		t.Fatal("CommentDoc(pending) reported true")
	}
	cm.Status = comments.Published
	d, ok := CommentDoc(c, cm)
	if !ok {
		t.Fatal("CommentDoc(published) reported false")
	}
	for _, private := range []string{"张三", "13812345678", "z@example.com"} {
		if strings.Contains(d.Source+d.Text+d.Name+d.Title, private) {
			t.Errorf("CommentDoc holds private %q: %+v", private, d)
		}
	}
	if d.Source != cm.PublicBody || d.Name != "张*" || d.Title != c.Title || d.DepartmentID != "d1" || d.State != consultation.Open {
		t.Errorf("CommentDoc = %+v", d)
	}
}

// fakeIndex records what the Service asks of it.
type fakeIndex struct {
	docs    map[string]Doc
	deleted []string
}

func (f *fakeIndex) Put(_ context.Context, d Doc) error {
	f.docs[string(d.Kind)+"/"+d.ID] = d
	return nil
}
func (f *fakeIndex) Delete(_ context.Context, k Kind, id string) error {
	f.deleted = append(f.deleted, string(k)+"/"+id)
	delete(f.docs, string(k)+"/"+id)
	return nil
}
func (f *fakeIndex) Candidates(context.Context, []string, Filter, int) ([]Doc, error) {
	return nil, nil
}

type versions map[int]*consultation.Version

func (v versions) Version(_ context.Context, _ string, n int) (*consultation.Version, error) {
	return v[n], nil
}

func TestIndexConsultation(t *testing.T) {
	idx := &fakeIndex{docs: map[string]Doc{}}
	svc := &Service{Index: idx, Versions: versions{1: {Text: "征求意见稿正文"}, 2: {Text: "公布稿正文"}}}
	c := &consultation.Consultation{ID: "c1", Title: "办法", State: consultation.Draft}
	ctx := context.Background()
	if err := svc.IndexConsultation(ctx, c); err != nil {
		t.Fatal(err)
	}
	if len(idx.docs) != 0 || !slices.Equal(idx.deleted, []string{"consultation/c1"}) {
		t.Errorf("IndexConsultation(draft): docs %v, deleted %v; want nothing indexed", idx.docs, idx.deleted)
	}
	c.State, c.PublishedAt, c.PublicVersion = consultation.Open, &t0, 1
	if err := svc.IndexConsultation(ctx, c); err != nil {
		t.Fatal(err)
	}
	if d := idx.docs["consultation/c1"]; !strings.Contains(d.Text, "征求意见稿正文") {
		t.Errorf("IndexConsultation(open) text = %q, want the 征求意见稿", d.Text)
	}
	c.State, c.Final = consultation.Published, &consultation.Final{Version: 2}
	if err := svc.IndexConsultation(ctx, c); err != nil {
		t.Fatal(err)
	}
	if d := idx.docs["consultation/c1"]; !strings.Contains(d.Text, "公布稿正文") || strings.Contains(d.Text, "征求意见稿正文") {
		t.Errorf("IndexConsultation(published) text = %q, want the final text only", d.Text)
	}
}

// snippetRef is snippet as it was before it stopped reading at the window
// (it normalized the whole source): the reference for TestSnippetMatchesReference.
func snippetRef(source, q string) (string, [2]int) {
	src := []rune(source)
	norm := make([]rune, 0, len(src))
	pos := make([]int, 0, len(src)) // pos[i]: index in src of norm[i]
	for i, r := range src {
		if n, ok := normalizeRune(r); ok {
			norm = append(norm, n)
			pos = append(pos, i)
		}
	}
	ns := string(norm)
	at := strings.Index(ns, q)
	if at < 0 || q == "" {
		return "", [2]int{}
	}
	ri := utf8.RuneCountInString(ns[:at])
	start, end := pos[ri], pos[ri+utf8.RuneCountInString(q)-1]+1

	from := max(0, start-snippetBefore)
	to := min(len(src), max(end+snippetAfter, from+snippetWidth))
	var out []rune
	if from > 0 {
		out = append(out, '…')
	}
	var match [2]int
	space := true // drop whitespace at the start
	for i := from; i < to; i++ {
		if i == start {
			match[0] = len(out)
		}
		if i == end {
			match[1] = len(out)
		}
		if unicode.IsSpace(src[i]) {
			if !space {
				out = append(out, ' ')
				space = true
			}
			continue
		}
		out = append(out, src[i])
		space = false
	}
	if end == to {
		match[1] = len(out)
	}
	if space && len(out) > 0 && out[len(out)-1] == ' ' && match[1] < len(out) {
		out = out[:len(out)-1]
	}
	if to < len(src) {
		out = append(out, '…')
	}
	return string(out), match
}

// TestSnippetMatchesReference compares snippet with the whole-source
// reference on generated sources: CJK, Latin, full-width, whitespace runs,
// punctuation, invalid bytes, matches at the start, middle and end.
func TestSnippetMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	alphabet := []string{"治", "安", "管", "理", "法", " ", "\n\t", "，", "。", "Ａ", "b", "C", "1", "\xff", "　", "…", "的"}
	for n := range 20000 {
		var sb strings.Builder
		for range rng.IntN(200) {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		src := sb.String()
		norm := []rune(Normalize(src))
		if len(norm) == 0 {
			continue
		}
		at := rng.IntN(len(norm))
		q := string(norm[at:min(len(norm), at+1+rng.IntN(4))])
		if n%7 == 0 {
			q = "治理安" // often absent
		}
		got, gm := snippet(src, q)
		want, wm := snippetRef(src, q)
		if got != want || gm != wm {
			t.Fatalf("snippet(%q, %q) = %q %v, reference %q %v", src, q, got, gm, want, wm)
		}
	}
}

// Key is written without fmt; it must stay the format the stores hold
// (sort_key in SQLite, the key field in MongoDB).
func TestKeyFormat(t *testing.T) {
	for _, d := range []Doc{
		{Kind: KindComment, ID: "m0000001", At: time.Date(2025, 3, 1, 8, 0, 0, 123_000_000, time.UTC)},
		{Kind: KindConsultation, ID: "c1", At: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)},
		{Kind: KindComment, ID: "", At: time.Unix(0, 0)},
		{Kind: KindComment, ID: "x", At: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)},                      // before the epoch: clamped
		{Kind: KindComment, ID: "y", At: time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)},                      // past 13 digits: clamped
		{Kind: KindComment, ID: strings.Repeat("长", 40), At: time.Date(2026, 12, 7, 0, 0, 0, 1, time.UTC)}, // longer than the buffer
	} {
		rank := "1"
		if d.Kind == KindConsultation {
			rank = "0"
		}
		const maxMillis = 9_999_999_999_999
		want := fmt.Sprintf("%s%013d%s", rank, maxMillis-min(max(d.At.UnixMilli(), 0), maxMillis), d.ID)
		if got := d.Key(); got != want {
			t.Errorf("Key of %v %q at %v = %q, want %q", d.Kind, d.ID, d.At, got, want)
		}
	}
}
