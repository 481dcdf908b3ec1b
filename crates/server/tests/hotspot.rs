//! 热点预警 on the server: a burst of one category in one street raises one warning, on the
//! cluster's first case, to the supervisors on duty, once; merging the cluster under it leaves
//! one case to dispatch.

mod support;

use chrono::Duration;
use hotline_domain::case::{CaseId, Event, EventBody};
use support::*;

/// A complaint about noise at `address`, received at `at` (Beijing 越秀区).
fn noise(seat: &Session, seq: u32, at: chrono::DateTime<chrono::Utc>, address: &str) -> Event {
    let mut e = seat.new_case(seq, at, "complaint", "environment", "夜间施工噪音扰民");
    if let EventBody::Received(intake) = &mut e.body {
        intake.address = address.into();
    }
    e
}

#[tokio::test]
async fn a_burst_in_one_street_raises_one_warning_and_merges_into_one_case() {
    let (pool, _) = database().await;
    seed(&pool).await;
    // 14:00 in Beijing.
    let now = at("2026-11-26T06:00:00Z");
    let base = serve(&pool, TestClock::at("2026-11-26T06:00:00Z")).await;
    let http = reqwest::Client::new();
    let seat = login(&http, &base, "seat1").await;
    // The usual level: three noise complaints in the district over the four weeks before, none
    // in 中山街; today twelve in 中山街 from 08:00 and two elsewhere in the district.
    let mut events = Vec::new();
    for (i, days) in [3, 9, 20].into_iter().enumerate() {
        events.push(noise(
            &seat,
            1 + i as u32,
            now - Duration::days(days),
            "越秀区解放路5号",
        ));
    }
    for i in 0..12 {
        let at = at("2026-11-26T00:00:00Z") + Duration::minutes(20 * i);
        events.push(noise(
            &seat,
            10 + i as u32,
            at,
            &format!("越秀区中山街{}号", 10 + i),
        ));
    }
    for i in 0..2 {
        events.push(noise(
            &seat,
            30 + i,
            now - Duration::minutes(30),
            "越秀区东风路8号",
        ));
    }
    let r = seat.push(&http, &base, 1, &events).await;
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["refused"].as_array().map(Vec::len), Some(0), "{body}");

    let cal = calendar();
    assert_eq!(
        hotline_server::hotspot::run_once(&pool, &cal, now)
            .await
            .unwrap(),
        1
    );
    // Once a day: the next pass raises nothing, the cluster growing or not.
    assert_eq!(
        hotline_server::hotspot::run_once(&pool, &cal, now + Duration::minutes(1))
            .await
            .unwrap(),
        0
    );
    let raised: Vec<serde_json::Value> =
        sqlx::query_scalar("SELECT whole_event(body, id, case_id, device_id) AS body FROM events WHERE body->>'type' = 'hotspot_raised'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        raised.len(),
        1,
        "one warning: the street, not also its district"
    );
    let h = &raised[0];
    let lead = events[3].case; // the first of the twelve
    assert_eq!(h["case"], lead.0.to_string());
    assert_eq!(h["place"]["street"], "越秀区中山街");
    assert_eq!(h["count"], 12);
    assert_eq!(h["baseline"], 0);
    assert_eq!(h["to"], serde_json::json!(["super1"]));
    let cluster: Vec<CaseId> = serde_json::from_value(h["cases"].clone()).unwrap();
    assert_eq!(cluster.len(), 12);
    assert_eq!(cluster[0], lead);

    // The supervisor merges the cluster under its lead: one case left to dispatch.
    let boss = login(&http, &base, "super1").await;
    let merges: Vec<Event> = cluster[1..]
        .iter()
        .map(|c| {
            boss.event(
                *c,
                now + Duration::minutes(2),
                EventBody::MergedInto { into: lead },
            )
        })
        .collect();
    let r = boss.push(&http, &base, 1, &merges).await;
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["refused"].as_array().map(Vec::len), Some(0), "{body}");
    let open: Vec<String> =
        sqlx::query_scalar("SELECT status FROM cases WHERE id = ANY($1) AND status <> 'merged'")
            .bind(cluster.iter().map(|c| c.0).collect::<Vec<_>>())
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(open, ["received"]);
}
