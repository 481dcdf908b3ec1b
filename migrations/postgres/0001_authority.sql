-- hotline-server: the authority. Users and bureaus, the append-only event log with exactly-once
-- application per device, case snapshots for scoped listing and search, and the audit trail.

CREATE TABLE bureaus (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent      TEXT REFERENCES bureaus (code) DEFERRABLE INITIALLY DEFERRED,
    district    TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('seat', 'supervisor', 'bureau', 'admin')),
    bureau        TEXT REFERENCES bureaus (code),
    -- Six characters that number this user's cases (YYMMDD-SEAT-NNNN); seats and supervisors.
    seat_code     TEXT UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    disabled_at   TIMESTAMPTZ,
    CHECK ((role = 'bureau') = (bureau IS NOT NULL))
);

-- Session tokens, stored as SHA-256 of the token so a database leak yields no usable token.
CREATE TABLE tokens (
    hash        BYTEA PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    device_id   TEXT NOT NULL,
    issued_at   TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX tokens_by_user ON tokens (user_id);

-- The last sequence number applied from each device: the exactly-once guard. A push takes this
-- row FOR UPDATE, so two pushes from one device serialise.
CREATE TABLE devices (
    device_id   TEXT PRIMARY KEY,
    last_seq    BIGINT NOT NULL DEFAULT 0,
    user_id     BIGINT REFERENCES users (id)
);

-- The log. `tx_id` is the writing transaction's id: pulls read in (tx_id, pos) order and only
-- below the oldest transaction still running (pg_snapshot_xmin), so a cursor never passes an
-- event that commits later with a lower number.
CREATE TABLE events (
    pos         BIGSERIAL NOT NULL,
    tx_id       xid8 NOT NULL DEFAULT pg_current_xact_id(),
    id          UUID PRIMARY KEY,
    case_id     UUID NOT NULL,
    device_id   TEXT NOT NULL,
    device_seq  BIGINT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    at          TIMESTAMPTZ NOT NULL,
    body        JSONB NOT NULL,
    stored_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (device_id, device_seq)
);
CREATE INDEX events_in_pull_order ON events (tx_id, pos);
CREATE INDEX events_by_case ON events (case_id, tx_id, pos);

CREATE TABLE cases (
    id            UUID PRIMARY KEY,
    number        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    status        TEXT NOT NULL,
    phone         TEXT NOT NULL,
    district      TEXT NOT NULL,
    category      TEXT NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL,
    next_due      TIMESTAMPTZ,
    conflicts     INTEGER NOT NULL DEFAULT 0,
    state         JSONB NOT NULL,
    -- hotline_domain::text bigram tokens; the GIN index answers two-character terms.
    search_tokens TEXT[] NOT NULL,
    search_text   TEXT NOT NULL
);
CREATE INDEX cases_search ON cases USING GIN (search_tokens);
CREATE INDEX cases_by_phone ON cases (phone text_pattern_ops, received_at);
CREATE INDEX cases_by_number ON cases (number);
CREATE INDEX cases_by_status_due ON cases (status, next_due);
-- Newest first: search lists its hits by this, and a common term finds its first page here fast.
CREATE INDEX cases_by_received ON cases (received_at);

CREATE TABLE case_bureaus (
    case_id     UUID NOT NULL REFERENCES cases (id),
    bureau      TEXT NOT NULL,
    status      TEXT NOT NULL,
    PRIMARY KEY (case_id, bureau)
);
CREATE INDEX case_bureaus_by_bureau ON case_bureaus (bureau, case_id);

CREATE TABLE audit (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    user_id     BIGINT REFERENCES users (id),
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    detail      JSONB NOT NULL DEFAULT '{}'
);

-- Administrators' calendar imports, replayed over the shipped schedules like on the seats.
CREATE TABLE calendar_imports (
    id          BIGSERIAL PRIMARY KEY,
    imported_at TIMESTAMPTZ NOT NULL,
    file_name   TEXT NOT NULL,
    years       JSONB NOT NULL
);
