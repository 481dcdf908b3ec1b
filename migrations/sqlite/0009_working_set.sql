-- The desk's working set (hotline_domain::case::working_set): what the seat keeps of the centre.
-- NULL while the case is on this desk; else the unix second until which the desk keeps it (0: not
-- kept). Written with every snapshot; the cases past it leave the store (store/working_set.rs).
ALTER TABLE cases ADD COLUMN kept_until INTEGER;
CREATE INDEX cases_leaving ON cases (kept_until) WHERE kept_until IS NOT NULL;

-- Cases of which a pull brought a later step but not the history (the desk had let the case go,
-- or never held it): their whole history is asked of the server before the next pull.
CREATE TABLE incomplete (
    case_id     TEXT PRIMARY KEY
);
