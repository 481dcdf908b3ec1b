-- Events the server refused (each answered on its own, its sequence number used up): taken out of
-- the case's history and kept here with the reason, never dropped, until the user dismisses them
-- (after correcting the case, or deciding the step is not needed). Who dismissed and when is kept.
CREATE TABLE set_aside (
    event_id     TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL,
    device_seq   INTEGER NOT NULL,
    code         TEXT NOT NULL,
    message      TEXT NOT NULL,
    body         TEXT NOT NULL,
    dismissed_at TEXT,
    dismissed_by TEXT
);
