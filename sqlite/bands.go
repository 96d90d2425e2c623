package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"yugongkai/apperr"
)

// The band worker writes the near-duplicate band keys of new comment
// groups (comment_group_bands) after the commits that created them: 32 rows
// in random places of a large table are most of what writing a new comment
// would otherwise cost, and nothing a resident is answered depends on them.
// A group whose keys are still to be written has banded = 0 (in the same
// commit as the group), so a crash loses nothing: the worker finds them at
// start. SharedBands — the only reader — catches up first, so a proposal
// never misses a group; BandLag tells how far behind the worker is.

// bandBatch is how many groups one write of the worker takes: small enough
// that comments queued behind it wait a few milliseconds at most.
const bandBatch = 64

type bandWorker struct {
	db   *DB
	kick chan struct{}
	mu   sync.Mutex // one catch-up at a time
}

func newBandWorker(db *DB) *bandWorker {
	return &bandWorker{db: db, kick: make(chan struct{}, 1)}
}

// queued tells the worker that a commit created groups; it never blocks.
func (b *bandWorker) queued() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// run writes pending keys when kicked, and every second (what a crash
// left), until ctx ends.
func (b *bandWorker) run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.kick:
		case <-t.C:
		}
		_ = b.catchUp(ctx, "", bandYield) // what fails now is found again by the next round
	}
}

// bandYield is how long the worker waits between its batches while other
// writes are queued: under a flood of comments it falls behind (BandLag
// shows how far) instead of slowing the receipts.
const bandYield = 20 * time.Millisecond

// catchUp writes the pending keys of one consultation's groups (every
// consultation's: ""), pausing yield between batches while other writes
// wait.
func (b *bandWorker) catchUp(ctx context.Context, consultationID string, yield time.Duration) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		n, err := b.db.writeBands(ctx, consultationID, bandBatch)
		if err != nil || n < bandBatch {
			return err
		}
		if yield > 0 && len(b.db.writes.queue) > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(yield):
			}
		}
	}
}

// writeBands writes the keys of at most limit pending groups and returns
// how many groups it took.
func (db *DB) writeBands(ctx context.Context, consultationID string, limit int) (int, error) {
	n := 0
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		q, args := "SELECT consultation_id, id, count, bands FROM comment_groups WHERE banded = 0 LIMIT ?", []any{limit}
		if consultationID != "" {
			q, args = "SELECT consultation_id, id, count, bands FROM comment_groups WHERE banded = 0 AND consultation_id = ? LIMIT ?", []any{consultationID, limit}
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return classify(err, "pending bands")
		}
		type pending struct {
			cid, id string
			count   int
			bands   []string
		}
		var todo []pending
		for rows.Next() {
			var p pending
			var bands string
			if err := rows.Scan(&p.cid, &p.id, &p.count, &bands); err != nil {
				rows.Close()
				return classify(err, "pending bands")
			}
			if err := json.Unmarshal([]byte(bands), &p.bands); err != nil {
				rows.Close()
				return apperr.Wrap(err, "sqlite: pending bands")
			}
			todo = append(todo, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return classify(err, "pending bands")
		}
		for _, p := range todo {
			if p.count > 0 && len(p.bands) > 0 {
				args := make([]any, 0, 3*len(p.bands))
				for _, band := range p.bands {
					args = append(args, p.cid, band, p.id)
				}
				if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO comment_group_bands (consultation_id, band, group_id) VALUES (?, ?, ?)"+
					strings.Repeat(", (?, ?, ?)", len(p.bands)-1), args...); err != nil {
					return classify(err, "write bands")
				}
			}
			if _, err := tx.ExecContext(ctx, "UPDATE comment_groups SET banded = 1 WHERE consultation_id = ? AND id = ?", p.cid, p.id); err != nil {
				return classify(err, "write bands")
			}
		}
		n = len(todo)
		return nil
	})
	return n, err
}

// BandLag counts the groups whose near-duplicate keys the band worker has
// not written yet (a queue depth, for /readyz and the metrics).
func (s *CommentStore) BandLag(ctx context.Context) (int, error) {
	var n int
	err := s.db.sql.QueryRowContext(ctx, "SELECT count(*) FROM comment_groups WHERE banded = 0").Scan(&n)
	return n, classify(err, "band lag")
}
