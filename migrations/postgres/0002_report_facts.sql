-- Report facts: what monthly reports and dashboards count, derived from each case's fold and
-- events by the same code that saves the snapshot (crates/server/src/facts.rs), so a report is a
-- handful of grouped scans instead of 2,000,000 JSON documents read.

ALTER TABLE cases
    ADD COLUMN channel          TEXT NOT NULL DEFAULT '',
    -- The bureau that holds or last held the case (NULL: never dispatched).
    ADD COLUMN bureau           TEXT,
    ADD COLUMN first_replied_at TIMESTAMPTZ,
    ADD COLUMN closed_at        TIMESTAMPTZ,
    ADD COLUMN on_spot          BOOLEAN NOT NULL DEFAULT false,
    -- 0: saved before facts existed; the server derives them at start (snapshot::backfill_facts).
    ADD COLUMN facts_version    SMALLINT NOT NULL DEFAULT 0;

-- Covering indexes: a month's report reads only these (index-only scans), never the wide rows.
CREATE INDEX cases_report_received ON cases (received_at) INCLUDE (kind, channel, category, bureau, on_spot);
CREATE INDEX cases_report_replied ON cases (first_replied_at) INCLUDE (kind, received_at) WHERE first_replied_at IS NOT NULL;
CREATE INDEX cases_report_closed ON cases (closed_at) INCLUDE (kind, received_at) WHERE closed_at IS NOT NULL;
-- A later derivation bumps the version in a new migration that re-creates this index with it.
CREATE INDEX cases_without_facts ON cases (id) WHERE facts_version < 1;

-- Every run of every clock of every case. A run is decided once: met when it stopped in time
-- (at its stop), breached when its due passed first (at its due). Cancelled runs and runs
-- paused now (due unknown) are never decided.
CREATE TABLE clock_runs (
    case_id     UUID NOT NULL REFERENCES cases (id),
    clock       TEXT NOT NULL,
    bureau      TEXT NOT NULL DEFAULT '',
    run         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    due_at      TIMESTAMPTZ,
    stopped_at  TIMESTAMPTZ,
    cancelled   BOOLEAN NOT NULL DEFAULT false,
    met         BOOLEAN GENERATED ALWAYS AS (NOT cancelled AND stopped_at IS NOT NULL AND due_at IS NOT NULL AND stopped_at <= due_at) STORED,
    decided_at  TIMESTAMPTZ GENERATED ALWAYS AS (
        CASE WHEN cancelled OR due_at IS NULL THEN NULL
             WHEN stopped_at IS NOT NULL AND stopped_at <= due_at THEN stopped_at
             ELSE due_at END) STORED,
    PRIMARY KEY (case_id, clock, bureau, run)
);
-- Bureaus' clocks still running: what supervision looks at for late bureaus.
CREATE INDEX clock_runs_open_bureau ON clock_runs (due_at) WHERE stopped_at IS NULL AND NOT cancelled AND bureau <> '';
CREATE INDEX clock_runs_by_decided ON clock_runs (decided_at) INCLUDE (bureau, kind, met) WHERE decided_at IS NOT NULL;

-- Every callback (回访) with the satisfaction the caller gave: kept even when a dissatisfied
-- caller reopens the case (the fold then forgets the score; the month's figures must not).
CREATE TABLE callbacks (
    case_id      UUID NOT NULL REFERENCES cases (id),
    seq          INTEGER NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    satisfaction TEXT NOT NULL,
    bureau       TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);
CREATE INDEX callbacks_by_at ON callbacks (at) INCLUDE (satisfaction, bureau, kind);
