//! The trust boundary, tried as an attacker would on a real server and PostgreSQL: a device
//! taken over by another user, a password guesser, a live stream that outlives its session.
//! Each of these tests failed on the code before the change that made it pass.

mod support;

use futures::StreamExt;
use hotline_server::admin;
use support::*;

async fn login_as(
    http: &reqwest::Client,
    base: &str,
    user: &str,
    password: &str,
    device: &str,
) -> reqwest::Response {
    http.post(format!("{base}/api/v1/login"))
        .json(&serde_json::json!({ "user": user, "password": password, "device_id": device }))
        .send()
        .await
        .unwrap()
}

/// Before: super1 logged in naming seat1's device (device ids travel in every pulled event),
/// pushed at its next sequence, and seat1's own next push was refused with 409 for ever.
#[tokio::test]
async fn a_device_belongs_to_its_user_and_another_cannot_log_in_on_it() {
    let (pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    let c = seat.new_case(1, chrono::Utc::now(), "complaint", "housing", "物业");
    assert!(seat.push(&http, &base, 1, &[c]).await.status().is_success());

    let r = login_as(&http, &base, "super1", PASSWORD, &seat.device).await;
    let (status, code) = error_of(r).await;
    assert_eq!((status, code.as_str()), (409, "login.device_taken"));

    // The seat goes on pushing at its own next sequence.
    let next = seat.new_case(2, chrono::Utc::now(), "complaint", "housing", "噪音");
    assert!(seat
        .push(&http, &base, 2, &[next])
        .await
        .status()
        .is_success());

    // An administrator releases the device (the desk was handed over): the seat's sessions end
    // and the next user to log in owns it.
    admin::release_device(&pool, &seat.device, chrono::Utc::now())
        .await
        .unwrap();
    let old = seat.get(&http, &base, "/api/v1/me").await;
    assert_eq!(old.status().as_u16(), 401);
    let r = login_as(&http, &base, "super1", PASSWORD, &seat.device).await;
    assert!(r.status().is_success());
    let r = login_as(&http, &base, "seat1", PASSWORD, &seat.device).await;
    assert_eq!(error_of(r).await.1, "login.device_taken");
}

/// Before: 400 wrong passwords at ~28/s, no lockout, nothing recorded.
#[tokio::test]
async fn wrong_passwords_lock_the_account_until_an_administrator_unlocks_it() {
    let (pool, base, http) = seeded_server().await;
    let device = "guesser-device-0001";
    for i in 0..hotline_server::login_guard::USER_LIMIT {
        let r = login_as(&http, &base, "seat1", &format!("guess {i}"), device).await;
        assert_eq!(error_of(r).await.1, "auth.login_failed");
    }
    // Now even the right password is refused, with a code saying why.
    let r = login_as(&http, &base, "seat1", PASSWORD, device).await;
    let (status, code) = error_of(r).await;
    assert_eq!((status, code.as_str()), (429, "login.locked"));
    // Other accounts are not locked by it.
    assert!(
        login_as(&http, &base, "super1", PASSWORD, "another-device-01")
            .await
            .status()
            .is_success()
    );

    admin::unlock_user(&pool, "seat1", chrono::Utc::now())
        .await
        .unwrap();
    assert!(login_as(&http, &base, "seat1", PASSWORD, device)
        .await
        .status()
        .is_success());
    let outcomes: Vec<(String, i64)> = sqlx::query_as(
        "SELECT outcome, count(*) FROM login_attempts WHERE user_name = 'seat1' GROUP BY outcome ORDER BY outcome",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let want: Vec<(String, i64)> = [("failed", 10), ("locked", 1), ("ok", 1), ("unlocked", 1)]
        .iter()
        .map(|(o, n)| (o.to_string(), *n))
        .collect();
    assert_eq!(outcomes, want, "every attempt is in the login audit");
}

/// Reads the stream until it ends; panics if it is still open after `secs`.
async fn ends_within(r: reqwest::Response, secs: u64) {
    let mut bytes = r.bytes_stream();
    tokio::time::timeout(std::time::Duration::from_secs(secs), async {
        while let Some(chunk) = bytes.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await
    .expect("the live stream closes when its session ends");
}

/// Before: after `user disable`, the open stream still received the next case, phone unmasked.
#[tokio::test]
async fn a_live_stream_closes_when_its_user_is_disabled_or_logs_out() {
    let (pool, base, http) = seeded_server().await;
    const STREAM: &str = "/api/v1/stream";
    let boss = login(&http, &base, "super1").await;
    let open = boss.get(&http, &base, STREAM).await;
    assert!(open.status().is_success());
    admin::disable_user(&pool, "super1", chrono::Utc::now())
        .await
        .unwrap();
    ends_within(open, 5).await;
    let again = boss.get(&http, &base, STREAM).await;
    assert_eq!(error_of(again).await.0, 401);

    let seat = login(&http, &base, "seat1").await;
    let open = seat.get(&http, &base, STREAM).await;
    let out = http
        .post(format!("{base}/api/v1/logout"))
        .bearer_auth(&seat.token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status().as_u16(), 204);
    ends_within(open, 5).await;
    let me = seat.get(&http, &base, "/api/v1/me").await;
    assert_eq!(error_of(me).await, (401, "auth.invalid".to_owned()));
}

/// Before: a complaint whose `received` said `answerable_on_spot: true` was closed on the spot
/// with no bureau ever seeing it, and an event for a case id that does not exist was stored.
#[tokio::test]
async fn the_server_decides_what_a_kind_allows_and_which_cases_exist() {
    use hotline_domain::case::{CaseId, EventBody};
    let (_pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    let now = chrono::Utc::now();
    let mut complaint = seat.new_case(1, now, "complaint", "housing", "物业不作为");
    let case = complaint.case;
    if let EventBody::Received(intake) = &mut complaint.body {
        intake.answerable_on_spot = true;
    }
    let on_spot = seat.event(
        case,
        now,
        EventBody::AnsweredOnSpot {
            answer: "已答复".into(),
            article: None,
        },
    );
    let orphan = seat.event(
        CaseId(uuid::Uuid::now_v7()),
        now,
        EventBody::Dispatched {
            bureau: "HRSS".into(),
            note: String::new(),
        },
    );
    let fine = seat.new_case(2, now, "consultation", "housing", "公积金提取");
    let mut again = seat.new_case(3, now, "consultation", "housing", "公积金提取");
    again.case = fine.case;
    let r = seat
        .push(&http, &base, 1, &[complaint, on_spot, orphan, fine, again])
        .await;
    assert_eq!(
        refusals_of(r).await,
        [
            "intake.not_policy",
            "push.unknown_case",
            "push.unknown_case",
            "push.case_exists"
        ]
    );
    let list: Vec<serde_json::Value> = seat
        .get(&http, &base, "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1, "only the well-formed consultation: {list:?}");
}

/// Before: a bureau handler recovered a masked number in 22 phone-prefix searches, none audited.
#[tokio::test]
async fn a_masked_role_finds_a_phone_only_by_the_whole_number_and_each_search_is_audited() {
    let (pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    let what = ("complaint", "social_security", "社保待遇核定投诉");
    seat.push_dispatched(&http, &base, chrono::Utc::now(), what, "HRSS")
        .await;
    let bureau = login(&http, &base, "hrss1").await;
    let search = |q: &'static str, token: String| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            http.get(format!("{base}/api/v1/search"))
                .query(&[("q", q)])
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Vec<serde_json::Value>>()
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(
        search("1381234", bureau.token.clone()).await,
        0,
        "no prefix"
    );
    assert_eq!(search("13812345678", bureau.token.clone()).await, 1);
    assert_eq!(
        search("1381234", seat.token.clone()).await,
        1,
        "a seat sees callers"
    );
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT target FROM audit WHERE action = 'search.phone' ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(audited, ["1381234: 0 found", "13812345678: 1 found"]);
}

/// Before: after a supervisor moved a case from HRSS to MARKET, HRSS still listed, searched,
/// unmasked and pulled it, the new bureau's dealings included. Now its seat receives the history
/// up to the re-dispatch (so it learns the case went elsewhere) and nothing after.
#[tokio::test]
async fn a_bureau_loses_a_case_that_was_redispatched_away_from_it() {
    use hotline_domain::case::EventBody;
    let (_pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    let now = chrono::Utc::now();
    let what = ("complaint", "social_security", "社保待遇核定投诉");
    let case = seat.push_dispatched(&http, &base, now, what, "HRSS").await;
    let hrss = login(&http, &base, "hrss1").await;
    assert_eq!(hrss.pull_all(&http, &base).await.len(), 2);

    let supervisor = login(&http, &base, "super1").await;
    let moved = supervisor.event(
        case,
        now,
        EventBody::Redispatched {
            from: "HRSS".into(),
            to: "MARKET".into(),
            note: "属市场监管职责".into(),
        },
    );
    let urged = supervisor.event(
        case,
        now,
        EventBody::Urged {
            bureau: "MARKET".into(),
            note: "请尽快签收".into(),
        },
    );
    let r = supervisor.push(&http, &base, 1, &[moved, urged]).await;
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["applied"], 2);

    let listed: Vec<serde_json::Value> = hrss
        .get(&http, &base, "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    assert!(listed.is_empty(), "listed: {listed:?}");
    let found: Vec<serde_json::Value> = hrss
        .get(&http, &base, "/api/v1/search?q=%E7%A4%BE%E4%BF%9D")
        .await
        .json()
        .await
        .unwrap();
    assert!(found.is_empty(), "searched: {found:?}");
    let unmask = http
        .post(format!("{base}/api/v1/cases/{}/unmask", case.0))
        .bearer_auth(&hrss.token)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(unmask).await.1, "case.not_found");
    let types: Vec<String> = hrss
        .pull_all(&http, &base)
        .await
        .iter()
        .map(|p| p["event"]["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, ["received", "dispatched", "redispatched"]);
    // The supervisor still sees all of it.
    assert_eq!(supervisor.pull_all(&http, &base).await.len(), 4);
}

/// Before: a bureau reply pushed today but dated weeks earlier was stored as dated, and turned a
/// late clock into `met`. Offline work keeps its own time — but not a time the device could not
/// have had: before its last pull, or before the server stored what it had seen of the case.
#[tokio::test]
async fn an_event_may_not_claim_a_time_its_device_could_not_have_had() {
    use hotline_domain::case::EventBody;
    let (pool, base, http) = seeded_server().await;
    let now = chrono::Utc::now();
    let days = chrono::Duration::days;
    // Recorded offline two days ago and pushed now: that is fine.
    let seat = login(&http, &base, "seat1").await;
    let what = ("complaint", "social_security", "社保待遇核定投诉");
    let case = seat
        .push_dispatched(&http, &base, now - days(2), what, "HRSS")
        .await;

    // A bureau desk that pulled the case cannot have signed for it a day ago.
    let desk = login(&http, &base, "hrss1").await;
    assert_eq!(desk.pull_all(&http, &base).await.len(), 2);
    let signed = |s: &Session, at, seen| {
        let mut e = s.event(
            case,
            at,
            EventBody::SignedFor {
                bureau: "HRSS".into(),
            },
        );
        e.seen = seen;
        e
    };
    // Even claiming to have seen nothing of the case.
    let r = desk
        .push(&http, &base, 1, &[signed(&desk, now - days(1), 0)])
        .await;
    assert_eq!(refusals_of(r).await, ["push.before_contact"]);

    // Another desk of the same handler never pulled, but had seen the case's two events.
    let laptop = login(&http, &base, "hrss1").await;
    let r = laptop
        .push(&http, &base, 1, &[signed(&laptop, now - days(1), 2)])
        .await;
    assert_eq!(refusals_of(r).await, ["push.before_seen"]);

    // Dated now, the same step is taken; a desk whose clock runs two hours behind dates it two
    // hours back, and that is taken too, and its clock is flagged.
    let r = laptop
        .push_with_clock(
            &http,
            &base,
            2,
            &[signed(&laptop, now - chrono::Duration::hours(2), 2)],
            Some(now - chrono::Duration::hours(2)),
        )
        .await;
    assert!(refusals_of(r).await.is_empty());
    let skew: Vec<serde_json::Value> =
        sqlx::query_scalar("SELECT detail FROM audit WHERE action = 'device.skew' AND target = $1")
            .bind(&laptop.device)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(skew.len(), 1);
    assert!((skew[0]["offset_secs"].as_i64().unwrap() + 7200).abs() < 60);

    let supervisor = login(&http, &base, "super1").await;
    let devices: Vec<serde_json::Value> = supervisor
        .get(&http, &base, "/api/v1/devices")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(devices[0]["device_id"], laptop.device.as_str());
    assert_eq!(devices[0]["skewed"], true);
    assert!(devices.len() > 1, "every device that synced: {devices:?}");
    // The dashboard's panel asks for the skewed ones only.
    let skewed: Vec<serde_json::Value> = supervisor
        .get(&http, &base, "/api/v1/devices?skewed=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(skewed.len(), 1, "{skewed:?}");
    assert_eq!(skewed[0]["device_id"], laptop.device.as_str());
    let (status, code) = error_of(desk.get(&http, &base, "/api/v1/devices").await).await;
    assert_eq!((status, code.as_str()), (403, "devices.role"));

    // Both times are kept: the claimed and the server's.
    let (claimed, stored): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as("SELECT at, stored_at FROM events WHERE case_id = $1 AND device_id = $2")
            .bind(case.0)
            .bind(&laptop.device)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(stored - claimed > chrono::Duration::minutes(119));
}

/// Before: only the description, the address and knowledge articles had a length limit; a
/// 1 MB urging note or caller name was stored and sent to every seat.
#[tokio::test]
async fn every_text_of_an_event_has_a_length_limit() {
    use hotline_domain::case::{limits, EventBody};
    let (_pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    let now = chrono::Utc::now();
    let what = ("complaint", "social_security", "社保待遇核定投诉");
    let case = seat.push_dispatched(&http, &base, now, what, "HRSS").await;
    let urge = |n: usize| {
        seat.event(
            case,
            now,
            EventBody::Urged {
                bureau: "HRSS".into(),
                note: "催".repeat(n),
            },
        )
    };
    let mut named = seat.new_case(2, now, "consultation", "housing", "公积金");
    if let EventBody::Received(intake) = &mut named.body {
        intake.caller.name = Some("名".repeat(limits::MAX_NAME_CHARS + 1));
    }
    let r = seat
        .push(
            &http,
            &base,
            3,
            &[
                urge(limits::MAX_NOTE_CHARS + 1),
                named,
                urge(limits::MAX_NOTE_CHARS),
            ],
        )
        .await;
    assert_eq!(
        refusals_of(r).await,
        ["event.too_long", "event.too_long"],
        "the note at its limit is taken"
    );
}

/// Before: no statement or acquire timeout: a slow query held its connection as long as it ran,
/// and requests queued behind a full pool for ever.
#[tokio::test]
async fn the_serving_pool_stops_a_long_statement_and_a_long_wait_with_clear_codes() {
    use hotline_server::error::ApiError;
    use hotline_server::state::{serving_pool, PoolLimits};
    use std::time::Duration;
    let (_pool, url) = database().await;
    let limits = PoolLimits {
        connections: 1,
        statement: Duration::from_millis(300),
        idle_transaction: Duration::from_secs(5),
        acquire: Duration::from_millis(300),
    };
    let nodes = hotline_server::database::Nodes::parse(&url).unwrap();
    let pool = serving_pool(&nodes, &limits).await.unwrap().pool;
    let slow = sqlx::query("SELECT pg_sleep(3)")
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(ApiError::from(slow).code, "server.timeout");
    let held = pool.acquire().await.unwrap();
    let waited = pool.acquire().await.unwrap_err();
    assert_eq!(ApiError::from(waited).code, "server.busy");
    drop(held);
    sqlx::query("SELECT 1").execute(&pool).await.unwrap();
}

/// Steps recorded offline keep their time, within the bounds; the report shows where they came
/// in much later than they claim (事后补录): both times are kept, and they differ by days here.
#[tokio::test]
async fn the_report_shows_steps_that_reached_the_server_days_after_their_date() {
    use hotline_server::report::{self, Period, PeriodKind};
    let (pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    let now = chrono::Utc::now();
    let what = ("complaint", "social_security", "社保待遇核定投诉");
    seat.push_dispatched(&http, &base, now - chrono::Duration::days(3), what, "HRSS")
        .await;
    let when = hotline_domain::time::local_date(now - chrono::Duration::days(3));
    let day = Period::holding(PeriodKind::Day, when).unwrap();
    let r = report::compute(&pool, &day, now).await.unwrap();
    assert_eq!(r.late_entries.count, 2, "received and dispatched");
    assert!(
        r.late_entries.max_hours >= 71.9,
        "{}",
        r.late_entries.max_hours
    );
    assert_eq!(r.late_entries.by_bureau[0].label, "热线中心");
    let table = report::table::summary(&r);
    assert!(table
        .rows
        .iter()
        .any(|row| matches!(&row[0], report::table::Cell::Text(t) if t.starts_with("事后补录"))));
}

/// Item 3: case numbers unique across devices. Before, the server stored whatever number a
/// `received` event carried: two desks of one seat pushing the day's `…-0001` at once, or a seat
/// writing another seat's prefix, left two cases under one number.
#[tokio::test]
async fn a_case_number_is_confirmed_or_renumbered_into_the_seats_own_prefix() {
    use chrono::Utc;
    use hotline_domain::case::EventBody;
    let (pool, base, http) = seeded_server().await;
    let (desk, other_desk) = (
        login(&http, &base, "seat1").await,
        login(&http, &base, "seat1").await,
    );
    let at = Utc::now();
    let first = desk.new_case(1, at, "consultation", "social_security", "社保卡补办");
    let twin = other_desk.new_case(1, at, "consultation", "social_security", "医保报销");
    let mut foreign = other_desk.new_case(2, at, "consultation", "social_security", "公积金提取");
    let number = |e: &hotline_domain::case::Event| match &e.body {
        EventBody::Received(i) => i.number.clone(),
        _ => unreachable!(),
    };
    let told = number(&first);
    let other_seat = hotline_domain::case::CaseNumber::new(told.date(), "B999", 7).unwrap();
    if let EventBody::Received(i) = &mut foreign.body {
        i.number = other_seat.clone();
    }
    // Both desks at once: one of them waits for the other's number.
    let pair = [twin.clone(), foreign.clone()];
    let (a, b) = tokio::join!(
        desk.push(&http, &base, 1, std::slice::from_ref(&first)),
        other_desk.push(&http, &base, 1, &pair)
    );
    assert!(refusals_of(a).await.is_empty() && refusals_of(b).await.is_empty());
    let numbers: Vec<(String, String)> =
        sqlx::query_as("SELECT number, search_text FROM cases ORDER BY number")
            .fetch_all(&pool)
            .await
            .unwrap();
    let prefix = format!("{}-{}-", told.date().format("%y%m%d"), told.seat());
    let held: Vec<&str> = numbers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        held,
        [
            format!("{prefix}0001"),
            format!("{prefix}0002"),
            format!("{prefix}0003")
        ],
        "three cases, three numbers, all of the seat's prefix"
    );
    // The numbers the callers were told stay searchable on the renumbered cases (the search
    // text is kept lower-case).
    let finds = |n: &str| {
        let n = n.to_lowercase();
        numbers.iter().filter(|(_, text)| text.contains(&n)).count()
    };
    assert_eq!(finds(&told.to_string()), 2);
    assert_eq!(finds(&other_seat.to_string()), 1);
    let reasons: Vec<String> = sqlx::query_scalar(
        "SELECT body->>'reason' FROM events WHERE body->>'type' = 'renumbered' ORDER BY body->>'number'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("已被其他工单使用")));
    assert!(reasons.iter().any(|r| r.contains("不属于本坐席")));
    // No user may renumber a case.
    let forged = desk.event(
        first.case,
        Utc::now(),
        EventBody::Renumbered {
            number: other_seat,
            reason: "换个号".into(),
        },
    );
    assert_eq!(
        refusals_of(desk.push(&http, &base, 2, &[forged]).await).await,
        ["push.forbidden"]
    );
}
