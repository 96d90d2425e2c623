-- 0011_account_admin: an administrator can disable an account (its tokens
-- stop working at once) and reset its password, which the user must then
-- change at the next login.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
