-- Events the server refused, one row per (device, sequence): the sequence number is used up, so a
-- refused event never blocks the ones after it; the seat keeps the event set aside with the reason
-- and the server keeps what was refused, by whom and why (an answer lost on the way is given again
-- when the seat retries the same push).
CREATE TABLE refused_events (
    device_id   TEXT NOT NULL,
    device_seq  BIGINT NOT NULL,
    event_id    UUID,
    case_id     UUID,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    refused_at  TIMESTAMPTZ NOT NULL,
    code        TEXT NOT NULL,
    message     TEXT NOT NULL,
    body        JSONB NOT NULL,
    PRIMARY KEY (device_id, device_seq)
);
CREATE INDEX refused_events_by_time ON refused_events (refused_at);
