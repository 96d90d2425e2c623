package web_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"yugongkai/comments"
	"yugongkai/search"
)

func TestSearchAPI(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, map[string]any{"moderation": false, "title": "某县养犬管理办法（征求意见稿）"})
		b := draftBody("某县烟花爆竹管理规定\n\n第一条　为了加强烟花爆竹安全管理，制定本规定。\n")
		b["title"] = "某县烟花爆竹管理规定（草案）"
		draft := e.want(e.do("POST", "/api/v1/consultations", w.staffA, b), 201, "draft").str("id")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("建议允许犬只在指定区域遛狗，电话13912345678。", "display", "anonymous")), 201, "comment")

		hits := func(q string, extra string) []any {
			t.Helper()
			r := e.want(e.do("GET", "/api/v1/search?q="+q+extra, "", nil), 200, "search "+q)
			h, _ := r.JSON["hits"].([]any)
			return h
		}
		if h := hits("养犬", ""); len(h) != 1 || h[0].(map[string]any)["kind"] != "consultation" {
			t.Errorf("search 养犬 = %v", h)
		}
		if h := hits("遛狗", ""); len(h) != 1 || h[0].(map[string]any)["kind"] != "comment" {
			t.Errorf("search 遛狗 = %v", h)
		}
		if h := hits("犬", ""); len(h) != 2 {
			t.Errorf("one-character search 犬 = %d hits, want the consultation and the comment", len(h))
		}
		if h := hits("烟花", ""); len(h) != 0 {
			t.Errorf("a draft is searchable: %v", h)
		}
		if h := hits("13912345678", ""); len(h) != 0 {
			t.Errorf("a phone number in a comment is searchable: %v", h)
		}
		if h := hits("养犬", "&status=closed"); len(h) != 0 {
			t.Errorf("status filter: %v", h)
		}
		if h := hits("养犬", "&department="+w.deptA); len(h) != 1 {
			t.Errorf("department filter: %v", h)
		}
		e.want(e.do("GET", "/api/v1/search?q=%20", "", nil), 422, "empty query")
		e.want(e.do("GET", "/api/v1/search?q=x&status=nonsense", "", nil), 422, "bad status")
		// Publishing the other draft makes it searchable.
		e.want(e.do("POST", "/api/v1/consultations/"+draft+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-31", "shortening_reason": "测试"}), 200, "publish")
		if h := hits("烟花", ""); len(h) != 1 || !strings.Contains(h[0].(map[string]any)["snippet"].(string), "烟花") {
			t.Errorf("after publication 烟花 = %v", h)
		}
	})
}

// A crash between a comment's commit and the index leaves its index job
// queued in the store; the catch-up at start (Drain) makes it searchable.
func TestSearchCatchesUpAfterCrash(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, map[string]any{"moderation": false})
		follow := e.comments.OnChange
		e.comments.OnChange = nil // the process dies after the commit, before indexing
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("建议在社区设置遛狗专用区域。", "display", "anonymous")), 201, "comment")
		e.comments.OnChange = follow
		search := func() int {
			r := e.want(e.do("GET", "/api/v1/search?q=遛狗专用", "", nil), 200, "search")
			h, _ := r.JSON["hits"].([]any)
			return len(h)
		}
		if n := search(); n != 0 {
			t.Fatalf("before the catch-up: %d hits, want 0 (the test did not simulate the crash)", n)
		}
		if lag, err := e.search.Lag(t.Context()); err != nil || lag == 0 {
			t.Fatalf("queue after the crash: %d jobs (%v), want the comment's job", lag, err)
		}
		if _, err := e.search.Drain(t.Context()); err != nil { // what start does
			t.Fatal(err)
		}
		if n := search(); n != 1 {
			t.Errorf("after the catch-up: %d hits, want 1", n)
		}
		if lag, err := e.search.Lag(t.Context()); err != nil || lag != 0 {
			t.Errorf("queue after the catch-up: %d jobs (%v), want 0", lag, err)
		}
	})
}

