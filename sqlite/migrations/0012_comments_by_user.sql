-- 0012_comments_by_user: a resident's own comments (我的意见) are found by
-- the account that submitted them, read out of the stored record.
ALTER TABLE comments ADD COLUMN user_id TEXT GENERATED ALWAYS AS (json_extract(record, '$.user_id')) VIRTUAL;
CREATE INDEX comments_user ON comments (user_id, received_at) WHERE user_id IS NOT NULL;
