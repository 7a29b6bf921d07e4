-- Reference data (administrative units, programmes, beneficiary groups, funds) is kept in memory
-- by the server; reference_writes, a count moved by every write to any of those tables, tells it
-- when to read it again. It replaces units_version, which counted writes to the units only.
-- (reference_version is another thing: the hash of the reference data file last seeded.)
DROP TRIGGER admin_unit_successors_version ON admin_unit_successors;
DROP TRIGGER admin_units_version ON admin_units;
DROP FUNCTION hotro_bump_units_version();
UPDATE dataset_info SET key = 'reference_writes' WHERE key = 'units_version';
INSERT INTO dataset_info (key, value) VALUES ('reference_writes', '1') ON CONFLICT (key) DO NOTHING;

CREATE FUNCTION hotro_count_reference_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS bigint) + 1 AS text) WHERE key = 'reference_writes';
    RETURN NULL;
END $$;

CREATE TRIGGER admin_units_reference_writes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admin_units
    FOR EACH STATEMENT EXECUTE FUNCTION hotro_count_reference_write();
CREATE TRIGGER admin_unit_successors_reference_writes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admin_unit_successors
    FOR EACH STATEMENT EXECUTE FUNCTION hotro_count_reference_write();
CREATE TRIGGER programs_reference_writes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON programs
    FOR EACH STATEMENT EXECUTE FUNCTION hotro_count_reference_write();
CREATE TRIGGER beneficiary_groups_reference_writes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON beneficiary_groups
    FOR EACH STATEMENT EXECUTE FUNCTION hotro_count_reference_write();
CREATE TRIGGER funds_reference_writes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON funds
    FOR EACH STATEMENT EXECUTE FUNCTION hotro_count_reference_write();
