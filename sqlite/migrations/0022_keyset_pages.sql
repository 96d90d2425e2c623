-- 0022_keyset_pages: the staff's paged lists at a million comments. The
-- disposition workspace pages over every non-empty group in (first_at, id)
-- order (whole consultation or one article) and lists a page of each
-- group's members in (received_at, id) order whatever their status.
CREATE INDEX comment_groups_staff ON comment_groups (consultation_id, first_at, id) WHERE count > 0;
CREATE INDEX comment_groups_staff_article ON comment_groups (consultation_id, article_id, first_at, id) WHERE count > 0;
CREATE INDEX comments_group_received ON comments (consultation_id, group_id, received_at, id);
