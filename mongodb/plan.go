package mongodb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/consultation"
)

// planner checks a change against the tail of its consultation's log and
// turns it into the record that applies it. It reads the projections,
// which hold exactly the tail's state: every earlier record is applied,
// and a record written by someone else meanwhile takes the seq this one
// was planned for, so this one is planned again.
//
// The comment part is worked out on an overlay of the comments, groups and
// counters it touches, in the order of the SQLite store (insert, moderate,
// dispose, dispose group, move, redact); the record then carries the new
// state of each group and counter, so applying it reads nothing.
type planner struct {
	db   *DB
	ctx  context.Context
	cid  string
	tail tail
	rec  *commitDoc

	claims   []claimNeed
	inserted []insertedComment

	members map[string]*member       // comments read or inserted, by id
	groups  map[string]*groupDoc     // by group id; nil: known absent
	touched map[string]bool          // groups to write
	deltas  map[string]*counterDelta // per-article counters moved, by key
}

type counterDelta struct {
	counterDoc
	delta int64
}

type insertedComment struct {
	caller *comments.Comment
	doc    *comments.Comment
}

// member is the part of a comment the planner follows.
type member struct {
	ID             string          `bson:"_id"`
	ConsultationID string          `bson:"consultation_id"`
	GroupID        string          `bson:"group_id"`
	ArticleID      string          `bson:"article_id"`
	Status         comments.Status `bson:"status"`
	ReceivedAt     time.Time       `bson:"received_at"`
	Bands          []string        `bson:"bands"`
	// What the report counts (reportcounts.go).
	Channel       comments.Channel       `bson:"channel"`
	CommenterType comments.CommenterType `bson:"commenter_type"`
	Signatories   int                    `bson:"signatories"`
	Stance        comments.Stance        `bson:"stance"`
	Disposition   *memberOutcome         `bson:"disposition"`
	// was is the comment as stored before the change (nil if the change
	// inserts it), inserted says the change inserts it: the report's
	// counters move by the difference.
	was      *comments.Comment
	inserted bool
}

var memberFields = bson.D{{Key: "consultation_id", Value: 1}, {Key: "group_id", Value: 1}, {Key: "article_id", Value: 1},
	{Key: "status", Value: 1}, {Key: "received_at", Value: 1}, {Key: "bands", Value: 1},
	{Key: "channel", Value: 1}, {Key: "commenter_type", Value: 1}, {Key: "signatories", Value: 1}, {Key: "stance", Value: 1},
	{Key: "disposition", Value: 1}}

// earlier orders comments by (ReceivedAt, ID), the order of the lists.
func earlier(a, b *member) bool {
	if !a.ReceivedAt.Equal(b.ReceivedAt) {
		return a.ReceivedAt.Before(b.ReceivedAt)
	}
	return a.ID < b.ID
}

func conflictf(format string, args ...any) error {
	return fmt.Errorf("mongodb: "+format+": %w", append(args, apperr.ErrConflict)...)
}

func notFoundf(format string, args ...any) error {
	return fmt.Errorf("mongodb: "+format+": %w", append(args, apperr.ErrNotFound)...)
}

func duplicateKey(format string, args ...any) error {
	return &apperr.Error{Kind: apperr.Conflict, Key: "error.conflict",
		Cause: fmt.Errorf("mongodb: "+format+": %w", append(args, comments.ErrDuplicateKey)...)}
}

// add appends a write of documents (insert, replace).
func (p *planner) add(coll, op string, docs ...any) error {
	w := logWrite{Coll: coll, Op: op}
	for _, d := range docs {
		raw, err := bson.Marshal(d)
		if err != nil {
			return apperr.Wrap(err, "mongodb: encode "+coll)
		}
		w.Docs = append(w.Docs, raw)
	}
	p.rec.Writes = append(p.rec.Writes, w)
	return nil
}

