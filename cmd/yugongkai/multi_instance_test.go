package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
)

// instance is one server process of a deployment on a shared MongoDB.
type instance struct {
	name string
	srv  *testServer
	cmd  *exec.Cmd
}

// apiResult is an answer of the API: status, decoded body, headers.
type apiResult struct {
	status int
	body   map[string]any
	header http.Header
}

// errCode is the error code of a refusal ("conflict", "invalid", …).
func (r apiResult) errCode() string {
	e, _ := r.body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func (r apiResult) String() string {
	b, _ := json.Marshal(r.body)
	return fmt.Sprintf("%d %s", r.status, b)
}

var multiClient = &http.Client{Timeout: 30 * time.Second}

// do sends a JSON request to the instance, from client address ip (the
// instances trust 127.0.0.1 as their proxy) when ip is not empty.
func (in *instance) do(t *testing.T, method, path, tok, ip string, body any, header ...string) apiResult {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, in.srv.base()+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if ip != "" {
		req.Header.Set("X-Forwarded-For", ip)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := multiClient.Do(req)
	if err != nil {
		t.Errorf("%s %s on %s: %v", method, path, in.name, err)
		return apiResult{}
	}
	defer res.Body.Close()
	out := apiResult{status: res.StatusCode, header: res.Header}
	json.NewDecoder(res.Body).Decode(&out.body)
	return out
}

// send is do for a command: while the answer is a 409 saying another
// command moved the consultation meanwhile, it sends the command again
// (at most 5 times, as a person pressing the button again would) and
// counts in retried how often.
func (in *instance) send(t *testing.T, retried *atomic.Int64, method, path, tok, ip string, body any, header ...string) apiResult {
	t.Helper()
	for attempt := 1; ; attempt++ {
		r := in.do(t, method, path, tok, ip, body, header...)
		if !changedConcurrently(r) || attempt == 5 {
			return r
		}
		retried.Add(1)
	}
}

// startInstances starts n server binaries on one MongoDB database at once,
// sharing nothing but the database and the two secrets of a deployment.
func startInstances(t *testing.T, n int, uri string, env []string, args ...string) []*instance {
	t.Helper()
	out := make([]*instance, n)
	for i := range out {
		srv := newTestServer(t, append([]string{"-mongodb-uri", uri, "-metrics-addr", ""}, args...)...)
		srv.env = env
		cmd, err := srv.launch()
		if err != nil {
			t.Fatal(err)
		}
		in := &instance{name: string(rune('A' + i)), srv: srv, cmd: cmd}
		out[i] = in
		t.Cleanup(func() {
			in.cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { in.cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				in.cmd.Process.Kill()
				<-done
			}
		})
	}
	for _, in := range out {
		if err := in.srv.ready(in.cmd); err != nil {
			t.Fatalf("instance %s: %v", in.name, err)
		}
	}
	return out
}

// TestThreeInstancesOnMongoDB runs three server binaries on one MongoDB
// (FerretDB on a loopback port) and drives one consultation through all
// three: residents comment through every instance while staff on A and B
// moderate, answer, extend, close and revise it at the same moments. Every
// command succeeds or is refused with a reason the other instance's
// command explains (a 409, or the period already ending later); afterwards
// the record verifies on every instance and offline, every group and
// counter equals a recount, every receipt any instance issued is found
// through every instance, and the consultation still goes on to review.
// Rate limits are per instance (README, Operations): it shows that too.
func TestThreeInstancesOnMongoDB(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs three server binaries")
	}
	began := time.Now()
	// FerretDB in a process of its own (not slowed by -race), on a
	// loopback port, behind a proxy that passes one command at a time, as
	// MongoDB applies each to a document atomically (FerretDB v1 alone can
	// lose updates made over several connections).
	server := mongotest.StartProcess(t)
	dbName := mongotest.DatabaseName()
	uri := withDatabase(server, dbName)
	t.Cleanup(func() { mongotest.Drop(context.Background(), server, dbName) })
	secret := make([]byte, 32)
	rand.Read(secret)
	logKey, _, err := note.GenerateKey(rand.Reader, logKeyName)
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"YUGONGKAI_JWT_SECRET=" + hex.EncodeToString(secret), "YUGONGKAI_LOG_KEY=" + logKey}
	const commentRate = 6
	// All three start at the same moment: each creates the indexes and
	// races the others to create the admin account.
	ins := startInstances(t, 3, uri, env, "-trusted-proxies", "127.0.0.1", "-comment-rate", fmt.Sprint(commentRate))
	a, b, c := ins[0], ins[1], ins[2]
	t.Logf("three instances ready after %v", time.Since(began).Round(time.Millisecond))

	last := time.Now()
	phase := func(name string) {
		t.Logf("%-28s %v", name, time.Since(last).Round(time.Millisecond))
		last = time.Now()
	}
	must := func(r apiResult, want int, what string) apiResult {
		t.Helper()
		if r.status != want {
			t.Fatalf("%s: %s, want %d", what, r, want)
		}
		return r
	}
	admin := must(a.do(t, "POST", "/api/v1/auth/login", "", "", map[string]string{"username": "admin", "password": "crash-admin-password"}), 200, "admin login").body["token"].(string)
	dept := must(b.do(t, "POST", "/api/v1/departments", admin, "", map[string]string{"name": "县公安局"}), 201, "department").body["id"].(string)
	must(c.do(t, "POST", "/api/v1/users", admin, "", map[string]string{"username": "staff", "password": "staff-password", "role": "staff", "department_id": dept}), 201, "staff account")
	// A token from one instance works on every other (one JWT secret).
	staff := must(a.do(t, "POST", "/api/v1/auth/login", "", "", map[string]string{"username": "staff", "password": "staff-password"}), 200, "staff login").body["token"].(string)
	id := must(b.do(t, "POST", "/api/v1/consultations", staff, "", map[string]any{
		"title": "某县养犬管理办法", "procedure_type": "other", "explanation": "说明", "legal_basis": "依据", "moderation": true,
		"contact": map[string]string{"department": "县公安局", "phone": "0571-1"}, "channels": map[string]string{"email": "a@b.cn"},
		"text": "第一条　为了规范养犬行为，制定本办法。\n第二条　养犬人应当登记。\n第三条　本办法自公布之日起施行。\n"}), 201, "create").body["id"].(string)
	closesAt := time.Now().Add(40 * 24 * time.Hour)
	must(c.do(t, "POST", "/api/v1/consultations/"+id+"/publish", staff, "", map[string]string{"closes_at": closesAt.Format("2006-01-02")}), 200, "publish")
	articles := articleIDs(t, a.do(t, "GET", "/api/v1/consultations/"+id+"/versions/1", staff, "", nil).body)
	if len(articles) != 3 {
		t.Fatalf("version 1 has articles %v, want 3", articles)
	}

	var mu sync.Mutex
	receipts := map[string]string{} // receipt code → instance that issued it
	keep := func(in *instance, r apiResult) {
		code, _ := r.body["code"].(string)
		if code == "" {
			t.Errorf("%s issued a receipt without a code: %s", in.name, r)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if prev, ok := receipts[code]; ok {
			t.Errorf("receipt %s issued twice (%s and %s)", code, prev, in.name)
		}
		receipts[code] = in.name
	}
	// comment submits a resident's comment as a careful client does: with
	// an Idempotency-Key, sending it again while the answer is a 409
	// (another instance's command moved the consultation meanwhile).
	var retried, staffRetried atomic.Int64
	comment := func(in *instance, ip, body string, article string) apiResult {
		key := hex.EncodeToString([]byte(ip + body))[:60]
		r := in.send(t, &retried, "POST", "/api/v1/consultations/"+id+"/comments", "", ip, map[string]string{"body": body, "display": "anonymous", "article_id": article}, "Idempotency-Key", key)
		if r.status == 201 {
			keep(in, r)
		}
		return r
	}

	// Rate limits are per instance: a client that spent its limit on A is
	// refused there and still accepted by B and C.
	const limited = "192.0.2.1"
	for i := range commentRate {
		must(comment(a, limited, fmt.Sprintf("限额内的第%d条意见。", i), ""), 201, "comment within the limit")
	}
	if r := comment(a, limited, "超出限额的意见。", ""); r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Errorf("comment over the limit on A: %s (Retry-After %q), want 429 with Retry-After", r, r.header.Get("Retry-After"))
	}
	must(comment(b, limited, "同一来源在B上的意见。", ""), 201, "the same client on B")
	must(comment(c, limited, "同一来源在C上的意见。", ""), 201, "the same client on C")

	phase("set-up and rate limits")
	// The burst: residents on every instance; staff on A and B moderate
	// the same comments at once (A publishes, B declines: one of them
	// wins, the other is told it was already moderated) and extend the
	// period at the same moments.
	// moderation is one acknowledged moderation of a comment; a published
	// comment may be declined later and a declined one published, so when
	// both instances' commands succeed the later one must be what is stored.
	type moderation struct {
		by, status string
		at         time.Time
	}
	moderated := map[string]moderation{} // comment id → the latest moderation answered 200
	nModerations := 0
	var refusals sync.Map // "what status code" → count, for the log
	count := func(what string, r apiResult) {
		v, _ := refusals.LoadOrStore(fmt.Sprintf("%s %d %s", what, r.status, r.errCode()), new(int))
		mu.Lock()
		*v.(*int)++
		mu.Unlock()
	}
	acknowledge := func(cid string, in *instance, r apiResult) {
		m, _ := r.body["moderation"].(map[string]any)
		at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(m["at"]))
		if err != nil {
			t.Errorf("moderation of %s on %s: no time in %s", cid, in.name, r)
		}
		mu.Lock()
		defer mu.Unlock()
		nModerations++
		if prev, ok := moderated[cid]; !ok || at.After(prev.at) {
			moderated[cid] = moderation{in.name, fmt.Sprint(r.body["status"]), at}
		}
	}
	residentsDone := make(chan struct{})
	var residents, staffWG sync.WaitGroup
	const perResident = 5
	for g, in := range ins {
		for k := range 2 {
			residents.Add(1)
			go func() {
				defer residents.Done()
				for i := range perResident {
					ip := fmt.Sprintf("10.%d.%d.%d", g, k, i)
					if r := comment(in, ip, fmt.Sprintf("%s第%d组第%d条：建议明确犬只登记时限。", in.name, k, i), articles[i%len(articles)]); r.status != 201 {
						t.Errorf("comment on %s: %s", in.name, r)
					}
				}
			}()
		}
	}
	go func() { residents.Wait(); close(residentsDone) }()
	moderate := func(in *instance, action string) {
		defer staffWG.Done()
		for {
			select {
			case <-residentsDone:
				return
			default:
			}
			r := in.do(t, "GET", "/api/v1/consultations/"+id+"/comments?status=pending&limit=10", staff, "", nil)
			items, _ := r.body["items"].([]any)
			for _, it := range items {
				cid := it.(map[string]any)["id"].(string)
				body := map[string]string{"action": action}
				if action == "decline" {
					body["reason"] = "duplicate"
				}
				r := in.send(t, &staffRetried, "POST", "/api/v1/comments/"+cid+"/moderation", staff, "", body)
				switch {
				case r.status == 200:
					acknowledge(cid, in, r)
				case r.status == 409:
					count("moderate", r)
				default:
					t.Errorf("moderate %s on %s: %s", cid, in.name, r)
				}
			}
		}
	}
	staffWG.Add(2)
	go moderate(a, "publish")
	go moderate(b, "decline")
	var extended []time.Time // closes_at of every extension answered 200
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		for k, in := range []*instance{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				to := closesAt.AddDate(0, 0, 2*round+k+1)
				r := in.send(t, &staffRetried, "POST", "/api/v1/consultations/"+id+"/extend", staff, "", map[string]string{"closes_at": to.Format("2006-01-02"), "reason": "意见较多"})
				switch {
				case r.status == 200:
					mu.Lock()
					extended = append(extended, to)
					mu.Unlock()
				case r.status == 409, r.status == 422 && strings.Contains(r.String(), "closes_at"):
					// 409: lost the race after the domain's retries; 422:
					// the other instance's extension already ends later.
					count("extend", r)
				default:
					t.Errorf("extend on %s: %s", in.name, r)
				}
			}()
		}
		wg.Wait()
	}
	<-residentsDone
	staffWG.Wait()
	if len(extended) < 3 {
		t.Errorf("only %d of 6 racing extensions succeeded", len(extended))
	}

	phase("burst")
	// Staff on A and B close the period at the same moment while residents
	// on C keep commenting: one close wins, the other is refused (409),
	// and a retry is refused for the same reason (already closed).
	var closeWG sync.WaitGroup
	stopC := make(chan struct{})
	closeWG.Add(1)
	go func() {
		defer closeWG.Done()
		for i := 0; ; i++ {
			r := comment(c, fmt.Sprintf("10.9.%d.%d", i/250, i%250), fmt.Sprintf("截止前的第%d条意见。", i), "")
			if r.status != 201 {
				if r.status != 409 && r.status != 403 && r.status != 422 {
					t.Errorf("comment on C while closing: %s", r)
				}
				return
			}
			select {
			case <-stopC:
				return
			default:
			}
		}
	}()
	closes := make([]apiResult, 2)
	var closeRace sync.WaitGroup
	for k, in := range []*instance{a, b} {
		closeRace.Add(1)
		go func() {
			defer closeRace.Done()
			closes[k] = in.send(t, &staffRetried, "POST", "/api/v1/consultations/"+id+"/close", staff, "", map[string]string{"reason": "已充分听取意见", "shortening_reason": "情况紧急"})
		}()
	}
	closeRace.Wait()
	close(stopC)
	closeWG.Wait()
	if n200 := btoi(closes[0].status == 200) + btoi(closes[1].status == 200); n200 != 1 {
		t.Errorf("racing closes answered %s and %s, want one 200 and one 409", closes[0], closes[1])
	}
	for k, r := range closes {
		if r.status != 200 {
			if r.status != 409 {
				t.Errorf("the losing close: %s, want 409", r)
			}
			if again := []*instance{a, b}[k].do(t, "POST", "/api/v1/consultations/"+id+"/close", staff, "", map[string]string{"reason": "再次截止"}); again.status != 409 {
				t.Errorf("the retried close: %s, want 409 (already closed)", again)
			}
		}
	}
	closedAt := time.Time{}
	for _, in := range ins {
		r := must(in.do(t, "GET", "/api/v1/consultations/"+id, staff, "", nil), 200, "consultation on "+in.name)
		if r.body["state"] != "closed" {
			t.Errorf("%s shows state %v after the close", in.name, r.body["state"])
		}
		if ce, _ := r.body["closed_early"].(map[string]any); ce != nil {
			closedAt, _ = time.Parse(time.RFC3339Nano, fmt.Sprint(ce["at"]))
		}
	}
	if r := comment(b, "10.10.0.1", "截止后的意见。", ""); r.status == 201 {
		t.Errorf("a comment after the close was accepted: %s", r)
	}

	phase("racing closes")
	// Closed: the remaining moderation, the answers, and two revisions
	// saved at the same moment.
	all := listComments(t, c, id, staff)
	pending := 0
	inLanes(len(all), func(i int) {
		cm := all[i]
		if cm["status"] != "pending" {
			return
		}
		mu.Lock()
		pending++
		mu.Unlock()
		cid := cm["id"].(string)
		// The same action from both: one succeeds, the other is told
		// the comment is already published.
		var rs [2]apiResult
		var wg sync.WaitGroup
		for k, in := range []*instance{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rs[k] = in.send(t, &staffRetried, "POST", "/api/v1/comments/"+cid+"/moderation", staff, "", map[string]string{"action": "publish"})
			}()
		}
		wg.Wait()
		if rs[0].status+rs[1].status != 200+409 {
			t.Errorf("racing moderation of %s: %s and %s, want one 200 and one 409", cid, rs[0], rs[1])
		}
		for k, r := range rs {
			if r.status == 200 {
				acknowledge(cid, []*instance{a, b}[k], r)
			}
		}
	})
	phase("closed: racing moderation")
	// Every comment answered: the first ones by A and B at once (both
	// succeed one after the other, or one is refused with 409), the others
	// by one instance each.
	outcomes := map[string]map[string]bool{} // comment id → outcomes answered 200
	all = listComments(t, a, id, staff)
	for _, cm := range all {
		outcomes[cm["id"].(string)] = map[string]bool{}
	}
	const racedAnswers = 12
	inLanes(len(all), func(i int) {
		cid := all[i]["id"].(string)
		answerers := []*instance{a, b}
		if i >= racedAnswers {
			answerers = []*instance{ins[i%len(ins)]}
		}
		var wg sync.WaitGroup
		for k, in := range answerers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				outcome := []string{"not_adopted", "partially_adopted"}[(i+k)%2]
				r := in.send(t, &staffRetried, "POST", "/api/v1/comments/"+cid+"/disposition", staff, "", map[string]string{"status": outcome, "reason": "已有规定。"})
				switch r.status {
				case 200:
					mu.Lock()
					outcomes[cid][outcome] = true
					mu.Unlock()
				case 409:
					count("dispose", r)
				default:
					t.Errorf("dispose %s on %s: %s", cid, in.name, r)
				}
			}()
		}
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(outcomes[cid]) == 0 {
			t.Errorf("no answer to %s was accepted", cid)
		}
	})
	phase("closed: answers")
	revisions := 0
	var revWG sync.WaitGroup
	for k, in := range []*instance{a, b} {
		revWG.Add(1)
		go func() {
			defer revWG.Done()
			r := in.send(t, &staffRetried, "POST", "/api/v1/consultations/"+id+"/versions", staff, "", map[string]string{
				"text": fmt.Sprintf("第一条　为了规范养犬行为，维护市容环境，制定本办法。\n第二条　养犬人应当在%d日内登记。\n第三条　本办法自公布之日起施行。\n", 15+k),
				"note": "根据意见修改（" + in.name + "）"})
			switch r.status {
			case 201:
				mu.Lock()
				revisions++
				mu.Unlock()
			case 409:
				count("revise", r)
			default:
				t.Errorf("revise on %s: %s", in.name, r)
			}
		}()
	}
	revWG.Wait()
	refusals.Range(func(k, v any) bool { t.Logf("refused: %s × %d", k, *v.(*int)); return true })

	phase("racing revisions")
	// The consultation takes its next step, through the third instance.
	must(c.do(t, "POST", "/api/v1/consultations/"+id+"/review", staff, "", map[string]any{}), 200, "submit for review")

	// The record, read through every instance.
	var mid string
	for _, in := range ins {
		r := must(in.do(t, "GET", "/api/v1/consultations/"+id+"/history/verify", staff, "", nil), 200, "verify on "+in.name)
		if r.body["ok"] != true {
			t.Errorf("history/verify on %s: %s", in.name, r)
		}
		cr := must(in.do(t, "GET", "/api/v1/consultations/"+id, staff, "", nil), 200, "consultation on "+in.name)
		if cr.body["state"] != "in_review" {
			t.Errorf("%s shows state %v, want in_review", in.name, cr.body["state"])
		}
		if got := int(cr.body["current_version"].(float64)); got != 1+revisions {
			t.Errorf("%s shows version %d after %d revisions", in.name, got, revisions)
		}
		head := fmt.Sprint(cr.body["history_head"])
		if mid == "" {
			mid = head
		} else if head != mid {
			t.Errorf("%s shows chain head %s, another instance %s", in.name, head, mid)
		}
	}
	if out, err := runVerifyEnv(map[string]string{"YUGONGKAI_LOG_KEY": logKey}, "-mongodb-uri", uri); err != nil || !strings.Contains(out, "ok   "+id) {
		t.Errorf("yugongkai verify: %v\n%s", err, out)
	}

	phase("review and verify")
	// Every receipt any instance issued is found through every instance,
	// naming the same comment, received before the close.
	all = listComments(t, b, id, staff)
	if len(all) != len(receipts) {
		t.Errorf("the record holds %d comments, the instances issued %d receipts", len(all), len(receipts))
	}
	n := 0
	for code, by := range receipts {
		var seen []string
		for _, in := range ins {
			n++
			r := in.do(t, "GET", "/api/v1/receipts/"+code, "", fmt.Sprintf("10.20.%d.%d", n/250, n%250), nil)
			if r.status != 200 {
				t.Errorf("receipt %s (issued by %s) through %s: %s", code, by, in.name, r)
				continue
			}
			seen = append(seen, fmt.Sprint(r.body["leaf_index"], r.body["body_sha256"]))
			if at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(r.body["received_at"])); err != nil || (!closedAt.IsZero() && at.After(closedAt)) {
				t.Errorf("receipt %s received at %v, after the close at %v", code, r.body["received_at"], closedAt)
			}
		}
		for _, s := range seen[1:] {
			if s != seen[0] {
				t.Errorf("receipt %s reads differently through the instances: %v", code, seen)
			}
		}
	}
	// One log key: every instance serves the same verifier key, and a
	// receipt's proof (a tree head signed by whichever instance) is
	// served by every instance.
	var keys []string
	for _, in := range ins {
		keys = append(keys, fmt.Sprint(must(in.do(t, "GET", "/api/v1/log-key", "", "", nil), 200, "log key on "+in.name).body["key"]))
	}
	if keys[0] != keys[1] || keys[1] != keys[2] || keys[0] == "" {
		t.Errorf("the instances serve log keys %q", keys)
	}
	proofs := 0
	for code := range receipts {
		if proofs++; proofs > 3 {
			break
		}
		for _, in := range ins {
			must(in.do(t, "GET", "/api/v1/receipts/"+code+"/proof", "", "", nil), 200, "proof of "+code+" on "+in.name)
		}
	}
	// Moderation and answers as acknowledged; the report's counts equal a
	// recount of the comments, on every instance.
	status := map[string]string{}
	byOutcome := map[string]int{}
	for _, cm := range all {
		cid := cm["id"].(string)
		status[cid] = fmt.Sprint(cm["status"])
		if d, _ := cm["disposition"].(map[string]any); d != nil {
			if !outcomes[cid][fmt.Sprint(d["status"])] {
				t.Errorf("comment %s answered %v, acknowledged %v", cid, d["status"], outcomes[cid])
			}
			byOutcome[fmt.Sprint(d["status"])]++
		} else {
			t.Errorf("comment %s has no answer", cid)
		}
	}
	for cid, m := range moderated {
		if status[cid] != m.status {
			t.Errorf("comment %s last moderated %s by %s but stored %s", cid, m.status, m.by, status[cid])
		}
	}
	for _, in := range ins {
		r := must(in.do(t, "GET", "/api/v1/consultations/"+id+"/report", staff, "", nil), 200, "report on "+in.name)
		if got, _ := r.body["received"].(float64); int(got) != len(all) {
			t.Errorf("report on %s counts %v received, the record holds %d", in.name, r.body["received"], len(all))
		}
		counts, _ := r.body["by_disposition"].(map[string]any)
		for outcome, want := range byOutcome {
			if got, _ := counts[outcome].(float64); int(got) != want {
				t.Errorf("report on %s counts %v %s, the comments %d", in.name, counts[outcome], outcome, want)
			}
		}
	}
	phase("receipts and report")
	// The search index, which every instance drains, ends as the record
	// is: a published comment is found, a declined one is not.
	for deadline := time.Now().Add(20 * time.Second); ; {
		r := a.do(t, "GET", "/api/v1/search?q="+url.QueryEscape("犬只登记"), "", "", nil)
		if _, lagging := r.body["index_lag"]; !lagging || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for i, cm := range all {
		body := fmt.Sprint(cm["body"])
		q, _, _ := strings.Cut(body, "：")
		in := ins[i%len(ins)]
		r := in.do(t, "GET", "/api/v1/search?limit=100&q="+url.QueryEscape(q), "", fmt.Sprintf("10.30.%d.%d", i/250, i%250), nil)
		if r.status != 200 {
			t.Errorf("search %q on %s: %s", q, in.name, r)
			continue
		}
		found := false
		hits, _ := r.body["hits"].([]any)
		for _, h := range hits {
			found = found || h.(map[string]any)["id"] == cm["id"]
		}
		if want := cm["status"] == "published"; found != want {
			t.Errorf("search %q on %s: comment %s (%s) found %v", q, in.name, cm["id"], cm["status"], found)
		}
	}
	phase("search")
	// Groups and per-article counters equal a recount, read from the store.
	ctx := context.Background()
	db, err := mongodb.Open(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	storetest.CheckRecord(t, storetest.AtomicStores{Auth: db, Consultations: db, Comments: db.Comments(), Queue: db.Search()}, id)
	for _, in := range ins {
		for _, line := range strings.Split(in.srv.log.String(), "\n") {
			if strings.Contains(line, `"level":"ERROR"`) {
				t.Errorf("instance %s logged an error: %s", in.name, line)
			}
		}
	}
	t.Logf("%d comments (%d sent again after a 409), %d staff commands sent again after a 409, %d left pending at the close, %d moderations of %d comments, %d extensions, %d revisions in %v",
		len(all), retried.Load(), staffRetried.Load(), pending, nModerations, len(moderated), len(extended), revisions, time.Since(began).Round(time.Millisecond))
}

// changedConcurrently reports a 409 that says another command moved the
// consultation meanwhile (consultation.ErrStale): sending again resolves it.
func changedConcurrently(r apiResult) bool {
	return r.status == 409 && strings.Contains(r.String(), "刚被他人修改")
}

// inLanes runs f(0) … f(n-1), three at a time.
func inLanes(n int, f func(i int)) {
	var wg sync.WaitGroup
	for lane := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lane; i < n; i += 3 {
				f(i)
			}
		}()
	}
	wg.Wait()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// runVerifyEnv is runVerify with an environment.
