-- 0028_near_runs: the near-duplicate pass of each consultation
-- (comments/near_job.go), run in the background: the claim of the pass
-- running (running, owner, until_at; a claim past until_at is free) and
-- the result of the last one that finished (done_at, comments, proposals
-- as JSON), which every request shows instead of computing it.

CREATE TABLE near_runs (
	consultation_id TEXT PRIMARY KEY,
	running         INTEGER NOT NULL,
	owner           TEXT NOT NULL,
	until_at        TEXT NOT NULL,
	started_at      TEXT NOT NULL,
	done_at         TEXT NOT NULL DEFAULT '',
	comments        INTEGER NOT NULL DEFAULT 0,
	error           TEXT NOT NULL DEFAULT '',
	proposals       TEXT NOT NULL DEFAULT '[]'
) STRICT;
