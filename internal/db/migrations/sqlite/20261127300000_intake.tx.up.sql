-- Uploaded lists that have been checked (dry run) and wait for the officer to confirm them. Nothing
-- of an upload reaches the lists (beneficiaries, disbursements, import_batches) until it is committed,
-- and the commit checks the file again against the data as it then stands. The file is kept until it
-- is committed or discarded; the report is the last check's, as JSON.
CREATE TABLE import_uploads (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs (id),
    group_id    INTEGER NOT NULL REFERENCES beneficiary_groups (id),
    ward_id     INTEGER NOT NULL REFERENCES admin_units (id),
    fund_id     INTEGER NOT NULL REFERENCES funds (id),
    listed_on   TEXT NOT NULL CHECK (date(listed_on) IS listed_on),
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL CHECK (length(file_sha256) = 64),
    file_size   INTEGER NOT NULL CHECK (file_size >= 0),
    content     BLOB,
    state       TEXT NOT NULL CHECK (state IN ('CHECKED', 'COMMITTED', 'DISCARDED')),
    report      TEXT NOT NULL,
    batch_id    INTEGER REFERENCES import_batches (id),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    CHECK ((state = 'CHECKED') = (content IS NOT NULL)),
    CHECK ((state = 'COMMITTED') = (batch_id IS NOT NULL))
);
CREATE INDEX import_uploads_ward ON import_uploads (ward_id, created_at);
CREATE INDEX import_uploads_state ON import_uploads (state, created_at);
