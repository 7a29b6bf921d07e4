-- A payment round (đợt chi trả) of a programme: the groups it pays, and when. A payment line
-- belongs to the round of its group: a group is in at most one round (UNIQUE group_id), so the
-- round of a line is a function of its group and needs no column of its own on the lines or the
-- rollups. The dates say when the round was to be paid; they do not decide membership.
CREATE TABLE payment_rounds (
    id         INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs (id),
    code       TEXT NOT NULL UNIQUE CHECK (code <> '' AND code NOT GLOB '*[^A-Z0-9_-]*'),
    name       TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    seq        INTEGER NOT NULL CHECK (seq > 0),
    paid_from  TEXT CHECK (date(paid_from) IS paid_from),
    paid_to    TEXT CHECK (date(paid_to) IS paid_to),
    decision   TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    UNIQUE (program_id, seq),
    UNIQUE (program_id, id),
    CHECK (paid_from IS NULL OR paid_to IS NULL OR paid_from <= paid_to)
);

CREATE TABLE payment_round_groups (
    round_id   INTEGER NOT NULL,
    program_id INTEGER NOT NULL,
    group_id   INTEGER NOT NULL UNIQUE,
    PRIMARY KEY (round_id, group_id),
    FOREIGN KEY (program_id, round_id) REFERENCES payment_rounds (program_id, id) ON DELETE CASCADE,
    FOREIGN KEY (program_id, group_id) REFERENCES beneficiary_groups (program_id, id)
);
CREATE TRIGGER payment_rounds_reference_writes_insert AFTER INSERT ON payment_rounds BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER payment_rounds_reference_writes_update AFTER UPDATE ON payment_rounds BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER payment_rounds_reference_writes_delete AFTER DELETE ON payment_rounds BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER payment_round_groups_reference_writes_insert AFTER INSERT ON payment_round_groups BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER payment_round_groups_reference_writes_update AFTER UPDATE ON payment_round_groups BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
CREATE TRIGGER payment_round_groups_reference_writes_delete AFTER DELETE ON payment_round_groups BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_writes';
END;
