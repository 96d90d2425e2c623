package comments_test

import (
	"fmt"
	"testing"

	"yugongkai/comments"
	"yugongkai/storetest"
)

// BenchmarkSubmit compares a raw store insert with Service.Submit on SQLite
// (synchronous=FULL: every commit is fsynced). The difference is the
// domain's cost: loading the consultation and its version, validation,
// masking, MinHash band keys, the idempotency lookup and the group check.
// Both insert a new group with 32 band keys per comment.
func BenchmarkSubmit(b *testing.B) {
	body := "建议第二条增加“城区范围以公安机关公布的地图为准”的表述，并明确近郊乡镇是否适用。联系电话13912345678。"
	b.Run("StoreInsert", func(b *testing.B) {
		bands := comments.BandKeys(body)
		e := newEnv(b)
		c := e.open(b, true)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			text := fmt.Sprintf("%s%d", body, i)
			cm := storetest.NewComment(c.ID, comments.ExactGroupID("", text), text, T0)
			cm.Bands = bands // same shape as a submitted comment: 32 band keys
			if err := storetest.InsertComment(e.db.Comments(), cm); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ServiceSubmit", func(b *testing.B) {
		e := newEnv(b)
		c := e.open(b, true)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			in := comments.Submission{Body: fmt.Sprintf("%s%d", body, i), RealName: "张小祥", ContactPhone: "13912345678"}
			if _, err := e.svc.Submit(ctx, resident, c.ID, in, fmt.Sprintf("key-%d", i)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
