-- What a ward officer's import found about people on record outside the officer's wards. The
-- officer is told only that the person is on a list elsewhere and that the city office reconciles
-- it; the details (the new row and what is on record: group, amount, ward, whether the name
-- matches) wait here for an admin. One entry per officer, list and person and finding.
CREATE TABLE import_reconciliations (
    id            INTEGER PRIMARY KEY,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    actor         TEXT NOT NULL,
    program_id    INTEGER NOT NULL REFERENCES programs (id),
    group_id      INTEGER NOT NULL REFERENCES beneficiary_groups (id),
    ward_id       INTEGER NOT NULL REFERENCES admin_units (id),
    other_ward_id INTEGER REFERENCES admin_units (id),
    file_name     TEXT NOT NULL,
    file_sha256   TEXT NOT NULL,
    row_number    INTEGER NOT NULL,
    citizen_id    TEXT NOT NULL,
    code          TEXT NOT NULL,
    message       TEXT NOT NULL,
    new_line      TEXT NOT NULL,
    existing      TEXT NOT NULL,
    UNIQUE (actor, program_id, group_id, ward_id, citizen_id, code)
);

-- The rows each account's dry runs checked on a day (Asia/Ho_Chi_Minh), and how many of them named
-- people on record outside the account's wards: the import's daily bound and its alarm.
CREATE TABLE import_lookups (
    actor      TEXT NOT NULL,
    day        TEXT NOT NULL CHECK (date(day) IS day),
    rows_checked INTEGER NOT NULL DEFAULT 0,
    elsewhere  INTEGER NOT NULL DEFAULT 0,
    flagged    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (actor, day)
);
