-- 质检 (issue 12): each month's sample of every seat's cases, its review against the centre's
-- checklist (`hotline_domain::quality`), and the seat's one contest of it. One row per case
-- sampled; a row without `reviewed_at` is still to be scored.
CREATE TABLE quality_reviews (
    case_id        UUID PRIMARY KEY REFERENCES cases (id),
    month          DATE NOT NULL,
    seat           TEXT NOT NULL,
    drawn_at       TIMESTAMPTZ NOT NULL,
    reviewer       TEXT,
    scores         JSONB,
    total          INTEGER,
    full_marks     INTEGER,
    comment        TEXT NOT NULL DEFAULT '',
    reviewed_at    TIMESTAMPTZ,
    contest        TEXT,
    contested_at   TIMESTAMPTZ
);
CREATE INDEX quality_reviews_by_month ON quality_reviews (month, seat);
