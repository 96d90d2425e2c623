-- 0003_search: the Chinese full-text index (package search).
--
-- One row per document (a public consultation or a published comment) with
-- its text and the filter fields of its consultation. Postings map each
-- unigram and bigram term to the documents holding it by their sort_key,
-- the result order, so the postings of a term are read in result order and
-- a page stops reading after its last hit. There is no index on postings by
-- document: replacing or deleting a document deletes exactly the
-- (term, sort_key) pairs of its stored text.

CREATE TABLE search_docs (
	kind            TEXT NOT NULL,   -- consultation | comment
	id              TEXT NOT NULL,
	consultation_id TEXT NOT NULL,
	sort_key        TEXT NOT NULL,   -- search.Doc.Key: the result order, unique
	state           TEXT NOT NULL,
	closes_at       TEXT NOT NULL,   -- '9999-12-31T23:59:59.999000000Z' when unset
	department_id   TEXT NOT NULL,
	procedure_type  TEXT NOT NULL,
	title           TEXT NOT NULL,
	name            TEXT NOT NULL,
	at              TEXT NOT NULL,
	source          TEXT NOT NULL,
	text            TEXT NOT NULL,   -- normalized source
	UNIQUE (kind, id)
) STRICT;

CREATE UNIQUE INDEX search_docs_key ON search_docs (sort_key);
CREATE INDEX search_docs_consultation ON search_docs (consultation_id, kind);

CREATE TABLE search_postings (
	term     TEXT NOT NULL,
	sort_key TEXT NOT NULL,   -- search_docs.sort_key
	PRIMARY KEY (term, sort_key)
) STRICT, WITHOUT ROWID;
