package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"yugongkai/sqlite"
	"yugongkai/storetest"
)

// TestCrashMidMixedBurst kills the server (SIGKILL) while residents comment
// and staff moderate, answer, extend the period and enter offline comments
// on the same consultations, then checks the record after the restart: no
// command is half-applied (every chain verifies to its head, every counter
// equals a recount) and every command that was answered 2xx is there.
func TestCrashMidMixedBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	srv := newTestServer(t, "-comment-rate", "100000")
	dir, base, start := srv.dir, srv.base(), srv.start
	proc := start()
	defer func() { proc.Process.Kill(); proc.Wait() }()

	_, res := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "crash-admin-password"})
	admin := res["token"].(string)
	_, res = call(t, "POST", base+"/api/v1/departments", admin, map[string]string{"name": "县公安局"})
	dept := res["id"].(string)
	call(t, "POST", base+"/api/v1/users", admin, map[string]string{"username": "staff", "password": "staff-password", "role": "staff", "department_id": dept})
	_, res = call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"username": "staff", "password": "staff-password"})
	staff := res["token"].(string)
	var ids []string
	for i := 0; i < 2; i++ {
		_, res = call(t, "POST", base+"/api/v1/consultations", staff, map[string]any{
			"title": fmt.Sprintf("某县养犬管理办法%d", i), "procedure_type": "other", "explanation": "说明", "legal_basis": "依据",
			"contact": map[string]string{"department": "县公安局", "phone": "0571-1"}, "channels": map[string]string{"email": "a@b.cn"},
			"text": "第一条　为了规范养犬行为，制定本办法。\n第二条　本办法自公布之日起施行。\n"})
		id := res["id"].(string)
		if st, res := call(t, "POST", base+"/api/v1/consultations/"+id+"/publish", staff, map[string]string{
			"closes_at": time.Now().Add(40 * 24 * time.Hour).Format("2006-01-02")}); st != 200 {
			t.Fatalf("publish: %d %v", st, res)
		}
		ids = append(ids, id)
	}

	client := &http.Client{Timeout: 10 * time.Second}
	try := func(ctx context.Context, method, url, tok string, body any) (int, map[string]any) {
		var rd io.Reader
		if body != nil {
			raw, _ := json.Marshal(body)
			rd = bytes.NewReader(raw)
		}
		req, _ := http.NewRequestWithContext(ctx, method, url, rd)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, map[string]any{"transport": err.Error()}
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var out map[string]any
		json.Unmarshal(b, &out)
		return res.StatusCode, out
	}
	var mu sync.Mutex
	receipts := map[string]bool{}    // receipt codes answered 201
	moderated := map[string]string{} // comment id → status answered 200
	answered := map[string]bool{}    // comment ids answered 200
	var ops, extends atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	run := func(f func(i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				f(i)
			}
		}()
	}
	for g := 0; g < 4; g++ {
		run(func(i int) { // residents
			id := ids[i%len(ids)]
			st, r := try(ctx, "POST", base+"/api/v1/consultations/"+id+"/comments", "", map[string]string{
				"body": fmt.Sprintf("第%d组第%d条意见：建议明确犬只登记时限。", g, i%3), "display": "anonymous"})
			if st == 201 {
				mu.Lock()
				receipts[r["code"].(string)] = true
				mu.Unlock()
				ops.Add(1)
			}
		})
	}
	run(func(i int) { // moderation and answers
		id := ids[i%len(ids)]
		st, r := try(ctx, "GET", base+"/api/v1/consultations/"+id+"/comments?status=pending&limit=5", staff, nil)
		if st != 200 {
			return
		}
		items, _ := r["items"].([]any)
		for k, it := range items {
			cid := it.(map[string]any)["id"].(string)
			action, want := "publish", "published"
			body := map[string]string{"action": action}
			if k%3 == 2 {
				body, want = map[string]string{"action": "decline", "reason": "duplicate"}, "declined"
			}
			if st, _ := try(ctx, "POST", base+"/api/v1/comments/"+cid+"/moderation", staff, body); st == 200 {
				mu.Lock()
				moderated[cid] = want
				mu.Unlock()
				ops.Add(1)
			}
			if st, _ := try(ctx, "POST", base+"/api/v1/comments/"+cid+"/disposition", staff, map[string]string{"status": "not_adopted", "reason": "已有规定。"}); st == 200 {
				mu.Lock()
				answered[cid] = true
				mu.Unlock()
				ops.Add(1)
			}
		}
	})
	run(func(i int) { // the period and offline entries
		id := ids[i%len(ids)]
		if st, r := try(ctx, "POST", base+"/api/v1/consultations/"+id+"/extend", staff, map[string]string{
			"closes_at": time.Now().Add(time.Duration(41+i) * 24 * time.Hour).Format("2006-01-02"), "reason": "意见较多"}); st == 200 {
			ops.Add(1)
			extends.Add(1)
		} else if i < 3 {
			t.Logf("extend %d at %s: %d %v", i, time.Now().Format("15:04:05.000"), st, r)
		}
		if st, r := try(ctx, "POST", base+"/api/v1/consultations/"+id+"/comments/offline", staff, map[string]string{
			"body": fmt.Sprintf("来信%d：建议放宽。", i), "display": "anonymous", "channel": "letter", "received_on": time.Now().Format(time.RFC3339)}); st == 201 {
			mu.Lock()
			receipts[r["code"].(string)] = true
			mu.Unlock()
			ops.Add(1)
		} else if i < 3 {
			t.Logf("offline %d at %s: %d %v", i, time.Now().Format("15:04:05.000"), st, r)
		}
	})
	t.Logf("burst starts at %s", time.Now().Format("15:04:05.000"))
	for ops.Load() < 300 {
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("kill at %s", time.Now().Format("15:04:05.000"))
	if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	proc.Wait()
	cancel()
	wg.Wait()
	t.Logf("%d commands answered before the kill (%d receipts, %d moderations, %d answers, %d extensions)", ops.Load(), len(receipts), len(moderated), len(answered), extends.Load())
	if len(moderated) == 0 || len(answered) == 0 || extends.Load() == 0 {
		t.Errorf("the burst was not mixed: %d moderations, %d answers, %d extensions", len(moderated), len(answered), extends.Load())
	}

	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	stores := storetest.AtomicStores{Auth: db.Auth(), Consultations: db.Consultations(), Comments: db.Comments(), Queue: db.Search()}
	for _, id := range ids {
		storetest.CheckRecord(t, stores, id)
	}
	ctx2 := context.Background()
	for code := range receipts {
		if _, err := db.Comments().CommentByReceipt(ctx2, code); err != nil {
			t.Errorf("receipt %s lost: %v", code, err)
		}
	}
	for id, want := range moderated {
		cm, err := db.Comments().Comment(ctx2, id)
		if err != nil || string(cm.Status) != want {
			t.Errorf("moderation of %s answered 200 (%s) but stored %v (%v)", id, want, cm, err)
		}
	}
	for id := range answered {
		if cm, err := db.Comments().Comment(ctx2, id); err != nil || cm.Disposition == nil {
			t.Errorf("answer to %s acknowledged but not stored (%v)", id, err)
		}
	}
	db.Close()
	// The restarted server catches the search index up and serves the record.
	proc = start()
	if st, res := call(t, "GET", base+"/api/v1/consultations/"+ids[0]+"/history/verify", staff, nil); st != 200 || res["ok"] != true {
		t.Errorf("verify after restart: %d %v", st, res)
	}
}
