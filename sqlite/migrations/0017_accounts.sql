-- 0017_accounts: self-service accounts (package vcode, auth/signup.go,
-- auth/sessions.go). Verification codes are kept as keyed hashes only,
-- one row per purpose, contact and subject; sessions are the live logins
-- a user can see and end; accounts are found by contact at sign-up and
-- password reset.
CREATE TABLE verification_codes (
	id          TEXT PRIMARY KEY,
	purpose     TEXT NOT NULL,
	contact_key TEXT NOT NULL,
	subject     TEXT NOT NULL,
	hash        TEXT NOT NULL,
	attempts    INTEGER NOT NULL,
	created_at  TEXT NOT NULL,
	expires_at  TEXT NOT NULL
) STRICT;
CREATE INDEX verification_codes_by_expiry ON verification_codes (expires_at);

CREATE TABLE sessions (
	id            TEXT PRIMARY KEY,
	user_id       TEXT NOT NULL,
	token_version INTEGER NOT NULL,
	client        TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	expires_at    TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id, expires_at);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE INDEX users_by_email ON users (email) WHERE email != '';
CREATE INDEX users_by_phone ON users (phone) WHERE phone != '';
