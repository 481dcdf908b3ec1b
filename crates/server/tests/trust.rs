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
    let stream = |token: String| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            http.get(format!("{base}/api/v1/stream"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
        }
    };
    let boss = login(&http, &base, "super1").await;
    let open = stream(boss.token.clone()).await;
    assert!(open.status().is_success());
    admin::disable_user(&pool, "super1", chrono::Utc::now())
        .await
        .unwrap();
    ends_within(open, 5).await;
    let again = stream(boss.token.clone()).await;
    assert_eq!(error_of(again).await.0, 401);

    let seat = login(&http, &base, "seat1").await;
    let open = stream(seat.token.clone()).await;
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
