-- Ward figures (population and households) are reference data the server keeps in memory with the
-- units, so that per-inhabitant answers read no database: a write to them moves reference_writes.
CREATE TRIGGER ward_figures_reference_writes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ward_figures
    FOR EACH STATEMENT EXECUTE FUNCTION hotro_count_reference_write();
UPDATE dataset_info SET value = CAST(CAST(value AS bigint) + 1 AS text) WHERE key = 'reference_writes';
