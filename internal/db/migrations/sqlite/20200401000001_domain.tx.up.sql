-- SQLite: dates are TEXT 'YYYY-MM-DD' (checked), times are TEXT in UTC, JSON is TEXT.
-- hotro's domain: administrative units, programs and their groups, funds, recipients, payment lines,
-- import batches and the audit trail. Money is whole dong in INTEGER; dates are calendar dates.

CREATE TABLE admin_units (
    id          INTEGER PRIMARY KEY,
    level       TEXT NOT NULL CHECK (level IN ('PROVINCE', 'DISTRICT', 'COMMUNE')),
    code        TEXT NOT NULL CHECK (length(code) BETWEEN 2 AND 5 AND code NOT GLOB '*[^0-9]*'),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL CHECK (name <> ''),
    name_en     TEXT NOT NULL,
    parent_id   INTEGER REFERENCES admin_units (id),
    valid_from TEXT NOT NULL CHECK (date(valid_from) IS valid_from),
    valid_to TEXT CHECK (date(valid_to) IS valid_to),
    UNIQUE (level, code, valid_from),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK ((level = 'PROVINCE') = (parent_id IS NULL))
);
CREATE INDEX admin_units_parent ON admin_units (parent_id);
CREATE INDEX admin_units_code ON admin_units (code);

-- A unit that was merged or split names the units it became.
CREATE TABLE admin_unit_successors (
    unit_id      INTEGER NOT NULL REFERENCES admin_units (id) ON DELETE CASCADE,
    successor_id INTEGER NOT NULL REFERENCES admin_units (id) ON DELETE CASCADE,
    PRIMARY KEY (unit_id, successor_id),
    CHECK (unit_id <> successor_id)
);

CREATE TABLE programs (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE CHECK (code <> '' AND code NOT GLOB '*[^A-Z0-9_-]*'),
    name          TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    legal_basis   TEXT NOT NULL DEFAULT '',
    applies_from TEXT NOT NULL CHECK (date(applies_from) IS applies_from),
    applies_to TEXT CHECK (date(applies_to) IS applies_to),
    overlap_rule  TEXT NOT NULL DEFAULT 'HIGHEST_ONLY' CHECK (overlap_rule IN ('HIGHEST_ONLY', 'ALLOW_ALL')),
    overlap_note  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE beneficiary_groups (
    id              INTEGER PRIMARY KEY,
    program_id      INTEGER NOT NULL REFERENCES programs (id),
    code            TEXT NOT NULL CHECK (code <> '' AND code NOT GLOB '*[^A-Z0-9_]*'),
    name            TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    support_unit    TEXT NOT NULL CHECK (support_unit IN ('PERSON', 'HOUSEHOLD', 'HOUSEHOLD_MEMBER')),
    payment         TEXT NOT NULL CHECK (payment IN ('LUMP_SUM', 'MONTHLY', 'ONE_TIME')),
    monthly_amount  INTEGER CHECK (monthly_amount > 0),
    max_months      INTEGER CHECK (max_months BETWEEN 1 AND 24),
    one_time_amount INTEGER CHECK (one_time_amount > 0),
    period_from TEXT CHECK (date(period_from) IS period_from),
    period_to TEXT CHECK (date(period_to) IS period_to),
    confidence      TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    UNIQUE (program_id, code),
    UNIQUE (program_id, id),
    CHECK (payment = 'ONE_TIME' OR (monthly_amount IS NOT NULL AND max_months IS NOT NULL))
);

CREATE TABLE funds (
    id               INTEGER PRIMARY KEY,
    program_id       INTEGER NOT NULL REFERENCES programs (id),
    code             TEXT NOT NULL CHECK (code <> '' AND code NOT GLOB '*[^A-Z0-9_]*'),
    name             TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    source           TEXT NOT NULL CHECK (source IN ('CENTRAL', 'PROVINCIAL', 'CITY', 'SOCIAL_POLICY_BANK')),
    allocated        INTEGER NOT NULL CHECK (allocated >= 0),
    allocation_basis TEXT NOT NULL DEFAULT '',
    UNIQUE (program_id, code),
    UNIQUE (program_id, id)
);

-- A recipient: a person, or a household named by its head.
CREATE TABLE beneficiaries (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('PERSON', 'HOUSEHOLD')),
    full_name     TEXT NOT NULL CHECK (full_name <> ''),
    name_key      TEXT NOT NULL,
    citizen_id    TEXT CHECK (length(citizen_id) IN (9, 12) AND citizen_id NOT GLOB '*[^0-9]*'),
    date_of_birth TEXT CHECK (date(date_of_birth) IS date_of_birth),
    gender        TEXT CHECK (gender IN ('MALE', 'FEMALE')),
    members       INTEGER NOT NULL DEFAULT 1 CHECK (members BETWEEN 1 AND 64),
    -- The recipient's persons are numbered person_base .. person_base + members - 1, so that distinct
    -- persons can be counted exactly with bitmaps; bases are handed out in order by id_allocators.
    person_base   INTEGER NOT NULL UNIQUE CHECK (person_base >= 0),
    ward_id       INTEGER NOT NULL REFERENCES admin_units (id),
    address       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    CHECK (kind = 'HOUSEHOLD' OR members = 1)
);
CREATE UNIQUE INDEX beneficiaries_identity ON beneficiaries (kind, citizen_id) WHERE citizen_id IS NOT NULL;
CREATE INDEX beneficiaries_citizen_id ON beneficiaries (citizen_id);
CREATE INDEX beneficiaries_ward ON beneficiaries (ward_id);
CREATE INDEX beneficiaries_name_key ON beneficiaries (name_key, date_of_birth);

