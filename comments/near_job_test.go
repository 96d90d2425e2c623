package comments_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"

	"yugongkai/comments"
	"yugongkai/consultation"
)

// campaignTexts generates a small campaign: a few form letters, each sent
// in many variants (a word swapped, a sentence added or dropped, a closing
// line), some exact copies, and unrelated comments on the same subject.
func campaignTexts(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	letters := [][]string{
		{"我们坚决反对在城区全面禁止饲养大型犬的规定。", "许多家庭已经饲养多年，犬只已经登记并按时免疫。", "禁止饲养将迫使大量犬只被遗弃，反而增加流浪犬数量。", "应当通过牵引、嘴套和时段管理来解决问题。", "恳请立法机关认真听取养犬家庭的意见。"},
		{"建议降低养犬登记费用。", "现行收费标准过高，加重了普通家庭的负担。", "对低保家庭、残疾人家庭应当予以减免。", "登记费用应当用于犬只免疫和流浪犬收容。", "收费标准应当向社会公开并定期评估。"},
		{"建议在各社区设立犬只免疫点。", "方便群众就近办理免疫和登记手续。", "免疫点应当公布办理时间和地点。", "节假日也应当安排人员值守。", "免疫费用应当由财政予以补贴。"},
		{"关于犬只伤人的赔偿责任，建议明确饲养人的举证责任。", "受害人往往难以证明犬只的来源和饲养人。", "应当建立犬只电子标识制度，便于追溯。", "对屡次违规的饲养人应当加重处罚。", "公安机关应当及时处理群众的投诉。"},
	}
	swaps := [][2]string{{"建议", "希望"}, {"应当", "应该"}, {"群众", "居民"}, {"家庭", "住户"}, {"犬只", "狗"}, {"认真", "充分"}}
	closings := []string{"谢谢！", "以上意见供参考。", "望采纳。", "此致敬礼。", ""}
	var out []string
	for i := range n {
		if i%9 == 8 {
			out = append(out, fmt.Sprintf("第%d条意见：建议第%d条的表述再斟酌，%s。", i, r.IntN(30)+1, []string{"用语不够准确", "与上位法不一致", "缺少过渡期安排", "应当细化罚则"}[r.IntN(4)]))
			continue
		}
		parts := append([]string(nil), letters[r.IntN(len(letters))]...)
		if r.IntN(4) == 0 {
			k := r.IntN(len(parts))
			parts = append(parts[:k], parts[k+1:]...)
		}
		text := strings.Join(parts, "")
		for range r.IntN(3) {
			sw := swaps[r.IntN(len(swaps))]
			text = strings.Replace(text, sw[0], sw[1], 1)
		}
		if r.IntN(5) > 0 {
			text += closings[r.IntN(len(closings))]
		}
		out = append(out, text)
	}
	return out
}

