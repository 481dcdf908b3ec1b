#![allow(dead_code)]
//! Real PostgreSQL for server tests (atuin and modrinth style): one throwaway cluster
//! (`scripts/pg`, or `DATABASE_URL`), a template database migrated once, and a fresh database
//! per test cloned from it. Servers listen on real loopback ports.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use hotline_domain::sla::{SlaCalendar, SlaSettings};
use hotline_domain::time::Clock;
use hotline_server::state::AppState;
use hotline_server::{admin, api, MIGRATOR};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Executor, PgPool};

/// The instant an RFC 3339 time names (tests write China time: `2026-12-15T10:00:00+08:00`).
pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A clock tests can move.
#[derive(Debug)]
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn at(s: &str) -> Arc<Self> {
        Arc::new(Self(Mutex::new(at(s))))
    }

    pub fn advance(&self, d: Duration) {
        *self.0.lock().unwrap() += d;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

fn base_url() -> String {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return url;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg");
    let out = std::process::Command::new("bash")
        .arg(script)
        .arg("start")
        .output()
        .expect("run scripts/pg");
    assert!(
        out.status.success(),
        "scripts/pg start failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn with_db(url: &str, db: &str) -> String {
    let (head, _) = url.rsplit_once('/').expect("URL with a database");
    format!("{head}/{db}")
}

/// A new database with nothing in it (not even the schema): where a restore goes.
pub async fn empty_database() -> (PgPool, String) {
    let base = base_url();
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&base)
        .await
        .expect("connect to the test cluster");
    let name = format!("hotline_empty_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let url = with_db(&base, &name);
    (
        PgPoolOptions::new()
            .max_connections(20)
            .connect(&url)
            .await
            .unwrap(),
        url,
    )
}

/// A fresh, migrated database of its own.
pub async fn database() -> (PgPool, String) {
    let base = base_url();
    let admin = PgPoolOptions::new()
        .max_connections(2)
        .connect(&base)
        .await
        .expect("connect to the test cluster");
    let version: i64 = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    // Every migration's checksum counts: a migration edited before it lands makes a new template.
    let digest = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        MIGRATOR.iter().for_each(|m| h.update(&m.checksum));
        h.finalize()
    };
    let checksum: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let template = format!("hotline_tmpl_{version}_{checksum}");
    // One process migrates the template; the others wait on the lock.
    let mut conn = admin.acquire().await.unwrap();
    conn.execute("SELECT pg_advisory_lock(727274)")
        .await
        .unwrap();
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&template)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    if !exists {
        conn.execute(format!("CREATE DATABASE {template}").as_str())
            .await
            .unwrap();
        let tpool = PgPoolOptions::new()
            .max_connections(1)
            .connect(&with_db(&base, &template))
            .await
            .unwrap();
        MIGRATOR.run(&tpool).await.expect("migrate the template");
        tpool.close().await;
    }
    let name = format!("hotline_test_{}", uuid::Uuid::new_v4().simple());
    conn.execute(format!("CREATE DATABASE {name} TEMPLATE {template}").as_str())
        .await
        .unwrap();
    conn.execute("SELECT pg_advisory_unlock(727274)")
        .await
        .unwrap();
    let url = with_db(&base, &name);
    let pool = PgPoolOptions::new()
        .max_connections(20)
        .connect(&url)
        .await
        .unwrap();
    (pool, url)
}

pub fn calendar() -> Arc<SlaCalendar> {
    Arc::new(SlaCalendar::new(
        hotline_domain::calendar::shipped(),
        SlaSettings::default(),
    ))
}

/// A server on a real loopback port over `pool`; returns its base URL.
pub async fn serve(pool: &PgPool, clock: Arc<TestClock>) -> String {
    let state = AppState::start(pool.clone(), clock, calendar(), 12)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = api::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    format!("http://{addr}")
}

/// The usual start of a test: a seeded database of its own, a server over it, an HTTP client.
pub async fn seeded_server() -> (PgPool, String, reqwest::Client) {
    seeded_server_at(Utc::now()).await
}

