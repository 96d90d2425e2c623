package comments_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"yugongkai/attachment"
	"yugongkai/comments"
	"yugongkai/storetest"
)

// BenchmarkStaffSearch measures a staff search page over a consultation of
// 10 000 comments on SQLite (one in ten with a file of about 2 KB of text)
// against the baseline of reading the same 2000 comments through the
// store's keyset listing alone (what a page's scan costs before matching).
// NoHit reads the full scan bound (2000 comments) and finds nothing;
// WholeConsultation follows the cursor through all 10 000 (5 pages);
// FirstPage stops at its 20th hit.
//
//	go test ./comments -run '^$' -bench BenchmarkStaffSearch -benchtime 20x
func BenchmarkStaffSearch(b *testing.B) {
	e := newEnv(b)
	c := e.open(b, true)
	const n = 10000
	fileText := strings.Repeat("附件所述情况属实，建议在第三条中增加对城区以外区域的说明。", 40)
	for start := 0; start < n; start += 500 {
		ch := &comments.Change{}
		for i := start; i < start+500; i++ {
			body := fmt.Sprintf("第%d号意见：建议第二条明确城区范围，养犬登记应当免费，并公布办理地点和时间。", i)
			cm := storetest.NewComment(c.ID, "", body, T0.Add(time.Duration(i)*time.Second))
			cm.Status = comments.Pending
			if i%10 == 0 {
				cm.Attachments = []attachment.Meta{{ID: fmt.Sprintf("f%d", i), Name: "来信.pdf", Size: 4096, SHA256: "x", Kind: attachment.PDF, Status: attachment.Pending, Text: fileText}}
			}
			ch.Insert = append(ch.Insert, cm)
		}
		if err := e.db.Comments().Commit(ctx, ch); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("ListBaseline", func(b *testing.B) {
		for range b.N {
			cursor, read := "", 0
			for read < comments.StaffSearchScan {
				list, next, err := e.db.Comments().Comments(ctx, comments.Filter{ConsultationID: c.ID, Cursor: cursor, Limit: 250})
				if err != nil {
					b.Fatal(err)
				}
				read += len(list)
				cursor = next
			}
		}
	})
	b.Run("NoHit", func(b *testing.B) {
		for range b.N {
			p, err := e.svc.StaffSearch(ctx, staff, c.ID, comments.StaffSearchQuery{Q: "不存在的词"})
			if err != nil || len(p.Hits) != 0 || p.Scanned != comments.StaffSearchScan {
				b.Fatalf("%d hits, %d scanned, %v", len(p.Hits), p.Scanned, err)
			}
		}
	})
	b.Run("WholeConsultation", func(b *testing.B) {
		for range b.N {
			cursor, scanned := "", 0
			for {
				p, err := e.svc.StaffSearch(ctx, legal, c.ID, comments.StaffSearchQuery{Q: "不存在的词", Cursor: cursor})
				if err != nil {
					b.Fatal(err)
				}
				scanned += p.Scanned
				if cursor = p.Next; cursor == "" {
					break
				}
			}
			if scanned != n {
				b.Fatalf("scanned %d", scanned)
			}
		}
	})
	b.Run("FirstPage", func(b *testing.B) {
		for range b.N {
			p, err := e.svc.StaffSearch(ctx, staff, c.ID, comments.StaffSearchQuery{Q: "城区以外"})
			if err != nil || len(p.Hits) != 20 {
				b.Fatalf("%d hits, %v", len(p.Hits), err)
			}
		}
	})
}
