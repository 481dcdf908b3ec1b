-- The queue's light is read from instants the domain computed (`LightSchedule`, in
-- crates/domain/src/sla/light.rs): the light before any change (light_first), the instant it
-- turns yellow (at_risk, from 0002) and the instant it turns red (red_from). The SQL picks the
-- latest change passed; it never re-derives the rule. Written by the snapshot (format 4 rebuilds
-- every row on open).
ALTER TABLE cases ADD COLUMN light_first TEXT NOT NULL DEFAULT 'none';
ALTER TABLE cases ADD COLUMN red_from INTEGER;

-- The queue's covering index gains the two columns, so counts per light still walk the index alone.
DROP INDEX cases_queue;
CREATE INDEX cases_queue ON cases (next_due IS NULL, next_due, received_at, status, at_risk, red_from, light_first, kind, district, owner, id)
    WHERE status IN ('received', 'dispatched', 'handling', 'replied', 'evaluated');
