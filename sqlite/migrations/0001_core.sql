-- 0001_core: accounts, consultations, versions, the event chain and settings.
--
-- Times are TEXT in the fixed-width UTC layout 2006-01-02T15:04:05.000000000Z,
-- so that comparing the text compares the instants. Records that are read
-- whole are kept as JSON in "record"; the columns beside it hold only what
-- is filtered, sorted or made unique.

CREATE TABLE departments (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL
) STRICT;

-- Users have no JSON record: auth.User keeps the password hash and the token
-- version out of its JSON encoding on purpose.
CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	role          TEXT NOT NULL,
	department_id TEXT NOT NULL,
	phone         TEXT NOT NULL,
	email         TEXT NOT NULL,
	token_version INTEGER NOT NULL,
	created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE consultations (
	id              TEXT PRIMARY KEY,
	department_id   TEXT NOT NULL,
	state           TEXT NOT NULL,
	procedure_type  TEXT NOT NULL,
	closes_at       TEXT,    -- NULL until the period is set
	published_at    TEXT,    -- NULL while a draft: hidden from the public
	created_at      TEXT NOT NULL,
	document_number TEXT,    -- 文号 from record.final, NULL before final publication
	rev             INTEGER NOT NULL,
	record          TEXT NOT NULL
) STRICT;

-- The list is ordered by (created_at DESC, id DESC) and paged by keyset on
-- the same pair; each filter column leads an index ending in that pair.
CREATE INDEX consultations_by_created ON consultations (created_at, id);
CREATE INDEX consultations_by_department ON consultations (department_id, created_at, id);
CREATE INDEX consultations_by_state ON consultations (state, created_at, id);
CREATE INDEX consultations_by_procedure ON consultations (procedure_type, created_at, id);
CREATE INDEX consultations_by_closes ON consultations (closes_at);
CREATE UNIQUE INDEX consultations_by_document_number ON consultations (document_number)
	WHERE document_number IS NOT NULL;

CREATE TABLE versions (
	consultation_id TEXT NOT NULL REFERENCES consultations (id),
	number          INTEGER NOT NULL,
	frozen          INTEGER NOT NULL,
	created_at      TEXT NOT NULL,
	record          TEXT NOT NULL,
	PRIMARY KEY (consultation_id, number)
) STRICT;

-- The event chain (决策档案) is stored field by field rather than as JSON so
-- that the payload bytes come back exactly as they were hashed.
CREATE TABLE events (
	consultation_id TEXT NOT NULL REFERENCES consultations (id),
	seq             INTEGER NOT NULL,
	at              TEXT NOT NULL,
	actor_role      TEXT NOT NULL,
	actor_id        TEXT NOT NULL,
	type            TEXT NOT NULL,
	public          INTEGER NOT NULL,
	payload         BLOB,
	prev_hash       TEXT NOT NULL,
	hash            TEXT NOT NULL,
	PRIMARY KEY (consultation_id, seq)
) STRICT;

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) STRICT;
