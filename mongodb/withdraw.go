package mongodb

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"yugongkai/comments"
)

// planWithdrawals withdraws comments as sqlite.withdrawComment does: status
// and record, the article counters, then the move to the comment's own
// group, whose recount keeps the group it leaves right.
func (p *planner) planWithdrawals(list []comments.WithdrawnComment) error {
	for _, w := range list {
		c, err := p.comment(w.ID)
		if err != nil {
			return err
		}
		if c.Status != w.From {
			return conflictf("comment %s is %s, not %s", w.ID, c.Status, w.From)
		}
		if err := p.update([]string{c.ID}, "", bson.D{{Key: "status", Value: comments.Withdrawn}, {Key: "withdrawal", Value: w.W}}, nil); err != nil {
			return err
		}
		c.Status = comments.Withdrawn
		p.count(c.ArticleID, w.From, -1)
		p.count(c.ArticleID, comments.Withdrawn, 1)
		if err := p.planMove(&comments.Moved{To: comments.WithdrawnGroupPrefix + c.ID, IDs: []string{c.ID}}); err != nil {
			return err
		}
	}
	return nil
}
