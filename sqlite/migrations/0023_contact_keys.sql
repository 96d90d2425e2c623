-- 0023_contact_keys: lost receipts are sent to the contact a comment was
-- submitted with, found by a keyed hash of the normalized contact
-- (comments.ContactKeys), never by the clear contact. The key is the
-- store's own secret, made here once; the columns of comments stored
-- before this migration are filled when the store opens (backfillContactKeys),
-- while the setting contact_keys_backfill is present.
ALTER TABLE comments ADD COLUMN contact_email_key TEXT;
ALTER TABLE comments ADD COLUMN contact_phone_key TEXT;
CREATE INDEX comments_contact_email_key ON comments (contact_email_key, received_at) WHERE contact_email_key IS NOT NULL;
CREATE INDEX comments_contact_phone_key ON comments (contact_phone_key, received_at) WHERE contact_phone_key IS NOT NULL;
INSERT INTO settings (key, value) VALUES ('contact_index_key', randomblob(32)) ON CONFLICT (key) DO NOTHING;
INSERT INTO settings (key, value) VALUES ('contact_keys_backfill', X'') ON CONFLICT (key) DO NOTHING;