// update appends an update of comments: those with ids, or the members of
// group gid.
func (p *planner) update(ids []string, gid string, set, push bson.D) error {
	w := logWrite{Coll: commentsCollection, Op: "update", IDs: ids}
	if gid != "" {
		w.Group = &groupSel{ConsultationID: p.cid, GroupID: gid}
	}
	var err error
	if len(set) > 0 {
		if w.Set, err = bson.Marshal(set); err != nil {
			return apperr.Wrap(err, "mongodb: encode update")
		}
	}
	if len(push) > 0 {
		if w.Push, err = bson.Marshal(push); err != nil {
			return apperr.Wrap(err, "mongodb: encode update")
		}
	}
	p.rec.Writes = append(p.rec.Writes, w)
	return nil
}

// plan fills p.rec and p.claims from the change, or returns why the change
// is refused.
func (p *planner) plan(ch *consultation.Change, cm *comments.Change) error {
	t := p.tail
	p.rec = &commitDoc{ID: commitID(p.cid, t.seq+1), Consultation: p.cid, Seq: t.seq + 1, Rev: t.rev, Exists: t.exists,
		HistorySeq: t.historySeq, At: p.db.now()}
	if ch.Consultation != nil {
		if err := p.planConsultation(ch); err != nil {
			return err
		}
	}
	if ch.LogSize != nil {
		if err := p.checkLogSize(*ch.LogSize); err != nil {
			return err
		}
	}
	if cm != nil {
		if err := p.planComments(cm); err != nil {
			return err
		}
	}
	if err := p.planIndexJobs(ch.Index); err != nil {
		return err
	}
	if err := p.planHearingApplications(ch.HearingApplications); err != nil { // hearings.go
		return err
	}
	if err := p.planSurveyResponses(ch.SurveyResponses); err != nil { // surveys.go
		return err
	}
	if err := p.planResponseCount(ch.Responses); err != nil { // surveys.go
		return err
	}
	return p.planNotifications(ch.Notify) // notify.go
}

// planIndexJobs queues the change's search index jobs with it: the queue
// documents are written by the same record (search.Queue).
func (p *planner) planIndexJobs(jobs []consultation.IndexJob) error {
	if len(jobs) == 0 || len(p.rec.Writes) == 0 {
		return nil
	}
	docs := make([]any, len(jobs))
	for i, j := range jobs {
		docs[i] = queueDoc{ID: fmt.Sprintf("%s/%d", p.rec.ID, i), Seq: p.rec.At.UnixNano(), IndexJob: j}
	}
	return p.add(searchQueueCollection, "insert", docs...)
}

