-- 0018_followers: confirmed followers of a consultation (notify.Follower).
-- id is the id of the confirmation mail that confirmed the follower, so a
-- link works once; key is notify.Links.RecipientKey of the address (one
-- follower per address and consultation). email is contact data: erased
-- with the consultation's other contacts (comments.ExpireContacts).
CREATE TABLE followers (
	id              TEXT PRIMARY KEY,
	consultation_id TEXT NOT NULL,
	email           TEXT NOT NULL,
	lang            TEXT NOT NULL,
	key             TEXT NOT NULL,
	created_at      INTEGER NOT NULL -- Unix nanoseconds
) STRICT;
CREATE UNIQUE INDEX followers_key ON followers (consultation_id, key);
