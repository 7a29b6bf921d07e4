-- Official snapshots (số liệu chính thức): the figures a leader announced in a report, frozen at one
-- data version. A snapshot keeps its cells (each table of figures with, per cell, the count of its
-- lines and a SHA-256 of their IDs) and the state of every line it counted, so that a figure can be
-- traced to its lines and compared with later data. Nothing of a snapshot is ever changed or
-- deleted: a wrong one is withdrawn, once, with a reason (the triggers hold it to that).
CREATE TABLE snapshots (
    id               bigserial PRIMARY KEY,
    name             text NOT NULL CHECK (name <> ''),
    document         text NOT NULL CHECK (document <> ''),
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL,
    data_version     bigint NOT NULL,
    lines            bigint NOT NULL,
    cells            bigint NOT NULL,
    withdrawn_at     timestamptz,
    withdrawn_by     text,
    withdrawn_reason text,
    CHECK ((withdrawn_at IS NULL) = (withdrawn_reason IS NULL) AND (withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);

-- A cell: tbl names the table by its dimensions ("" the total, "WARD,GROUP", "GROUP,WEEK"…);
-- program_id 0 is every programme together. Unit columns hold the cell's unit and its parents;
-- period_start is the first day of its month or ISO week (NULL: lines not paid yet, or no period).
CREATE TABLE snapshot_cells (
    snapshot_id      bigint NOT NULL REFERENCES snapshots (id),
    program_id       bigint NOT NULL,
    tbl              text NOT NULL,
    province_id      bigint NOT NULL,
    district_id      bigint NOT NULL,
    ward_id          bigint NOT NULL,
    group_id         bigint NOT NULL,
    fund_id          bigint NOT NULL,
    round_id         bigint NOT NULL,
    period_start     date,
    amount_paid      bigint NOT NULL,
    amount_listed    bigint NOT NULL,
    amount_approved  bigint NOT NULL,
    people_supported bigint NOT NULL,
    beneficiaries    bigint NOT NULL,
    disbursements    bigint NOT NULL,
    amount_returned  bigint NOT NULL,
    amount_cancelled bigint NOT NULL,
    line_digest      text NOT NULL
);
CREATE INDEX snapshot_cells_snapshot ON snapshot_cells (snapshot_id);

-- The lines a snapshot counted, as they stood: what its cells are made of.
CREATE TABLE snapshot_lines (
    snapshot_id bigint NOT NULL REFERENCES snapshots (id),
    line_id     bigint NOT NULL,
    program_id  bigint NOT NULL,
    ward_id     bigint NOT NULL,
    group_id    bigint NOT NULL,
    fund_id     bigint NOT NULL,
    round_id    bigint NOT NULL,
    status      text NOT NULL,
    amount      bigint NOT NULL,
    paid_on     date,
    PRIMARY KEY (snapshot_id, line_id)
);

-- The funds' allocations as they stood: the report's fund use divides the snapshot's amounts by
-- these, not by an allocation changed later.
CREATE TABLE snapshot_funds (
    snapshot_id bigint NOT NULL REFERENCES snapshots (id),
    fund_id     bigint NOT NULL,
    allocated   bigint NOT NULL,
    PRIMARY KEY (snapshot_id, fund_id)
);

CREATE FUNCTION hotro_snapshot_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'snapshots are never changed: withdraw one with a reason instead';
END $$;
CREATE TRIGGER snapshot_cells_frozen BEFORE UPDATE OR DELETE ON snapshot_cells
    FOR EACH ROW EXECUTE FUNCTION hotro_snapshot_frozen();
CREATE TRIGGER snapshot_lines_frozen BEFORE UPDATE OR DELETE ON snapshot_lines
    FOR EACH ROW EXECUTE FUNCTION hotro_snapshot_frozen();
CREATE TRIGGER snapshot_funds_frozen BEFORE UPDATE OR DELETE ON snapshot_funds
    FOR EACH ROW EXECUTE FUNCTION hotro_snapshot_frozen();
CREATE TRIGGER snapshots_not_deleted BEFORE DELETE ON snapshots
    FOR EACH ROW EXECUTE FUNCTION hotro_snapshot_frozen();
CREATE TRIGGER snapshots_frozen BEFORE UPDATE ON snapshots
    FOR EACH ROW WHEN (OLD.withdrawn_at IS NOT NULL
        OR (OLD.name, OLD.document, OLD.created_by, OLD.created_at, OLD.data_version, OLD.lines, OLD.cells)
           IS DISTINCT FROM (NEW.name, NEW.document, NEW.created_by, NEW.created_at, NEW.data_version, NEW.lines, NEW.cells))
    EXECUTE FUNCTION hotro_snapshot_frozen();
