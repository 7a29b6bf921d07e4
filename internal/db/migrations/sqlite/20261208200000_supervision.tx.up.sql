-- The city's working group (Tổ công tác): a role that reads every ward in full and records checks,
-- and the spot checks it draws: a reproducible sample of a ward's paid lines (the seed, the
-- population and the lines drawn are kept) with the result of each visit.
-- SQLite cannot change a CHECK constraint: the table is rebuilt. Dropping it deletes the rows
-- that refer to it (ON DELETE CASCADE), so they are kept aside and put back.
CREATE TABLE keep_user_wards AS SELECT * FROM user_wards;
CREATE TABLE keep_sessions AS SELECT * FROM sessions;
CREATE TABLE keep_api_tokens AS SELECT * FROM api_tokens;
CREATE TABLE users_new (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 64 AND username NOT GLOB '*[^a-z0-9._-]*'),
    display_name        TEXT NOT NULL DEFAULT '',
    role                TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'analyst', 'ward_officer', 'supervisor')),
    password_hash       TEXT NOT NULL,
    disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    password_changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
);
INSERT INTO users_new SELECT * FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
INSERT INTO user_wards SELECT * FROM keep_user_wards WHERE user_id IN (SELECT id FROM users);
INSERT INTO sessions SELECT * FROM keep_sessions WHERE user_id IN (SELECT id FROM users);
INSERT INTO api_tokens SELECT * FROM keep_api_tokens WHERE user_id IN (SELECT id FROM users);
DROP TABLE keep_user_wards;
DROP TABLE keep_sessions;
DROP TABLE keep_api_tokens;

CREATE TABLE spot_checks (
    id                INTEGER PRIMARY KEY,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    actor             TEXT NOT NULL,
    ward_id           INTEGER NOT NULL REFERENCES admin_units (id),
    program_id        INTEGER REFERENCES programs (id),
    seed              TEXT NOT NULL CHECK (seed <> ''),
    sample_size       INTEGER NOT NULL CHECK (sample_size BETWEEN 1 AND 200),
    population        INTEGER NOT NULL CHECK (population >= 0),
    population_digest TEXT NOT NULL
);
CREATE INDEX spot_checks_ward ON spot_checks (ward_id);

CREATE TABLE spot_check_lines (
    check_id        INTEGER NOT NULL REFERENCES spot_checks (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL CHECK (position >= 1),
    disbursement_id INTEGER NOT NULL REFERENCES disbursements (id),
    result          TEXT CHECK (result IN ('CONFIRMED', 'WRONG_PERSON', 'NOT_FOUND', 'AMOUNT_NOT_RECEIVED')),
    note            TEXT NOT NULL DEFAULT '',
    visited_on      TEXT CHECK (date(visited_on) IS visited_on),
    recorded_by     TEXT,
    recorded_at     TEXT,
    PRIMARY KEY (check_id, disbursement_id),
    UNIQUE (check_id, position),
    CHECK ((result IS NULL) = (visited_on IS NULL))
);
CREATE INDEX spot_check_lines_line ON spot_check_lines (disbursement_id);
