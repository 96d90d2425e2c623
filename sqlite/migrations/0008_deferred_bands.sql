-- 0008_deferred_bands: a group's near-duplicate band keys are no longer
-- written in the commit that creates the group (32 rows in random places of
-- comment_group_bands, most of a comment's write cost) but by the store's
-- band worker soon after; banded = 0 marks a group whose keys are still to
-- be written. SharedBands catches up before it answers, so proposals never
-- miss a group. Existing groups have their keys.
ALTER TABLE comment_groups ADD COLUMN banded INTEGER NOT NULL DEFAULT 1;
CREATE INDEX comment_groups_unbanded ON comment_groups (consultation_id, id) WHERE banded = 0;
