-- 0013_comment_stance: the stance a commenter gives (support, oppose,
-- neutral), counted per article for the public page and the report.
ALTER TABLE comments ADD COLUMN stance TEXT GENERATED ALWAYS AS (json_extract(record, '$.stance')) VIRTUAL;
CREATE INDEX comments_stance ON comments (consultation_id, stance, article_id) WHERE stance IS NOT NULL AND status = 'published';
