-- 0026_search_blocks: block postings (sqlite/search.go).
--
-- The postings of 0003 were one row per (term, document): about 13 times
-- the size of the text at a million comments. Now each document has a
-- stable number (docno, the rowid: kept by VACUUM, unlike an implicit
-- rowid) and each term's documents are kept as a sorted list of docnos cut
-- into blocks, one row per (term, block), the block holding the docnos after
-- its first one as varint deltas. The documents keep their columns.
--
-- Descending docno is the result order as far as arrival allows: comments
-- are numbered from 1 up and consultations from 2^31 up, each new document
-- taking the next number of its kind, and here the existing documents are
-- numbered so (the first in result order last). search_segments bounds the
-- keys below a docno, so a search walking the lists downwards knows when no
-- later document can enter its page.
--
-- The blocks cannot be computed in SQL: the old postings are dropped and a
-- row in search_rebuild asks Open to rebuild the blocks from the stored
-- normalized texts (rebuildSearch) before the database is used.

CREATE TABLE search_docs_0026 (
	docno           INTEGER PRIMARY KEY,
	kind            TEXT NOT NULL,
	id              TEXT NOT NULL,
	consultation_id TEXT NOT NULL,
	sort_key        TEXT NOT NULL,
	state           TEXT NOT NULL,
	closes_at       TEXT NOT NULL,
	department_id   TEXT NOT NULL,
	procedure_type  TEXT NOT NULL,
	title           TEXT NOT NULL,
	name            TEXT NOT NULL,
	at              TEXT NOT NULL,
	source          TEXT NOT NULL,
	text            TEXT NOT NULL,
	UNIQUE (kind, id)
) STRICT;

INSERT INTO search_docs_0026 (docno, kind, id, consultation_id, sort_key, state, closes_at, department_id,
	procedure_type, title, name, at, source, text)
SELECT CASE kind WHEN 'consultation' THEN 2147483648 ELSE 0 END
		+ row_number() OVER (PARTITION BY kind = 'consultation' ORDER BY sort_key DESC), kind, id, consultation_id, sort_key, state, closes_at, department_id,
	procedure_type, title, name, at, source, text
FROM search_docs;

DROP TABLE search_postings;
DROP TABLE search_docs;
ALTER TABLE search_docs_0026 RENAME TO search_docs;

CREATE UNIQUE INDEX search_docs_key ON search_docs (sort_key);
-- Serves the walk in result order within a consultation and the copy of a
-- consultation's fields to its comments (kind is the first byte of sort_key).
CREATE INDEX search_docs_consultation ON search_docs (consultation_id, sort_key);

CREATE TABLE search_blocks (
	term     TEXT NOT NULL,     -- a unigram or a bigram (search.Terms)
	first_id INTEGER NOT NULL,  -- the block's smallest docno
	ids      BLOB NOT NULL,     -- the others, ascending: uvarint deltas from first_id
	PRIMARY KEY (term, first_id)
) STRICT, WITHOUT ROWID;

-- pmin: no document numbered below (seg + 1) << 8 has a sort_key below it
-- (a lower bound: deletions leave it).
CREATE TABLE search_segments (
	seg  INTEGER PRIMARY KEY,
	pmin TEXT NOT NULL
) STRICT;

-- One row while blocks are to be rebuilt: the terms whose first rune is
-- below done_below are done (the rebuild goes in passes by first rune).
CREATE TABLE search_rebuild (
	done_below INTEGER NOT NULL
) STRICT;
INSERT INTO search_rebuild (done_below) SELECT 0 WHERE EXISTS (SELECT 1 FROM search_docs);
