-- hotro's domain: administrative units, programs and their groups, funds, recipients, payment lines,
-- import batches and the audit trail. Money is whole dong in bigint; dates are calendar dates.

CREATE TABLE admin_units (
    id          bigserial PRIMARY KEY,
    level       text NOT NULL CHECK (level IN ('PROVINCE', 'DISTRICT', 'COMMUNE')),
    code        text NOT NULL CHECK (code ~ '^[0-9]{2,5}$'),
    kind        text NOT NULL,
    name        text NOT NULL CHECK (name <> ''),
    name_en     text NOT NULL,
    parent_id   bigint REFERENCES admin_units (id),
    valid_from  date NOT NULL,
    valid_to    date,
    UNIQUE (level, code, valid_from),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK ((level = 'PROVINCE') = (parent_id IS NULL))
);
CREATE INDEX admin_units_parent ON admin_units (parent_id);
CREATE INDEX admin_units_code ON admin_units (code);

-- A unit that was merged or split names the units it became.
CREATE TABLE admin_unit_successors (
    unit_id      bigint NOT NULL REFERENCES admin_units (id) ON DELETE CASCADE,
    successor_id bigint NOT NULL REFERENCES admin_units (id) ON DELETE CASCADE,
    PRIMARY KEY (unit_id, successor_id),
    CHECK (unit_id <> successor_id)
);

CREATE TABLE programs (
    id            bigserial PRIMARY KEY,
    code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9_-]+$'),
    name          text NOT NULL,
    name_en       text NOT NULL,
    legal_basis   text NOT NULL DEFAULT '',
    applies_from  date NOT NULL,
    applies_to    date,
    overlap_rule  text NOT NULL DEFAULT 'HIGHEST_ONLY' CHECK (overlap_rule IN ('HIGHEST_ONLY', 'ALLOW_ALL')),
    overlap_note  text NOT NULL DEFAULT ''
);

CREATE TABLE beneficiary_groups (
    id              bigserial PRIMARY KEY,
    program_id      bigint NOT NULL REFERENCES programs (id),
    code            text NOT NULL CHECK (code ~ '^[A-Z0-9_]+$'),
    name            text NOT NULL,
    name_en         text NOT NULL,
    support_unit    text NOT NULL CHECK (support_unit IN ('PERSON', 'HOUSEHOLD', 'HOUSEHOLD_MEMBER')),
    payment         text NOT NULL CHECK (payment IN ('LUMP_SUM', 'MONTHLY', 'ONE_TIME')),
    monthly_amount  bigint CHECK (monthly_amount > 0),
    max_months      integer CHECK (max_months BETWEEN 1 AND 24),
    one_time_amount bigint CHECK (one_time_amount > 0),
    period_from     date,
    period_to       date,
    confidence      text NOT NULL DEFAULT '',
    note            text NOT NULL DEFAULT '',
    UNIQUE (program_id, code),
    UNIQUE (program_id, id),
    CHECK (payment = 'ONE_TIME' OR (monthly_amount IS NOT NULL AND max_months IS NOT NULL))
);

CREATE TABLE funds (
    id               bigserial PRIMARY KEY,
    program_id       bigint NOT NULL REFERENCES programs (id),
    code             text NOT NULL CHECK (code ~ '^[A-Z0-9_]+$'),
    name             text NOT NULL,
    name_en          text NOT NULL,
    source           text NOT NULL CHECK (source IN ('CENTRAL', 'PROVINCIAL', 'CITY', 'SOCIAL_POLICY_BANK')),
    allocated        bigint NOT NULL CHECK (allocated >= 0),
    allocation_basis text NOT NULL DEFAULT '',
    UNIQUE (program_id, code),
    UNIQUE (program_id, id)
);

