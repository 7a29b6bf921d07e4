-- The allocation decisions to units as they stood when a snapshot was made: fund use beside an
-- official snapshot divides a ward's or district's money by what that unit had received then, not
-- by a decision recorded later. Copied in the snapshot's transaction; never changed.
-- snapshot_id and allocation_id name rows of snapshots and fund_allocations; snapshots is created
-- by a later migration, so this table names it without a foreign key.
CREATE TABLE snapshot_allocations (
    snapshot_id   bigint NOT NULL,
    allocation_id bigint NOT NULL,
    fund_id       bigint NOT NULL,
    unit_id       bigint NOT NULL REFERENCES admin_units (id),
    amount        bigint NOT NULL,
    decision      text NOT NULL,
    decided_on    date NOT NULL,
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL,
    PRIMARY KEY (snapshot_id, allocation_id)
);

CREATE FUNCTION hotro_snapshot_allocations_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'snapshots are never changed: withdraw one with a reason instead';
END $$;
CREATE TRIGGER snapshot_allocations_frozen BEFORE UPDATE OR DELETE ON snapshot_allocations
    FOR EACH ROW EXECUTE FUNCTION hotro_snapshot_allocations_frozen();
