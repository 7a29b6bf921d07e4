-- Servers hold the rollups in memory (rollup.Resident) and follow other writers through this log:
-- every write of rollup rows moves rollup_writes by one (under its row lock, so versions follow the
-- order writers commit in) and lists the (level, unit) pairs whose rows it changed under the new
-- version; level 0 means every row (a rebuild, a realignment, a bulk load). A server reads the
-- version, then the pairs logged since the version it holds, then those rows. Entries older than a
-- few thousand versions are pruned by the writers; a server further behind loads everything again.
INSERT INTO dataset_info (key, value) VALUES ('rollup_writes', '1') ON CONFLICT (key) DO NOTHING;

CREATE TABLE rollup_log (
    version bigint NOT NULL,
    level   smallint NOT NULL CHECK (level >= 0),
    unit_id bigint NOT NULL
);
CREATE INDEX rollup_log_version ON rollup_log (version);
