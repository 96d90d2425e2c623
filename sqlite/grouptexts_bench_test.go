package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"yugongkai/attachment"
	"yugongkai/comments"
	"yugongkai/storetest"
)

// BenchmarkGroupTexts is what the near-duplicate pass's reads cost (a batch
// of 500 first members, comments/grouping.go): GroupTexts, which decodes
// only the body and the attachments' texts of each record, against
// CommentsByID and GroupText of each full comment, as the pass read them
// before. One in ten comments has an attachment with text. ns/op is per
// batch of 500:
//
//	go test ./sqlite -run '^$' -bench GroupTexts -benchmem
func BenchmarkGroupTexts(b *testing.B) {
	ctx := context.Background()
	db := OpenTemp(b, WithBulkLoad())
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	ids := make([]string, 500)
	var batch []*comments.Comment
	for i := range ids {
		c := storetest.NewComment("c1", "", fmt.Sprintf("第%d条：建议将登记期限由十五日延长为三十日，并明确逾期未登记的法律后果。来信人反映的情况请一并研究。", i), at.Add(time.Duration(i)*time.Second))
		if i%10 == 0 {
			c.Attachments = []attachment.Meta{{ID: fmt.Sprintf("f%d", i), Name: "意见.pdf", Kind: attachment.PDF, Size: 1000, SHA256: fmt.Sprintf("%064d", i),
				Status: attachment.Pending, Text: "附件：关于登记期限的详细意见，建议三十日。"}}
		}
		ids[i] = c.ID
		batch = append(batch, c)
	}
	if err := db.Comments().Commit(ctx, &comments.Change{Insert: batch}); err != nil {
		b.Fatal(err)
	}
	s := db.Comments()
	b.Run("GroupTexts", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			texts, err := s.GroupTexts(ctx, ids)
			if err != nil || len(texts) != len(ids) {
				b.Fatal(len(texts), err)
			}
		}
	})
	b.Run("CommentsByID+GroupText", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			list, err := s.CommentsByID(ctx, ids)
			if err != nil || len(list) != len(ids) {
				b.Fatal(len(list), err)
			}
			texts := make(map[string]string, len(list))
			for _, c := range list {
				texts[c.ID] = comments.GroupText(c)
			}
		}
	})
}
