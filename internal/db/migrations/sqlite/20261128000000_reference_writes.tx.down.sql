DROP TRIGGER funds_reference_writes_delete;
DROP TRIGGER funds_reference_writes_update;
DROP TRIGGER funds_reference_writes_insert;
DROP TRIGGER beneficiary_groups_reference_writes_delete;
DROP TRIGGER beneficiary_groups_reference_writes_update;
DROP TRIGGER beneficiary_groups_reference_writes_insert;
DROP TRIGGER programs_reference_writes_delete;
DROP TRIGGER programs_reference_writes_update;
DROP TRIGGER programs_reference_writes_insert;
DROP TRIGGER admin_unit_successors_reference_writes_delete;
DROP TRIGGER admin_unit_successors_reference_writes_update;
DROP TRIGGER admin_unit_successors_reference_writes_insert;
DROP TRIGGER admin_units_reference_writes_delete;
DROP TRIGGER admin_units_reference_writes_update;
DROP TRIGGER admin_units_reference_writes_insert;
UPDATE dataset_info SET key = 'units_version' WHERE key = 'reference_writes';
CREATE TRIGGER admin_units_version_insert AFTER INSERT ON admin_units BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'units_version';
END;
CREATE TRIGGER admin_units_version_update AFTER UPDATE ON admin_units BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'units_version';
END;
CREATE TRIGGER admin_units_version_delete AFTER DELETE ON admin_units BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'units_version';
END;
CREATE TRIGGER admin_unit_successors_version_insert AFTER INSERT ON admin_unit_successors BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'units_version';
END;
CREATE TRIGGER admin_unit_successors_version_update AFTER UPDATE ON admin_unit_successors BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'units_version';
END;
CREATE TRIGGER admin_unit_successors_version_delete AFTER DELETE ON admin_unit_successors BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'units_version';
END;
