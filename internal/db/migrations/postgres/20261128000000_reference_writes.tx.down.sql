DROP TRIGGER funds_reference_writes ON funds;
DROP TRIGGER beneficiary_groups_reference_writes ON beneficiary_groups;
DROP TRIGGER programs_reference_writes ON programs;
DROP TRIGGER admin_unit_successors_reference_writes ON admin_unit_successors;
DROP TRIGGER admin_units_reference_writes ON admin_units;
DROP FUNCTION hotro_count_reference_write();
UPDATE dataset_info SET key = 'units_version' WHERE key = 'reference_writes';

CREATE FUNCTION hotro_bump_units_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS bigint) + 1 AS text) WHERE key = 'units_version';
    RETURN NULL;
END $$;

CREATE TRIGGER admin_units_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admin_units
    FOR EACH STATEMENT EXECUTE FUNCTION hotro_bump_units_version();
CREATE TRIGGER admin_unit_successors_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admin_unit_successors
    FOR EACH STATEMENT EXECUTE FUNCTION hotro_bump_units_version();
