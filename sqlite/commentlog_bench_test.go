package sqlite

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"yugongkai/comments"
	"yugongkai/ident"
)

// BenchmarkCommentLog: submitting comments with the transparency log
// against the same without it, 16 concurrent writers, fsync per commit
// (issue 9: the log must cost ≤ 10 % more at the same concurrency).
func BenchmarkCommentLog(b *testing.B) {
	for _, withLog := range []bool{false, true} {
		name := "without_log"
		if withLog {
			name = "with_log"
		}
		b.Run(name, func(b *testing.B) {
			db := OpenTemp(b)
			db.noLog = !withLog
			store := db.Comments()
			var n atomic.Int64
			t0 := time.Now().UTC().Truncate(time.Millisecond)
			b.SetParallelism(8) // 2 cores × 8 = 16 concurrent writers
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					body := fmt.Sprintf("第%d位居民的意见：建议明确犬只登记的期限和收费标准。", i)
					c := &comments.Comment{ID: ident.ID(), ConsultationID: "c1", Version: 1, Body: body, PublicBody: body,
						BodySHA256: fmt.Sprint(i), CommenterType: comments.Individual, Display: comments.Anonymous, Channel: comments.Online,
						ReceivedAt: t0, CreatedAt: t0, Receipt: comments.NewReceiptCode(), Status: comments.Pending,
						GroupID: comments.ExactGroupID("", body), Bands: comments.BandKeys(body)}
					if err := store.Commit(context.Background(), &comments.Change{Insert: []*comments.Comment{c}}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
