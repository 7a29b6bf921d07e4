DROP TABLE spot_check_lines;
DROP TABLE spot_checks;
-- SQLite cannot change a CHECK constraint: the table is rebuilt. Dropping it deletes the rows
-- that refer to it (ON DELETE CASCADE), so they are kept aside and put back.
CREATE TABLE keep_user_wards AS SELECT * FROM user_wards;
CREATE TABLE keep_sessions AS SELECT * FROM sessions;
CREATE TABLE keep_api_tokens AS SELECT * FROM api_tokens;
CREATE TABLE users_new (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 64 AND username NOT GLOB '*[^a-z0-9._-]*'),
    display_name        TEXT NOT NULL DEFAULT '',
    role                TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'analyst', 'ward_officer')),
    password_hash       TEXT NOT NULL,
    disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    password_changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
);
INSERT INTO users_new SELECT * FROM users WHERE role <> 'supervisor';
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
INSERT INTO user_wards SELECT * FROM keep_user_wards WHERE user_id IN (SELECT id FROM users);
INSERT INTO sessions SELECT * FROM keep_sessions WHERE user_id IN (SELECT id FROM users);
INSERT INTO api_tokens SELECT * FROM keep_api_tokens WHERE user_id IN (SELECT id FROM users);
DROP TABLE keep_user_wards;
DROP TABLE keep_sessions;
DROP TABLE keep_api_tokens;
