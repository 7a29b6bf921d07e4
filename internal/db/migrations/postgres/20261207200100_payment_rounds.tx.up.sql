-- A payment round (đợt chi trả) of a programme: the groups it pays, and when. A payment line
-- belongs to the round of its group: a group is in at most one round (UNIQUE group_id), so the
-- round of a line is a function of its group and needs no column of its own on the lines or the
-- rollups. The dates say when the round was to be paid; they do not decide membership.
CREATE TABLE payment_rounds (
    id         bigserial PRIMARY KEY,
    program_id bigint NOT NULL REFERENCES programs (id),
    code       text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9_-]+$'),
    name       text NOT NULL,
    name_en    text NOT NULL,
    seq        integer NOT NULL CHECK (seq > 0),
    paid_from  date,
    paid_to    date,
    decision   text NOT NULL DEFAULT '',
    source     text NOT NULL DEFAULT '',
    UNIQUE (program_id, seq),
    UNIQUE (program_id, id),
    CHECK (paid_from IS NULL OR paid_to IS NULL OR paid_from <= paid_to)
);

CREATE TABLE payment_round_groups (
    round_id   bigint NOT NULL,
    program_id bigint NOT NULL,
    group_id   bigint NOT NULL UNIQUE,
    PRIMARY KEY (round_id, group_id),
    FOREIGN KEY (program_id, round_id) REFERENCES payment_rounds (program_id, id) ON DELETE CASCADE,
    FOREIGN KEY (program_id, group_id) REFERENCES beneficiary_groups (program_id, id)
);

CREATE TRIGGER payment_rounds_reference_writes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON payment_rounds
    FOR EACH STATEMENT EXECUTE FUNCTION hotro_count_reference_write();
CREATE TRIGGER payment_round_groups_reference_writes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON payment_round_groups
    FOR EACH STATEMENT EXECUTE FUNCTION hotro_count_reference_write();
