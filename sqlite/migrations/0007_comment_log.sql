-- 0007_comment_log: the transparency log of comments (RFC 6962 hashing).
-- Each consultation's log is its leaves (a comment as received) and the
-- tree's stored hashes (golang.org/x/mod/sumdb/tlog indexes), written in the
-- same transaction as the comment.
CREATE TABLE comment_logs (
	consultation_id TEXT PRIMARY KEY,
	size            INTEGER NOT NULL
) STRICT;

CREATE TABLE comment_log_leaves (
	consultation_id TEXT NOT NULL,
	idx             INTEGER NOT NULL,
	comment_id      TEXT NOT NULL,
	leaf            BLOB NOT NULL,
	at              TEXT NOT NULL,
	PRIMARY KEY (consultation_id, idx)
) STRICT;

CREATE TABLE comment_log_hashes (
	consultation_id TEXT NOT NULL,
	idx             INTEGER NOT NULL,
	hash            BLOB NOT NULL,
	PRIMARY KEY (consultation_id, idx)
) STRICT;
