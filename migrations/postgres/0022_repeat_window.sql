-- Repeat complaints (report/assessment.rs `repeats`, issue 16): a month over 5,000,000 cases
-- spent ~0.55 s per period probing `cases_repeat_complaints` once per complaint, its outer scan
-- walking that whole index for a received_at range it does not lead with. The period's
-- complaints and the 30 days before them are now read in received order from this index and
-- each caller's earlier complaint found by a window over them.
DROP INDEX IF EXISTS cases_repeat_complaints;
CREATE INDEX cases_complaints_by_received ON cases (received_at) INCLUDE (phone, category, bureau)
    WHERE kind = 'complaint' AND phone <> '';
