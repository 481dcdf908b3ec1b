#![allow(clippy::cloned_ref_to_slice_refs)] // slices of one cloned event read better in these tests
//! Push and pull against a real PostgreSQL on a real port: exactly once, never skipping, scoped.

mod support;

use chrono::Duration;
use hotline_domain::case::{BureauCode, EventBody};
use support::*;

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

#[tokio::test]
async fn a_push_applies_once_whatever_the_retries_and_a_gap_is_refused() {
    let (pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;

    let c = seat.new_case(1, now(), "complaint", "market_regulation", "商家拒绝退款");
    let d = seat.event(
        c.case,
        now(),
        EventBody::Dispatched {
            bureau: BureauCode::from("MARKET"),
            note: String::new(),
        },
    );
    let r: serde_json::Value = seat
        .push(&http, &base, 1, &[c.clone(), d.clone()])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            r["applied"].as_i64(),
            r["duplicates"].as_i64(),
            r["last_seq"].as_i64()
        ),
        (Some(2), Some(0), Some(2))
    );
    // The response was lost; the client retries the same batch.
    let r: serde_json::Value = seat
        .push(&http, &base, 1, &[c.clone(), d.clone()])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (r["applied"].as_i64(), r["duplicates"].as_i64()),
        (Some(0), Some(2))
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 2);

    // A gap in the device sequence means an event would be lost: refused, nothing written.
    let e = seat.event(
        c.case,
        now(),
        EventBody::Escalated {
            note: "升级".into(),
            clock: None,
            to: vec![],
        },
    );
    let (status, code) = error_of(seat.push(&http, &base, 4, &[e.clone()]).await).await;
    assert_eq!((status, code.as_str()), (409, "push.sequence_gap"));
    // The same event under a new sequence number is a replay: refused alone.
    assert_eq!(
        refusals_of(seat.push(&http, &base, 3, &[c.clone()]).await).await,
        ["push.replayed"]
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 2);

    let status: String = sqlx::query_scalar("SELECT status FROM cases WHERE id = $1")
        .bind(c.case.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "dispatched");
}

/// Today's seats stop for good behind one refused event (issue: the trust boundary); the server
/// now answers each event on its own and uses up the refused one's sequence number.
#[tokio::test]
async fn a_refused_event_never_blocks_the_events_after_it() {
    let (pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    let c = seat.new_case(1, now(), "complaint", "market_regulation", "商家拒绝退款");
    let wrong = seat.event(
        c.case,
        now(),
        EventBody::Dispatched {
            bureau: BureauCode::from("NOPE"),
            note: String::new(),
        },
    );
    let right = seat.event(
        c.case,
        now(),
        EventBody::Dispatched {
            bureau: BureauCode::from("MARKET"),
            note: "改派正确单位".into(),
        },
    );
    let batch = [c.clone(), wrong.clone(), right.clone()];
    let r: serde_json::Value = seat
        .push(&http, &base, 1, &batch)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            r["applied"].as_i64(),
            r["duplicates"].as_i64(),
            r["last_seq"].as_i64()
        ),
        (Some(2), Some(0), Some(3)),
        "{r}"
    );
    assert_eq!(r["refused"][0]["device_seq"], 2);
    assert_eq!(r["refused"][0]["event"], wrong.id.0.to_string());
    assert_eq!(r["refused"][0]["code"], "push.unknown_bureau");
    // The answer was lost and the seat sends the same push again: the refusal is given again.
    let again: serde_json::Value = seat
        .push(&http, &base, 1, &batch)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (again["applied"].as_i64(), again["duplicates"].as_i64()),
        (Some(0), Some(2))
    );
    assert_eq!(again["refused"], r["refused"]);
    // What the seat records next flows as usual.
    let next = seat.event(
        c.case,
        now(),
        EventBody::Escalated {
            note: "升级".into(),
            clock: None,
            to: vec![],
        },
    );
    let r: serde_json::Value = seat
        .push(&http, &base, 4, &[next])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (r["applied"].as_i64(), r["last_seq"].as_i64()),
        (Some(1), Some(4))
    );
    let bureaus: Vec<String> =
        sqlx::query_scalar("SELECT bureau FROM case_bureaus WHERE case_id = $1")
            .bind(c.case.0)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(bureaus, ["MARKET"]);
    let kept: (String, String) = sqlx::query_as(
        "SELECT code, body->'event'->>'id' FROM refused_events WHERE device_seq = 2",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        kept,
        ("push.unknown_bureau".to_owned(), wrong.id.0.to_string()),
        "the server keeps what it refused"
    );
    // Another event under the refused one's number is not that event.
    let other = seat.event(
        c.case,
        now(),
        EventBody::Escalated {
            note: "另一个".into(),
            clock: None,
            to: vec![],
        },
    );
    assert_eq!(
        error_of(seat.push(&http, &base, 2, &[other]).await).await,
        (409, "push.sequence_reused".into())
    );
}

