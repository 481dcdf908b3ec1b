-- The knowledge base (seed 003 §8.4.2 e): articles with category, level and tags; every version
-- kept; draft → pending → published, reviewed by a supervisor; citations are counted from the
-- log (an on-the-spot answer names the article it used).

CREATE TABLE kb_articles (
    id                 TEXT PRIMARY KEY,
    status             TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'published', 'retired')),
    latest_version     INTEGER NOT NULL,
    -- What seats answer from; NULL until a version is approved.
    published_version  INTEGER,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX kb_articles_by_update ON kb_articles (updated_at);
-- Numbers new articles KB-000001…: concurrent authors never take the same one.
CREATE SEQUENCE kb_article_numbers;

CREATE TABLE kb_versions (
    article_id  TEXT NOT NULL REFERENCES kb_articles (id),
    version     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    category    TEXT NOT NULL DEFAULT '',
    level       SMALLINT NOT NULL CHECK (level BETWEEN 1 AND 3),
    tags        TEXT[] NOT NULL DEFAULT '{}',
    author      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, version)
);

-- Every review decision and withdrawal, with its reason.
CREATE TABLE kb_reviews (
    id          BIGSERIAL PRIMARY KEY,
    article_id  TEXT NOT NULL REFERENCES kb_articles (id),
    version     INTEGER NOT NULL,
    action      TEXT NOT NULL,
    reviewer    TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    at          TIMESTAMPTZ NOT NULL
);

-- Citations: on-the-spot answers that name their article.
CREATE INDEX events_by_cited_article ON events ((body->>'article')) WHERE body->>'type' = 'answered_on_spot';
