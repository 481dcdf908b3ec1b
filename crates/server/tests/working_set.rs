//! A new desk's first sync takes its working set, not the centre's history: the cases on a desk
//! in its scope and those its user worked on within the policy's window, whole, then the stream
//! from the cursor the first page fixed.

mod support;

use std::collections::BTreeSet;

use hotline_domain::case::{CaseStatus, EventBody};
use support::*;

/// Every case id of a desk's working set, page by page (`limit` cases a page), and its start.
async fn working_set(
    who: &Session,
    http: &reqwest::Client,
    base: &str,
    limit: usize,
) -> (BTreeSet<String>, String, usize) {
    let mut cases = BTreeSet::new();
    let mut query = format!("/api/v1/working-set?limit={limit}");
    let mut start: Option<String> = None;
    let mut pages = 0;
    loop {
        let r = who.get(http, base, &query).await;
        assert_eq!(r.status(), 200);
        let page: serde_json::Value = r.json().await.unwrap();
        pages += 1;
        for e in page["events"].as_array().unwrap() {
            cases.insert(e["event"]["case"].as_str().unwrap().to_owned());
        }
        let start = start.get_or_insert(page["start"].as_str().unwrap().to_owned());
        assert_eq!(
            page["start"].as_str().unwrap(),
            start,
            "the start stays as the first page fixed it"
        );
        match (page["next_part"].as_str(), page["next_after"].as_str()) {
            (Some(part), Some(after)) => {
                query = format!(
                    "/api/v1/working-set?limit={limit}&start={start}&part={part}&after={after}"
                )
            }
            _ => return (cases, start.clone(), pages),
        }
    }
}

#[tokio::test]
async fn a_new_desk_takes_its_desk_and_its_users_recent_work_then_the_stream_from_the_start() {
    // The instant the test means (a year's last half hour), on the server's clock and the steps'.
    let now = at("2026-12-31T23:30:00+08:00");
    let (pool, base, http) = seeded_server_at(now).await;
    let seat = login(&http, &base, "seat1").await;
    // Three open cases dispatched to HRSS, one answered on the spot (closed, seat1's work).
    let mut open = BTreeSet::new();
    for n in 0..3u32 {
        let received = seat.new_case(n + 1, now, "consultation", "social_security", "社保卡补办");
        let dispatch = seat.event(
            received.case,
            now,
            EventBody::Dispatched {
                bureau: "HRSS".into(),
                note: String::new(),
            },
        );
        open.insert(received.case.0.to_string());
        let r = seat
            .push(&http, &base, i64::from(n) * 2 + 1, &[received, dispatch])
            .await;
        assert!(r.status().is_success());
    }
    let answered = seat.new_case(9, now, "consultation", "housing", "公积金怎么提取");
    let closed = seat.event(
        answered.case,
        now,
        EventBody::AnsweredOnSpot {
            answer: "带身份证到网点办理".into(),
            article: None,
        },
    );
    let answered_id = answered.case.0.to_string();
    assert!(seat
        .push(&http, &base, 7, &[answered, closed])
        .await
        .status()
        .is_success());

    // The seat: what is on the desk and what it worked on, in pages of two cases.
    let (cases, start, pages) = working_set(&seat, &http, &base, 2).await;
    let mut want = open.clone();
    want.insert(answered_id.clone());
    assert_eq!(cases, want);
    assert!(pages >= 3, "paged: {pages}");
    // The supervisor: what is on the desk; the closed case is nobody's work of theirs.
    let boss = login(&http, &base, "super1").await;
    assert_eq!(working_set(&boss, &http, &base, 500).await.0, open);
    // The bureau: its cases on the desk, masked as it pulls them.
    let hrss = login(&http, &base, "hrss1").await;
    let r = hrss.get(&http, &base, "/api/v1/working-set").await;
    let page: serde_json::Value = r.json().await.unwrap();
    assert!(
        !page.to_string().contains("13812345678"),
        "the bureau sees callers masked"
    );
    assert_eq!(working_set(&hrss, &http, &base, 500).await.0, open);
    // The stream from the start brings what came after it, and nothing before.
    let pulled = seat.pull(&http, &base, &start).await;
    assert_eq!(pulled["events"].as_array().unwrap().len(), 0, "{pulled}");
    let _ = pool;
}

#[tokio::test]
async fn the_partial_index_of_cases_on_a_desk_lists_the_domains_statuses() {
    let (pool, _) = database().await;
    let def: String =
        sqlx::query_scalar("SELECT indexdef FROM pg_indexes WHERE indexname = 'cases_on_the_desk'")
            .fetch_one(&pool)
            .await
            .unwrap();
    for status in CaseStatus::ALL {
        assert_eq!(
            def.contains(&format!("'{}'", status.code())),
            status.on_the_desk(),
            "{status:?} in {def}"
        );
    }
}