CREATE TABLE import_batches (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES programs (id),
    group_id     INTEGER NOT NULL REFERENCES beneficiary_groups (id),
    ward_id      INTEGER NOT NULL REFERENCES admin_units (id),
    file_name    TEXT NOT NULL,
    file_sha256  TEXT NOT NULL CHECK (length(file_sha256) = 64),
    row_count    INTEGER NOT NULL CHECK (row_count >= 0),
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    UNIQUE (group_id, ward_id, file_sha256)
);

-- One payment line. Its status moves LISTED -> POSTED -> APPRAISED -> APPROVED -> PAID, or ends
-- RETURNED or CANCELLED.
CREATE TABLE disbursements (
    id              INTEGER PRIMARY KEY,
    program_id      INTEGER NOT NULL REFERENCES programs (id),
    beneficiary_id  INTEGER NOT NULL REFERENCES beneficiaries (id),
    group_id        INTEGER NOT NULL,
    fund_id         INTEGER NOT NULL,
    ward_id         INTEGER NOT NULL REFERENCES admin_units (id),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    people_covered  INTEGER NOT NULL CHECK (people_covered BETWEEN 1 AND 64),
    months_covered  INTEGER NOT NULL CHECK (months_covered BETWEEN 0 AND 24),
    instalment      INTEGER NOT NULL DEFAULT 1 CHECK (instalment >= 1),
    status          TEXT NOT NULL CHECK (status IN ('LISTED', 'POSTED', 'APPRAISED', 'APPROVED', 'PAID', 'RETURNED', 'CANCELLED')),
    listed_on TEXT NOT NULL CHECK (date(listed_on) IS listed_on),
    posted_on TEXT CHECK (date(posted_on) IS posted_on),
    appraised_on TEXT CHECK (date(appraised_on) IS appraised_on),
    approved_on TEXT CHECK (date(approved_on) IS approved_on),
    decision_number TEXT,
    decision_issuer TEXT,
    paid_on TEXT CHECK (date(paid_on) IS paid_on),
    channel         TEXT CHECK (channel IN ('CASH_AT_WARD', 'POST_OFFICE', 'BANK')),
    receipt_number  TEXT,
    status_reason   TEXT,
    batch_id        INTEGER REFERENCES import_batches (id),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    FOREIGN KEY (program_id, group_id) REFERENCES beneficiary_groups (program_id, id),
    FOREIGN KEY (program_id, fund_id) REFERENCES funds (program_id, id),
    CHECK (status <> 'PAID' OR (paid_on IS NOT NULL AND channel IS NOT NULL)),
    CHECK (status NOT IN ('APPROVED', 'PAID') OR decision_number IS NOT NULL),
    UNIQUE (beneficiary_id, group_id, instalment)
);
CREATE INDEX disbursements_ward ON disbursements (ward_id, status);
CREATE INDEX disbursements_group ON disbursements (group_id, status);
CREATE INDEX disbursements_paid_on ON disbursements (paid_on) WHERE status = 'PAID';
CREATE INDEX disbursements_batch ON disbursements (batch_id);
CREATE INDEX disbursements_program_beneficiary ON disbursements (program_id, beneficiary_id);

-- Who changed what, when, before and after. Rows are only ever inserted.
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    ward_id     INTEGER REFERENCES admin_units (id),
    before      TEXT,
    after       TEXT,
    request_id  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_entity ON audit_events (entity, entity_id);
CREATE INDEX audit_events_ward ON audit_events (ward_id, at);

-- Counters that hand out ranges of numbers (person IDs) in order.
CREATE TABLE id_allocators (
    name       TEXT PRIMARY KEY,
    next_value INTEGER NOT NULL CHECK (next_value >= 0)
);
INSERT INTO id_allocators (name, next_value) VALUES ('person', 0);

-- Facts about the data set itself: whether it is demo data, and a version that changes on every write.
CREATE TABLE dataset_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO dataset_info (key, value) VALUES ('data_version', '1');
