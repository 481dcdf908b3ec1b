//! `hotline-server serve` (part of the binary): migrate, derive the facts older rows lack, then
//! serve the API over HTTP or HTTPS until interrupted.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use hotline_server::config::Config;
use hotline_server::database::Nodes;
use hotline_server::{api, log, state::AppState, MIGRATOR};

use hotline_domain::time::OffsetClock;

use crate::{keep_builtin_policy, shutdown};

pub async fn run(
    config: &Config,
    pool: sqlx::PgPool,
    listen: Option<String>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    supervise_every: std::time::Duration,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    MIGRATOR.run(&pool).await.context("migration failed")?;
    keep_builtin_policy(&pool).await?;
    let calendar = hotline_server::calendar::load(&pool).await?;
    if let Some(w) = calendar.coverage_warning(hotline_domain::time::local_date(now)) {
        log::info(&format!("warning: {w}"));
    }
    let calendar = Arc::new(hotline_server::calendar::load_sla(&pool).await?);
    let n = hotline_server::snapshot::backfill_facts(&pool, &calendar)
        .await
        .context("cannot derive report facts")?;
    if n > 0 {
        log::info(&format!(
            "derived report facts of {n} cases saved before they existed"
        ));
    }
    // Migrating and deriving facts above may take long; serving may not.
    pool.close().await;
    let db = hotline_server::state::serving_pool(
        &Nodes::parse(config.database_url()?)?,
        &hotline_server::state::PoolLimits::default(),
    )
    .await
    .context("cannot connect to PostgreSQL")?;
    let clock = OffsetClock::from_env();
    if clock.offset_secs() != 0 {
        log::info(&format!(
            "warning: the server's clock runs {} s from the system's ({}): for demonstrations and tests only",
            clock.offset_secs(),
            OffsetClock::VAR
        ));
    }
    let state = AppState::start(db, Arc::new(clock), calendar, config.token_hours())
        .await
        .context("cannot LISTEN")?;
    hotline_server::supervise::spawn(
        state.pool.clone(),
        state.clock.clone(),
        state.calendar.clone(),
        supervise_every,
    );
    let addr = listen
        .or(config.listen.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let router = api::router(state);
    serve(
        router,
        &addr,
        tls_cert.or(config.tls_cert.clone()),
        tls_key.or(config.tls_key.clone()),
    )
    .await
}

/// Serves `router` on `addr`: HTTPS with a certificate and its key, HTTP with neither.
async fn serve(
    router: axum::Router,
    addr: &str,
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
) -> anyhow::Result<()> {
    match (cert, key) {
        (Some(cert), Some(key)) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
                .await
                .with_context(|| {
                    format!(
                        "cannot load TLS certificate {} and key {}",
                        cert.display(),
                        key.display()
                    )
                })?;
            let addr: std::net::SocketAddr = addr
                .parse()
                .with_context(|| format!("--listen {addr} is not an address"))?;
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                shutdown().await;
                stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
            });
            log::info(&format!("listening on https://{addr}"));
            axum_server::bind_rustls(addr, tls)
                .handle(handle)
                .serve(router.into_make_service_with_connect_info::<std::net::SocketAddr>())
                .await?;
        }
        (None, None) => {
            let listener = tokio::net::TcpListener::bind(&addr)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?;
            log::info(&format!("listening on http://{}", listener.local_addr()?));
            // The peer's address counts login failures per address (login_guard).
            let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
            axum::serve(listener, service)
                .with_graceful_shutdown(shutdown())
                .await?;
        }
        _ => {
            anyhow::bail!("a TLS certificate and its key go together: give both or neither")
        }
    }
    Ok(())
}
