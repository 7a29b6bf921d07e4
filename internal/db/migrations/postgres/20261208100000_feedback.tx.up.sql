-- Residents' feedback on a ward's posted list (phản ánh): a report on one posted line, or on a
-- person missing from the list, sent without an account. The tracking code is the reporter's way
-- back to it; the contact phone is personal data, for the ward's officers and admins only. The
-- sender's address is kept only as a hash, to bound how many reports one address may send.
CREATE TABLE feedback (
    id               bigserial PRIMARY KEY,
    code             text NOT NULL UNIQUE,
    ward_id          bigint NOT NULL REFERENCES admin_units (id),
    kind             text NOT NULL CHECK (kind IN ('LINE', 'MISSING')),
    reason           text NOT NULL,
    line_id          bigint REFERENCES disbursements (id),
    missing_name     text NOT NULL DEFAULT '',
    missing_group_id bigint REFERENCES beneficiary_groups (id),
    missing_place    text NOT NULL DEFAULT '',
    body             text NOT NULL,
    contact_phone    text NOT NULL DEFAULT '',
    sender_key       text NOT NULL,
    received_at      timestamptz NOT NULL,
    received_unix    bigint NOT NULL,
    due_on           date NOT NULL,
    status           text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'ANSWERED', 'CLOSED')),
    reply            text NOT NULL DEFAULT '',
    replied_at       timestamptz,
    replied_by       text,
    outcome          text,
    closed_at        timestamptz,
    closed_on        date,
    closed_by        text
);
CREATE INDEX feedback_ward ON feedback (ward_id, status);
CREATE INDEX feedback_sender ON feedback (sender_key, received_unix);

-- The lines a closed report changed (cancelled, corrected, or listed for a missing person).
CREATE TABLE feedback_lines (
    feedback_id     bigint NOT NULL REFERENCES feedback (id),
    disbursement_id bigint NOT NULL REFERENCES disbursements (id),
    PRIMARY KEY (feedback_id, disbursement_id)
);
