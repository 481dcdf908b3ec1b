-- What the server knows of each device's time (crates/server/src/device_time.rs): its last pull
-- (server time, and the last sequence it had pushed by then: what it records later is numbered
-- higher and dated later) and its clock's offset (device minus server), measured at every push and
-- pull, so the earliest time a pushed event may claim is known and a skewed clock is flagged.
ALTER TABLE devices
    ADD COLUMN pulled_at TIMESTAMPTZ,
    ADD COLUMN seq_at_pull BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN offset_at_pull_ms BIGINT,
    ADD COLUMN clock_offset_ms BIGINT,
    ADD COLUMN offset_at TIMESTAMPTZ;

-- `stored_at` is the server's Clock at the push (given by the server, as every business time),
-- beside `at`, the time the device claims: both kept, and reports show where they differ much.
ALTER TABLE events ALTER COLUMN stored_at DROP DEFAULT;
