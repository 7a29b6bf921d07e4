-- The allocation decisions to units as they stood when a snapshot was made: fund use beside an
-- official snapshot divides a ward's or district's money by what that unit had received then, not
-- by a decision recorded later. Copied in the snapshot's transaction; never changed.
-- snapshot_id and allocation_id name rows of snapshots and fund_allocations; snapshots is created
-- by a later migration, so this table names it without a foreign key.
CREATE TABLE snapshot_allocations (
    snapshot_id   INTEGER NOT NULL,
    allocation_id INTEGER NOT NULL,
    fund_id       INTEGER NOT NULL,
    unit_id       INTEGER NOT NULL REFERENCES admin_units (id),
    amount        INTEGER NOT NULL,
    decision      TEXT NOT NULL,
    decided_on    TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, allocation_id)
);

CREATE TRIGGER snapshot_allocations_no_update BEFORE UPDATE ON snapshot_allocations BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed: withdraw one with a reason instead');
END;
CREATE TRIGGER snapshot_allocations_no_delete BEFORE DELETE ON snapshot_allocations BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed: withdraw one with a reason instead');
END;