// planConsultation checks and writes the consultation part, as
// sqlite.writeConsultation does.
func (p *planner) planConsultation(ch *consultation.Change) error {
	c, t := ch.Consultation, p.tail
	for _, e := range ch.Events {
		if e.Consultation != c.ID {
			return apperr.Wrap(fmt.Errorf("event %d of consultation %q appended to %q", e.Seq, e.Consultation, c.ID), "mongodb: commit")
		}
	}
	switch ch.Write {
	case consultation.CheckRev, consultation.Update:
		if !t.exists {
			return notFoundf("consultation %s", c.ID)
		}
		if t.rev != c.Rev {
			return fmt.Errorf("mongodb: consultation %s: rev %d, stored %d: %w", c.ID, c.Rev, t.rev, consultation.ErrStale)
		}
	case consultation.Insert:
		if t.exists {
			return conflictf("consultation %s exists", c.ID)
		}
	}
	if ch.Write != consultation.CheckRev {
		next := consultationDoc{Consultation: *c}
		next.Rev = c.Rev + 1
		op := "replace"
		if ch.Write == consultation.Insert {
			next.Rev, op = 1, "insert"
		}
		if err := p.claimNumbers(ch.Write, &next.Consultation); err != nil {
			return err
		}
		if err := p.add(consultationsCollection, op, next); err != nil {
			return err
		}
		p.rec.Rev, p.rec.Exists = next.Rev, true
	}

	var docs []any
	var ids []string
	for _, v := range ch.NewVersions {
		if v.ConsultationID != c.ID {
			return apperr.Wrap(fmt.Errorf("version %d of consultation %q stored with %q", v.Number, v.ConsultationID, c.ID), "mongodb: commit")
		}
		id := versionID(c.ID, v.Number)
		if slices.Contains(ids, id) {
			return conflictf("version %d given twice", v.Number)
		}
		ids = append(ids, id)
		docs = append(docs, versionDoc{ID: id, Version: *v})
	}
	if len(ids) > 0 {
		found, err := exists(p.ctx, p.db.versions, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
		if err != nil {
			return err
		}
		if found {
			return conflictf("version of %s exists", c.ID)
		}
		if err := p.add(versionsCollection, "insert", docs...); err != nil {
			return err
		}
	}
	if v := ch.ReplaceVersion; v != nil {
		id := versionID(c.ID, v.Number)
		var stored struct {
			Frozen bool `bson:"frozen"`
		}
		err := p.db.versions.FindOne(p.ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "frozen", Value: 1}})).Decode(&stored)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			return notFoundf("version %s", id)
		case err != nil:
			return storeErr(err, "find version")
		case stored.Frozen:
			return conflictf("version %s is frozen", id)
		}
		if err := p.add(versionsCollection, "replace", versionDoc{ID: id, Version: *v}); err != nil {
			return err
		}
	}

	if len(ch.Events) > 0 {
		docs = docs[:0]
		for i, e := range ch.Events {
			// The chain continues from the stored head: a seq taken (or
			// skipped) means the command read another head.
			if want := t.historySeq + 1 + int64(i); e.Seq != want {
				return conflictf("event seq %d of %s, want %d", e.Seq, c.ID, want)
			}
			docs = append(docs, toEventDoc(e))
		}
		if err := p.add(eventsCollection, "insert", docs...); err != nil {
			return err
		}
		p.rec.HistorySeq = t.historySeq + int64(len(ch.Events))
	}
	return nil
}

// claimNumbers asks for the 文号 and 统一登记编号 the consultation will bear
// that it does not bear already.
func (p *planner) claimNumbers(w consultation.Write, c *consultation.Consultation) error {
	if c.Final == nil || (c.Final.DocumentNumber == "" && c.Final.RegistrationNumber == "") {
		return nil
	}
	var stored consultation.Consultation
	if w == consultation.Update {
		err := p.db.consultations.FindOne(p.ctx, bson.D{{Key: "_id", Value: c.ID}},
			options.FindOne().SetProjection(bson.D{{Key: "final", Value: 1}})).Decode(&stored)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return storeErr(err, "find consultation")
		}
	}
	had := stored.Final
	if had == nil {
		had = &consultation.Final{}
	}
	if n := c.Final.DocumentNumber; n != "" && n != had.DocumentNumber {
		p.claims = append(p.claims, claimNeed{kind: docNoClaim, key: n, owner: c.ID})
	}
	if n := c.Final.RegistrationNumber; n != "" && n != had.RegistrationNumber {
		p.claims = append(p.claims, claimNeed{kind: regNoClaim, key: n, owner: c.ID})
	}
	return nil
}

