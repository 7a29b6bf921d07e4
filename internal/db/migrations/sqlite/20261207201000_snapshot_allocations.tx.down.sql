DROP TABLE snapshot_allocations;
