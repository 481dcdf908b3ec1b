-- Every login attempt and what came of it: the login audit, and what throttling counts. A user
-- name's failures since its last success or unlock (within the window) lock it; an address's
-- failures throttle it. An administrator's unlock is a row too (`hotline-server user unlock`).
CREATE TABLE login_attempts (
    id        BIGSERIAL PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    user_name TEXT NOT NULL,
    address   TEXT NOT NULL DEFAULT '',
    device_id TEXT NOT NULL DEFAULT '',
    outcome   TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'locked', 'throttled', 'device_taken', 'unlocked'))
);
CREATE INDEX login_attempts_by_user ON login_attempts (user_name, at);
CREATE INDEX login_attempts_failed_by_address ON login_attempts (address, at) WHERE outcome = 'failed';

-- Devices belong to the user that first logged in on them (`devices.user_id`, set at login or
-- first push): only that user's sessions push as the device, until an administrator releases it
-- (`hotline-server device release`). No change of schema: the column exists since 0001.
