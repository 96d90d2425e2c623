-- 0027_report_counts: the adoption report's counters (comments/reportcounts.go),
-- one row per consultation and key, kept by triggers on comments in the
-- transaction of every insert, update and delete, whichever path writes
-- (submission, group commit, bulk import, moderation, disposition,
-- grouping, withdrawal): the report reads a few dozen rows where it
-- counted every comment (seconds at a million).
--
-- comment_report_keys expands a comment row into its (key, count) pairs,
-- the definition of ReportCounts.Add in SQL; the triggers repeat it on
-- NEW and OLD (a trigger cannot select from a view of NEW). A petition
-- counts as its signatories ("people"), anything else as one. A later
-- migration that rebuilds the comments table (create, copy, drop, rename)
-- drops these triggers with it and must create them again.

CREATE TABLE report_counts (
	consultation_id TEXT NOT NULL,
	key             TEXT NOT NULL,
	n               INTEGER NOT NULL,
	PRIMARY KEY (consultation_id, key)
) STRICT, WITHOUT ROWID;

CREATE VIEW comment_report_keys AS
	SELECT consultation_id, key, d FROM (
		SELECT c.consultation_id,
			CASE k.column1
				WHEN 'status' THEN 'status:' || c.status
				WHEN 'stance' THEN CASE WHEN c.status = 'published' AND c.stance IS NOT NULL AND c.stance != '' THEN 'stance:' || c.stance || ':' || c.article_id END
				ELSE CASE WHEN c.status != 'withdrawn' THEN CASE k.column1
					WHEN 'people' THEN 'people'
					WHEN 'category' THEN 'category:' || coalesce(c.commenter_type, '')
					WHEN 'category-people' THEN 'category-people:' || coalesce(c.commenter_type, '')
					WHEN 'channel' THEN 'channel:' || c.channel
					WHEN 'article' THEN 'article:' || c.article_id
					WHEN 'disposition' THEN CASE WHEN c.outcome = '' THEN 'undisposed' ELSE 'disposition:' || c.outcome END
				END END
			END AS key,
			CASE WHEN k.column1 IN ('category', 'stance', 'article') THEN 1
				WHEN c.signatories > 1 THEN c.signatories ELSE 1 END AS d
		FROM comments c, (VALUES ('status'), ('category'), ('category-people'), ('stance'),
			('people'), ('channel'), ('article'), ('disposition')) k
	) WHERE key IS NOT NULL;

INSERT INTO report_counts (consultation_id, key, n)
	SELECT consultation_id, key, sum(d) FROM comment_report_keys GROUP BY consultation_id, key;

