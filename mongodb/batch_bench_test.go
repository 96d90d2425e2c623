package mongodb_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
)

// BenchmarkSubmissions16 has 16 clients submit comments to one consultation
// at once through the store's Commit (CheckRev, as Service.Submit does, with
// a fresh read and a retry on ErrStale), with every submission its own
// commit record (the baseline) and with submissions batched into shared
// records (batch.go), in the same run on the same server:
//
//	go test ./mongodb -run '^$' -bench Submissions16 -benchtime 400x
func BenchmarkSubmissions16(b *testing.B) {
	uri := mongotest.Start(b)
	for _, mode := range []struct {
		name string
		opts []mongodb.Option
	}{{"one-record-each", []mongodb.Option{mongodb.WithoutBatching()}}, {"batched", nil}} {
		b.Run(mode.name, func(b *testing.B) {
			db := mongotest.OpenURI(b, uri, mode.opts...)
			c, v := storetest.NewConsultation(b, "d1", storetest.T0)
			if err := create(db, c, v); err != nil {
				b.Fatal(err)
			}
			var next atomic.Int64
			var failed atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						cm := storetest.NewComment(c.ID, fmt.Sprintf("g%d", i%50), fmt.Sprintf("关于第%d条的意见：建议延长登记期限。", i%50), storetest.T0.Add(time.Duration(i)*time.Millisecond))
						if err := submitRetry(db, c.ID, cm); err != nil {
							failed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d submissions failed", n)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comments/s")
			if records, batched := db.BatchStats(); records > 0 {
				b.ReportMetric(float64(batched)/float64(records), "per-shared-record")
			}
		})
	}
}
