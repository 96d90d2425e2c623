-- 0009_event_format: the hash format of each event (history.Event.V).
-- Events stored before this migration were hashed whole, payload included
-- (format 1); new events hash the header and the payload's SHA-256
-- (format 2), so a public copy can withhold a private payload.
ALTER TABLE events ADD COLUMN v INTEGER NOT NULL DEFAULT 1;