// planComments checks and writes the comment part, as sqlite.commitComments
// does.
func (p *planner) planComments(ch *comments.Change) error {
	p.members, p.groups, p.touched, p.deltas = map[string]*member{}, map[string]*groupDoc{}, map[string]bool{}, map[string]*counterDelta{}
	if err := p.planInserts(ch.Insert); err != nil {
		return err
	}
	for _, m := range ch.Moderate {
		if err := p.planModeration(m); err != nil {
			return err
		}
	}
	for _, d := range ch.Dispose {
		c, err := p.comment(d.ID)
		if err != nil {
			return err
		}
		if err := p.update([]string{c.ID}, "", bson.D{{Key: "disposition", Value: d.D}}, bson.D{{Key: "dispositions", Value: d.D}}); err != nil {
			return err
		}
		c.dispose(d.D.Outcome)
	}
	if d := ch.DisposeGroup; d != nil {
		g, err := p.group(d.GroupID)
		if err != nil {
			return err
		}
		if g == nil {
			return notFoundf("group %s", d.GroupID)
		}
		g.Disposition = &d.D
		p.touched[g.GroupID] = true
		if err := p.update(nil, d.GroupID, bson.D{{Key: "disposition", Value: d.D}}, bson.D{{Key: "dispositions", Value: d.D}}); err != nil {
			return err
		}
		// The report counts every member's disposition.
		if _, err := p.find(bson.D{{Key: "consultation_id", Value: p.cid}, {Key: "group_id", Value: d.GroupID}}); err != nil {
			return err
		}
		for _, c := range p.members {
			if c.ConsultationID == p.cid && c.GroupID == d.GroupID {
				c.dispose(d.D.Outcome)
			}
		}
	}
	if m := ch.Move; m != nil {
		if err := p.planMove(m); err != nil {
			return err
		}
	}
	for _, r := range ch.Redact {
		c, err := p.comment(r.ID)
		if err != nil {
			return err
		}
		if err := p.update([]string{c.ID}, "", bson.D{{Key: "public_body", Value: r.PublicBody}}, bson.D{{Key: "redactions", Value: r.R}}); err != nil {
			return err
		}
	}
	if err := p.planWithdrawals(ch.Withdraw); err != nil { // withdraw.go
		return err
	}
	for _, a := range ch.Attachments { // blobs.go
		c, err := p.comment(a.ID)
		if err != nil {
			return err
		}
		if err := p.update([]string{c.ID}, "", bson.D{{Key: "attachments", Value: a.List}}, nil); err != nil {
			return err
		}
	}
	for _, id := range ch.EraseContacts {
		if err := p.planEraseContact(id); err != nil { // erase_contact.go
			return err
		}
	}
	for _, a := range ch.Attach {
		c, err := p.comment(a.ID)
		if err != nil {
			return err
		}
		if err := p.update([]string{c.ID}, "", bson.D{{Key: "user_id", Value: a.UserID}}, nil); err != nil {
			return err
		}
	}
	if ch.ExpireContacts {
		if err := p.planExpireContacts(); err != nil { // expire.go
			return err
		}
	}
	return p.planCounts()
}

