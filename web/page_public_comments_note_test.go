package web

import (
	"testing"

	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/i18n"
)

func TestAdoptionNote(t *testing.T) {
	unchanged := &consultation.ArticleFate{Status: "unchanged", Version: 2}
	changed := &consultation.ArticleFate{Status: "changed", Version: 2}
	label := func(id string) string { return map[string]string{"a2": "第二条", "a3": "第三条"}[id] }
	adopt := func(reason string, arts ...string) *comments.PublicDisposition {
		return &comments.PublicDisposition{Outcome: comments.Adopted, Reason: reason, ChangedArticles: arts}
	}
	cases := []struct {
		name string
		d    *comments.PublicDisposition
		fate *consultation.ArticleFate
		want string
	}{
		{"no answer", nil, unchanged, ""},
		{"not adopted", &comments.PublicDisposition{Outcome: comments.NotAdopted, Reason: "r"}, unchanged, ""},
		{"adopted, article changed", adopt("", "a1"), changed, ""},
		{"adopted, no revision yet", adopt(""), nil, ""},
		{"adopted with reason", adopt("已在实施细则中规定"), unchanged, "该意见已采纳，但该条文未作修改。说明：已在实施细则中规定"},
		{"adopted elsewhere", adopt("", "a2", "a3"), unchanged, "该意见已采纳，已通过修改第二条、第三条落实。"},
		{"adopted, unknown other article", adopt("", "zz"), unchanged, "该意见已采纳，已通过修改其他条文落实。"},
		{"adopted, own article named but unchanged", adopt("", "a1"), unchanged, "该意见已采纳，但该条文未作修改，起草部门未说明理由。"},
		{"adopted, nothing said", adopt(""), unchanged, "该意见已采纳，但该条文未作修改，起草部门未说明理由。"},
	}
	for _, tc := range cases {
		if got := adoptionNote(i18n.ZH, tc.d, "a1", tc.fate, label); got != tc.want {
			t.Errorf("%s: adoptionNote = %q, want %q", tc.name, got, tc.want)
		}
	}
}