/// [`seeded_server`] with its clock standing at `at`.
pub async fn seeded_server_at(at: DateTime<Utc>) -> (PgPool, String, reqwest::Client) {
    let (pool, _) = database().await;
    seed(&pool).await;
    let base = serve(&pool, TestClock::at(&at.to_rfc3339())).await;
    (pool, base, reqwest::Client::new())
}

pub const PASSWORD: &str = "密码 correct horse";

/// Bureaus HRSS and MARKET; users seat1, super1, hrss1 (bureau HRSS), admin1, boss1 (management).
pub async fn seed(pool: &PgPool) {
    let now = Utc::now();
    admin::import_bureaus(
        pool,
        "code,name,parent,district,phone\nHRSS,市人社局,,,12333\nMARKET,市市场监管局,,,12315\n",
        now,
    )
    .await
    .unwrap();
    for (name, role, bureau, seat) in [
        ("seat1", "seat", None, Some("S001")),
        ("super1", "supervisor", None, Some("S900")),
        ("hrss1", "bureau", Some("HRSS"), None),
        ("admin1", "admin", None, None),
        ("boss1", "management", None, None),
    ] {
        admin::add_user(
            pool,
            admin::NewUser {
                name,
                role,
                bureau,
                seat_code: seat,
                password: PASSWORD,
            },
            now,
        )
        .await
        .unwrap();
    }
}

pub struct Session {
    pub token: String,
    pub device: String,
    pub user: String,
    pub role: hotline_domain::case::Role,
    pub bureau: Option<String>,
    pub seat_code: Option<String>,
}

