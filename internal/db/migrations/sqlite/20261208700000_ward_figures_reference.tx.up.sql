-- Ward figures (population and households) are reference data the server keeps in memory with the
-- units, so that per-inhabitant answers read no database: a write to them moves reference_writes.
CREATE TRIGGER ward_figures_reference_writes_insert AFTER INSERT ON ward_figures BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER ward_figures_reference_writes_update AFTER UPDATE ON ward_figures BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER ward_figures_reference_writes_delete AFTER DELETE ON ward_figures BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