// TestSearchFollowsSubmissionsInBackground: a submission only kicks the
// index worker (comments.Service.OnSubmit, as the server is wired); the
// worker indexes the comment soon after, and until then the search says it
// is behind.
func TestSearchFollowsSubmissionsInBackground(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, map[string]any{"moderation": false})
		e.comments.OnSubmit = func() {} // the worker is not running yet
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("建议在社区设置遛狗专用区域。", "display", "anonymous")), 201, "comment")
		r := e.want(e.do("GET", "/api/v1/search?q=遛狗专用", "", nil), 200, "search")
		if h, _ := r.JSON["hits"].([]any); len(h) != 0 {
			t.Fatalf("before the worker ran: %d hits, want 0 (the submission indexed in its own request)", len(h))
		}
		if lag, _ := r.JSON["index_lag"].(float64); lag < 1 {
			t.Errorf("search while behind: index_lag = %v, want ≥ 1", r.JSON["index_lag"])
		}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go e.search.Run(ctx, time.Hour, func(err error) { t.Error(err) })
		e.comments.OnSubmit = e.search.Kick
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("建议遛狗专用区域配备垃圾箱。", "display", "anonymous")), 201, "comment")
		deadline := time.Now().Add(20 * time.Second)
		for {
			r := e.want(e.do("GET", "/api/v1/search?q=遛狗专用", "", nil), 200, "search")
			h, _ := r.JSON["hits"].([]any)
			if len(h) == 2 {
				if _, behind := r.JSON["index_lag"]; behind {
					t.Errorf("caught up but index_lag = %v", r.JSON["index_lag"])
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the worker did not index the submissions: %d hits", len(h))
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// racyRecords runs between's function once, right after the first comment
// read: another instance's commit and drain in the window between this
// drainer's read and its write.
type racyRecords struct {
	search.Records
	once    sync.Once
	between func()
}

func (r *racyRecords) Comment(ctx context.Context, id string) (*comments.Comment, error) {
	cm, err := r.Records.Comment(ctx, id)
	r.once.Do(r.between)
	return cm, err
}

// TestSearchDrainRaceAcrossInstances: instance A reads a pending comment
// (nothing to index); instance B then publishes it and indexes it; A's
// late delete would hide a published comment from search. A drainer of a
// shared queue (Service.Shared, as on MongoDB) reads again after writing
// and writes once more. Without Shared the test shows the race it closes.
func TestSearchDrainRaceAcrossInstances(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, nil) // moderated: comments wait for staff
		e.comments.OnChange, e.comments.OnSubmit = nil, func() {}
		found := func() int {
			r := e.want(e.do("GET", "/api/v1/search?q=遛狗专用", "", nil), 200, "search")
			h, _ := r.JSON["hits"].([]any)
			return len(h)
		}
		for _, shared := range []bool{false, true} {
			body := "建议在社区设置遛狗专用区域。" + map[bool]string{false: "甲", true: "乙"}[shared]
			r := e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment(body, "display", "anonymous")), 201, "comment")
			cid := r.str("comment_id")
			b := e.search // instance B
			a := &search.Service{Index: b.Index, Queue: b.Queue, Versions: b.Versions, Now: b.Now, Shared: shared}
			a.Records = &racyRecords{Records: b.Records, between: func() {
				e.want(e.do("POST", "/api/v1/comments/"+cid+"/moderation", w.staffA, map[string]string{"action": "publish"}), 200, "publish")
				if _, err := b.Drain(t.Context()); err != nil {
					t.Error(err)
				}
			}}
			if _, err := a.Drain(t.Context()); err != nil {
				t.Fatal(err)
			}
			want := map[bool]int{false: 0, true: 1}[shared] // without Shared the first comment is lost
			if n := found(); n != want {
				t.Errorf("shared %v: %d hits after both drains, want %d", shared, n, want)
			}
		}
	})
}
