//! Where the database is: one PostgreSQL, or a primary with standbys named in a libpq-style
//! multi-host URL (`postgres://h1:5432,h2:5432/hotline?target_session_attrs=read-write`).
//! The server writes, so it always works on the primary: it finds the primary at start, refuses
//! a pooled connection that lands on a standby, and a watcher moves the pool — and, through
//! [`Database::moved`], the LISTEN of [`crate::fanout`] — to the new primary after a failover.
//! Which node is promoted is PostgreSQL's and the operator's business (docs/OPERATIONS.md).

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::{watch, Notify};

/// How long a probe of one node may take (connect, then ask whether it is the primary).
const PROBE: Duration = Duration::from_secs(2);
/// How often the watcher asks the primary whether it still is one.
const WATCH_EVERY: Duration = Duration::from_secs(1);
/// Between rounds over the nodes while none is primary (during a failover).
const ROUND_PAUSE: Duration = Duration::from_millis(250);

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("DATABASE_URL must start with postgres:// / 数据库地址须以 postgres:// 开头")]
    Scheme,
    #[error("DATABASE_URL has an empty host in its list / 数据库地址的主机列表中有空项")]
    EmptyHost,
    #[error(
        "target_session_attrs={0}: hotline-server writes and works only on the primary \
         (read-write or primary) / 服务端只连接主库（read-write 或 primary）"
    )]
    SessionAttrs(String),
    #[error("DATABASE_URL host {host}: {source}")]
    Host { host: String, source: sqlx::Error },
    #[error(
        "no primary among {hosts} within {secs} s (last: {last}) / 在 {secs} 秒内未找到可写的主库"
    )]
    NoPrimary {
        hosts: String,
        secs: u64,
        last: String,
    },
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

/// One node of the list: its `host:port` for the logs and how we connect to it.
#[derive(Debug, Clone)]
pub struct Node {
    pub label: String,
    pub options: PgConnectOptions,
}

/// The nodes a `DATABASE_URL` names, in its order. sqlx parses a URL of one host only; the
/// multi-host parser of libpq's syntax lives in tokio-postgres, a second driver, so the list
/// is split here and each host parsed by sqlx.
#[derive(Debug, Clone)]
pub struct Nodes(Vec<Node>);

impl Nodes {
    pub fn parse(url: &str) -> Result<Self, DatabaseError> {
        let (scheme, rest) = url.split_once("://").ok_or(DatabaseError::Scheme)?;
        if scheme != "postgres" && scheme != "postgresql" {
            return Err(DatabaseError::Scheme);
        }
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let (user, hosts) = match authority.rsplit_once('@') {
            Some((user, hosts)) => (format!("{user}@"), hosts),
            None => (String::new(), authority),
        };
        let tail = without_session_attrs(tail)?;
        let hosts: Vec<&str> = hosts.split(',').collect();
        if hosts.len() > 1 && hosts.iter().any(|h| h.is_empty()) {
            return Err(DatabaseError::EmptyHost);
        }
        let nodes = hosts
            .into_iter()
            .map(|host| {
                let one = format!("{scheme}://{user}{host}{tail}");
                let options =
                    PgConnectOptions::from_str(&one).map_err(|source| DatabaseError::Host {
                        host: host.to_owned(),
                        source,
                    })?;
                Ok(Node {
                    label: host.to_owned(),
                    options: crate::state::ours(options),
                })
            })
            .collect::<Result<Vec<_>, DatabaseError>>()?;
        Ok(Self(nodes))
    }

    /// The same nodes with `f` applied to each one's options (a pool's own settings).
    pub fn map(&self, f: impl Fn(PgConnectOptions) -> PgConnectOptions) -> Self {
        Self(
            self.0
                .iter()
                .map(|n| Node {
                    label: n.label.clone(),
                    options: f(n.options.clone()),
                })
                .collect(),
        )
    }