// The background pass (NearProposals) proposes what the old in-request
// algorithm (every pair sharing a band compared exactly) proposed, on a
// small generated campaign; the first answer is "computing", and after the
// pass the stored result is "done" and not stale.
func TestNearProposalsMatchOracle(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	want := submitCampaign(t, e, c, 7, 160)
	st, err := e.svc.NearProposals(ctx, staff, c.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != comments.NearComputing || len(st.Items) != 0 || st.StartedAt == nil || st.DoneAt != nil {
		t.Fatalf("first answer = %+v, want computing with nothing yet", st)
	}
	e.svc.WaitNear()
	st, err = e.svc.NearProposals(ctx, staff, c.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != comments.NearDone || st.DoneAt == nil || st.NewComments != 0 {
		t.Fatalf("after the pass = %+v, want done, not stale", st)
	}
	shape := func(ps []comments.Proposal) []string { return proposalShape(t, ps) }
	if got, want := shape(st.Items), shape(want); !reflect.DeepEqual(got, want) {
		t.Errorf("background pass proposes\n%s\nthe in-request algorithm\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if direct, err := e.svc.ProposeGroups(ctx, staff, c.ID); err != nil || !reflect.DeepEqual(shape(direct), shape(want)) {
		t.Errorf("ProposeGroups = %v, %v; want the oracle's", shape(direct), err)
	}

	// A new comment makes the result stale; asking again does not start a
	// pass by itself, asking to start does.
	e.submit(t, c, resident, sub("另一条无关的意见：建议公布执法统计数据。"))
	if st, err = e.svc.NearProposals(ctx, staff, c.ID, false); err != nil || st.State != comments.NearDone || st.NewComments != 1 {
		t.Fatalf("after a new comment = %+v, %v; want done, 1 new comment", st, err)
	}
	if st, err = e.svc.NearProposals(ctx, staff, c.ID, true); err != nil || st.State != comments.NearComputing || len(st.Items) != len(want) {
		t.Fatalf("start = %+v, %v; want computing with the last result", st, err)
	}
	// One pass per consultation: asking again while it runs starts none.
	if again, err := e.svc.NearProposals(ctx, staff, c.ID, true); err != nil || again.State != comments.NearComputing || !again.StartedAt.Equal(*st.StartedAt) {
		t.Errorf("start while running = %+v, %v; want the same pass", again, err)
	}
	e.svc.WaitNear()
	if st, err = e.svc.NearProposals(ctx, staff, c.ID, false); err != nil || st.State != comments.NearDone || st.NewComments != 0 {
		t.Fatalf("after the second pass = %+v, %v", st, err)
	}

	// Only the department sees or starts them.
	if _, err := e.svc.NearProposals(ctx, other, c.ID, true); err == nil {
		t.Error("another department started a pass")
	}
	// A merged proposal cannot be merged again: its groups are gone.
	if _, err := e.svc.Merge(ctx, staff, c.ID, st.Items[0].GroupIDs); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Merge(ctx, staff, c.ID, st.Items[0].GroupIDs)
	if err == nil || !strings.Contains(message(err), "不存在") {
		t.Errorf("merging a stale proposal again: %v, want the group-gone conflict", err)
	}
}

// A pass that keeps its sketches in a file (a large consultation's)
// proposes what the in-request algorithm proposes.
func TestNearProposalsSketchFile(t *testing.T) {
	e := newEnv(t)
	e.svc.NearSketchFileItems, e.svc.NearSketchDir = 1, t.TempDir()
	c := e.open(t, false)
	want := submitCampaign(t, e, c, 11, 120)
	if _, err := e.svc.NearProposals(ctx, staff, c.ID, true); err != nil {
		t.Fatal(err)
	}
	e.svc.WaitNear()
	st, err := e.svc.NearProposals(ctx, staff, c.ID, false)
	if err != nil || st.State != comments.NearDone {
		t.Fatalf("after the pass = %+v, %v; want done", st, err)
	}
	shape := func(ps []comments.Proposal) []string { return proposalShape(t, ps) }
	if got, want := shape(st.Items), shape(want); !reflect.DeepEqual(got, want) {
		t.Errorf("pass over a sketch file proposes\n%s\nthe in-request algorithm\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if left, _ := os.ReadDir(e.svc.NearSketchDir); len(left) != 0 {
		t.Errorf("the pass left %d files in its directory", len(left))
	}
}

// A pass sets the soft memory limit only when the operator set none, and
// the last pass to end restores it.
func TestNearMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	want := before
	if before == math.MaxInt64 {
		want = comments.NearMemoryLimit
	}
	done1 := comments.LimitMemory()
	done2 := comments.LimitMemory()
	if got := debug.SetMemoryLimit(-1); got != want {
		t.Errorf("during two passes the limit is %d, want %d", got, want)
	}
	done1()
	if got := debug.SetMemoryLimit(-1); got != want {
		t.Errorf("with one pass left the limit is %d, want %d", got, want)
	}
	done2()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("after the passes the limit is %d, want %d as before", got, before)
	}
}

// proposalShape is what two passes over the same comments must agree on:
// each proposal's groups, count and sample. It fails t for a similarity
// outside [0.8, 1].
func proposalShape(t *testing.T, ps []comments.Proposal) []string {
	t.Helper()
	var out []string
	for _, p := range ps {
		if p.Similarity < 0.8 || p.Similarity > 1 {
			t.Errorf("proposal %v: similarity %v", p.GroupIDs, p.Similarity)
		}
		out = append(out, fmt.Sprintf("%v n=%d %q", p.GroupIDs, p.Count, p.Sample))
	}
	return out
}

// submitCampaign submits a generated campaign of n comments (seed) to c and
// returns what the in-request algorithm (the oracle) proposes for it.
func submitCampaign(t *testing.T, e *env, c *consultation.Consultation, seed uint64, n int) []comments.Proposal {
	t.Helper()
	for _, text := range campaignTexts(seed, n) {
		e.submit(t, c, resident, sub(text))
	}
	want, err := e.svc.ProposeGroupsOracle(ctx, staff, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 4 {
		t.Fatalf("the oracle proposes %d groups; the campaign should give at least one per letter", len(want))
	}
	return want
}

// The pass rests only while NearBusy says the server serves others: on an
// idle server it runs unpaced, and both ways it proposes the same.
func TestNearPassRestsOnlyWhenBusy(t *testing.T) {
	e := newEnv(t)
	e.svc.NearDuty = 0.5
	c := e.open(t, false)
	want := proposalShape(t, submitCampaign(t, e, c, 5, 400))
	asked := 0
	for _, busy := range []bool{false, true} {
		before := comments.NearRests(e.svc)
		e.svc.NearBusy = func() bool { asked++; return busy }
		if _, err := e.svc.NearProposals(ctx, staff, c.ID, true); err != nil {
			t.Fatal(err)
		}
		e.svc.WaitNear()
		rests := comments.NearRests(e.svc) - before
		if busy && rests == 0 || !busy && rests != 0 {
			t.Errorf("busy %v: %d rests", busy, rests)
		}
		st, err := e.svc.NearProposals(ctx, staff, c.ID, false)
		if err != nil || st.State != comments.NearDone {
			t.Fatalf("busy %v: %+v, %v; want done", busy, st, err)
		}
		if got := proposalShape(t, st.Items); !reflect.DeepEqual(got, want) {
			t.Errorf("busy %v: proposes\n%s\nwant\n%s", busy, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	if asked == 0 {
		t.Error("the pass never asked whether the server was busy")
	}
}
