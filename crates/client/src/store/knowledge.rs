//! The knowledge base (知识库) on the seat, and the directory of bureaus with routing rules:
//! what intake suggests while the seat types, and where dispatch suggests a case goes.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::LocalStore;
use crate::ClientError;
use hotline_domain::text::index_tokens;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub category: String,
    #[serde(default = "first_version")]
    pub version: i64,
}

fn first_version() -> i64 {
    1
}

#[derive(Debug, Deserialize)]
struct ArticleFile {
    articles: Vec<Article>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Bureau {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRule {
    pub category: String,
    #[serde(default)]
    pub district: String,
    pub bureau: String,
}

#[derive(Debug, Deserialize)]
struct DirectoryFile {
    bureaus: Vec<Bureau>,
    #[serde(default)]
    routing: Vec<RoutingRule>,
}

/// A bureau dispatch suggests, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RouteSuggestion {
    pub bureau: String,
    pub name: String,
    /// `rule`: a routing rule for the category (and district); `history`: where this centre sent
    /// such cases before.
    pub source: &'static str,
    pub cases: i64,
}

/// At most this many distinct tokens of what is being typed go to the index (a long description
/// would otherwise make one huge OR query on every keystroke).
const MAX_QUERY_TOKENS: usize = 48;

fn bad_file(what: &str, e: impl std::fmt::Display) -> ClientError {
    ClientError::Invalid {
        code: "import.format",
        message: format!("{what}: {e} / 导入文件格式错误"),
    }
}

impl LocalStore {
    /// Imports articles (JSON `{"articles": [...]}`): new ones are added, changed ones replace
    /// the old text with the version raised. Returns (added, updated).
    pub async fn import_articles(
        &self,
        json: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(usize, usize), ClientError> {
        let file: ArticleFile =
            serde_json::from_str(json).map_err(|e| bad_file("knowledge base", e))?;
        let mut seen = BTreeSet::new();
        for a in &file.articles {
            if a.id.trim().is_empty()
                || a.title.trim().is_empty()
                || a.body.trim().is_empty()
                || !seen.insert(a.id.clone())
            {
                return Err(bad_file(
                    "knowledge base",
                    format!("article {:?} needs a unique id, a title and a body", a.id),
                ));
            }
        }
        let (mut added, mut updated) = (0, 0);
        let mut tx = self.write().await?;
        for a in file.articles {
            let old = sqlx::query(
                "SELECT rid, title, body, category, version FROM kb_articles WHERE id = ?",
            )
            .bind(&a.id)
            .fetch_optional(&mut *tx)
            .await?;
            let tokens = index_tokens(&format!("{} {}", a.title, a.body)).join(" ");
            match old {
                Some(r)
                    if r.get::<String, _>("title") == a.title
                        && r.get::<String, _>("body") == a.body
                        && r.get::<String, _>("category") == a.category => {}
                Some(r) => {
                    let rid: i64 = r.get("rid");
                    sqlx::query("UPDATE kb_articles SET title = ?, body = ?, category = ?, version = version + 1, updated_at = ? WHERE rid = ?")
                        .bind(&a.title).bind(&a.body).bind(&a.category).bind(now.to_rfc3339()).bind(rid)
                        .execute(&mut *tx).await?;
                    sqlx::query("DELETE FROM kb_search WHERE rowid = ?")
                        .bind(rid)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("INSERT INTO kb_search (rowid, tokens) VALUES (?, ?)")
                        .bind(rid)
                        .bind(tokens)
                        .execute(&mut *tx)
                        .await?;
                    updated += 1;
                }
                None => {
                    let rid: i64 = sqlx::query_scalar("INSERT INTO kb_articles (id, title, body, category, version, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING rid")
                        .bind(&a.id).bind(&a.title).bind(&a.body).bind(&a.category).bind(a.version).bind(now.to_rfc3339())
                        .fetch_one(&mut *tx).await?;
                    sqlx::query("INSERT INTO kb_search (rowid, tokens) VALUES (?, ?)")
                        .bind(rid)
                        .bind(tokens)
                        .execute(&mut *tx)
                        .await?;
                    added += 1;
                }
            }
        }
        tx.commit().await?;
        Ok((added, updated))
    }

    /// Applies the server's published set (or what changed in it): approved texts replace the
    /// local copy, withdrawn articles go; the newest change applied is remembered so the next
    /// sync asks only for what came after. Returns (kept, removed).
    pub async fn apply_published(
        &self,
        articles: &[hotline_domain::knowledge::PublishedArticle],
    ) -> Result<(usize, usize), ClientError> {
        let (mut kept, mut removed) = (0, 0);
        let mut tx = self.write().await?;
        for a in articles {
            let rid: Option<i64> = sqlx::query_scalar("SELECT rid FROM kb_articles WHERE id = ?")
                .bind(&a.id)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(rid) = rid {
                sqlx::query("DELETE FROM kb_search WHERE rowid = ?")
                    .bind(rid)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM kb_articles WHERE rid = ?")
                    .bind(rid)
                    .execute(&mut *tx)
                    .await?;
            }
            let Some(text) = &a.text else {
                removed += usize::from(rid.is_some());
                continue;
            };
            let new_rid: i64 = sqlx::query_scalar(
                "INSERT INTO kb_articles (id, title, body, category, version, updated_at, level, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING rid",
            )
            .bind(&a.id)
            .bind(&text.title)
            .bind(&text.body)
            .bind(&text.category)
            .bind(i64::from(a.version))
            .bind(a.updated_at.to_rfc3339())
            .bind(i64::from(text.level))
            .bind(text.tags.join(" "))
            .fetch_one(&mut *tx)
            .await?;
            let tokens = index_tokens(&format!(
                "{} {} {}",
                text.title,
                text.body,
                text.tags.join(" ")
            ))
            .join(" ");
            sqlx::query("INSERT INTO kb_search (rowid, tokens) VALUES (?, ?)")
                .bind(new_rid)
                .bind(tokens)
                .execute(&mut *tx)
                .await?;
            kept += 1;
        }
        if let Some(newest) = articles.iter().map(|a| a.updated_at).max() {
            sqlx::query("UPDATE sync_state SET kb_since = ? WHERE id = 1")
                .bind(newest.to_rfc3339())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok((kept, removed))
    }

    /// The newest published change this seat has applied (None: none yet, ask for all).
    pub async fn kb_since(&self) -> Result<Option<String>, ClientError> {
        Ok(
            sqlx::query_scalar("SELECT kb_since FROM sync_state WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// The articles that best match what the seat is typing (ranked by BM25 over shared
    /// bigrams), articles of the case's category first among equals.
    pub async fn suggest_articles(
        &self,
        text: &str,
        category: &str,
        limit: i64,
    ) -> Result<Vec<Article>, ClientError> {
        let mut tokens: Vec<String> = index_tokens(text);
        tokens.sort();
        tokens.dedup();
        tokens.truncate(MAX_QUERY_TOKENS);
        if tokens.is_empty() {
            return Ok(vec![]);
        }
        // Tokens hold only letters and digits; quoting makes each a literal term.
        let query = tokens
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(" OR ");
        let rows = sqlx::query(
            "SELECT a.id, a.title, a.body, a.category, a.version
             FROM kb_search s JOIN kb_articles a ON a.rid = s.rowid
             WHERE kb_search MATCH ?
             ORDER BY bm25(kb_search) - CASE WHEN a.category = ? THEN 1.0 ELSE 0.0 END
             LIMIT ?",
        )
        .bind(query)
        .bind(category)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(article).collect())
    }

    pub async fn article(&self, id: &str) -> Result<Article, ClientError> {
        let r =
            sqlx::query("SELECT id, title, body, category, version FROM kb_articles WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| ClientError::Invalid {
                    code: "kb.not_found",
                    message: format!("no article {id:?} / 未找到该知识条目"),
                })?;
        Ok(article(&r))
    }

    /// Replaces the bureau directory and routing rules (JSON `{"bureaus": [...], "routing": [...]}`).
    pub async fn import_directory(&self, json: &str) -> Result<(usize, usize), ClientError> {
        let file: DirectoryFile =
            serde_json::from_str(json).map_err(|e| bad_file("directory", e))?;
        let codes: BTreeSet<&str> = file.bureaus.iter().map(|b| b.code.as_str()).collect();
        if let Some(r) = file
            .routing
            .iter()
            .find(|r| !codes.contains(r.bureau.as_str()))
        {
            return Err(bad_file(
                "directory",
                format!(
                    "routing rule for {:?} names unknown bureau {:?}",
                    r.category, r.bureau
                ),
            ));
        }
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM bureaus").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM routing_rules")
            .execute(&mut *tx)
            .await?;
        for b in &file.bureaus {
            sqlx::query("INSERT INTO bureaus (code, name) VALUES (?, ?)")
                .bind(&b.code)
                .bind(&b.name)
                .execute(&mut *tx)
                .await?;
        }
        for r in &file.routing {
            sqlx::query("INSERT OR REPLACE INTO routing_rules (category, district, bureau) VALUES (?, ?, ?)")
                .bind(&r.category).bind(&r.district).bind(&r.bureau)
                .execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok((file.bureaus.len(), file.routing.len()))
    }

    pub async fn bureaus(&self) -> Result<Vec<Bureau>, ClientError> {
        let rows = sqlx::query("SELECT code, name FROM bureaus ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| Bureau {
                code: r.get("code"),
                name: r.get("name"),
            })
            .collect())
    }

    /// Where a case of `category` in `district` should go: the district's rule, else the
    /// category's rule, then the bureaus this store's cases of that kind went to most often.
    pub async fn suggest_routes(
        &self,
        category: &str,
        district: &str,
    ) -> Result<Vec<RouteSuggestion>, ClientError> {
        let mut out: Vec<RouteSuggestion> = Vec::new();
        let rules = sqlx::query(
            "SELECT r.bureau, coalesce(b.name, r.bureau) AS name FROM routing_rules r LEFT JOIN bureaus b ON b.code = r.bureau
             WHERE r.category = ? AND r.district IN (?, '') ORDER BY r.district = '' LIMIT 1",
        )
        .bind(category)
        .bind(district)
        .fetch_all(&self.pool)
        .await?;
        for r in rules {
            out.push(RouteSuggestion {
                bureau: r.get("bureau"),
                name: r.get("name"),
                source: "rule",
                cases: 0,
            });
        }
        let history = sqlx::query(
            "SELECT cb.bureau, coalesce(b.name, cb.bureau) AS name, count(*) AS n
             FROM cases c JOIN case_bureaus cb ON cb.case_id = c.id LEFT JOIN bureaus b ON b.code = cb.bureau
             WHERE c.category = ? AND c.district = ? AND cb.status NOT IN ('returned', 'withdrawn', 'declined')
             GROUP BY cb.bureau ORDER BY n DESC LIMIT 3",
        )
        .bind(category)
        .bind(district)
        .fetch_all(&self.pool)
        .await?;
        for r in history {
            let bureau: String = r.get("bureau");
            match out.iter_mut().find(|s| s.bureau == bureau) {
                Some(s) => s.cases = r.get("n"),
                None => out.push(RouteSuggestion {
                    bureau,
                    name: r.get("name"),
                    source: "history",
                    cases: r.get("n"),
                }),
            }
        }
        Ok(out)
    }
}

fn article(r: &sqlx::sqlite::SqliteRow) -> Article {
    Article {
        id: r.get("id"),
        title: r.get("title"),
        body: r.get("body"),
        category: r.get("category"),
        version: r.get("version"),
    }
}
