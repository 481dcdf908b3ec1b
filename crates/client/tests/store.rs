//! The local store on a real SQLite file: writing cases and steps, refusing bad ones without a
//! trace, the queue order and Chinese search.

use chrono::{DateTime, Utc};
use hotline_client::store::{LocalStore, NewCase, QueueFilter};
use hotline_client::{CalendarStore, DataDir};
use hotline_domain::case::{BureauCode, CaseId, CaseStatus, Channel, EventBody, Level};
use hotline_domain::sla::{SlaCalendar, SlaSettings};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn cal() -> SlaCalendar {
    SlaCalendar::new(CalendarStore::shipped(), SlaSettings::default())
}

fn new_case(kind: &str, category: &str, phone: &str, text: &str) -> NewCase {
    NewCase {
        kind: kind.into(),
        category: category.into(),
        phone: phone.into(),
        name: None,
        id_number: None,
        channel: Channel::Phone,
        district: "天河区".into(),
        address: String::new(),
        description: text.into(),
        level: (kind == "fault").then_some(Level::FaultC),
    }
}

/// A caller's complaint about a shop, received at `at`.
async fn market_complaint(
    store: &LocalStore,
    at: DateTime<Utc>,
) -> hotline_domain::case::CaseState {
    store
        .new_case(
            new_case(
                "complaint",
                "market_regulation",
                "13500135000",
                "商家拒绝退款",
            ),
            &cal(),
            at,
        )
        .await
        .unwrap()
}

/// The seat dispatches case `id` to the market regulator at `at`.
async fn dispatch_to_market(store: &LocalStore, id: CaseId, at: DateTime<Utc>) {
    store
        .act(
            id,
            EventBody::Dispatched {
                bureau: BureauCode::from("MARKET"),
                note: String::new(),
            },
            &cal(),
            at,
        )
        .await
        .unwrap();
}

async fn counts(store: &LocalStore) -> (i64, i64, i64) {
    let q = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).fetch_one(store.pool());
    (
        q("SELECT count(*) FROM events").await.unwrap(),
        q("SELECT count(*) FROM outbox").await.unwrap(),
        q("SELECT count(*) FROM cases").await.unwrap(),
    )
}

#[tokio::test]
async fn a_case_is_numbered_by_seat_and_day_written_with_its_outbox_entry_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::resolve(Some(dir.path().to_owned()));
    let now = t("2026-11-26T10:00:00+08:00");
    let store = LocalStore::open(&data, now).await.unwrap();
    let seat = store.identity().seat_code.clone();
    assert_eq!(seat.len(), 6);
    let a = store
        .new_case(
            new_case(
                "complaint",
                "market_regulation",
                "138 0013 8000",
                "商家拒绝退款",
            ),
            &cal(),
            now,
        )
        .await
        .unwrap();
    let b = store
        .new_case(
            new_case(
                "consultation",
                "social_security",
                "13900139000",
                "社保卡补办",
            ),
            &cal(),
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        a.intake.as_ref().unwrap().number.to_string(),
        format!("261126-{seat}-0001")
    );
    assert_eq!(
        b.intake.as_ref().unwrap().number.to_string(),
        format!("261126-{seat}-0002")
    );
    assert_eq!(counts(&store).await, (2, 2, 2));
    drop(store);

    let store = LocalStore::open(&data, now).await.unwrap();
    assert_eq!(
        store.identity().seat_code,
        seat,
        "the device keeps its identity"
    );
    let (row, state) = store.case(&format!("261126-{seat}-0001")).await.unwrap();
    assert_eq!(row.phone, "13800138000");
    assert_eq!(state.status, CaseStatus::Received);
    assert_eq!(store.outbox_len().await.unwrap(), 2);
}

