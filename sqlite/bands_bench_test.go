package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"yugongkai/comments"
	"yugongkai/storetest"
)

// BenchmarkSharedBands finds near-duplicate candidates among 100,000
// comment groups of one consultation (32 band keys each, as submitted
// comments carry; every tenth text a variant of another, so some keys are
// shared) from the keys the groups hold:
//
//	go test ./sqlite -run '^$' -bench SharedBands -benchtime 3x
func BenchmarkSharedBands(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	db := OpenTemp(b, WithBulkLoad())
	rng := rand.New(rand.NewPCG(3, 4))
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	batch := &comments.Change{}
	for i := range n {
		body := fmt.Sprintf("关于第%d条，建议明确犬只登记的办理时限和收费标准，方便群众。编号%d", rng.IntN(100), i)
		if i%10 == 9 {
			body = fmt.Sprintf("关于第%d条，建议明确犬只登记的办理时限和收费标准，方便群众。编号%d", rng.IntN(100), i-1)
		}
		c := storetest.NewComment("c1", "", body, at.Add(time.Duration(i)*time.Second))
		c.Bands = comments.BandKeys(body)
		batch.Insert = append(batch.Insert, c)
		if len(batch.Insert) == 1000 {
			if err := db.Comments().Commit(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = &comments.Change{}
		}
	}
	b.ResetTimer()
	for range b.N {
		sets, err := db.Comments().SharedBands(ctx, "c1")
		if err != nil {
			b.Fatal(err)
		}
		if len(sets) == 0 {
			b.Fatal("no shared keys among variants")
		}
	}
}
