-- 0002_comments: comments, their groups and the groups' near-duplicate band keys.
--
-- A comment is kept whole as JSON in "record" (contact data included: this
-- table is staff-only); the columns beside it are what is filtered, sorted,
-- counted or made unique. outcome is '' while a comment has no disposition.

CREATE TABLE comments (
	id              TEXT PRIMARY KEY,
	consultation_id TEXT NOT NULL,
	article_id      TEXT NOT NULL,   -- '' for the whole draft
	status          TEXT NOT NULL,
	channel         TEXT NOT NULL,
	group_id        TEXT NOT NULL,
	outcome         TEXT NOT NULL,
	received_at     TEXT NOT NULL,
	receipt         TEXT NOT NULL UNIQUE,
	idempotency_key TEXT,            -- NULL without an Idempotency-Key
	record          TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX comments_idempotency ON comments (consultation_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX comments_received ON comments (consultation_id, received_at, id);
CREATE INDEX comments_status ON comments (consultation_id, status, received_at, id);
CREATE INDEX comments_article ON comments (consultation_id, article_id, status);
CREATE INDEX comments_group ON comments (consultation_id, group_id, status, received_at, id);
CREATE INDEX comments_outcome ON comments (consultation_id, outcome, status);
CREATE INDEX comments_channel ON comments (consultation_id, channel);

-- One row per group: the public list pages over the groups with a published
-- member in (first_at, id) order and shows each once with its count.
CREATE TABLE comment_groups (
	consultation_id TEXT NOT NULL,
	id              TEXT NOT NULL,
	count           INTEGER NOT NULL,
	published_count INTEGER NOT NULL,
	first_id        TEXT NOT NULL,
	rep_id          TEXT NOT NULL,   -- a published member, '' if none
	first_at        TEXT NOT NULL,
	article_id      TEXT NOT NULL,
	bands           TEXT NOT NULL,   -- JSON array, the first member's band keys
	disposition     TEXT,            -- JSON, the answer given to the whole group
	merged_into     TEXT NOT NULL,   -- the group this one was merged into, '' if none
	PRIMARY KEY (consultation_id, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX comment_groups_public ON comment_groups (consultation_id, first_at, id) WHERE published_count > 0;
CREATE INDEX comment_groups_public_article ON comment_groups (consultation_id, article_id, first_at, id) WHERE published_count > 0;

-- Band keys of non-empty groups, for near-duplicate candidates.
CREATE TABLE comment_group_bands (
	consultation_id TEXT NOT NULL,
	band            TEXT NOT NULL,
	group_id        TEXT NOT NULL,
	PRIMARY KEY (consultation_id, band, group_id)
) STRICT, WITHOUT ROWID;
