package mongodb

import (
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/apperr"
	"yugongkai/consultation"
)

// planEraseContact clears the contacts of comment id
// (comments.EraseContact), cancels its pending notifications and blanks
// the recipient of all of them, as writes of the commit record.
func (p *planner) planEraseContact(id string) error {
	c, err := p.comment(id)
	if err != nil {
		return err
	}
	if err := p.update([]string{c.ID}, "", bson.D{{Key: "contact_email", Value: ""}, {Key: "contact_phone", Value: ""}, {Key: "notify", Value: false},
		{Key: "contact_email_key", Value: ""}, {Key: "contact_phone_key", Value: ""}}, nil); err != nil {
		return err
	}
	list, err := p.db.findNotifications(p.ctx, bson.D{{Key: "consultation", Value: p.cid}, {Key: "comment", Value: id}}, options.Find())
	if err != nil {
		return err
	}
	var pending, other []string
	for _, n := range list {
		if n.State == consultation.NotifyPending {
			pending = append(pending, n.ID)
		} else {
			other = append(other, n.ID)
		}
	}
	for _, w := range []struct {
		ids []string
		set bson.D
	}{
		{pending, bson.D{{Key: "to", Value: ""}, {Key: "state", Value: consultation.NotifyCancelled}}},
		{other, bson.D{{Key: "to", Value: ""}}},
	} {
		if len(w.ids) == 0 {
			continue
		}
		raw, err := bson.Marshal(w.set)
		if err != nil {
			return apperr.Wrap(err, "mongodb: encode update")
		}
		p.rec.Writes = append(p.rec.Writes, logWrite{Coll: outboxCollection, Op: "update", IDs: w.ids, Set: raw})
	}
	return nil
}
