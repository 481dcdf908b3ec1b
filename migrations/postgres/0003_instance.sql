-- This database's epoch: a restore from backup gives it a new one, and a seat that pulls and
-- sees another epoch than its cursor's starts pulling from the beginning (its events are kept
-- by id, so nothing doubles).
CREATE TABLE instance (
    only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
    epoch    UUID NOT NULL
);
INSERT INTO instance (epoch) VALUES (gen_random_uuid());