// planInserts checks the new comments' keys, follows merges, lets them
// take their group's disposition and counts them.
func (p *planner) planInserts(list []*comments.Comment) error {
	if len(list) == 0 {
		return nil
	}
	var ids, idems []string
	receipts := map[string]bool{}
	for _, c := range list {
		if c.ConsultationID != p.cid {
			return apperr.Wrap(fmt.Errorf("comment %s of consultation %q committed with %q", c.ID, c.ConsultationID, p.cid), "mongodb: commit")
		}
		if slices.Contains(ids, c.ID) {
			return duplicateKey("comment %s given twice", c.ID)
		}
		if receipts[c.Receipt] {
			return duplicateKey("receipt %s given twice", c.Receipt)
		}
		receipts[c.Receipt] = true
		ids = append(ids, c.ID)
		if c.IdempotencyKey != "" {
			k := idemKey(p.cid, c.IdempotencyKey)
			if slices.Contains(idems, k) {
				return duplicateKey("idempotency key given twice")
			}
			idems = append(idems, k)
		}
	}
	coll := p.db.db.Collection(commentsCollection)
	if found, err := exists(p.ctx, coll, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
		return err
	} else if found {
		return duplicateKey("comment id exists")
	}
	// Idempotency keys are scoped to the consultation, so its log alone
	// keeps them unique; receipts are claimed (claims.go).
	if len(idems) > 0 {
		if found, err := exists(p.ctx, coll, bson.D{{Key: "idem", Value: bson.D{{Key: "$in", Value: idems}}}}); err != nil {
			return err
		} else if found {
			return duplicateKey("idempotency key exists")
		}
	}
	if err := p.planLeaves(list); err != nil {
		return err
	}
	docs := make([]any, 0, len(list))
	for _, caller := range list {
		c := *caller
		c.Dispositions = slices.Clone(c.Dispositions)
		g, err := p.group(c.GroupID)
		if err != nil {
			return err
		}
		// A comment identical to a merged group joins the group it was merged into.
		for hops := 0; g != nil && g.MergedInto != "" && hops < 10; hops++ {
			c.GroupID = g.MergedInto
			if g, err = p.group(c.GroupID); err != nil {
				return err
			}
		}
		if g != nil && g.Disposition != nil && c.Disposition == nil {
			d := *g.Disposition
			c.Disposition, c.Dispositions = &d, append(c.Dispositions, d)
		}
		m := &member{ID: c.ID, ConsultationID: c.ConsultationID, GroupID: c.GroupID, ArticleID: c.ArticleID, Status: c.Status,
			ReceivedAt: c.ReceivedAt.UTC().Truncate(time.Millisecond), Bands: c.Bands,
			Channel: c.Channel, CommenterType: c.CommenterType, Signatories: c.Signatories, Stance: c.Stance, inserted: true}
		if c.Disposition != nil {
			m.dispose(c.Disposition.Outcome)
		}
		p.members[c.ID] = m
		if g == nil {
			g = &groupDoc{ID: groupKey(p.cid, c.GroupID), ConsultationID: p.cid, GroupID: c.GroupID, FirstID: c.ID,
				FirstAt: m.ReceivedAt, ArticleID: c.ArticleID, Bands: c.Bands}
			p.groups[c.GroupID] = g
		}
		g.Count++
		if c.Status == comments.Published {
			g.PublishedCount++
			if g.RepID == "" {
				g.RepID = c.ID
			}
		}
		if m.ReceivedAt.Before(g.FirstAt) {
			g.FirstAt = m.ReceivedAt
		}
		p.touched[c.GroupID] = true
		p.count(c.ArticleID, c.Status, 1)
		doc := commentDoc{Comment: c}
		doc.EmailKey, doc.PhoneKey = comments.ContactKeys(p.db.contactKeys, &c)
		if c.IdempotencyKey != "" {
			doc.Idem = idemKey(p.cid, c.IdempotencyKey)
		}
		docs = append(docs, doc)
		p.inserted = append(p.inserted, insertedComment{caller: caller, doc: &doc.Comment})
		p.claims = append(p.claims, claimNeed{kind: receiptClaim, key: c.Receipt, owner: c.ID})
	}
	return p.add(commentsCollection, "insert", docs...)
}

// planModeration moves a comment from m.From to m.To and keeps its group's
// published count and representative and the article counters right.
func (p *planner) planModeration(m comments.Moderated) error {
	c, err := p.comment(m.ID)
	if err != nil {
		return err
	}
	if c.Status != m.From {
		return conflictf("comment %s is %s, not %s", m.ID, c.Status, m.From)
	}
	if err := p.update([]string{c.ID}, "", bson.D{{Key: "status", Value: m.To}, {Key: "moderation", Value: m.M}}, nil); err != nil {
		return err
	}
	c.Status = m.To
	p.count(c.ArticleID, m.From, -1)
	p.count(c.ArticleID, m.To, 1)
	delta := commentPublished(m.To) - commentPublished(m.From)
	g, err := p.group(c.GroupID)
	if err != nil || g == nil || delta == 0 {
		return err
	}
	p.touched[g.GroupID] = true
	g.PublishedCount += delta
	switch {
	case delta > 0 && g.RepID == "":
		g.RepID = c.ID
	case delta < 0 && g.RepID == c.ID:
		first, err := p.firstPublished(g.GroupID)
		if err != nil {
			return err
		}
		g.RepID = ""
		if first != nil {
			g.RepID = first.ID
		}
	}
	return nil
}

