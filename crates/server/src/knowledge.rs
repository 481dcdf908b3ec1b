//! The knowledge base on the server: articles and every version of them, the review trail, and
//! citations counted from the log. The rules (who may do what, which status follows) are the
//! domain's (`hotline_domain::knowledge`); this module stores their outcome in one transaction.

use chrono::{DateTime, Utc};
use hotline_domain::case::Role;
use hotline_domain::knowledge::{check_article, kb_transition, ArticleStatus, KbAction, KbRefusal};
use serde::{Deserialize, Serialize};
use sqlx::{PgPool, Row};

#[derive(Debug, thiserror::Error)]
pub enum KbError {
    #[error(transparent)]
    Refused(#[from] KbRefusal),
    #[error("no article {0} / 知识条目不存在")]
    NotFound(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("import: {0} / 导入文件格式错误")]
    Import(String),
}

pub use hotline_domain::knowledge::{
    Article, ArticleText, PublishedArticle as Published, Review, Version,
};

fn role_name(role: Role) -> &'static str {
    crate::auth::role_name(role)
}

/// A new article (id None: numbered KB-NNNNNN) or a new version of one, as a draft; answered
/// with its versions and reviews, so the desk shows the result without asking again.
pub async fn write(
    pool: &PgPool,
    role: Role,
    author: &str,
    id: Option<&str>,
    text: &ArticleText,
    now: DateTime<Utc>,
) -> Result<Article, KbError> {
    check_article(&text.title, &text.body, text.level)?;
    let mut tx = pool.begin().await?;
    let (id, version) = match id {
        Some(id) => {
            let status = status_for_update(&mut tx, id).await?;
            kb_transition(role, role_name(role), Some(status), KbAction::Write, "")?;
            let v: i32 = sqlx::query_scalar("UPDATE kb_articles SET latest_version = latest_version + 1, status = 'draft', updated_at = $2 WHERE id = $1 RETURNING latest_version")
                .bind(id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            (id.to_owned(), v)
        }
        None => {
            kb_transition(role, role_name(role), None, KbAction::Write, "")?;
            let n: i64 = sqlx::query_scalar("SELECT nextval('kb_article_numbers')")
                .fetch_one(&mut *tx)
                .await?;
            let id = format!("KB-{n:06}");
            sqlx::query("INSERT INTO kb_articles (id, status, latest_version, created_at, updated_at) VALUES ($1, 'draft', 1, $2, $2)")
                .bind(&id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            (id, 1)
        }
    };
    insert_version(&mut tx, &id, version, text, author, now).await?;
    tx.commit().await?;
    get(pool, &id, true).await
}

async fn insert_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    id: &str,
    version: i32,
    text: &ArticleText,
    author: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO kb_versions (article_id, version, title, body, category, level, tags, author, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(id)
        .bind(version)
        .bind(text.title.trim())
        .bind(text.body.trim())
        .bind(&text.category)
        .bind(i16::from(text.level))
        .bind(&text.tags)
        .bind(author)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn status_for_update(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    id: &str,
) -> Result<ArticleStatus, KbError> {
    let s: Option<String> =
        sqlx::query_scalar("SELECT status FROM kb_articles WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    s.and_then(|s| ArticleStatus::parse(&s))
        .ok_or_else(|| KbError::NotFound(id.to_owned()))
}

/// Submit, approve, reject or retire: the domain says whether and to what; the decision is kept.
/// Answered with the article's versions and reviews: the desk draws the next step from this
/// answer alone, so its buttons are live the moment they appear.
pub async fn decide(
    pool: &PgPool,
    role: Role,
    who: &str,
    id: &str,
    action: KbAction,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Article, KbError> {
    let mut tx = pool.begin().await?;
    let status = status_for_update(&mut tx, id).await?;
    let next = kb_transition(role, role_name(role), Some(status), action, reason)?;
    let latest: i32 = sqlx::query_scalar("SELECT latest_version FROM kb_articles WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    // Approving offers the new version (a retired article returns only so); retiring withdraws
    // the article until then.
    let publish = match action {
        KbAction::Approve => ", published_version = latest_version, retired_at = NULL",
        KbAction::Retire => ", retired_at = $3",
        _ => "",
    };
    sqlx::query(&format!(
        "UPDATE kb_articles SET status = $2, updated_at = $3{publish} WHERE id = $1"
    ))
    .bind(id)
    .bind(next.code())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let action_name = serde_json::to_value(action)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    sqlx::query("INSERT INTO kb_reviews (article_id, version, action, reviewer, reason, at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(latest)
        .bind(action_name)
        .bind(who)
        .bind(reason.trim())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    get(pool, id, true).await
}

const ARTICLE: &str = "SELECT a.id, a.status, a.latest_version, a.published_version, a.updated_at,
        v.title, v.body, v.category, v.level, v.tags, v.author, v.created_at,
        (SELECT count(*) FROM events e WHERE e.body->>'type' = 'answered_on_spot' AND e.body->>'article' = a.id) AS citations
    FROM kb_articles a JOIN kb_versions v ON v.article_id = a.id AND v.version = a.latest_version";

fn version_of(r: &sqlx::postgres::PgRow, version: i32) -> Version {
    Version {
        version,
        text: ArticleText {
            title: r.get("title"),
            body: r.get("body"),
            category: r.get("category"),
            level: r.get::<i16, _>("level") as u8,
            tags: r.get("tags"),
        },
        author: r.get("author"),
        created_at: r.get("created_at"),
    }
}

fn article_of(r: &sqlx::postgres::PgRow) -> Article {
    let latest: i32 = r.get("latest_version");
    Article {
        id: r.get("id"),
        status: ArticleStatus::parse(r.get("status")).unwrap_or(ArticleStatus::Draft),
        latest_version: latest,
        published_version: r.get("published_version"),
        citations: r.get("citations"),
        updated_at: r.get("updated_at"),
        latest: version_of(r, latest),
        versions: vec![],
        reviews: vec![],
    }
}

/// One article; `history`: with every version and review.
pub async fn get(pool: &PgPool, id: &str, history: bool) -> Result<Article, KbError> {
    let r = sqlx::query(&format!("{ARTICLE} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| KbError::NotFound(id.to_owned()))?;
    let mut a = article_of(&r);
    if history {
        a.versions =
            sqlx::query("SELECT * FROM kb_versions WHERE article_id = $1 ORDER BY version")
                .bind(id)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| version_of(r, r.get("version")))
                .collect();
        a.reviews = sqlx::query("SELECT version, action, reviewer, reason, at FROM kb_reviews WHERE article_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Review { version: r.get("version"), action: r.get("action"), reviewer: r.get("reviewer"), reason: r.get("reason"), at: r.get("at") })
            .collect();
    }
    Ok(a)
}

/// Articles, optionally of one status, the most cited first.
pub async fn list(pool: &PgPool, status: Option<ArticleStatus>) -> Result<Vec<Article>, KbError> {
    let rows = sqlx::query(&format!("SELECT * FROM ({ARTICLE}) x WHERE $1::text IS NULL OR status = $1 ORDER BY citations DESC, id"))
        .bind(status.map(ArticleStatus::code))
        .fetch_all(pool)
        .await?;
    Ok(rows.iter().map(article_of).collect())
}

/// What changed for seats since `since` (inclusive: two changes in one instant are never split
/// across syncs; applying one twice changes nothing): published texts, and withdrawals.
pub async fn published_since(
    pool: &PgPool,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<Published>, KbError> {
    let rows = sqlx::query(
        "SELECT a.id, a.retired_at IS NOT NULL AS retired, a.published_version, a.updated_at, v.title, v.body, v.category, v.level, v.tags, v.author, v.created_at
         FROM kb_articles a JOIN kb_versions v ON v.article_id = a.id AND v.version = a.published_version
         WHERE a.published_version IS NOT NULL AND ($1::timestamptz IS NULL OR a.updated_at >= $1) ORDER BY a.updated_at, a.id",
    )
    .bind(since)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let version: i32 = r.get("published_version");
            let retired: bool = r.get("retired");
            Published {
                id: r.get("id"),
                version,
                text: (!retired).then(|| version_of(r, version).text),
                updated_at: r.get("updated_at"),
            }
        })
        .collect())
}

/// The import/export format: every article with all its versions and reviews.
#[derive(Debug, Serialize, Deserialize)]
pub struct KbFile {
    pub articles: Vec<Article>,
}

/// Everything, for `hotline-server kb export`.
pub async fn export(pool: &PgPool) -> Result<KbFile, KbError> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM kb_articles ORDER BY id")
        .fetch_all(pool)
        .await?;
    let mut articles = Vec::with_capacity(ids.len());
    for id in ids {
        articles.push(get(pool, &id, true).await?);
    }
    Ok(KbFile { articles })
}

/// Imports articles published as they are (a centre's existing knowledge base, or
/// `data/demo/knowledge.json`: `{"articles": [{"id", "title", "body", "category"}]}`). An id
/// already present gets a new version, published; the import is one transaction and recorded
/// as reviewed by `who`.
pub async fn import(
    pool: &PgPool,
    who: &str,
    json: &str,
    now: DateTime<Utc>,
) -> Result<usize, KbError> {
    #[derive(Deserialize)]
    struct Incoming {
        id: String,
        #[serde(flatten)]
        text: ArticleText,
    }
    #[derive(Deserialize)]
    struct File {
        articles: Vec<Incoming>,
    }
    let file: File = serde_json::from_str(json).map_err(|e| KbError::Import(e.to_string()))?;
    let mut tx = pool.begin().await?;
    for a in &file.articles {
        check_article(&a.text.title, &a.text.body, a.text.level)
            .map_err(|e| KbError::Import(format!("{}: {e}", a.id)))?;
        let version: i32 = sqlx::query_scalar(
            "INSERT INTO kb_articles (id, status, latest_version, published_version, created_at, updated_at) VALUES ($1, 'published', 1, 1, $2, $2)
             ON CONFLICT (id) DO UPDATE SET status = 'published', latest_version = kb_articles.latest_version + 1,
                                            published_version = kb_articles.latest_version + 1, updated_at = $2,
                                            retired_at = NULL
             RETURNING latest_version",
        )
        .bind(&a.id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        insert_version(&mut tx, &a.id, version, &a.text, who, now).await?;
        sqlx::query("INSERT INTO kb_reviews (article_id, version, action, reviewer, reason, at) VALUES ($1, $2, 'import', $3, '', $4)")
            .bind(&a.id)
            .bind(version)
            .bind(who)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(file.articles.len())
}
