package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"yugongkai/attachment"
	"yugongkai/comments"
)

// testGroupTexts: GroupTexts is GroupText of what CommentsByID returns,
// for comments with and without attachments or attachment text, whatever
// their status, after their attachments or contacts change, and it leaves
// unknown ids out (also past the first 500 ids, where SQLite asks again).
func testGroupTexts(t *testing.T, s comments.Store) {
	files := func(texts ...string) []attachment.Meta {
		var list []attachment.Meta
		for i, text := range texts {
			kind := attachment.PDF
			if text == "" {
				kind = attachment.PNG
			}
			list = append(list, attachment.Meta{ID: fmt.Sprintf("f%d", i), Name: fmt.Sprintf("%d.%s", i, kind), Kind: kind, Size: 100,
				SHA256: fmt.Sprintf("%064x", i), Status: attachment.Pending, Text: text})
		}
		return list
	}
	at := T0
	newComment := func(body string, atts []attachment.Meta) *comments.Comment {
		at = at.Add(time.Second)
		c := NewComment("c1", "", body, at)
		c.Attachments = atts
		return c
	}
	plain := newComment("第一条应当修改。", nil)
	escaped := newComment("\"引号\" <b>&amp;</b>\n\t\\ 😀 \u2028末尾", nil)
	noText := newComment("见附件照片。", files(""))
	several := newComment("意见见附件。", files("Keep the registration period at 30 days", "", "建议将登记期限定为三十日。\n第二段"))
	onlyText := newComment("", files("仅附件有文字"))
	withdrawn := newComment("撤回的意见", files("撤回前附的文字"))
	rejected := newComment("不予发布的意见", nil)
	rejected.Status = comments.Pending
	erased := newComment("联系方式已删除的意见", files("附件文字"))
	moderated := newComment("附件已发布的意见", files("", "发布后仍在的文字"))
	all := []*comments.Comment{plain, escaped, noText, several, onlyText, withdrawn, rejected, erased, moderated}
	insert(t, s, all...)
	must(t, withdraw(s, withdrawn.ID, comments.Published, comments.Withdrawal{From: comments.Published, Reason: "想法变了", At: T0.Add(time.Hour)}))
	must(t, setModeration(s, rejected.ID, comments.Pending, comments.Declined, comments.Moderation{Action: comments.Decline, Reason: comments.OffTopic, By: "staff", At: T0.Add(time.Hour)}))
	must(t, s.Commit(ctx, &comments.Change{ForConsultation: "c1", EraseContacts: []string{erased.ID}}))
	list := append([]attachment.Meta(nil), moderated.Attachments...)
	list[1].Status = attachment.Published
	must(t, s.Commit(ctx, &comments.Change{ForConsultation: "c1", Attachments: []comments.AttachmentsSet{{ID: moderated.ID, List: list}}}))

	var ids []string
	for _, c := range all {
		ids = append(ids, c.ID)
	}
	full, err := s.CommentsByID(ctx, ids)
	must(t, err)
	want := map[string]string{}
	for _, c := range full {
		want[c.ID] = comments.GroupText(c)
	}
	// What GroupText is, independently of both reads: were the stores to
	// lose attachment texts in CommentsByID too, this still fails.
	for c, text := range map[*comments.Comment]string{
		plain: plain.Body, noText: noText.Body, onlyText: "\n仅附件有文字", withdrawn: "撤回的意见\n撤回前附的文字",
		several:   "意见见附件。\nKeep the registration period at 30 days\n建议将登记期限定为三十日。\n第二段",
		moderated: "附件已发布的意见\n发布后仍在的文字",
	} {
		if want[c.ID] != text {
			t.Errorf("GroupText of CommentsByID(%q) = %q, want %q", c.Body, want[c.ID], text)
		}
	}

	got, err := s.GroupTexts(ctx, append(ids, "missing"))
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GroupTexts =\n %q\nwant GroupText of CommentsByID =\n %q", got, want)
	}
	// Past the first 500 ids: 500 unknown ids, then two comments.
	var many []string
	for i := range 500 {
		many = append(many, fmt.Sprintf("unknown-%d", i))
	}
	got, err = s.GroupTexts(ctx, append(many, several.ID, plain.ID))
	must(t, err)
	if w := map[string]string{several.ID: want[several.ID], plain.ID: want[plain.ID]}; !reflect.DeepEqual(got, w) {
		t.Errorf("GroupTexts(500 unknown ids, 2 comments) = %q, want %q", got, w)
	}
	for _, none := range [][]string{nil, {"missing"}} {
		if got, err := s.GroupTexts(ctx, none); err != nil || len(got) != 0 {
			t.Errorf("GroupTexts(%q) = %q, %v; want none", none, got, err)
		}
	}
}