    pub fn nodes(&self) -> &[Node] {
        &self.0
    }

    fn labels(&self) -> String {
        self.0
            .iter()
            .map(|n| n.label.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Drops `target_session_attrs` from the path-and-query `tail` (sqlx does not know it; we
/// always want the primary) after checking it asks for nothing else.
fn without_session_attrs(tail: &str) -> Result<String, DatabaseError> {
    let Some((path, query)) = tail.split_once('?') else {
        return Ok(tail.to_owned());
    };
    let mut kept = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("target_session_attrs", v)) => {
                if v != "read-write" && v != "primary" {
                    return Err(DatabaseError::SessionAttrs(v.to_owned()));
                }
            }
            _ => kept.push(pair),
        }
    }
    Ok(if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    })
}

/// A pool on the primary and the count of times it moved to a newly found primary.
pub struct Database {
    pub pool: PgPool,
    /// Changes each time the watcher found the primary anew (a failover, a switchover):
    /// a session that lives on one connection, the LISTEN, opens it again.
    pub moved: watch::Receiver<u64>,
}

/// A pool on a single database that never moves (tests, benchmarks, tools).
impl From<PgPool> for Database {
    fn from(pool: PgPool) -> Self {
        let (_, moved) = watch::channel(0);
        Self { pool, moved }
    }
}

impl Database {
    /// A pool of `options` on the primary among `nodes`, waiting up to `patience` for one to
    /// answer as primary, and — when there is more than one node — a watcher that moves the pool
    /// after a failover.
    pub async fn connect(
        nodes: &Nodes,
        options: PgPoolOptions,
        patience: Duration,
    ) -> Result<Self, DatabaseError> {
        let first = find_primary(nodes, patience).await?;
        let suspect = Arc::new(Notify::new());
        let on_standby = suspect.clone();
        let pool = options
            .after_connect(move |conn, _| {
                let suspect = on_standby.clone();
                Box::pin(async move { refuse_standby(conn, &suspect).await })
            })
            .connect_with(nodes.0[first].options.clone())
            .await?;
        let (moved_tx, moved) = watch::channel(0);
        if nodes.0.len() > 1 {
            tokio::spawn(watch_primary(
                pool.clone(),
                nodes.clone(),
                first,
                moved_tx,
                suspect,
            ));
        }
        Ok(Self { pool, moved })
    }
}

/// A connection on a standby is no use to a writer: refused (the pool tries again, by then on
/// the primary the watcher found) and the watcher told at once.
async fn refuse_standby(conn: &mut PgConnection, suspect: &Notify) -> Result<(), sqlx::Error> {
    let standby: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
        .fetch_one(&mut *conn)
        .await?;
    if standby {
        suspect.notify_one();
        return Err(sqlx::Error::Protocol(
            "connected to a standby; looking for the primary".into(),
        ));
    }
    Ok(())
}

/// Whether the node answers as primary within [`PROBE`].
async fn is_primary(node: &Node) -> Result<bool, String> {
    let probe = async {
        let mut conn = PgConnection::connect_with(&node.options).await?;
        let standby: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
            .fetch_one(&mut conn)
            .await?;
        let _ = conn.close().await;
        Ok::<_, sqlx::Error>(!standby)
    };
    match tokio::time::timeout(PROBE, probe).await {
        Ok(Ok(primary)) => Ok(primary),
        Ok(Err(e)) => Err(format!("{}: {e}", node.label)),
        Err(_) => Err(format!(
            "{}: no answer in {} s",
            node.label,
            PROBE.as_secs()
        )),
    }
}

