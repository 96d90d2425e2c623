package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"yugongkai/apperr"
	"yugongkai/consultation"
)

// planExpireContacts erases, with the record of comments.ExpireContacts,
// every contact the consultation holds: its comments' phone and e-mail,
// its outbox recipients (pending notifications cancelled first) and its
// followers' addresses. Each is one update over a filter (logWrite.Match),
// so the record stays small however many comments there are.
func (p *planner) planExpireContacts() error {
	writes := []struct {
		coll       string
		match, set bson.D
	}{
		{commentsCollection, bson.D{{Key: "consultation_id", Value: p.cid}},
			bson.D{{Key: "contact_phone", Value: ""}, {Key: "contact_email", Value: ""},
				{Key: "contact_phone_key", Value: ""}, {Key: "contact_email_key", Value: ""}}},
		{outboxCollection, bson.D{{Key: "consultation", Value: p.cid}, {Key: "state", Value: consultation.NotifyPending}},
			bson.D{{Key: "state", Value: consultation.NotifyCancelled}}},
		{outboxCollection, bson.D{{Key: "consultation", Value: p.cid}},
			bson.D{{Key: "to", Value: ""}}},
	}
	writes = append(writes, followerExpiry(p.cid)...)
	for _, w := range writes {
		match, err := bson.Marshal(w.match)
		if err != nil {
			return apperr.Wrap(err, "mongodb: encode expiry")
		}
		set, err := bson.Marshal(w.set)
		if err != nil {
			return apperr.Wrap(err, "mongodb: encode expiry")
		}
		p.rec.Writes = append(p.rec.Writes, logWrite{Coll: w.coll, Op: "update", Match: match, Set: set})
	}
	return nil
}

// followerExpiry blanks the followers' addresses (the commit log has no
// delete; Followers leaves blank ones out).
func followerExpiry(cid string) []struct {
	coll       string
	match, set bson.D
} {
	return []struct {
		coll       string
		match, set bson.D
	}{{followersCollection, bson.D{{Key: "consultation", Value: cid}}, bson.D{{Key: "email", Value: ""}}}}
}

// ContactHolders counts the outbox recipients and followers consultation
// cid still holds (comments.ContactHolders).
func (db *DB) ContactHolders(ctx context.Context, cid string) (notifications, followers int, err error) {
	n, err := db.outbox().CountDocuments(ctx, bson.D{{Key: "consultation", Value: cid}, {Key: "to", Value: bson.D{{Key: "$ne", Value: ""}}}})
	if err != nil {
		return 0, 0, storeErr(err, "count outbox recipients")
	}
	f, err := db.db.Collection(followersCollection).CountDocuments(ctx, bson.D{{Key: "consultation", Value: cid}, {Key: "email", Value: bson.D{{Key: "$ne", Value: ""}}}})
	if err != nil {
		return 0, 0, storeErr(err, "count followers")
	}
	return int(n), int(f), nil
}
