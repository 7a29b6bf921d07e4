DROP TRIGGER admin_unit_successors_version ON admin_unit_successors;
DROP TRIGGER admin_units_version ON admin_units;
DROP FUNCTION hotro_bump_units_version();
DELETE FROM dataset_info WHERE key = 'units_version';
DROP TABLE rollups;
