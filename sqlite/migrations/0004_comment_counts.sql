-- 0004_comment_counts: per-article comment counters, kept in the same
-- transaction as every insert and moderation, so the comment counts shown
-- beside each article are read in O(articles), not by scanning comments.

CREATE TABLE comment_article_counts (
	consultation_id TEXT NOT NULL,
	article_id      TEXT NOT NULL,
	status          TEXT NOT NULL,
	n               INTEGER NOT NULL,
	PRIMARY KEY (consultation_id, article_id, status)
) STRICT, WITHOUT ROWID;

INSERT INTO comment_article_counts (consultation_id, article_id, status, n)
	SELECT consultation_id, article_id, status, count(*) FROM comments GROUP BY consultation_id, article_id, status;