func runVerifyEnv(env map[string]string, args ...string) (string, error) {
	var out bytes.Buffer
	err := verify(context.Background(), args, func(k string) string { return env[k] }, &out, &out)
	return out.String(), err
}

// articleIDs reads the article ids of a version answer (either key style).
func articleIDs(t *testing.T, v map[string]any) []string {
	t.Helper()
	list, _ := v["articles"].([]any)
	if inner, ok := v["version"].(map[string]any); ok && list == nil {
		list, _ = inner["articles"].([]any)
	}
	var ids []string
	for _, a := range list {
		m := a.(map[string]any)
		for _, k := range []string{"id", "ID"} {
			if s, ok := m[k].(string); ok {
				ids = append(ids, s)
			}
		}
	}
	return ids
}

// listComments reads every comment of consultation id through in, as staff.
func listComments(t *testing.T, in *instance, id, tok string) []map[string]any {
	t.Helper()
	var out []map[string]any
	cursor := ""
	for {
		r := in.do(t, "GET", "/api/v1/consultations/"+id+"/comments?limit=100&cursor="+cursor, tok, "", nil)
		if r.status != 200 {
			t.Fatalf("list comments on %s: %s", in.name, r)
		}
		items, _ := r.body["items"].([]any)
		for _, it := range items {
			out = append(out, it.(map[string]any))
		}
		cursor, _ = r.body["next_cursor"].(string)
		if cursor == "" {
			return out
		}
	}
}
