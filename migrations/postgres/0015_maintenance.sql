-- Planned maintenance notices (业务系统维护, seed 001 §3.2.3; issue 11): announced by a supervisor
-- or administrator with the service's window; one announced later than the policy's notice period
-- keeps the override's reason. Seats show each from its announcement to the end of its window.
CREATE TABLE maintenance_notices (
    id                  BIGSERIAL PRIMARY KEY,
    service             TEXT NOT NULL,
    category            TEXT,
    starts              TIMESTAMPTZ NOT NULL,
    ends                TIMESTAMPTZ NOT NULL CHECK (ends > starts),
    text                TEXT NOT NULL,
    override_reason     TEXT,
    announced_at        TIMESTAMPTZ NOT NULL,
    announced_by        TEXT NOT NULL REFERENCES users (name),
    notice_working_days INT NOT NULL
);
CREATE INDEX maintenance_by_end ON maintenance_notices (ends);