#[tokio::test]
async fn the_pull_cursor_never_passes_an_event_that_commits_later_with_a_lower_number() {
    let (pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE name = 'seat1'")
        .fetch_one(&pool)
        .await
        .unwrap();

    // Transaction 1 writes an event and takes the lower position, but does not commit yet.
    let slow = seat.new_case(1, now(), "consultation", "platform_usage", "慢事务里的工单");
    let mut t1 = pool.begin().await.unwrap();
    let slow_pos: i64 = sqlx::query_scalar(
        "INSERT INTO events (id, case_id, device_id, device_seq, user_id, at, stored_at, body) VALUES ($1, $2, 'slow-device', 1, $3, $4, $4, $5) RETURNING pos",
    )
    .bind(slow.id.0)
    .bind(slow.case.0)
    .bind(user_id)
    .bind(slow.at)
    .bind(sqlx::types::Json(&slow))
    .fetch_one(&mut *t1)
    .await
    .unwrap();

    // Transaction 2 (a whole push) takes a higher position and commits first.
    let fast = seat.new_case(2, now(), "consultation", "platform_usage", "快事务里的工单");
    assert!(seat
        .push(&http, &base, 1, &[fast.clone()])
        .await
        .status()
        .is_success());
    let fast_pos: i64 = sqlx::query_scalar("SELECT pos FROM events WHERE id = $1")
        .bind(fast.id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(slow_pos < fast_pos, "the interleaving this test is about");

    // While transaction 1 runs, the pull hands out nothing past it (the committed later event
    // included), so the cursor cannot move beyond the slow event.
    let page = seat.pull(&http, &base, "").await;
    assert_eq!(page["events"].as_array().unwrap().len(), 0, "{page}");
    assert_eq!(
        page["held"], true,
        "the committed later event is reported as held back"
    );
    let cursor = page["next"].as_str().unwrap().to_owned();

    t1.commit().await.unwrap();
    // Writers in other tests' databases share the cluster's transaction ids and may hold the
    // horizon back a moment: poll (bounded) until both arrive, then check the order.
    let mut ids: Vec<String> = Vec::new();
    let mut next = cursor;
    for _ in 0..100 {
        let page = seat.pull(&http, &base, &next).await;
        ids.extend(
            page["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["event"]["id"].as_str().unwrap().to_owned()),
        );
        next = page["next"].as_str().unwrap().to_owned();
        if ids.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        ids,
        vec![slow.id.0.to_string(), fast.id.0.to_string()],
        "both, the lower-numbered one first"
    );
    let again = seat.pull(&http, &base, &next).await;
    assert!(again["events"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_bureau_receives_only_its_cases_with_their_history_and_the_caller_masked() {
    let (pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    let hrss = login(&http, &base, "hrss1").await;

    let mine = seat.new_case(1, now(), "consultation", "social_security", "社保卡补办");
    let theirs = seat.new_case(2, now(), "complaint", "market_regulation", "商家拒绝退款");
    let to_hrss = seat.event(
        mine.case,
        now(),
        EventBody::Dispatched {
            bureau: BureauCode::from("HRSS"),
            note: String::new(),
        },
    );
    let to_market = seat.event(
        theirs.case,
        now(),
        EventBody::Dispatched {
            bureau: BureauCode::from("MARKET"),
            note: String::new(),
        },
    );
    assert!(seat
        .push(&http, &base, 1, &[mine.clone(), theirs.clone()])
        .await
        .status()
        .is_success());
    assert!(seat
        .push(&http, &base, 3, &[to_hrss.clone(), to_market])
        .await
        .status()
        .is_success());

    let events = hrss.pull_at_least(&http, &base, 2).await;
    let cases: std::collections::BTreeSet<&str> = events
        .iter()
        .map(|e| e["event"]["case"].as_str().unwrap())
        .collect();
    assert_eq!(
        cases.into_iter().collect::<Vec<_>>(),
        vec![mine.case.0.to_string()]
    );
    let received = events
        .iter()
        .find(|e| e["event"]["type"] == "received")
        .expect("the history before the dispatch");
    assert_eq!(
        received["event"]["number"].as_str(),
        mine_number(&mine).as_deref()
    );
    assert_eq!(received["event"]["caller"]["phone"], "138****5678");
    assert_eq!(
        received["event"]["caller"]["id_number"],
        "44**************34"
    );

    let list: Vec<serde_json::Value> = http
        .get(format!("{base}/api/v1/cases"))
        .bearer_auth(&hrss.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["phone"], "138****5678");
    // The seat sees both, unmasked.
    let list: Vec<serde_json::Value> = http
        .get(format!("{base}/api/v1/cases"))
        .bearer_auth(&seat.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|c| c["phone"] == "13812345678"));

    // Unmasking is allowed in scope and audited; out of scope it is not found.
    let r: serde_json::Value = http
        .post(format!("{base}/api/v1/cases/{}/unmask", mine.case.0))
        .bearer_auth(&hrss.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["phone"], "13812345678");
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit WHERE action = 'case.unmask'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);
    let r = http
        .post(format!("{base}/api/v1/cases/{}/unmask", theirs.case.0))
        .bearer_auth(&hrss.token)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await, (404, "case.not_found".into()));

    // The bureau signs for it; a bureau may not sign for another bureau.
    let sign = hrss.event(
        mine.case,
        now(),
        EventBody::SignedFor {
            bureau: BureauCode::from("HRSS"),
        },
    );
    assert!(hrss
        .push(&http, &base, 1, &[sign])
        .await
        .status()
        .is_success());
    let foreign = hrss.event(
        theirs.case,
        now(),
        EventBody::SignedFor {
            bureau: BureauCode::from("MARKET"),
        },
    );
    assert_eq!(
        refusals_of(hrss.push(&http, &base, 2, &[foreign]).await).await,
        ["push.forbidden"]
    );
}

fn mine_number(e: &hotline_domain::case::Event) -> Option<String> {
    match &e.body {
        EventBody::Received(i) => Some(i.number.to_string()),
        _ => None,
    }
}

#[tokio::test]
async fn two_seats_acting_apart_keep_both_steps_and_the_case_is_flagged() {
    let (pool, base, http) = seeded_server().await;
    let a = login(&http, &base, "seat1").await;
    let b = login(&http, &base, "super1").await;
    let c = a.new_case(1, now(), "consultation", "social_security", "社保转移");
    assert!(a
        .push(&http, &base, 1, &[c.clone()])
        .await
        .status()
        .is_success());
    // Both answered the caller while apart (neither saw the other's reply).
    let ra = a.event(
        c.case,
        now(),
        EventBody::Replied {
            bureau: None,
            text: "A 的答复".into(),
        },
    );
    let rb = b.event(
        c.case,
        now() + Duration::seconds(1),
        EventBody::Replied {
            bureau: None,
            text: "B 的答复".into(),
        },
    );
    assert!(a
        .push(&http, &base, 2, &[ra.clone()])
        .await
        .status()
        .is_success());
    assert!(b
        .push(&http, &base, 1, &[rb.clone()])
        .await
        .status()
        .is_success());
    let (conflicts, events): (i32, i64) = sqlx::query_as("SELECT conflicts, (SELECT count(*) FROM events WHERE case_id = $1) FROM cases WHERE id = $1")
        .bind(c.case.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        (conflicts, events),
        (1, 3),
        "both replies kept, one flagged"
    );
}

#[tokio::test]
async fn bad_input_gets_a_4xx_with_a_code_and_nothing_is_half_written() {
    let (pool, _) = database().await;
    seed(&pool).await;
    let clock = TestClock::at(&now().to_rfc3339());
    let base = serve(&pool, clock.clone()).await;
    let http = reqwest::Client::new();
    let seat = login(&http, &base, "seat1").await;
    let push_raw = |body: String| {
        let http = http.clone();
        let url = format!("{base}/api/v1/push");
        let token = seat.token.clone();
        async move {
            http.post(url)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        error_of(push_raw("{not json".into()).await).await,
        (400, "push.malformed".into())
    );
    assert_eq!(
        error_of(
            push_raw(format!(
                r#"{{"device_id":"{}","events":[{{"device_seq":"one","event":{{}}}}]}}"#,
                seat.device
            ))
            .await
        )
        .await,
        (400, "push.malformed".into())
    );
    assert_eq!(
        error_of(
            push_raw(format!(
                r#"{{"device_id":"{}","events":[],"extra":1}}"#,
                seat.device
            ))
            .await
        )
        .await,
        (400, "push.malformed".into())
    );
    // Whatever is wrong with one event, it is refused alone, with its code, and uses up its
    // sequence number: the events around it are applied, nothing of it is written.
    let mut unknown_type =
        serde_json::to_value(seat.new_case(1, now(), "complaint", "housing", "物业")).unwrap();
    unknown_type["type"] = "teleported".into();
    let body = serde_json::json!({"device_id": seat.device, "events": [{"device_seq": 1, "event": unknown_type}]});
    assert_eq!(
        refusals_of(push_raw(body.to_string()).await).await,
        ["push.unreadable"]
    );
    let ok = seat.new_case(1, now(), "complaint", "housing", "物业不作为");
    let mut huge = seat.new_case(2, now(), "complaint", "housing", "x");
    if let EventBody::Received(i) = &mut huge.body {
        i.description = "诉".repeat(350_000);
    }
    let nowhere = seat.event(
        ok.case,
        now(),
        EventBody::Dispatched {
            bureau: BureauCode::from("NOWHERE"),
            note: String::new(),
        },
    );
    assert_eq!(
        refusals_of(
            seat.push(&http, &base, 2, &[ok.clone(), huge, nowhere])
                .await
        )
        .await,
        ["intake.description_too_long", "push.unknown_bureau"]
    );
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    let cases: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    let refused: i64 = sqlx::query_scalar("SELECT count(*) FROM refused_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((events, cases, refused), (1, 1, 3));

    // Forged and expired tokens.
    let forged = http
        .get(format!("{base}/api/v1/pull"))
        .bearer_auth("0".repeat(64))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(forged).await, (401, "auth.invalid".into()));
    clock.advance(Duration::hours(13));
    let expired = http
        .get(format!("{base}/api/v1/pull"))
        .bearer_auth(&seat.token)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(expired).await, (401, "auth.expired".into()));
}

#[tokio::test]
async fn a_disabled_user_loses_access_at_once() {
    let (pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    assert!(http
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&seat.token)
        .send()
        .await
        .unwrap()
        .status()
        .is_success());
    hotline_server::admin::disable_user(&pool, "seat1", now())
        .await
        .unwrap();
    let r = http
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&seat.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = http
        .post(format!("{base}/api/v1/login"))
        .json(&serde_json::json!({"user": "seat1", "password": PASSWORD, "device_id": seat.device}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await, (401, "auth.disabled".into()));
}

#[tokio::test]
async fn search_on_the_server_finds_two_character_terms() {
    let (_pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    let events = vec![
        seat.new_case(
            1,
            now(),
            "consultation",
            "social_security",
            "社保卡补办进度",
        ),
        seat.new_case(2, now(), "consultation", "social_security", "医保报销比例"),
        seat.new_case(3, now(), "complaint", "urban_management", "社区保洁不到位"),
    ];
    assert!(seat
        .push(&http, &base, 1, &events)
        .await
        .status()
        .is_success());
    let search = |q: &'static str| {
        let (http, base, token) = (http.clone(), base.clone(), seat.token.clone());
        async move {
            let v: Vec<serde_json::Value> = http
                .get(format!("{base}/api/v1/search"))
                .bearer_auth(token)
                .query(&[("q", q)])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v.len()
        }
    };
    assert_eq!(
        search("社保").await,
        1,
        "社区…保洁 has both characters but not adjacent"
    );
    assert_eq!(search("医保").await, 1);
    assert_eq!(search("补办进度").await, 1);
    assert_eq!(search("保").await, 3);
    assert_eq!(search("13812").await, 3);
}

#[tokio::test]
async fn an_imported_calendar_year_is_kept_and_replayed_and_a_bad_one_refused() {
    let (pool, _) = database().await;
    let now = now();
    let before = hotline_server::calendar::load(&pool).await.unwrap();
    assert!(
        !before.is_workday("2027-02-20".parse().unwrap()).unwrap(),
        "a provisional Saturday rests before the notice"
    );
    let csv = "year,date,kind,name\n2027,2027-01-01,rest,元旦\n2027,2027-02-20,work,春节\n";
    let years = |name: &str, text: &str| hotline_domain::calendar::parse_any(name, text).unwrap();
    let s = hotline_server::calendar::import(&pool, "2027.csv", years("2027.csv", csv), now)
        .await
        .unwrap();
    assert_eq!(s.summary.years, vec![2027]);
    let cal = hotline_server::calendar::load(&pool).await.unwrap();
    assert!(cal.is_workday("2027-02-20".parse().unwrap()).unwrap());
    let bad = "year,date,kind,name\n2027,2027-02-22,work,春节\n";
    assert!(
        hotline_server::calendar::import(&pool, "bad.csv", years("bad.csv", bad), now)
            .await
            .is_err()
    );
    let imports: i64 = sqlx::query_scalar("SELECT count(*) FROM calendar_imports")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(imports, 1);
}

#[tokio::test]
async fn two_seats_dispatching_one_case_apart_to_different_bureaus_keep_both_and_flag_it() {
    let (pool, base, http) = seeded_server().await;
    let a = login(&http, &base, "seat1").await;
    let b = login(&http, &base, "super1").await;
    let c = a.new_case(1, now(), "complaint", "market_regulation", "商家拒绝退款");
    assert!(a
        .push(&http, &base, 1, std::slice::from_ref(&c))
        .await
        .status()
        .is_success());
    // Both had seen only the `received` event when each dispatched, to a different bureau.
    let mut to_market = a.event(
        c.case,
        now(),
        EventBody::Dispatched {
            bureau: BureauCode::from("MARKET"),
            note: String::new(),
        },
    );
    let mut to_hrss = b.event(
        c.case,
        now(),
        EventBody::Dispatched {
            bureau: BureauCode::from("HRSS"),
            note: String::new(),
        },
    );
    to_market.seen = 1;
    to_hrss.seen = 1;
    assert!(a
        .push(&http, &base, 2, &[to_market])
        .await
        .status()
        .is_success());
    assert!(b
        .push(&http, &base, 1, &[to_hrss])
        .await
        .status()
        .is_success());
    let (conflicts, state): (i32, serde_json::Value) =
        sqlx::query_as("SELECT conflicts, state FROM cases WHERE id = $1")
            .bind(c.case.0)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(conflicts, 1, "flagged for a supervisor");
    let bureaus: Vec<&str> = state["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["bureau"].as_str().unwrap())
        .collect();
    assert_eq!(bureaus, ["MARKET", "HRSS"], "both dispatches stand");
}

/// The server decides which clocks a case runs (issue: one truth for every deadline). On the
/// code before, a `received` complaint pushed with `clocks: []` was stored with no clocks, and one
/// with a made-up clock counted it.
#[tokio::test]
async fn a_received_event_with_other_clocks_than_the_policys_is_corrected_by_the_server() {
    let (pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    let honest = seat.new_case(1, now(), "complaint", "market_regulation", "商家拒绝退款");
    let mut none = seat.new_case(2, now(), "complaint", "market_regulation", "商家拒绝退款");
    let mut padded = seat.new_case(3, now(), "complaint", "market_regulation", "商家拒绝退款");
    let EventBody::Received(policy) = &honest.body else {
        unreachable!()
    };
    let policy_keys: Vec<String> = policy.clocks.iter().map(|c| c.key.clone()).collect();
    if let EventBody::Received(i) = &mut none.body {
        i.clocks.clear();
    }
    if let EventBody::Received(i) = &mut padded.body {
        for c in &mut i.clocks {
            c.amount = hotline_domain::sla::SlaAmount::WorkingDays(365); // a year for everything
        }
    }
    let r: serde_json::Value = seat
        .push(
            &http,
            &base,
            1,
            &[honest.clone(), none.clone(), padded.clone()],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["applied"], 3, "{r}");
    let corrections: Vec<uuid::Uuid> = sqlx::query_scalar(
        "SELECT case_id FROM events WHERE body->>'type' = 'clocks_corrected' ORDER BY case_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut expected = vec![none.case.0, padded.case.0];
    expected.sort();
    assert_eq!(
        corrections, expected,
        "the honest seat's case needs no correction"
    );
    let runs = |case: hotline_domain::case::CaseId| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (String, i64)>("SELECT clock, extract(epoch FROM due_at - started_at)::bigint FROM clock_runs WHERE case_id = $1 ORDER BY clock")
                .bind(case.0)
                .fetch_all(&pool)
                .await
                .unwrap()
        }
    };
    let reference = runs(honest.case).await;
    assert!(!reference.is_empty() && policy_keys.iter().any(|k| k == "dispatch"));
    let policy_json = serde_json::to_value(&policy.clocks).unwrap();
    for case in [none.case, padded.case] {
        assert_eq!(
            runs(case).await,
            reference,
            "case {case:?} runs the policy's clocks with the policy's budgets"
        );
        let state: serde_json::Value = sqlx::query_scalar("SELECT state FROM cases WHERE id = $1")
            .bind(case.0)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(state["intake"]["clocks"], policy_json, "{case:?}");
    }
    // The seat learns it by pulling: the correction, recorded by the server, says why.
    let pulled = seat.pull_all(&http, &base).await;
    let fix = pulled
        .iter()
        .find(|e| e["event"]["type"] == "clocks_corrected")
        .unwrap();
    assert_eq!(fix["event"]["actor"]["role"], "system");
    assert!(
        fix["event"]["reason"]
            .as_str()
            .unwrap()
            .contains("已按政策更正"),
        "{fix}"
    );
    // No user may record a correction.
    let forged = seat.event(
        honest.case,
        now(),
        EventBody::ClocksCorrected {
            clocks: vec![],
            reason: "少一点".into(),
        },
    );
    assert_eq!(
        refusals_of(seat.push(&http, &base, 4, &[forged]).await).await,
        ["push.forbidden"]
    );
}

/// The callback rule is the domain's (issue: every rule written once). Before, the server stored
/// a dissatisfied callback without the caller's words, and the case stayed replied unless the
/// seat also sent a `reopened` step. Now the words are required at push, and the callback itself
/// sends the case back to the bureau; a seat that still sends its own `reopened` after it (builds
/// before 2026-12) gets the same case, and no conflict.
#[tokio::test]
async fn a_dissatisfied_callback_needs_the_callers_words_and_reopens_the_case_itself() {
    use hotline_domain::case::Satisfaction;
    let (pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    let hrss = login(&http, &base, "hrss1").await;
    // Each step after the server stored the steps its author had seen.
    let at = chrono::Utc::now();
    let replied = |case, n: u32| {
        let b = BureauCode::from("HRSS");
        [
            hrss.event(
                case,
                at + Duration::minutes(1),
                EventBody::SignedFor { bureau: b.clone() },
            ),
            hrss.event(
                case,
                at + Duration::minutes(n as i64 + 2),
                EventBody::Replied {
                    bureau: Some(b),
                    text: "已答复".into(),
                },
            ),
        ]
    };
    let (a, b) = (
        seat.new_case(1, at, "consultation", "social_security", "社保卡补办"),
        seat.new_case(2, at, "consultation", "social_security", "医保报销"),
    );
    let dispatch = |e: &hotline_domain::case::Event| {
        seat.event(
            e.case,
            at,
            EventBody::Dispatched {
                bureau: "HRSS".into(),
                note: String::new(),
            },
        )
    };
    let (da, db) = (dispatch(&a), dispatch(&b));
    let (case_a, case_b) = (a.case, b.case);
    assert!(
        refusals_of(seat.push(&http, &base, 1, &[a, da, b, db]).await)
            .await
            .is_empty()
    );
    let mut steps = replied(case_a, 0).to_vec();
    steps.extend(replied(case_b, 1));
    assert!(refusals_of(hrss.push(&http, &base, 1, &steps).await)
        .await
        .is_empty());

    let call = |case, comment: &str| {
        seat.event(
            case,
            at + Duration::hours(1),
            EventBody::CalledBack {
                satisfaction: Satisfaction::Dissatisfied,
                comment: comment.into(),
            },
        )
    };
    assert_eq!(
        refusals_of(seat.push(&http, &base, 5, &[call(case_a, "  ")]).await).await,
        ["callback.reason_required"]
    );
    let legacy_reopen = seat.event(
        case_b,
        at + Duration::hours(1),
        EventBody::Reopened {
            reason: "回访不满意：没解决".into(),
        },
    );
    let pushed = seat
        .push(
            &http,
            &base,
            6,
            &[
                call(case_a, "没解决"),
                call(case_b, "没解决"),
                legacy_reopen,
            ],
        )
        .await;
    assert!(refusals_of(pushed).await.is_empty());
    for case in [case_a, case_b] {
        let (status, conflicts, bureau): (String, i32, String) = sqlx::query_as(
            "SELECT c.status, c.conflicts, b.status FROM cases c JOIN case_bureaus b ON b.case_id = c.id WHERE c.id = $1",
        )
        .bind(case.0)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            (status.as_str(), conflicts, bureau.as_str()),
            ("dispatched", 0, "dispatched"),
            "{case:?}: back with the bureau, as the seat's own reopening would have done"
        );
    }
}
