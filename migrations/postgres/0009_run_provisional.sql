-- A clock run whose due rests on a provisional year (no State Council notice imported for it
-- yet). A report that decides such a run says how many of its figures rest on 暂定 dues; the
-- calendar import re-derives the runs it moves, and rows of an older facts version are
-- re-derived at start (FACTS_VERSION 3).
ALTER TABLE clock_runs ADD COLUMN provisional BOOLEAN NOT NULL DEFAULT false;

-- The backfill asks for cases below the current facts version; the partial index follows it.
DROP INDEX IF EXISTS cases_without_facts;
CREATE INDEX cases_without_facts ON cases (id) WHERE facts_version < 3;

-- Reports count the provisional runs among those decided: the covering index carries the flag,
-- so the month's scan stays index-only.
DROP INDEX IF EXISTS clock_runs_by_decided;
CREATE INDEX clock_runs_by_decided ON clock_runs (decided_at) INCLUDE (bureau, kind, met, provisional) WHERE decided_at IS NOT NULL;
