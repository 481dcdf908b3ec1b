-- Steps that reached the server more than a day after the time they claim (事后补录): the
-- report counts them per period (report::compute::LateEntries). Few rows, so a small index.
CREATE INDEX events_entered_late ON events (at) WHERE stored_at - at > interval '24 hours';