// planMove moves whole groups and single comments to group m.To, which
// takes the first moved comment as its first member if it is new, then
// recounts every group it touched.
func (p *planner) planMove(m *comments.Moved) error {
	if len(m.From) == 0 && len(m.IDs) == 0 {
		return nil
	}
	var or bson.A
	if len(m.From) > 0 {
		or = append(or, bson.D{{Key: "group_id", Value: bson.D{{Key: "$in", Value: m.From}}}})
	}
	if len(m.IDs) > 0 {
		or = append(or, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: m.IDs}}}})
	}
	if _, err := p.find(bson.D{{Key: "consultation_id", Value: p.cid}, {Key: "$or", Value: or}}); err != nil {
		return err
	}
	var moved []*member
	for _, c := range p.members {
		if c.ConsultationID == p.cid && c.GroupID != m.To && (slices.Contains(m.From, c.GroupID) || slices.Contains(m.IDs, c.ID)) {
			moved = append(moved, c)
		}
	}
	if len(moved) == 0 {
		return nil
	}
	sort.Slice(moved, func(i, j int) bool { return earlier(moved[i], moved[j]) })
	target, err := p.group(m.To)
	if err != nil {
		return err
	}
	if target == nil {
		first := moved[0]
		target = &groupDoc{ID: groupKey(p.cid, m.To), ConsultationID: p.cid, GroupID: m.To, FirstID: first.ID,
			FirstAt: first.ReceivedAt, ArticleID: first.ArticleID, Bands: first.Bands}
		p.groups[m.To] = target
	}
	touched := []string{m.To}
	ids := make([]string, len(moved))
	for i, c := range moved {
		if !slices.Contains(touched, c.GroupID) {
			touched = append(touched, c.GroupID)
		}
		ids[i] = c.ID
		c.GroupID = m.To
		if d := target.Disposition; d != nil {
			c.dispose(d.Outcome)
		}
	}
	set, push := bson.D{{Key: "group_id", Value: m.To}}, bson.D(nil)
	if d := target.Disposition; d != nil {
		set = append(set, bson.E{Key: "disposition", Value: *d})
		push = bson.D{{Key: "dispositions", Value: *d}}
	}
	if err := p.update(ids, "", set, push); err != nil {
		return err
	}
	if _, err := p.find(bson.D{{Key: "consultation_id", Value: p.cid}, {Key: "group_id", Value: bson.D{{Key: "$in", Value: touched}}}}); err != nil {
		return err
	}
	for _, gid := range touched {
		g, err := p.group(gid)
		if err != nil {
			return err
		}
		if g == nil {
			continue
		}
		count, published := 0, 0
		var first, rep *member
		for _, c := range p.members {
			if c.ConsultationID != p.cid || c.GroupID != gid {
				continue
			}
			count++
			if first == nil || earlier(c, first) {
				first = c
			}
			if c.Status == comments.Published {
				published++
				if rep == nil || earlier(c, rep) {
					rep = c
				}
			}
		}
		g.Count, g.PublishedCount, g.RepID = count, published, ""
		if rep != nil {
			g.RepID = rep.ID
		}
		if first != nil {
			g.FirstAt = first.ReceivedAt
		}
		if count == 0 {
			g.Bands = nil
			if slices.Contains(m.From, gid) {
				g.MergedInto = m.To
			}
		}
		p.touched[gid] = true
	}
	return nil
}