/// The first node, in the URL's order, that answers as primary; rounds over the list until
/// `patience` has passed.
async fn find_primary(nodes: &Nodes, patience: Duration) -> Result<usize, DatabaseError> {
    let started = Instant::now();
    loop {
        let mut last = String::new();
        for (i, node) in nodes.0.iter().enumerate() {
            match is_primary(node).await {
                Ok(true) => return Ok(i),
                Ok(false) => last = format!("{}: a standby", node.label),
                Err(e) => last = e,
            }
        }
        if started.elapsed() >= patience {
            return Err(DatabaseError::NoPrimary {
                hosts: nodes.labels(),
                secs: patience.as_secs(),
                last,
            });
        }
        tokio::time::sleep(ROUND_PAUSE).await;
    }
}

/// Asks the current primary every [`WATCH_EVERY`] (or at once when a connection met a standby)
/// whether it still is one; when not, rounds over the nodes until one is, points the pool at it
/// and counts the move. Ends with the pool.
async fn watch_primary(
    pool: PgPool,
    nodes: Nodes,
    mut current: usize,
    moved: watch::Sender<u64>,
    suspect: Arc<Notify>,
) {
    let mut probe: Option<PgConnection> = None;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(WATCH_EVERY) => {}
            _ = suspect.notified() => {}
        }
        if pool.is_closed() {
            return;
        }
        if still_primary(&mut probe, &nodes.0[current]).await {
            continue;
        }
        probe = None;
        crate::log::info(&format!(
            "database: {} is no longer the primary; looking for the new one",
            nodes.0[current].label
        ));
        current = loop {
            match find_primary(&nodes, Duration::ZERO).await {
                Ok(i) => break i,
                Err(_) if pool.is_closed() => return,
                Err(_) => tokio::time::sleep(ROUND_PAUSE).await,
            }
        };
        pool.set_connect_options(nodes.0[current].options.clone());
        crate::log::info(&format!(
            "database: the primary is now {}",
            nodes.0[current].label
        ));
        moved.send_modify(|n| *n += 1);
    }
}

/// Whether the watcher's own connection still reaches a primary; opens it when needed.
async fn still_primary(probe: &mut Option<PgConnection>, node: &Node) -> bool {
    let ask = async {
        if probe.is_none() {
            *probe = Some(PgConnection::connect_with(&node.options).await?);
        }
        let conn = probe.as_mut().expect("opened above");
        sqlx::query_scalar::<_, bool>("SELECT pg_is_in_recovery()")
            .fetch_one(conn)
            .await
    };
    match tokio::time::timeout(PROBE, ask).await {
        Ok(Ok(standby)) => !standby,
        _ => {
            *probe = None;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_host_url_gives_one_node_per_host_in_order() {
        let nodes = Nodes::parse(
            "postgres://app:s%40cret@db1:5432,db2:5433/hotline?target_session_attrs=read-write&sslmode=disable",
        )
        .unwrap();
        let labels: Vec<_> = nodes.nodes().iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, ["db1:5432", "db2:5433"]);
        let second = &nodes.nodes()[1].options;
        assert_eq!(second.get_host(), "db2");
        assert_eq!(second.get_port(), 5433);
        assert_eq!(second.get_database(), Some("hotline"));
        assert_eq!(second.get_username(), "app");
    }

    #[test]
    fn a_single_host_url_is_one_node() {
        let nodes = Nodes::parse("postgres://postgres@127.0.0.1:54329/postgres").unwrap();
        assert_eq!(nodes.nodes().len(), 1);
        assert_eq!(nodes.nodes()[0].options.get_port(), 54329);
    }

    #[test]
    fn asking_for_a_standby_or_an_empty_host_is_refused() {
        for url in [
            "postgres://h1,h2/db?target_session_attrs=read-only",
            "postgres://h1,h2/db?target_session_attrs=standby",
        ] {
            assert!(matches!(
                Nodes::parse(url),
                Err(DatabaseError::SessionAttrs(_))
            ));
        }
        assert!(matches!(
            Nodes::parse("postgres://h1,,h2/db"),
            Err(DatabaseError::EmptyHost)
        ));
        assert!(matches!(
            Nodes::parse("mysql://h1/db"),
            Err(DatabaseError::Scheme)
        ));
    }
}
