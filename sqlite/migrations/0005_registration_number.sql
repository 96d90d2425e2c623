-- 0005_registration_number: the 统一登记编号 of a normative document is
-- unique among published decisions, like the 文号.
ALTER TABLE consultations ADD COLUMN registration_number TEXT;
UPDATE consultations SET registration_number = nullif(json_extract(record, '$.final.registration_number'), '');
CREATE UNIQUE INDEX consultations_by_registration_number ON consultations (registration_number)
	WHERE registration_number IS NOT NULL;
