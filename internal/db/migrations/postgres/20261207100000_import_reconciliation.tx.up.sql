-- What a ward officer's import found about people on record outside the officer's wards. The
-- officer is told only that the person is on a list elsewhere and that the city office reconciles
-- it; the details (the new row and what is on record: group, amount, ward, whether the name
-- matches) wait here for an admin. One entry per officer, list and person and finding.
CREATE TABLE import_reconciliations (
    id            bigserial PRIMARY KEY,
    created_at    timestamptz NOT NULL DEFAULT now(),
    actor         text NOT NULL,
    program_id    bigint NOT NULL REFERENCES programs (id),
    group_id      bigint NOT NULL REFERENCES beneficiary_groups (id),
    ward_id       bigint NOT NULL REFERENCES admin_units (id),
    other_ward_id bigint REFERENCES admin_units (id),
    file_name     text NOT NULL,
    file_sha256   text NOT NULL,
    row_number    integer NOT NULL,
    citizen_id    text NOT NULL,
    code          text NOT NULL,
    message       text NOT NULL,
    new_line      jsonb NOT NULL,
    existing      jsonb NOT NULL,
    UNIQUE (actor, program_id, group_id, ward_id, citizen_id, code)
);

-- The rows each account's dry runs checked on a day (Asia/Ho_Chi_Minh), and how many of them named
-- people on record outside the account's wards: the import's daily bound and its alarm.
CREATE TABLE import_lookups (
    actor      text NOT NULL,
    day        date NOT NULL,
    rows_checked integer NOT NULL DEFAULT 0,
    elsewhere  integer NOT NULL DEFAULT 0,
    flagged    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (actor, day)
);
