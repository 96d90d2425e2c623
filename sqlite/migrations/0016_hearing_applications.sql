-- 0016_hearing_applications: applications to take part in a hearing
-- (consultation.HearingApplication), inserted by the commit of the command
-- that receives them (consultation.Change.HearingApplications). record is
-- the application as JSON: name, contact and reason are personal data,
-- shown to the department, the legal office and administrators only, never
-- exported or logged. seq numbers a hearing's applications 1, 2, …
CREATE TABLE hearing_applications (
	id              TEXT PRIMARY KEY,
	consultation_id TEXT NOT NULL,
	hearing_id      TEXT NOT NULL,
	seq             INTEGER NOT NULL,
	record          TEXT NOT NULL,
	UNIQUE (consultation_id, hearing_id, seq)
) STRICT;
