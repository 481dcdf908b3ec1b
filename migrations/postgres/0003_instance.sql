-- This database's epoch: a restore from backup gives it a new one, and a seat that pulls and
-- sees another epoch than its cursor's starts pulling from the beginning (its events are kept
-- by id, so nothing doubles).
CREATE TABLE instance (
    only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
    epoch    UUID NOT NULL
);
INSERT INTO instance (epoch) VALUES (gen_random_uuid());

-- The server's own user: urging notices and escalations (crates/server/src/supervise.rs) are
-- recorded as it. It cannot log in: its password hash is no hash at all.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('seat', 'supervisor', 'bureau', 'admin', 'system'));
INSERT INTO users (name, role, password_hash) VALUES ('system', 'system', '!');
