DROP TABLE snapshot_allocations;
DROP FUNCTION hotro_snapshot_allocations_frozen();
