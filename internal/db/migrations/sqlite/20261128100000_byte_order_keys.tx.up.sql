-- One index serves both the identity rule and the lookups by citizen ID: the unique index leads
-- with the citizen ID. Payment lines are looked up by recipient through the unique key
-- (beneficiary_id, group_id, instalment); the index on (program_id, beneficiary_id) served no query.
-- (SQLite compares text byte by byte already; PostgreSQL's columns move to the "C" collation.)
DROP INDEX beneficiaries_identity;
DROP INDEX beneficiaries_citizen_id;
DROP INDEX disbursements_program_beneficiary;
CREATE UNIQUE INDEX beneficiaries_identity ON beneficiaries (citizen_id, kind) WHERE citizen_id IS NOT NULL;
