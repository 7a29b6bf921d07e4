-- Residents' feedback on a ward's posted list (phản ánh): a report on one posted line, or on a
-- person missing from the list, sent without an account. The tracking code is the reporter's way
-- back to it; the contact phone is personal data, for the ward's officers and admins only. The
-- sender's address is kept only as a hash, to bound how many reports one address may send.
CREATE TABLE feedback (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    ward_id          INTEGER NOT NULL REFERENCES admin_units (id),
    kind             TEXT NOT NULL CHECK (kind IN ('LINE', 'MISSING')),
    reason           TEXT NOT NULL,
    line_id          INTEGER REFERENCES disbursements (id),
    missing_name     TEXT NOT NULL DEFAULT '',
    missing_group_id INTEGER REFERENCES beneficiary_groups (id),
    missing_place    TEXT NOT NULL DEFAULT '',
    body             TEXT NOT NULL,
    contact_phone    TEXT NOT NULL DEFAULT '',
    sender_key       TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    received_unix    INTEGER NOT NULL,
    due_on           TEXT NOT NULL CHECK (date(due_on) IS due_on),
    status           TEXT NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'ANSWERED', 'CLOSED')),
    reply            TEXT NOT NULL DEFAULT '',
    replied_at       TEXT,
    replied_by       TEXT,
    outcome          TEXT,
    closed_at        TEXT,
    closed_on        TEXT CHECK (closed_on IS NULL OR date(closed_on) IS closed_on),
    closed_by        TEXT
);
CREATE INDEX feedback_ward ON feedback (ward_id, status);
CREATE INDEX feedback_sender ON feedback (sender_key, received_unix);

-- The lines a closed report changed (cancelled, corrected, or listed for a missing person).
CREATE TABLE feedback_lines (
    feedback_id     INTEGER NOT NULL REFERENCES feedback (id),
    disbursement_id INTEGER NOT NULL REFERENCES disbursements (id),
    PRIMARY KEY (feedback_id, disbursement_id)
);
