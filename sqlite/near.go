package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"yugongkai/apperr"
	"yugongkai/comments"
)

// ClaimNear implements comments.Store (migration 0028_near_runs.sql): one
// upsert on the writer, taking the row only when no claim holds.
func (s *CommentStore) ClaimNear(ctx context.Context, consultationID, owner string, now, until time.Time) (bool, error) {
	var got bool
	err := s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO near_runs (consultation_id, running, owner, until_at, started_at)
			VALUES (?1, 1, ?2, ?3, ?4)
			ON CONFLICT (consultation_id) DO UPDATE SET running = 1, owner = ?2, until_at = ?3, started_at = ?4
			WHERE near_runs.running = 0 OR near_runs.until_at <= ?4`,
			consultationID, owner, formatTime(until), formatTime(now))
		if err != nil {
			return classify(err, "claim near-duplicate pass")
		}
		n, err := res.RowsAffected()
		got = n == 1
		return classify(err, "claim near-duplicate pass")
	})
	return got && err == nil, err
}

// FinishNear implements comments.Store.
func (s *CommentStore) FinishNear(ctx context.Context, r *comments.NearRun) (bool, error) {
	var done bool
	err := s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var res sql.Result
		var err error
		if r.Error != "" {
			res, err = tx.ExecContext(ctx, `UPDATE near_runs SET running = 0, owner = '', error = ?
				WHERE consultation_id = ? AND running = 1 AND owner = ?`, r.Error, r.ConsultationID, r.Owner)
		} else {
			props := r.Proposals
			if props == nil {
				props = []comments.Proposal{}
			}
			b, jerr := json.Marshal(props)
			if jerr != nil {
				return apperr.Wrap(jerr, "sqlite: encode near-duplicate proposals")
			}
			res, err = tx.ExecContext(ctx, `UPDATE near_runs SET running = 0, owner = '', error = '', done_at = ?, comments = ?, proposals = ?
				WHERE consultation_id = ? AND running = 1 AND owner = ?`, formatTime(r.DoneAt), r.Comments, string(b), r.ConsultationID, r.Owner)
		}
		if err != nil {
			return classify(err, "finish near-duplicate pass")
		}
		n, err := res.RowsAffected()
		done = n == 1
		return classify(err, "finish near-duplicate pass")
	})
	return done && err == nil, err
}

// NearRun implements comments.Store.
func (s *CommentStore) NearRun(ctx context.Context, consultationID string) (*comments.NearRun, error) {
	r := &comments.NearRun{ConsultationID: consultationID}
	var running int
	var until, started, done, props string
	err := s.db.sql.QueryRowContext(ctx, `SELECT running, owner, until_at, started_at, done_at, comments, error, proposals
		FROM near_runs WHERE consultation_id = ?`, consultationID).Scan(&running, &r.Owner, &until, &started, &done, &r.Comments, &r.Error, &props)
	if err != nil {
		return nil, classify(err, "near-duplicate pass")
	}
	r.Running = running == 1
	for _, t := range []struct {
		s  string
		to *time.Time
	}{{until, &r.Until}, {started, &r.StartedAt}, {done, &r.DoneAt}} {
		if t.s == "" {
			continue
		}
		if *t.to, err = parseTime(t.s); err != nil {
			return nil, apperr.Wrap(err, "sqlite: near-duplicate pass time")
		}
	}
	if err := json.Unmarshal([]byte(props), &r.Proposals); err != nil {
		return nil, apperr.Wrap(err, "sqlite: decode near-duplicate proposals")
	}
	return r, nil
}
