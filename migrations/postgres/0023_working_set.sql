-- A new desk's first sync takes its working set (hotline_domain::case::working_set), not the
-- centre's history: the cases on a desk, in id order, from a partial index (its list is
-- CaseStatus::on_the_desk, checked by crates/server/tests/working_set.rs) ...
CREATE INDEX cases_on_the_desk ON cases (id)
    WHERE status IN ('received', 'dispatched', 'handling', 'replied', 'evaluated');
-- ... and the cases its user took a step on within the policy's window.
CREATE INDEX events_by_user ON events (user_id, at);
