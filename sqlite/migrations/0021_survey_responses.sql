-- 0021_survey_responses: the responses to a consultation's surveys
-- (package surveys), one per respondent, and the keys each response is
-- counted under ("q1:o2", "q1:*"), so a count per option is an index count.
CREATE TABLE survey_responses (
	id              TEXT PRIMARY KEY,
	survey_id       TEXT NOT NULL,
	consultation_id TEXT NOT NULL,
	respondent      TEXT NOT NULL,   -- "u:" account id or "d:" SHA-256 of the device cookie
	at              TEXT NOT NULL,
	record          TEXT NOT NULL    -- the response as JSON (short answers included: staff only)
) STRICT;

CREATE UNIQUE INDEX survey_responses_respondent ON survey_responses (survey_id, respondent);
CREATE INDEX survey_responses_at ON survey_responses (survey_id, at, id);

CREATE TABLE survey_choices (
	survey_id   TEXT NOT NULL,
	choice      TEXT NOT NULL,
	response_id TEXT NOT NULL,
	PRIMARY KEY (survey_id, choice, response_id)
) STRICT, WITHOUT ROWID;
