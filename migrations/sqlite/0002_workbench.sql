-- The desktop workbench: traffic lights and filters on the queue, desktop alerts sent once,
-- drafts that survive a crash, the knowledge base, and routing rules.

-- A case's folded state moves out of the row the queue reads: a few kilobytes of JSON in the
-- middle of every row made each queue count read 50,000 overflow chains (≈300 ms); without it a
-- count is a walk over small rows.
CREATE TABLE case_states (
    rid         INTEGER PRIMARY KEY,
    state       TEXT NOT NULL
);
INSERT INTO case_states (rid, state) SELECT rid, state FROM cases;
ALTER TABLE cases DROP COLUMN state;

-- Who recorded the case (the "mine" filter), where it is (likely duplicates), and from when its
-- most urgent running clock is at risk (yellow): the queue colours a row by comparing instants.
ALTER TABLE cases ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN at_risk INTEGER;
-- The name of the clock `next_clock` is (响应, 答复…), for the queue's column.
ALTER TABLE cases ADD COLUMN next_label TEXT;
CREATE INDEX cases_by_owner ON cases (owner, status, next_due);
CREATE INDEX cases_by_address ON cases (address, category, received_at);
-- Where such cases went before (routing suggestions), without reading every case.
CREATE INDEX cases_by_category_district ON cases (category, district);
-- The queue: open cases only, in the queue's order, with every column its filters and lights
-- read. A count walks this index alone and a page deep in the list skips through it without
-- touching the table (50,000 open cases: ~10 ms, against ~100 ms reading the rows).
CREATE INDEX cases_queue ON cases (next_due IS NULL, next_due, received_at, status, at_risk, kind, district, owner, id)
    WHERE status IN ('received', 'dispatched', 'handling', 'replied', 'evaluated');

-- Bumped when what a snapshot holds changes: the store then rebuilds every snapshot from its
-- folded state on open (0 = written before this migration).
CREATE TABLE snapshot_format (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    version     INTEGER NOT NULL
);
INSERT INTO snapshot_format (id, version) VALUES (1, 0);

-- Every alert point of every running clock. Rows not yet sent are rewritten when their case
-- changes; a sent row is never rewritten, so an alert is sent once per clock run and threshold,
-- across restarts. The scheduler sleeps until min(at) of the unsent.
CREATE TABLE alerts (
    case_id     TEXT NOT NULL,
    clock       TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    bureau      TEXT NOT NULL DEFAULT '',
    run         INTEGER NOT NULL,
    threshold   TEXT NOT NULL,
    at          INTEGER NOT NULL,
    due         INTEGER NOT NULL,
    sent_at     TEXT,
    PRIMARY KEY (case_id, clock, bureau, run, threshold)
) WITHOUT ROWID;
CREATE INDEX alerts_unsent ON alerts (at) WHERE sent_at IS NULL;

-- What a seat is typing, saved as it types: a crash or a closed window loses nothing.
CREATE TABLE drafts (
    form        TEXT PRIMARY KEY,
    content     TEXT NOT NULL,
    saved_at    TEXT NOT NULL
);

-- The knowledge base (知识库): published articles seats answer from.
CREATE TABLE kb_articles (
    rid         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    category    TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL
);
-- Bigram tokens of title and body (hotline_domain::text); rowid = kb_articles.rid.
CREATE VIRTUAL TABLE kb_search USING fts5 (tokens, content = '', contentless_delete = 1);

-- Where a category in a district goes (派单规则); district '' matches every district.
CREATE TABLE routing_rules (
    category    TEXT NOT NULL,
    district    TEXT NOT NULL DEFAULT '',
    bureau      TEXT NOT NULL,
    PRIMARY KEY (category, district)
) WITHOUT ROWID;

-- The bureaus a case can be dispatched to.
CREATE TABLE bureaus (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL
) WITHOUT ROWID;