// planCounts writes the new state of every group and counter touched.
func (p *planner) planCounts() error {
	if err := p.planReportCounts(); err != nil { // reportcounts.go
		return err
	}
	gids := make([]string, 0, len(p.touched))
	for gid := range p.touched {
		gids = append(gids, gid)
	}
	sort.Strings(gids)
	for _, gid := range gids {
		if err := p.add(commentGroupsCollection, "replace", p.groups[gid]); err != nil {
			return err
		}
	}
	keys := make([]string, 0, len(p.deltas))
	for k, c := range p.deltas {
		if c.delta != 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Strings(keys)
	cur, err := p.db.db.Collection(commentCountsCollection).Find(p.ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}})
	if err != nil {
		return storeErr(err, "find counters")
	}
	var stored []counterDoc
	if err := cur.All(p.ctx, &stored); err != nil {
		return storeErr(err, "read counters")
	}
	old := map[string]int64{}
	for _, s := range stored {
		old[s.ID] = s.N
	}
	for _, k := range keys {
		c := p.deltas[k].counterDoc
		c.N = old[k] + p.deltas[k].delta
		if err := p.add(commentCountsCollection, "replace", c); err != nil {
			return err
		}
	}
	return nil
}

// count moves the counter of (article, status) by delta.
func (p *planner) count(articleID string, status comments.Status, delta int64) {
	k := counterKey(p.cid, articleID, status)
	c := p.deltas[k]
	if c == nil {
		c = &counterDelta{counterDoc: counterDoc{ID: k, ConsultationID: p.cid, ArticleID: articleID, Status: status}}
		p.deltas[k] = c
	}
	c.delta += delta
}

// comment returns comment id of the consultation as the change has left
// it so far, or apperr.ErrNotFound.
func (p *planner) comment(id string) (*member, error) {
	if c, ok := p.members[id]; ok {
		return c, nil
	}
	if _, err := p.find(bson.D{{Key: "_id", Value: id}}); err != nil {
		return nil, err
	}
	c, ok := p.members[id]
	if !ok || c.ConsultationID != p.cid {
		return nil, notFoundf("comment %s of consultation %s", id, p.cid)
	}
	return c, nil
}

// find reads the comments matching filter into the overlay, keeping those
// the change already holds, and returns how many matched.
func (p *planner) find(filter bson.D) (int, error) {
	return p.findOpts(filter, options.Find().SetProjection(memberFields))
}

func (p *planner) findOpts(filter bson.D, opts *options.FindOptionsBuilder) (int, error) {
	cur, err := p.db.db.Collection(commentsCollection).Find(p.ctx, filter, opts)
	if err != nil {
		return 0, storeErr(err, "find comments")
	}
	var list []*member
	if err := cur.All(p.ctx, &list); err != nil {
		return 0, storeErr(err, "read comments")
	}
	for _, c := range list {
		if _, ok := p.members[c.ID]; !ok {
			c.was = c.reportView()
			p.members[c.ID] = c
		}
	}
	return len(list), nil
}

// firstPublished returns the earliest published member of group gid as the
// change has left it so far, nil if none.
func (p *planner) firstPublished(gid string) (*member, error) {
	// At most len(p.members) stored rows can be stale, so one more is
	// enough to find the first that is not.
	_, err := p.findOpts(bson.D{{Key: "consultation_id", Value: p.cid}, {Key: "group_id", Value: gid}, {Key: "status", Value: comments.Published}},
		options.Find().SetProjection(memberFields).SetSort(bson.D{{Key: "received_at", Value: 1}, {Key: "_id", Value: 1}}).
			SetLimit(int64(len(p.members)+1)))
	if err != nil {
		return nil, err
	}
	var first *member
	for _, c := range p.members {
		if c.ConsultationID == p.cid && c.GroupID == gid && c.Status == comments.Published && (first == nil || earlier(c, first)) {
			first = c
		}
	}
	return first, nil
}

// group returns group gid as the change has left it so far, nil if absent.
func (p *planner) group(gid string) (*groupDoc, error) {
	if g, ok := p.groups[gid]; ok {
		return g, nil
	}
	var g groupDoc
	err := p.db.db.Collection(commentGroupsCollection).FindOne(p.ctx, bson.D{{Key: "_id", Value: groupKey(p.cid, gid)}}).Decode(&g)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		p.groups[gid] = nil
		return nil, nil
	case err != nil:
		return nil, storeErr(err, "find comment group")
	}
	g.Applied = 0
	p.groups[gid] = &g
	return &g, nil
}
