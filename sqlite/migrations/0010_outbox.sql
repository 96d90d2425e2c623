-- 0010_outbox: notifications written by the commit of the command that
-- causes them (consultation.Change.Notify) and delivered afterwards by the
-- notify worker, which alone updates the delivery columns. recipient is
-- contact data: never logged or exported.
CREATE TABLE outbox (
	id              TEXT PRIMARY KEY,
	consultation_id TEXT NOT NULL,
	comment_id      TEXT NOT NULL DEFAULT '',
	kind            TEXT NOT NULL,
	channel         TEXT NOT NULL,
	recipient       TEXT NOT NULL,
	lang            TEXT NOT NULL,
	params          TEXT NOT NULL,  -- JSON object
	created_at      INTEGER NOT NULL, -- Unix nanoseconds
	state           TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_try        INTEGER NOT NULL, -- Unix nanoseconds
	sent_at         INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_try);
CREATE INDEX outbox_consultation ON outbox (consultation_id, created_at);

-- Recipients who followed an unsubscribe link, by notify.RecipientKey (a
-- keyed hash: the address itself is not kept here).
CREATE TABLE outbox_optout (
	recipient_key TEXT PRIMARY KEY,
	at            INTEGER NOT NULL
) STRICT;