-- A recipient: a person, or a household named by its head.
CREATE TABLE beneficiaries (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('PERSON', 'HOUSEHOLD')),
    full_name     text NOT NULL CHECK (full_name <> ''),
    name_key      text NOT NULL,
    citizen_id    text CHECK (citizen_id ~ '^([0-9]{12}|[0-9]{9})$'),
    date_of_birth date,
    gender        text CHECK (gender IN ('MALE', 'FEMALE')),
    members       integer NOT NULL DEFAULT 1 CHECK (members BETWEEN 1 AND 64),
    -- The recipient's persons are numbered person_base .. person_base + members - 1, so that distinct
    -- persons can be counted exactly with bitmaps; bases are handed out in order by id_allocators.
    person_base   bigint NOT NULL UNIQUE CHECK (person_base >= 0),
    ward_id       bigint NOT NULL REFERENCES admin_units (id),
    address       text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'HOUSEHOLD' OR members = 1)
);
CREATE UNIQUE INDEX beneficiaries_identity ON beneficiaries (kind, citizen_id) WHERE citizen_id IS NOT NULL;
CREATE INDEX beneficiaries_citizen_id ON beneficiaries (citizen_id);
CREATE INDEX beneficiaries_ward ON beneficiaries (ward_id);
CREATE INDEX beneficiaries_name_key ON beneficiaries (name_key, date_of_birth);

CREATE TABLE import_batches (
    id           bigserial PRIMARY KEY,
    program_id   bigint NOT NULL REFERENCES programs (id),
    group_id     bigint NOT NULL REFERENCES beneficiary_groups (id),
    ward_id      bigint NOT NULL REFERENCES admin_units (id),
    file_name    text NOT NULL,
    file_sha256  text NOT NULL CHECK (length(file_sha256) = 64),
    row_count    integer NOT NULL CHECK (row_count >= 0),
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (group_id, ward_id, file_sha256)
);

-- One payment line. Its status moves LISTED -> POSTED -> APPRAISED -> APPROVED -> PAID, or ends
-- RETURNED or CANCELLED.
CREATE TABLE disbursements (
    id              bigserial PRIMARY KEY,
    program_id      bigint NOT NULL REFERENCES programs (id),
    beneficiary_id  bigint NOT NULL REFERENCES beneficiaries (id),
    group_id        bigint NOT NULL,
    fund_id         bigint NOT NULL,
    ward_id         bigint NOT NULL REFERENCES admin_units (id),
    amount          bigint NOT NULL CHECK (amount > 0),
    people_covered  integer NOT NULL CHECK (people_covered BETWEEN 1 AND 64),
    months_covered  integer NOT NULL CHECK (months_covered BETWEEN 0 AND 24),
    instalment      integer NOT NULL DEFAULT 1 CHECK (instalment >= 1),
    status          text NOT NULL CHECK (status IN ('LISTED', 'POSTED', 'APPRAISED', 'APPROVED', 'PAID', 'RETURNED', 'CANCELLED')),
    listed_on       date NOT NULL,
    posted_on       date,
    appraised_on    date,
    approved_on     date,
    decision_number text,
    decision_issuer text,
    paid_on         date,
    channel         text CHECK (channel IN ('CASH_AT_WARD', 'POST_OFFICE', 'BANK')),
    receipt_number  text,
    status_reason   text,
    batch_id        bigint REFERENCES import_batches (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
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
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    action      text NOT NULL,
    entity      text NOT NULL,
    entity_id   text NOT NULL,
    ward_id     bigint REFERENCES admin_units (id),
    before      jsonb,
    after       jsonb,
    request_id  text NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_entity ON audit_events (entity, entity_id);
CREATE INDEX audit_events_ward ON audit_events (ward_id, at);

-- Counters that hand out ranges of numbers (person IDs) in order.
CREATE TABLE id_allocators (
    name       text PRIMARY KEY,
    next_value bigint NOT NULL CHECK (next_value >= 0)
);
INSERT INTO id_allocators (name, next_value) VALUES ('person', 0);

-- Facts about the data set itself: whether it is demo data, and a version that changes on every write.
CREATE TABLE dataset_info (
    key   text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO dataset_info (key, value) VALUES ('data_version', '1');
