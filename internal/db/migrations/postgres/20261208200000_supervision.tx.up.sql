-- The city's working group (Tổ công tác): a role that reads every ward in full and records checks,
-- and the spot checks it draws: a reproducible sample of a ward's paid lines (the seed, the
-- population and the lines drawn are kept) with the result of each visit.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'leader', 'analyst', 'ward_officer', 'supervisor'));

CREATE TABLE spot_checks (
    id                bigserial PRIMARY KEY,
    created_at        timestamptz NOT NULL DEFAULT now(),
    actor             text NOT NULL,
    ward_id           bigint NOT NULL REFERENCES admin_units (id),
    program_id        bigint REFERENCES programs (id),
    seed              text NOT NULL CHECK (seed <> ''),
    sample_size       integer NOT NULL CHECK (sample_size BETWEEN 1 AND 200),
    population        integer NOT NULL CHECK (population >= 0),
    population_digest text NOT NULL
);
CREATE INDEX spot_checks_ward ON spot_checks (ward_id);

CREATE TABLE spot_check_lines (
    check_id        bigint NOT NULL REFERENCES spot_checks (id) ON DELETE CASCADE,
    position        integer NOT NULL CHECK (position >= 1),
    disbursement_id bigint NOT NULL REFERENCES disbursements (id),
    result          text CHECK (result IN ('CONFIRMED', 'WRONG_PERSON', 'NOT_FOUND', 'AMOUNT_NOT_RECEIVED')),
    note            text NOT NULL DEFAULT '',
    visited_on      date,
    recorded_by     text,
    recorded_at     timestamptz,
    PRIMARY KEY (check_id, disbursement_id),
    UNIQUE (check_id, position),
    CHECK ((result IS NULL) = (visited_on IS NULL))
);
CREATE INDEX spot_check_lines_line ON spot_check_lines (disbursement_id);