CREATE TRIGGER comments_report_insert AFTER INSERT ON comments BEGIN
	INSERT INTO report_counts (consultation_id, key, n)
	SELECT cid, key, d FROM (
		SELECT r.cid,
			CASE k.column1
				WHEN 'status' THEN 'status:' || r.status
				WHEN 'stance' THEN CASE WHEN r.status = 'published' AND r.stance IS NOT NULL AND r.stance != '' THEN 'stance:' || r.stance || ':' || r.article_id END
				ELSE CASE WHEN r.status != 'withdrawn' THEN CASE k.column1
					WHEN 'people' THEN 'people'
					WHEN 'category' THEN 'category:' || coalesce(r.commenter_type, '')
					WHEN 'category-people' THEN 'category-people:' || coalesce(r.commenter_type, '')
					WHEN 'channel' THEN 'channel:' || r.channel
					WHEN 'article' THEN 'article:' || r.article_id
					WHEN 'disposition' THEN CASE WHEN r.outcome = '' THEN 'undisposed' ELSE 'disposition:' || r.outcome END
				END END
			END AS key,
			CASE WHEN k.column1 IN ('category', 'stance', 'article') THEN 1
				WHEN r.signatories > 1 THEN r.signatories ELSE 1 END AS d
		FROM (SELECT NEW.consultation_id AS cid, NEW.status AS status, NEW.commenter_type AS commenter_type,
				NEW.stance AS stance, NEW.article_id AS article_id, NEW.channel AS channel,
				NEW.outcome AS outcome, NEW.signatories AS signatories) r,
			(VALUES ('status'), ('category'), ('category-people'), ('stance'),
				('people'), ('channel'), ('article'), ('disposition')) k
	) WHERE key IS NOT NULL
	ON CONFLICT (consultation_id, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER comments_report_delete AFTER DELETE ON comments BEGIN
	INSERT INTO report_counts (consultation_id, key, n)
	SELECT cid, key, -d FROM (
		SELECT r.cid,
			CASE k.column1
				WHEN 'status' THEN 'status:' || r.status
				WHEN 'stance' THEN CASE WHEN r.status = 'published' AND r.stance IS NOT NULL AND r.stance != '' THEN 'stance:' || r.stance || ':' || r.article_id END
				ELSE CASE WHEN r.status != 'withdrawn' THEN CASE k.column1
					WHEN 'people' THEN 'people'
					WHEN 'category' THEN 'category:' || coalesce(r.commenter_type, '')
					WHEN 'category-people' THEN 'category-people:' || coalesce(r.commenter_type, '')
					WHEN 'channel' THEN 'channel:' || r.channel
					WHEN 'article' THEN 'article:' || r.article_id
					WHEN 'disposition' THEN CASE WHEN r.outcome = '' THEN 'undisposed' ELSE 'disposition:' || r.outcome END
				END END
			END AS key,
			CASE WHEN k.column1 IN ('category', 'stance', 'article') THEN 1
				WHEN r.signatories > 1 THEN r.signatories ELSE 1 END AS d
		FROM (SELECT OLD.consultation_id AS cid, OLD.status AS status, OLD.commenter_type AS commenter_type,
				OLD.stance AS stance, OLD.article_id AS article_id, OLD.channel AS channel,
				OLD.outcome AS outcome, OLD.signatories AS signatories) r,
			(VALUES ('status'), ('category'), ('category-people'), ('stance'),
				('people'), ('channel'), ('article'), ('disposition')) k
	) WHERE key IS NOT NULL
	ON CONFLICT (consultation_id, key) DO UPDATE SET n = n + excluded.n;
END;

-- An update moves only the keys whose count changes (most updates, a
-- moderation or a disposition, move two or three).
CREATE TRIGGER comments_report_update AFTER UPDATE ON comments BEGIN
	INSERT INTO report_counts (consultation_id, key, n)
	SELECT cid, key, sum(d) FROM (
		SELECT r.cid,
			CASE k.column1
				WHEN 'status' THEN 'status:' || r.status
				WHEN 'stance' THEN CASE WHEN r.status = 'published' AND r.stance IS NOT NULL AND r.stance != '' THEN 'stance:' || r.stance || ':' || r.article_id END
				ELSE CASE WHEN r.status != 'withdrawn' THEN CASE k.column1
					WHEN 'people' THEN 'people'
					WHEN 'category' THEN 'category:' || coalesce(r.commenter_type, '')
					WHEN 'category-people' THEN 'category-people:' || coalesce(r.commenter_type, '')
					WHEN 'channel' THEN 'channel:' || r.channel
					WHEN 'article' THEN 'article:' || r.article_id
					WHEN 'disposition' THEN CASE WHEN r.outcome = '' THEN 'undisposed' ELSE 'disposition:' || r.outcome END
				END END
			END AS key,
			r.sign * CASE WHEN k.column1 IN ('category', 'stance', 'article') THEN 1
				WHEN r.signatories > 1 THEN r.signatories ELSE 1 END AS d
		FROM (SELECT OLD.consultation_id AS cid, OLD.status AS status, OLD.commenter_type AS commenter_type,
				OLD.stance AS stance, OLD.article_id AS article_id, OLD.channel AS channel,
				OLD.outcome AS outcome, OLD.signatories AS signatories, -1 AS sign
			UNION ALL
			SELECT NEW.consultation_id, NEW.status, NEW.commenter_type, NEW.stance, NEW.article_id,
				NEW.channel, NEW.outcome, NEW.signatories, 1) r,
			(VALUES ('status'), ('category'), ('category-people'), ('stance'),
				('people'), ('channel'), ('article'), ('disposition')) k
	) WHERE key IS NOT NULL
	GROUP BY cid, key HAVING sum(d) != 0
	ON CONFLICT (consultation_id, key) DO UPDATE SET n = n + excluded.n;
END;
