-- The server database's epoch the cursor belongs to (a restore from backup starts a new one).
ALTER TABLE sync_state ADD COLUMN epoch TEXT;

-- Report facts on the seat (hotline_domain::case::facts), as the server keeps them: what the
-- supervisor's dashboard counts. Instants are unix seconds.
ALTER TABLE cases ADD COLUMN channel TEXT NOT NULL DEFAULT '';
-- The bureau that holds or last held the case.
ALTER TABLE cases ADD COLUMN bureau TEXT;
-- The current reply (a reopening clears it): callbacks are due from the day after.
ALTER TABLE cases ADD COLUMN replied_at INTEGER;
-- What waits on a supervisor (extension requests, returns, conflicts) and the nearest due of
-- a clock it concerns: the decision list's order.
ALTER TABLE cases ADD COLUMN decisions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN decision_due INTEGER;
CREATE INDEX cases_callbacks ON cases (replied_at) WHERE status = 'replied';
CREATE INDEX cases_decisions ON cases (decision_due) WHERE decisions > 0;
CREATE INDEX cases_by_received ON cases (received_at);

CREATE TABLE clock_runs (
    case_rid    INTEGER NOT NULL,
    clock       TEXT NOT NULL,
    bureau      TEXT NOT NULL,
    run         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    due_at      INTEGER,
    stopped_at  INTEGER,
    cancelled   INTEGER NOT NULL,
    met         INTEGER GENERATED ALWAYS AS (NOT cancelled AND stopped_at IS NOT NULL AND due_at IS NOT NULL AND stopped_at <= due_at) VIRTUAL,
    decided_at  INTEGER GENERATED ALWAYS AS (
        CASE WHEN cancelled OR due_at IS NULL THEN NULL
             WHEN stopped_at IS NOT NULL AND stopped_at <= due_at THEN stopped_at
             ELSE due_at END) VIRTUAL,
    PRIMARY KEY (case_rid, clock, bureau, run)
);
CREATE INDEX clock_runs_by_decided ON clock_runs (decided_at, bureau, kind, met);

CREATE TABLE callbacks (
    case_rid     INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    satisfaction TEXT NOT NULL,
    bureau       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    PRIMARY KEY (case_rid, seq)
);
CREATE INDEX callbacks_by_at ON callbacks (at);

-- The knowledge base as the server publishes it: each article's approved version, its level
-- (1 answer as it is, 2 after checking, 3 internal reference) and tags; and how far this seat's
-- copy goes (the newest change it has applied).
ALTER TABLE kb_articles ADD COLUMN level INTEGER NOT NULL DEFAULT 1;
ALTER TABLE kb_articles ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_state ADD COLUMN kb_since TEXT;