#[tokio::test]
async fn a_refused_step_or_a_bad_intake_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let now = t("2026-11-26T10:00:00+08:00");
    let store = LocalStore::open(&DataDir::resolve(Some(dir.path().to_owned())), now)
        .await
        .unwrap();
    let c = store
        .new_case(
            new_case(
                "complaint",
                "market_regulation",
                "13800138000",
                "商家拒绝退款",
            ),
            &cal(),
            now,
        )
        .await
        .unwrap();
    let before = counts(&store).await;

    let err = store
        .act(
            c.id.unwrap(),
            EventBody::SignedFor {
                bureau: BureauCode::from("MARKET"),
            },
            &cal(),
            now,
        )
        .await
        .unwrap_err();
    // Before: written, pushed, refused by the server (a seat may not sign for a bureau).
    assert_eq!(err.code(), "case.forbidden");
    let err = store
        .act(c.id.unwrap(), EventBody::Resumed, &cal(), now)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "case.step_refused", "nothing was paused");
    // Before: any length was written and pushed.
    let err = store
        .act(
            c.id.unwrap(),
            EventBody::Dispatched {
                bureau: BureauCode::from("MARKET"),
                note: "请".repeat(hotline_domain::case::limits::MAX_NOTE_CHARS + 1),
            },
            &cal(),
            now,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "event.too_long");
    let err = store
        .new_case(
            new_case("complaint", "market_regulation", "not-a-phone", "x"),
            &cal(),
            now,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "intake.phone");
    let err = store
        .act(CaseId(uuid::Uuid::nil()), EventBody::Resumed, &cal(), now)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "case.not_found");
    assert_eq!(counts(&store).await, before);

    // The refused intake did not use up a case number.
    let next = store
        .new_case(
            new_case("complaint", "housing", "13800138000", "物业"),
            &cal(),
            now,
        )
        .await
        .unwrap();
    assert!(next.intake.unwrap().number.to_string().ends_with("-0002"));
}

