-- Report plans over 2,000,000 cases (measured in docs/BENCHMARKS.md, 2026-12-03):
-- The late-entries scan (migration 0013) filters on `stored_at - at`, which PostgreSQL had no
-- statistics for: it guessed a third of all events and read the whole events table (1.6 s for a
-- quarter) instead of the partial index that holds the few late ones. Statistics on the
-- expression let it see how few there are (1.6 ms).
CREATE STATISTICS IF NOT EXISTS events_lateness ON (stored_at - at) FROM events;
-- The assessment counts decided runs per bureau and clock: the clock joins the covering index, so
-- that scan is index-only too.
DROP INDEX IF EXISTS clock_runs_by_decided;
CREATE INDEX clock_runs_by_decided ON clock_runs (decided_at) INCLUDE (bureau, kind, met, provisional, clock)
    WHERE decided_at IS NOT NULL;
ANALYZE events;
