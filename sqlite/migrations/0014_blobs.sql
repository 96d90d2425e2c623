-- 0014_blobs: the bytes of attached files (attachment.Blob), named by their
-- SHA-256 and written in the transaction of the command that references
-- them (a comment, a step, a supporting document).
CREATE TABLE blobs (
	sha256 TEXT PRIMARY KEY,
	size   INTEGER NOT NULL,
	data   BLOB NOT NULL
);
