package campaign

import (
	"context"
	"fmt"
	"testing"

	"yugongkai/internal/cputime"
)

// linkGroups runs LinkNear over docs the way comments.proposeNear does (one
// item per text, verified by exact Jaccard on demand) and returns its
// components of at least two as Groups, with how many pairs it verified.
func linkGroups(t testing.TB, docs []Doc) ([]Group, int) {
	sigs := make([]Signature, len(docs))
	for i, d := range docs {
		sigs[i] = MinHash(d.Text)
	}
	verified := 0
	links, err := LinkNear(context.Background(), sigs, 0.8, func(_ context.Context, pairs []Pair) ([]float64, error) {
		if len(pairs) > VerifyBatch {
			t.Fatalf("verify got %d pairs, more than VerifyBatch", len(pairs))
		}
		verified += len(pairs)
		sims := make([]float64, len(pairs))
		for k, p := range pairs {
			sims[k] = Jaccard(docs[p.A].Text, docs[p.B].Text)
		}
		return sims, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	comps := map[int32][]string{}
	var roots []int32
	for i := range docs {
		r := links.Root(int32(i))
		if _, ok := comps[r]; !ok {
			roots = append(roots, r)
		}
		comps[r] = append(comps[r], docs[i].ID)
		if s := links.Similarity(r); len(comps[r]) > 1 && (s < 0.8 || s > 1) {
			t.Fatalf("component %d: similarity %v", r, s)
		}
	}
	var groups []Group
	for _, r := range roots {
		if len(comps[r]) > 1 {
			groups = append(groups, Group{Members: comps[r]})
		}
	}
	return groups, verified
}

// LinkNear, holding only signatures, keeps ProposeNear's quality on a
// campaign of form-letter variants among unrelated comments quoting it.
func TestLinkNearQuality(t *testing.T) {
	g := newGen(2027)
	var docs []Doc
	var label []int32
	for i := range 3000 {
		text, l := g.unrelated(letters[i%len(letters)]), int32(-1-i)
		switch i % 3 {
		case 1:
			text, l = g.variant(letters[i%2]), int32(i%2)
		case 2:
			text, l = g.copyOf(letters[i%2]), int32(i%2)
		}
		docs = append(docs, Doc{ID: fmt.Sprint(i), Text: text})
		label = append(label, l)
	}
	groups, verified := linkGroups(t, docs)
	recall, precision := pairQuality(groups, label)
	ref, refPrecision := pairQuality(ProposeNear(docs, 0.8), label)
	t.Logf("LinkNear: %d groups, recall %.4f, precision %.4f, %d pairs verified; ProposeNear: recall %.4f, precision %.4f", len(groups), recall, precision, verified, ref, refPrecision)
	if recall < 0.9 || precision < 0.95 {
		t.Errorf("recall %.4f, precision %.4f: want ≥ 0.9 and ≥ 0.95", recall, precision)
	}
	// Bounded comparisons: a campaign of 2,000 near-identical comments
	// costs a few verifications each, not one per pair (2 million).
	if verified > 20*len(docs) {
		t.Errorf("%d pairs verified for %d comments", verified, len(docs))
	}
}

// BenchmarkLinkNear1M: LinkNear over the 1M corpus with no identical texts
// collapsed (every comment its own item, as every group is in the store):
// quality, verified pairs and CPU.
func BenchmarkLinkNear1M(b *testing.B) {
	docs, label := corpus1M()
	var groups []Group
	var verified int
	cpu := cputime.Process()
	for b.Loop() {
		groups, verified = linkGroups(b, docs)
	}
	reportCPU(b, cpu)
	recall, precision := pairQuality(groups, label)
	b.ReportMetric(float64(verified), "verified-pairs")
	b.ReportMetric(recall, "recall")
	b.ReportMetric(precision, "precision")
	if recall < 0.9 || precision < 0.95 {
		b.Errorf("recall %.4f, precision %.4f: want ≥ 0.9 and ≥ 0.95", recall, precision)
	}
}
