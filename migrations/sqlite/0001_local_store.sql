-- The seat's local store: the append-only event log, the outbox of events not yet on the server,
-- a snapshot of each case's folded state for the queue, and the search index.

-- This device's identity, and who is working on it.
CREATE TABLE device (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    device_id   TEXT NOT NULL,
    seat_code   TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    role        TEXT NOT NULL,
    bureau      TEXT
);

-- Every event this device knows, never updated except to record the server's position.
CREATE TABLE events (
    local_seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    case_id     TEXT NOT NULL,
    at          TEXT NOT NULL,
    body        TEXT NOT NULL,
    -- The server's order for this event, once known: zero-padded so text order is numeric order.
    server_pos  TEXT
);
CREATE INDEX events_by_case ON events (case_id, local_seq);

-- Events recorded here and not yet acknowledged by the server, in the order they were made.
CREATE TABLE outbox (
    device_seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT NOT NULL UNIQUE REFERENCES events (id)
);

-- The folded state of each case, rebuilt whenever one of its events arrives.
CREATE TABLE cases (
    rid         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    number      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    phone       TEXT NOT NULL,
    district    TEXT NOT NULL,
    category    TEXT NOT NULL,
    received_at TEXT NOT NULL,
    -- Unix seconds of the nearest due among running clocks; NULL when none runs or it cannot
    -- be computed (no calendar data), which sorts first.
    next_due    INTEGER,
    next_clock  TEXT,
    conflicts   INTEGER NOT NULL DEFAULT 0,
    state       TEXT NOT NULL
);
CREATE INDEX cases_by_status_due ON cases (status, next_due);
CREATE INDEX cases_by_phone ON cases (phone, received_at);
CREATE INDEX cases_by_number ON cases (number);

CREATE TABLE case_bureaus (
    case_id     TEXT NOT NULL,
    bureau      TEXT NOT NULL,
    status      TEXT NOT NULL,
    PRIMARY KEY (case_id, bureau)
) WITHOUT ROWID;
CREATE INDEX case_bureaus_by_bureau ON case_bureaus (bureau, status);

-- Bigram tokens of each case's text (hotline_domain::text); rowid = cases.rid.
CREATE VIRTUAL TABLE case_search USING fts5 (tokens, content = '', contentless_delete = 1);

-- Each seat numbers its own cases per day: YYMMDD-SEAT-NNNN.
CREATE TABLE seat_sequence (
    day         TEXT PRIMARY KEY,
    last        INTEGER NOT NULL
);

-- Where this seat syncs: the server, the account, and how far it has pulled.
CREATE TABLE sync_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    server      TEXT,
    user_name   TEXT,
    cursor      TEXT NOT NULL DEFAULT '',
    last_sync   TEXT,
    last_error  TEXT
);
INSERT INTO sync_state (id) VALUES (1);
