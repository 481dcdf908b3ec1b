-- The bureaus' assessment (考核, issue 12). Every step the assessment counts for a bureau —
-- returns and how a supervisor decided them, declines, extensions, urgings, escalations — as the
-- fold keeps them (`CaseState::bureau_steps`, defined in the domain's case::assessment), so a
-- quarter's ranking is a grouped scan, not a read of every history. Facts version 6 derives
-- them for the cases saved before.
CREATE TABLE bureau_steps (
    case_id UUID NOT NULL REFERENCES cases (id),
    seq     INTEGER NOT NULL,
    at      TIMESTAMPTZ NOT NULL,
    bureau  TEXT NOT NULL,
    step    TEXT NOT NULL,
    kind    TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);
CREATE INDEX bureau_steps_by_at ON bureau_steps (at) INCLUDE (bureau, step);

-- Repeat complaints (the same caller, the same category, within 30 days): the period's
-- complaints each look up the caller's latest earlier one through this index.
CREATE INDEX cases_repeat_complaints ON cases (phone, category, received_at) INCLUDE (bureau)
    WHERE kind = 'complaint' AND phone <> '';

DROP INDEX IF EXISTS cases_without_facts;
CREATE INDEX cases_without_facts ON cases (id) WHERE facts_version < 6;
