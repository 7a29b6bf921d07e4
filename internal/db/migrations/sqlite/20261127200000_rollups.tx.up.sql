-- Aggregates of the payment lines kept current in the same transaction as every write (package
-- rollup), so that stats read a few rows instead of scanning the lines.
--
-- level names the grain of a row (see rollup.Levels): the unit is the recorded ward, its parent unit
-- or its province; slim levels keep the programme and status only (group, fund 0; channel ''). period
-- is the paid date as YYYYMMDD (day levels), the first day of its month (month levels) or 0 (levels
-- without time, and lines without a paid date).
-- recipients and persons are roaring bitmaps of the recipient IDs and person IDs covered by the PAID
-- lines of the row (NULL on rows of other statuses), so distinct counts stay exact under any union.
CREATE TABLE rollups (
    level      INTEGER NOT NULL CHECK (level > 0),
    unit_id    INTEGER NOT NULL,
    program_id INTEGER NOT NULL,
    group_id   INTEGER NOT NULL,
    fund_id    INTEGER NOT NULL,
    status     TEXT NOT NULL,
    channel    TEXT NOT NULL, -- '' when the line has no channel
    period     INTEGER NOT NULL CHECK (period >= 0),
    lines      INTEGER NOT NULL,
    amount     INTEGER NOT NULL,
    recipients BLOB,
    persons    BLOB,
    PRIMARY KEY (level, unit_id, program_id, group_id, fund_id, status, channel, period)
) WITHOUT ROWID;

-- The engine caches the unit tree; this version tells it when to read it again.
INSERT INTO dataset_info (key, value) VALUES ('units_version', '1') ON CONFLICT (key) DO NOTHING;

CREATE TRIGGER admin_units_version_insert AFTER INSERT ON admin_units BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'units_version';
END;
CREATE TRIGGER admin_units_version_update AFTER UPDATE ON admin_units BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'units_version';
END;
CREATE TRIGGER admin_units_version_delete AFTER DELETE ON admin_units BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'units_version';
END;
CREATE TRIGGER admin_unit_successors_version_insert AFTER INSERT ON admin_unit_successors BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'units_version';
END;
CREATE TRIGGER admin_unit_successors_version_update AFTER UPDATE ON admin_unit_successors BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'units_version';
END;
CREATE TRIGGER admin_unit_successors_version_delete AFTER DELETE ON admin_unit_successors BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'units_version';
END;
