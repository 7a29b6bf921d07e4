-- Official snapshots (số liệu chính thức): the figures a leader announced in a report, frozen at one
-- data version. A snapshot keeps its cells (each table of figures with, per cell, the count of its
-- lines and a SHA-256 of their IDs) and the state of every line it counted, so that a figure can be
-- traced to its lines and compared with later data. Nothing of a snapshot is ever changed or
-- deleted: a wrong one is withdrawn, once, with a reason (the triggers hold it to that).
CREATE TABLE snapshots (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL CHECK (name <> ''),
    document         TEXT NOT NULL CHECK (document <> ''),
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    data_version     INTEGER NOT NULL,
    lines            INTEGER NOT NULL,
    cells            INTEGER NOT NULL,
    withdrawn_at     TEXT,
    withdrawn_by     TEXT,
    withdrawn_reason TEXT,
    CHECK ((withdrawn_at IS NULL) = (withdrawn_reason IS NULL) AND (withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);

-- A cell: tbl names the table by its dimensions ("" the total, "WARD,GROUP", "GROUP,WEEK"…);
-- program_id 0 is every programme together. Unit columns hold the cell's unit and its parents;
-- period_start is the first day of its month or ISO week (NULL: lines not paid yet, or no period).
CREATE TABLE snapshot_cells (
    snapshot_id      INTEGER NOT NULL REFERENCES snapshots (id),
    program_id       INTEGER NOT NULL,
    tbl              TEXT NOT NULL,
    province_id      INTEGER NOT NULL,
    district_id      INTEGER NOT NULL,
    ward_id          INTEGER NOT NULL,
    group_id         INTEGER NOT NULL,
    fund_id          INTEGER NOT NULL,
    round_id         INTEGER NOT NULL,
    period_start     TEXT CHECK (date(period_start) IS period_start),
    amount_paid      INTEGER NOT NULL,
    amount_listed    INTEGER NOT NULL,
    amount_approved  INTEGER NOT NULL,
    people_supported INTEGER NOT NULL,
    beneficiaries    INTEGER NOT NULL,
    disbursements    INTEGER NOT NULL,
    amount_returned  INTEGER NOT NULL,
    amount_cancelled INTEGER NOT NULL,
    line_digest      TEXT NOT NULL
);
CREATE INDEX snapshot_cells_snapshot ON snapshot_cells (snapshot_id);

-- The lines a snapshot counted, as they stood: what its cells are made of.
CREATE TABLE snapshot_lines (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id),
    line_id     INTEGER NOT NULL,
    program_id  INTEGER NOT NULL,
    ward_id     INTEGER NOT NULL,
    group_id    INTEGER NOT NULL,
    fund_id     INTEGER NOT NULL,
    round_id    INTEGER NOT NULL,
    status      TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    paid_on     TEXT CHECK (date(paid_on) IS paid_on),
    PRIMARY KEY (snapshot_id, line_id)
);

-- The funds' allocations as they stood: the report's fund use divides the snapshot's amounts by
-- these, not by an allocation changed later.
CREATE TABLE snapshot_funds (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id),
    fund_id     INTEGER NOT NULL,
    allocated   INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, fund_id)
);

CREATE TRIGGER snapshot_funds_no_update BEFORE UPDATE ON snapshot_funds BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed: withdraw one with a reason instead');
END;
CREATE TRIGGER snapshot_funds_no_delete BEFORE DELETE ON snapshot_funds BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed: withdraw one with a reason instead');
END;
CREATE TRIGGER snapshot_cells_no_update BEFORE UPDATE ON snapshot_cells BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed: withdraw one with a reason instead');
END;
CREATE TRIGGER snapshot_cells_no_delete BEFORE DELETE ON snapshot_cells BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed: withdraw one with a reason instead');
END;
CREATE TRIGGER snapshot_lines_no_update BEFORE UPDATE ON snapshot_lines BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed: withdraw one with a reason instead');
END;
CREATE TRIGGER snapshot_lines_no_delete BEFORE DELETE ON snapshot_lines BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed: withdraw one with a reason instead');
END;
CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed: withdraw one with a reason instead');
END;
CREATE TRIGGER snapshots_frozen BEFORE UPDATE ON snapshots
    WHEN OLD.withdrawn_at IS NOT NULL
        OR OLD.name IS NOT NEW.name OR OLD.document IS NOT NEW.document OR OLD.created_by IS NOT NEW.created_by
        OR OLD.created_at IS NOT NEW.created_at OR OLD.data_version IS NOT NEW.data_version
        OR OLD.lines IS NOT NEW.lines OR OLD.cells IS NOT NEW.cells
BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed: withdraw one with a reason instead');
END;
