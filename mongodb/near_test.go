package mongodb_test

import (
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/comments"
	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
)

// TestNearProposalChunks: a pass's proposals are stored in chunks of at
// most the chunk bound (a proposal too large for one goes on in the next),
// the run document names the run, a new result replaces the old run's
// chunks, and a reader that finds its run's chunks incomplete does not
// return part of a result.
func TestNearProposalChunks(t *testing.T) {
	const chunkBytes = 64 << 10
	mongodb.SetNearChunkBytes(t, chunkBytes)
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			db := mongotest.OpenURI(t, target.URI)
			s := db.Comments()
			client, err := mongo.Connect(options.Client().ApplyURI(target.URI))
			if err != nil {
				t.Fatal(err)
			}
			defer client.Disconnect(ctx)
			raw := client.Database(db.Name())
			const cid = "near-chunks"
			type chunk struct {
				Run       string   `bson:"run"`
				Seq       int      `bson:"seq"`
				Proposals bson.Raw `bson:"proposals"`
			}
			chunks := func() map[string][]chunk {
				t.Helper()
				cur, err := raw.Collection("near_proposals").Find(ctx, bson.D{{Key: "consultation", Value: cid}})
				if err != nil {
					t.Fatal(err)
				}
				var all []chunk
				if err := cur.All(ctx, &all); err != nil {
					t.Fatal(err)
				}
				byRun := map[string][]chunk{}
				for _, c := range all {
					byRun[c.Run] = append(byRun[c.Run], c)
				}
				return byRun
			}
			current := func() (run string, n int) {
				t.Helper()
				var d struct {
					Run    string `bson:"run"`
					Chunks int    `bson:"chunks"`
				}
				if err := raw.Collection("near_runs").FindOne(ctx, bson.D{{Key: "_id", Value: cid}}).Decode(&d); err != nil {
					t.Fatal(err)
				}
				return d.Run, d.Chunks
			}
			pass := func(owner string, at time.Time, props []comments.Proposal) {
				t.Helper()
				if ok, err := s.ClaimNear(ctx, cid, owner, at, at.Add(time.Minute)); err != nil || !ok {
					t.Fatalf("ClaimNear = %v, %v", ok, err)
				}
				if ok, err := s.FinishNear(ctx, &comments.NearRun{ConsultationID: cid, Owner: owner, DoneAt: at, Proposals: props}); err != nil || !ok {
					t.Fatalf("FinishNear = %v, %v", ok, err)
				}
				r, err := s.NearRun(ctx, cid)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(r.Proposals, props) {
					t.Errorf("NearRun: %d proposals, want the %d stored", len(r.Proposals), len(props))
				}
			}

			large := storetest.LargeNearProposals(1, 1) // about 1 MB, one proposal of 6,000 groups (300 KB)
			pass("a", storetest.T0, large)
			first, n := current()
			byRun := chunks()
			if len(byRun) != 1 || len(byRun[first]) != n || n < 12 {
				t.Fatalf("after the first pass: run %q of %d chunks, stored %v", first, n, len(byRun[first]))
			}
			for _, c := range byRun[first] {
				if len(c.Proposals) > chunkBytes {
					t.Errorf("chunk %d: %d bytes of proposals, more than the bound %d", c.Seq, len(c.Proposals), chunkBytes)
				}
			}

			// The flip: the new run's chunks only, the old run's deleted.
			small := storetest.LargeNearProposals(2, 1)[1:40]
			pass("b", storetest.T0.Add(time.Minute), small)
			second, n := current()
			if byRun := chunks(); second == first || len(byRun) != 1 || len(byRun[second]) != n || n != 1 {
				t.Errorf("after the second pass: run %q (the first %q) of %d chunks, stored %d runs", second, first, n, len(byRun))
			}
			// A pass that lost its claim stores nothing and leaves no chunks.
			if ok, err := s.FinishNear(ctx, &comments.NearRun{ConsultationID: cid, Owner: "a", DoneAt: storetest.T0, Proposals: large}); err != nil || ok {
				t.Errorf("FinishNear without the claim = %v, %v", ok, err)
			}
			if byRun := chunks(); len(byRun) != 1 || len(byRun[second]) != 1 {
				t.Errorf("after a refused FinishNear: %d runs stored", len(byRun))
			}

			// A reader finding its run's chunks incomplete (a newer pass
			// deleting them) reads again, and fails rather than return part.
			pass("c", storetest.T0.Add(2*time.Minute), large)
			third, n := current()
			for _, seq := range []int{n - 1, 3} { // the last chunk, then one inside
				if _, err := raw.Collection("near_proposals").DeleteOne(ctx, bson.D{{Key: "consultation", Value: cid}, {Key: "run", Value: third}, {Key: "seq", Value: seq}}); err != nil {
					t.Fatal(err)
				}
				if r, err := s.NearRun(ctx, cid); err == nil {
					t.Errorf("NearRun with chunk %d of %d missing = %d proposals, want an error", seq, n, len(r.Proposals))
				}
			}
		})
	}
}
