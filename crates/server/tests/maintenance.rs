//! Planned maintenance notices on the server (seed 001 §3.2.3): announced 3 working days ahead,
//! or earlier only with a supervisor's override and its reason; the server counts the days at
//! its own time; bad input is refused with its code and nothing is stored; every desk reads the
//! notices shown now.

mod support;

use serde_json::{json, Value};
use support::*;

async fn announce(http: &reqwest::Client, base: &str, token: &str, body: Value) -> (u16, Value) {
    let r = http
        .post(format!("{base}/api/v1/maintenance"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

fn draft(starts: &str, ends: &str, reason: Option<&str>) -> Value {
    json!({
        "service": "粤省事社保查询",
        "category": "social_security",
        "starts": starts,
        "ends": ends,
        "text": "系统升级，暂停社保查询",
        "override_reason": reason,
    })
}

#[tokio::test]
async fn maintenance_is_announced_three_working_days_ahead_or_with_a_supervisors_reason() {
    let (pool, _) = database().await;
    seed(&pool).await;
    // Monday 30 November 2026, 10:00 Beijing.
    let base = serve(&pool, TestClock::at("2026-11-30T02:00:00Z")).await;
    let http = reqwest::Client::new();
    let (seat, boss) = (
        login(&http, &base, "seat1").await,
        login(&http, &base, "super1").await,
    );
    // Wednesday night: 2 working days ahead.
    let wednesday = ("2026-12-02T14:00:00Z", "2026-12-02T18:00:00Z");
    let (status, e) = announce(
        &http,
        &base,
        &boss.token,
        draft(wednesday.0, wednesday.1, None),
    )
    .await;
    assert_eq!(
        (status, e["code"].as_str()),
        (422, Some("maintenance.short_notice")),
        "{e}"
    );
    let (status, e) = announce(
        &http,
        &base,
        &boss.token,
        draft(wednesday.0, wednesday.1, Some(" ")),
    )
    .await;
    assert_eq!(
        (status, e["code"].as_str()),
        (422, Some("maintenance.override_reason")),
        "{e}"
    );
    let (status, e) = announce(
        &http,
        &base,
        &boss.token,
        draft(wednesday.1, wednesday.0, Some("紧急")),
    )
    .await;
    assert_eq!(
        (status, e["code"].as_str()),
        (422, Some("maintenance.window")),
        "{e}"
    );
    let (status, e) = announce(
        &http,
        &base,
        &seat.token,
        draft("2026-12-03T14:00:00Z", "2026-12-03T18:00:00Z", None),
    )
    .await;
    assert_eq!(
        (status, e["code"].as_str()),
        (403, Some("maintenance.forbidden")),
        "{e}"
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM maintenance_notices")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "a refused announcement stores nothing");

    // Thursday night: 3 working days ahead, accepted as it is.
    let (status, thu) = announce(
        &http,
        &base,
        &boss.token,
        draft("2026-12-03T14:00:00Z", "2026-12-03T18:00:00Z", None),
    )
    .await;
    assert_eq!(status, 200, "{thu}");
    assert_eq!(thu["notice_working_days"], 3);
    assert!(thu["override_reason"].is_null());
    // Wednesday with the supervisor's reason: accepted, the override kept with who gave it.
    let (status, wed) = announce(
        &http,
        &base,
        &boss.token,
        draft(wednesday.0, wednesday.1, Some("安全漏洞紧急修复")),
    )
    .await;
    assert_eq!(status, 200, "{wed}");
    assert_eq!(
        (
            wed["notice_working_days"].as_u64(),
            wed["override_reason"].as_str()
        ),
        (Some(2), Some("安全漏洞紧急修复"))
    );
    assert_eq!(wed["announced_by"], "super1");

    // Every desk reads both, soonest first.
    for who in [&seat, &boss] {
        let shown: Vec<Value> = http
            .get(format!("{base}/api/v1/maintenance"))
            .bearer_auth(&who.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ids: Vec<&Value> = shown.iter().map(|n| &n["id"]).collect();
        assert_eq!(ids, [&wed["id"], &thu["id"]]);
    }
}
