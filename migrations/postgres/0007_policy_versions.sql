-- The centre's policy (kinds, clocks, counting, alert thresholds), one row per version, never
-- changed after it is written: a case runs the clocks of the version in force when it was
-- received. Version 0 is the built-in policy; it is written with the first change, so until a
-- centre changes anything it counts with the figures of its build.
CREATE TABLE policy_versions (
    version        INTEGER PRIMARY KEY CHECK (version >= 0),
    in_force_from  TIMESTAMPTZ NOT NULL,
    changed_by     TEXT NOT NULL,
    reason         TEXT NOT NULL,
    document       JSONB NOT NULL
);
