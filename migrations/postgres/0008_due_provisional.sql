-- The case's nearest due rests on a provisional year (no State Council notice imported yet for
-- it: statutory holidays and weekends only). Listings and reports mark it 暂定. Written with
-- the snapshot; rows of an older facts version are re-derived at start (FACTS_VERSION 2).
ALTER TABLE cases ADD COLUMN due_provisional BOOLEAN NOT NULL DEFAULT false;
