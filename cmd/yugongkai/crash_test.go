package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"yugongkai/sqlite"
)

// TestCrashKeepsReceipts kills the server (SIGKILL) in the middle of a burst
// of submissions and checks that every comment that got a receipt is there
// after the restart: a receipt is only sent once the comment is durable.
func TestCrashKeepsReceipts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	srv := newTestServer(t, "-trusted-proxies", "127.0.0.1")
	dir, base := srv.dir, srv.base()
	startProc := srv.start
	proc := startProc()
	defer func() { proc.Process.Kill(); proc.Wait() }()

	id := openForComments(t, base)

	var mu sync.Mutex
	var receipts []string
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				body, _ := json.Marshal(map[string]string{"body": fmt.Sprintf("第%d组第%d条意见：建议明确犬只登记时限。", g, i), "display": "anonymous"})
				req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/consultations/"+id+"/comments", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", g, i/250%250, i%250))
				res, err := client.Do(req)
				if err != nil {
					continue // the server is gone: no receipt, no promise
				}
				var r struct{ Code string }
				json.NewDecoder(res.Body).Decode(&r)
				res.Body.Close()
				if res.StatusCode == 201 && r.Code != "" {
					mu.Lock()
					receipts = append(receipts, r.Code)
					mu.Unlock()
				}
			}
		}(g)
	}
	// Let the burst run, then kill the server without warning.
	for {
		mu.Lock()
		n := len(receipts)
		mu.Unlock()
		if n >= 150 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	proc.Wait()
	cancel()
	wg.Wait()
	mu.Lock()
	got := append([]string(nil), receipts...)
	mu.Unlock()
	t.Logf("%d receipts issued before the kill", len(got))

	// Every receipt is in the store after the crash.
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	store := db.Comments()
	for _, code := range got {
		if _, err := store.CommentByReceipt(context.Background(), code); err != nil {
			t.Errorf("receipt %s lost after the crash: %v", code, err)
		}
	}
	db.Close()
	// And the restarted server answers for them.
	proc = startProc()
	for _, code := range got[len(got)-5:] {
		if st, res := call(t, "GET", base+"/api/v1/receipts/"+code, "", nil); st != 200 || res["status"] != "pending" {
			t.Errorf("receipt %s after restart: %d %v", code, st, res)
		}
	}
}
