DROP TABLE snapshot_funds;
DROP TABLE snapshot_lines;
DROP TABLE snapshot_cells;
DROP TABLE snapshots;
