-- 热点预警 (issue 12). Each case's street (`hotline_domain::hotspot::street_of` of its address,
-- derived with the other facts: facts version 7) and a covering index, so a day's tallies by
-- category and district or street, and the baseline days' before them, are index-only scans.
ALTER TABLE cases ADD COLUMN street TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_hotspot ON cases (received_at) INCLUDE (category, district, street);

-- One warning per cluster per day: the server's pass records the `hotspot_raised` step only for
-- a row it inserts here (two server processes never warn twice).
CREATE TABLE hotspots (
    day       DATE NOT NULL,
    category  TEXT NOT NULL,
    district  TEXT NOT NULL,
    street    TEXT NOT NULL DEFAULT '',
    lead      UUID NOT NULL REFERENCES cases (id),
    count     INTEGER NOT NULL,
    baseline  INTEGER NOT NULL,
    raised_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (day, category, district, street)
);

DROP INDEX IF EXISTS cases_without_facts;
CREATE INDEX cases_without_facts ON cases (id) WHERE facts_version < 7;
