DROP INDEX beneficiaries_identity;
DROP INDEX beneficiaries_name_key;
ALTER TABLE beneficiaries
    ALTER COLUMN citizen_id TYPE text COLLATE "default",
    ALTER COLUMN name_key TYPE text COLLATE "default";
ALTER TABLE disbursements
    ALTER COLUMN status TYPE text COLLATE "default",
    ALTER COLUMN channel TYPE text COLLATE "default";
ALTER TABLE rollups
    ALTER COLUMN status TYPE text COLLATE "default",
    ALTER COLUMN channel TYPE text COLLATE "default";
CREATE UNIQUE INDEX beneficiaries_identity ON beneficiaries (kind, citizen_id) WHERE citizen_id IS NOT NULL;
CREATE INDEX beneficiaries_citizen_id ON beneficiaries (citizen_id);
CREATE INDEX beneficiaries_name_key ON beneficiaries (name_key, date_of_birth);
CREATE INDEX disbursements_program_beneficiary ON disbursements (program_id, beneficiary_id);
ALTER TABLE disbursements ADD CONSTRAINT disbursements_program_id_fkey FOREIGN KEY (program_id) REFERENCES programs (id);
