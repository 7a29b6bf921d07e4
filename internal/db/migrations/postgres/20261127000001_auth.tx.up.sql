-- Accounts, sessions and API tokens. Secrets are stored only as hashes.

CREATE TABLE users (
    id                  bigserial PRIMARY KEY,
    username            text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
    display_name        text NOT NULL DEFAULT '',
    role                text NOT NULL CHECK (role IN ('admin', 'leader', 'analyst', 'ward_officer')),
    password_hash       text NOT NULL,
    disabled            boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- The wards a ward officer works in.
CREATE TABLE user_wards (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ward_id bigint NOT NULL REFERENCES admin_units (id),
    PRIMARY KEY (user_id, ward_id)
);

CREATE TABLE sessions (
    id           bigserial PRIMARY KEY,
    token_hash   text NOT NULL UNIQUE,
    csrf_token   text NOT NULL,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    remote_addr  text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (name <> ''),
    prefix       text NOT NULL,
    token_hash   text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    UNIQUE (user_id, name)
);

-- Failed sign-ins per account and per address, for backoff.
CREATE TABLE login_throttle (
    key          text PRIMARY KEY,
    failures     integer NOT NULL CHECK (failures >= 0),
    last_failure timestamptz NOT NULL,
    locked_until timestamptz
);
