-- Reference data (administrative units, programmes, beneficiary groups, funds) is kept in memory
-- by the server; reference_writes, a count moved by every write to any of those tables, tells it
-- when to read it again. It replaces units_version, which counted writes to the units only.
-- (reference_version is another thing: the hash of the reference data file last seeded.)
DROP TRIGGER admin_units_version_insert;
DROP TRIGGER admin_units_version_update;
DROP TRIGGER admin_units_version_delete;
DROP TRIGGER admin_unit_successors_version_insert;
DROP TRIGGER admin_unit_successors_version_update;
DROP TRIGGER admin_unit_successors_version_delete;
UPDATE dataset_info SET key = 'reference_writes' WHERE key = 'units_version';
INSERT INTO dataset_info (key, value) VALUES ('reference_writes', '1') ON CONFLICT (key) DO NOTHING;
CREATE TRIGGER admin_units_reference_writes_insert AFTER INSERT ON admin_units BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER admin_units_reference_writes_update AFTER UPDATE ON admin_units BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER admin_units_reference_writes_delete AFTER DELETE ON admin_units BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER admin_unit_successors_reference_writes_insert AFTER INSERT ON admin_unit_successors BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER admin_unit_successors_reference_writes_update AFTER UPDATE ON admin_unit_successors BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER admin_unit_successors_reference_writes_delete AFTER DELETE ON admin_unit_successors BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER programs_reference_writes_insert AFTER INSERT ON programs BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER programs_reference_writes_update AFTER UPDATE ON programs BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER programs_reference_writes_delete AFTER DELETE ON programs BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER beneficiary_groups_reference_writes_insert AFTER INSERT ON beneficiary_groups BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER beneficiary_groups_reference_writes_update AFTER UPDATE ON beneficiary_groups BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER beneficiary_groups_reference_writes_delete AFTER DELETE ON beneficiary_groups BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER funds_reference_writes_insert AFTER INSERT ON funds BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER funds_reference_writes_update AFTER UPDATE ON funds BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER funds_reference_writes_delete AFTER DELETE ON funds BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
