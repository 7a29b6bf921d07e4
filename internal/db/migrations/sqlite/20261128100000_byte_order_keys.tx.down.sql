DROP INDEX beneficiaries_identity;
CREATE UNIQUE INDEX beneficiaries_identity ON beneficiaries (kind, citizen_id) WHERE citizen_id IS NOT NULL;
CREATE INDEX beneficiaries_citizen_id ON beneficiaries (citizen_id);
CREATE INDEX disbursements_program_beneficiary ON disbursements (program_id, beneficiary_id);
