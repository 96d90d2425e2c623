-- 0006_search_queue: records whose search documents a commit affected,
-- written in the same transaction as the commit and deleted once the index
-- has caught up, so a crash between the two is repaired at start.
CREATE TABLE search_queue (
	seq             INTEGER PRIMARY KEY AUTOINCREMENT,
	kind            TEXT NOT NULL,
	id              TEXT NOT NULL,
	consultation_id TEXT NOT NULL
) STRICT;
