-- Uploaded lists that have been checked (dry run) and wait for the officer to confirm them. Nothing
-- of an upload reaches the lists (beneficiaries, disbursements, import_batches) until it is committed,
-- and the commit checks the file again against the data as it then stands. The file is kept until it
-- is committed or discarded; the report is the last check's, as JSON.
CREATE TABLE import_uploads (
    id          bigserial PRIMARY KEY,
    program_id  bigint NOT NULL REFERENCES programs (id),
    group_id    bigint NOT NULL REFERENCES beneficiary_groups (id),
    ward_id     bigint NOT NULL REFERENCES admin_units (id),
    fund_id     bigint NOT NULL REFERENCES funds (id),
    listed_on   date NOT NULL,
    file_name   text NOT NULL,
    file_sha256 text NOT NULL CHECK (length(file_sha256) = 64),
    file_size   bigint NOT NULL CHECK (file_size >= 0),
    content     bytea,
    state       text NOT NULL CHECK (state IN ('CHECKED', 'COMMITTED', 'DISCARDED')),
    report      text NOT NULL,
    batch_id    bigint REFERENCES import_batches (id),
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'CHECKED') = (content IS NOT NULL)),
    CHECK ((state = 'COMMITTED') = (batch_id IS NOT NULL))
);
CREATE INDEX import_uploads_ward ON import_uploads (ward_id, created_at);
CREATE INDEX import_uploads_state ON import_uploads (state, created_at);
