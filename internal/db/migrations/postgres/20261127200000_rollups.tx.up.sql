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
    level      smallint NOT NULL CHECK (level > 0),
    unit_id    bigint NOT NULL,
    program_id bigint NOT NULL,
    group_id   bigint NOT NULL,
    fund_id    bigint NOT NULL,
    status     text NOT NULL,
    channel    text NOT NULL, -- '' when the line has no channel
    period     integer NOT NULL CHECK (period >= 0),
    lines      bigint NOT NULL,
    amount     bigint NOT NULL,
    recipients bytea,
    persons    bytea,
    PRIMARY KEY (level, unit_id, program_id, group_id, fund_id, status, channel, period)
) WITH (fillfactor = 90);
-- Bitmaps are compressed already: keep them out of line but not compressed again, so reads skip
-- decompression.
ALTER TABLE rollups ALTER COLUMN recipients SET STORAGE EXTERNAL, ALTER COLUMN persons SET STORAGE EXTERNAL;

-- The engine caches the unit tree; this version tells it when to read it again.
INSERT INTO dataset_info (key, value) VALUES ('units_version', '1') ON CONFLICT (key) DO NOTHING;

CREATE FUNCTION hotro_bump_units_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dataset_info SET value = CAST(CAST(value AS bigint) + 1 AS text) WHERE key = 'units_version';
    RETURN NULL;
END $$;

CREATE TRIGGER admin_units_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admin_units
    FOR EACH STATEMENT EXECUTE FUNCTION hotro_bump_units_version();
CREATE TRIGGER admin_unit_successors_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admin_unit_successors
    FOR EACH STATEMENT EXECUTE FUNCTION hotro_bump_units_version();
