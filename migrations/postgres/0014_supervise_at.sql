-- The escalation ladder (督办阶梯, issue 11): every case stores the instant its next rung is due
-- (the domain's `case::supervision::next_rung_at`), so the supervision pass reads only the cases
-- with a rung due instead of every late clock on every pass. Facts version 5 derives it for the
-- cases saved before.
ALTER TABLE cases ADD COLUMN supervise_at TIMESTAMPTZ;
CREATE INDEX cases_supervise_at ON cases (supervise_at) WHERE supervise_at IS NOT NULL;
DROP INDEX IF EXISTS cases_without_facts;
CREATE INDEX cases_without_facts ON cases (id) WHERE facts_version < 5;