pub async fn login(http: &reqwest::Client, base: &str, user: &str) -> Session {
    let device = uuid::Uuid::now_v7().to_string();
    let r: serde_json::Value = http
        .post(format!("{base}/api/v1/login"))
        .json(&serde_json::json!({ "user": user, "password": PASSWORD, "device_id": device }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    let role = hotline_server::auth::parse_role(r["role"].as_str().unwrap()).unwrap();
    Session {
        token: r["token"].as_str().unwrap().to_owned(),
        device,
        user: user.to_owned(),
        role,
        bureau: r["bureau"].as_str().map(str::to_owned),
        seat_code: r["seat_code"].as_str().map(str::to_owned),
    }
}

use hotline_domain::case::{
    Actor, BureauCode, Caller, CaseId, CaseNumber, Channel, DeviceId, Event, EventBody, EventId,
    IntakeDraft,
};

impl Session {
    /// `GET base/path` with this session's token.
    pub async fn get(&self, http: &reqwest::Client, base: &str, path: &str) -> reqwest::Response {
        http.get(format!("{base}{path}"))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    pub fn event(&self, case: CaseId, at: DateTime<Utc>, body: EventBody) -> Event {
        Event {
            id: EventId(uuid::Uuid::now_v7()),
            case,
            at,
            actor: Actor {
                user: self.user.clone(),
                role: self.role,
                bureau: self.bureau.as_deref().map(BureauCode::from),
            },
            device: DeviceId(self.device.clone()),
            seen: u32::MAX, // these tests' seats have always seen everything unless they say otherwise
            body,
        }
    }

    /// A `received` event of a new case with this description.
    pub fn new_case(
        &self,
        seq: u32,
        at: DateTime<Utc>,
        kind: &str,
        category: &str,
        text: &str,
    ) -> Event {
        let intake = IntakeDraft {
            number: CaseNumber::new(
                at.date_naive(),
                self.seat_code.as_deref().unwrap_or("T1"),
                seq,
            )
            .unwrap(),
            kind: kind.into(),
            category: category.into(),
            caller: Caller {
                phone: "13812345678".into(),
                name: Some("李女士".into()),
                id_number: Some("440106199001011234".into()),
            },
            channel: Channel::Phone,
            district: "越秀区".into(),
            address: String::new(),
            description: text.into(),
            level: None,
        }
        .resolve(&hotline_domain::centre::CentrePolicy::default())
        .unwrap();
        self.event(
            CaseId(uuid::Uuid::now_v7()),
            at,
            EventBody::Received(Box::new(intake)),
        )
    }

    /// A new case received and dispatched to `bureau` at `at`, pushed as this session's first
    /// two events.
    pub async fn push_dispatched(
        &self,
        http: &reqwest::Client,
        base: &str,
        at: DateTime<Utc>,
        (kind, category, text): (&str, &str, &str),
        bureau: &str,
    ) -> CaseId {
        let received = self.new_case(1, at, kind, category, text);
        let case = received.case;
        let dispatch = self.event(
            case,
            at,
            EventBody::Dispatched {
                bureau: bureau.into(),
                note: String::new(),
            },
        );
        let r = self.push(http, base, 1, &[received, dispatch]).await;
        assert!(
            r.status().is_success(),
            "{}",
            r.text().await.unwrap_or_default()
        );
        case
    }

    pub async fn push(
        &self,
        http: &reqwest::Client,
        base: &str,
        from_seq: i64,
        events: &[Event],
    ) -> reqwest::Response {
        self.push_with_clock(http, base, from_seq, events, None)
            .await
    }

    /// [`Session::push`] as a seat sends it, with its clock's reading in the header.
    pub async fn push_with_clock(
        &self,
        http: &reqwest::Client,
        base: &str,
        from_seq: i64,
        events: &[Event],
        device_time: Option<DateTime<Utc>>,
    ) -> reqwest::Response {
        let items: Vec<serde_json::Value> = events
            .iter()
            .enumerate()
            .map(|(i, e)| serde_json::json!({ "device_seq": from_seq + i as i64, "event": e }))
            .collect();
        let mut request = http.post(format!("{base}/api/v1/push"));
        if let Some(t) = device_time {
            request = request.header(hotline_domain::wire::DEVICE_TIME_HEADER, t.to_rfc3339());
        }
        request
            .bearer_auth(&self.token)
            .json(&serde_json::json!({ "device_id": self.device, "events": items }))
            .send()
            .await
            .unwrap()
    }

    /// Every event the session may see, pulled page by page; waits out events held back behind a
    /// transaction still running elsewhere in the cluster (up to ~30 s).
    pub async fn pull_all(&self, http: &reqwest::Client, base: &str) -> Vec<serde_json::Value> {
        let (mut after, mut all) = (String::new(), Vec::new());
        for _ in 0..600 {
            let page = self.pull(http, base, &after).await;
            all.extend(page["events"].as_array().unwrap().iter().cloned());
            after = page["next"].as_str().unwrap().to_owned();
            if page["held"].as_bool() == Some(true) {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            } else if !page["more"].as_bool().unwrap() {
                break;
            }
        }
        all
    }

    pub async fn pull(&self, http: &reqwest::Client, base: &str, after: &str) -> serde_json::Value {
        http.get(format!("{base}/api/v1/pull"))
            .bearer_auth(&self.token)
            .query(&[("after", after)])
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

impl Session {
    /// Pulls from the beginning until at least `n` events came (other tests' writers on the same
    /// cluster may hold the visibility horizon back for a moment), at most 5 s.
    pub async fn pull_at_least(
        &self,
        http: &reqwest::Client,
        base: &str,
        n: usize,
    ) -> Vec<serde_json::Value> {
        let mut events = Vec::new();
        let mut next = String::new();
        for _ in 0..100 {
            let page = self.pull(http, base, &next).await;
            events.extend(page["events"].as_array().unwrap().iter().cloned());
            next = page["next"].as_str().unwrap().to_owned();
            if events.len() >= n {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        events
    }
}

/// `{code, message}` of an error response, with its status.
/// A push the server answered (200) with some events refused: the refused events' codes, in
/// device-sequence order. Each refusal carries a message.
pub async fn refusals_of(r: reqwest::Response) -> Vec<String> {
    assert_eq!(
        r.status().as_u16(),
        200,
        "a push is answered event by event"
    );
    let body: serde_json::Value = r.json().await.unwrap();
    body["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert!(
                f["message"].as_str().is_some_and(|m| !m.is_empty()),
                "a refusal carries a message: {f}"
            );
            f["code"].as_str().unwrap().to_owned()
        })
        .collect()
}

pub async fn error_of(r: reqwest::Response) -> (u16, String) {
    let status = r.status().as_u16();
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "an error carries a message: {body}"
    );
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}
