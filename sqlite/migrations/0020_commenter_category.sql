-- 0020_commenter_category: the commenter's category (comments/category.go)
-- and a petition's signatory count (comments/petition.go), counted by the
-- adoption report. signatories is NULL for a submission by one person, so
-- the partial index holds only petitions: a weighted total is count(*)
-- plus the extra signatories of the few petitions.
ALTER TABLE comments ADD COLUMN commenter_type TEXT GENERATED ALWAYS AS (json_extract(record, '$.commenter_type')) VIRTUAL;
ALTER TABLE comments ADD COLUMN signatories INTEGER GENERATED ALWAYS AS (json_extract(record, '$.signatories')) VIRTUAL;
CREATE INDEX comments_commenter_type ON comments (consultation_id, commenter_type);
CREATE INDEX comments_petitions ON comments (consultation_id, signatories) WHERE signatories > 1;