#[tokio::test]
async fn the_queue_puts_the_nearest_deadline_first_and_follows_dispatches() {
    let dir = tempfile::tempdir().unwrap();
    let now = t("2026-11-26T10:00:00+08:00");
    let store = LocalStore::open(&DataDir::resolve(Some(dir.path().to_owned())), now)
        .await
        .unwrap();
    // Reply in 5 working days (per bureau, once dispatched), complaint dispatch in 15 minutes,
    // a level-C fault dispatch in 30 minutes.
    let consult = store
        .new_case(
            new_case("consultation", "platform_usage", "13700137000", "怎么登录"),
            &cal(),
            now,
        )
        .await
        .unwrap();
    let fault = store
        .new_case(
            new_case("fault", "network", "13600136000", "网络中断"),
            &cal(),
            now,
        )
        .await
        .unwrap();
    let complaint = market_complaint(&store, now).await;
    let waiting = store
        .new_case(
            new_case("consultation", "housing", "13400134000", "公积金提取"),
            &cal(),
            now,
        )
        .await
        .unwrap();
    let order: Vec<String> = store
        .queue(&QueueFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    let id = |s: &hotline_domain::case::CaseState| s.id.unwrap().0.to_string();
    assert_eq!(
        order,
        vec![id(&complaint), id(&fault), id(&consult), id(&waiting)],
        "no clock runs on an undispatched business consultation: it comes last"
    );

    dispatch_to_market(&store, complaint.id.unwrap(), now).await;
    let market = store
        .queue(&QueueFilter {
            bureau: Some("MARKET".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(market.len(), 1);
    assert_eq!(market[0].status, "dispatched");
    assert_eq!(
        market[0].next_clock.as_deref(),
        Some("accept"),
        "the bureau's acceptance decision is now nearest (a business complaint runs no hourly clock)"
    );
    let faults = store
        .queue(&QueueFilter {
            kind: Some("fault".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(faults.len(), 1);
}

#[tokio::test]
async fn search_finds_two_character_chinese_terms_phrases_single_characters_and_phone_prefixes() {
    let dir = tempfile::tempdir().unwrap();
    let now = t("2026-11-26T10:00:00+08:00");
    let store = LocalStore::open(&DataDir::resolve(Some(dir.path().to_owned())), now)
        .await
        .unwrap();
    for (phone, text) in [
        ("13800138000", "社保卡补办进度查询"),
        ("13900139000", "医保报销比例咨询"),
        ("13700137000", "小区噪音扰民投诉"),
    ] {
        store
            .new_case(
                new_case("consultation", "social_security", phone, text),
                &cal(),
                now,
            )
            .await
            .unwrap();
    }
    let hits = |q: &'static str| {
        let store = store.clone();
        async move {
            store
                .search(q, 50)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.phone)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(hits("社保").await, ["13800138000"]);
    assert_eq!(hits("医保").await, ["13900139000"]);
    assert_eq!(hits("补办进度").await, ["13800138000"]);
    assert!(hits("社补").await.is_empty(), "characters must be adjacent");
    assert_eq!(hits("噪").await, ["13700137000"]);
    assert_eq!(
        hits("询").await.len(),
        2,
        "a run's last character is found too"
    );
    assert_eq!(hits("13900").await, ["13900139000"]);
    assert_eq!(hits("保 1380").await, ["13800138000"]);
    assert_eq!(
        store.search("，。", 10).await.unwrap_err().code(),
        "search.empty"
    );
    assert_eq!(
        store
            .caller_history("138-0013-8000", 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// Before: the store was created with the umask's modes (0644): any account on the machine could
/// read every caller's name and phone.
#[cfg(unix)]
#[tokio::test]
async fn the_store_is_readable_by_its_user_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    let _store = LocalStore::open(
        &DataDir::resolve(Some(data.clone())),
        t("2026-11-26T10:00:00+08:00"),
    )
    .await
    .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    let db = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "db"))
        .expect("the store's file");
    assert_eq!(mode(&db), 0o600);
}

/// The queue reads `INDEXED BY cases_queue`, a partial index over the statuses on the desk: its
/// predicate (a migration, written once as SQL) must be the domain's set, or every queue query
/// fails. The queries themselves take the set from `CaseStatus::on_the_desk`.
#[tokio::test]
async fn the_queue_index_covers_exactly_the_statuses_the_domain_puts_on_the_desk() {
    use hotline_domain::case::CaseStatus;
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(
        &DataDir::resolve(Some(dir.path().join("desk"))),
        t("2026-11-26T10:00:00+08:00"),
    )
    .await
    .unwrap();
    let sql: String =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = 'cases_queue'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    let predicate = format!(
        "WHERE status IN {}",
        CaseStatus::sql_list(CaseStatus::on_the_desk)
    );
    assert!(
        sql.ends_with(&predicate),
        "{sql}\n does not end with {predicate}"
    );
    assert!(CaseStatus::ALL
        .into_iter()
        .all(|s| !s.takes_merges() || s.on_the_desk()));
}

/// A step made within the second after a due (a due on a whole second, a clock read with its
/// fraction): before, the seat's SQLite (whole seconds) called the clock met while the domain
/// — and the server's PostgreSQL (microseconds) — called it late. An event records its instant
/// to the second, so the store's decision is the domain's.
#[tokio::test]
async fn a_step_in_the_second_after_a_due_is_decided_as_the_domain_decides_it() {
    let dir = tempfile::tempdir().unwrap();
    let received = t("2026-12-07T10:00:00+08:00");
    let store = LocalStore::open(&DataDir::resolve(Some(dir.path().to_owned())), received)
        .await
        .unwrap();
    let complaint = market_complaint(&store, received).await;
    // The complaint's dispatch is due at 10:15:00; the seat dispatches 0.4 s after it.
    let stepped = received + chrono::Duration::milliseconds(15 * 60 * 1000 + 400);
    let id = complaint.id.unwrap();
    dispatch_to_market(&store, id, stepped).await;
    let (row, state) = store.case(&id.0.to_string()).await.unwrap();
    let facts = hotline_domain::case::facts::CaseFacts::of(&state, &cal());
    let dispatch = facts
        .clock_runs
        .iter()
        .find(|f| f.clock == "dispatch")
        .expect("a complaint runs the dispatch clock");
    assert_eq!(
        dispatch.due_at,
        Some(t("2026-12-07T10:15:00+08:00")),
        "{row:?}"
    );
    let decided = dispatch.decision().unwrap();
    let (stored_met, stored_at): (bool, i64) = sqlx::query_as(
        "SELECT r.met, r.decided_at FROM clock_runs r JOIN cases c ON c.rid = r.case_rid \
         WHERE c.id = ? AND r.clock = 'dispatch'",
    )
    .bind(id.0.to_string())
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(
        (stored_met, stored_at),
        (decided.met, decided.at.timestamp()),
        "the seat's store and the domain decide the dispatch clock alike"
    );
}
