DROP TABLE snapshot_funds;
DROP TABLE snapshot_lines;
DROP TABLE snapshot_cells;
DROP TABLE snapshots;
DROP FUNCTION hotro_snapshot_frozen();
