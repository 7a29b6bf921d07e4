DROP TRIGGER admin_unit_successors_version_delete;
DROP TRIGGER admin_unit_successors_version_update;
DROP TRIGGER admin_unit_successors_version_insert;
DROP TRIGGER admin_units_version_delete;
DROP TRIGGER admin_units_version_update;
DROP TRIGGER admin_units_version_insert;
DELETE FROM dataset_info WHERE key = 'units_version';
DROP TABLE rollups;
