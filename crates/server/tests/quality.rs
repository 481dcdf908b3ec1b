//! 质检: a month's sample is drawn reproducibly for every seat (the domain's draw, recomputed
//! here from the cases), scored against the checklist, contested once by its seat (a second
//! contest is refused), and the seat's average appears in the month's report.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use hotline_domain::case::CaseId;
use hotline_domain::quality::{sample, QualityRule};
use hotline_server::report::{self, Period, PeriodKind};
use support::*;

async fn demo_login(http: &reqwest::Client, base: &str, user: &str) -> String {
    let r: serde_json::Value = http
        .post(format!("{base}/api/v1/login"))
        .json(
            &serde_json::json!({ "user": user, "password": hotline_server::demo::DEMO_PASSWORD,
                                   "device_id": uuid::Uuid::now_v7().to_string() }),
        )
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    r["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_sample_is_drawn_scored_contested_once_and_averaged_in_the_report() {
    let (pool, _) = database().await;
    seed(&pool).await;
    let now = at("2026-11-26T08:00:00Z");
    hotline_server::demo::seed(&pool, 1_500, now, &calendar(), &mut |_| {})
        .await
        .unwrap();
    let base = serve(&pool, TestClock::at("2026-11-26T08:00:00Z")).await;
    let http = reqwest::Client::new();
    let boss = login(&http, &base, "super1").await;
    let post = |token: String, path: String, body: serde_json::Value| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            http.post(format!("{base}{path}"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };

    // The draw: the domain's sample of each seat's October cases, the same when drawn again.
    let drawn: Vec<serde_json::Value> = post(
        boss.token.clone(),
        "/api/v1/quality/draw?date=2026-10-15".into(),
        serde_json::json!({}),
    )
    .await
    .json()
    .await
    .unwrap();
    let rows: Vec<(uuid::Uuid, String)> = sqlx::query_as(
        "SELECT id, state->>'received_by' FROM cases
         WHERE received_at >= '2026-09-30T16:00:00Z' AND received_at < '2026-10-31T16:00:00Z'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut by_seat: BTreeMap<String, Vec<CaseId>> = BTreeMap::new();
    for (id, seat) in rows {
        by_seat.entry(seat).or_default().push(CaseId(id));
    }
    let month = "2026-10-01".parse().unwrap();
    let want: BTreeSet<(String, uuid::Uuid)> = by_seat
        .iter()
        .flat_map(|(seat, cases)| {
            sample(month, seat, cases, 5)
                .into_iter()
                .map(move |c| (seat.clone(), c.0))
        })
        .collect();
    let got: BTreeSet<(String, uuid::Uuid)> = drawn
        .iter()
        .map(|r| {
            (
                r["seat"].as_str().unwrap().to_owned(),
                r["case_id"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, want);
    assert!(by_seat.len() > 1 && want.len() >= 5 * by_seat.len().min(2));
    let again: Vec<serde_json::Value> = post(
        boss.token.clone(),
        "/api/v1/quality/draw?date=2026-10-31".into(),
        serde_json::json!({}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(again, drawn, "drawn again: the same sample, nothing new");

    // A review scores every checklist item within its points.
    let (seat, case) = want.iter().next().unwrap().clone();
    let rule = QualityRule::default();
    let mut scores: BTreeMap<String, u32> = rule
        .checklist
        .iter()
        .map(|i| (i.code.clone(), 18))
        .collect();
    scores.remove("manner");
    let r = post(
        boss.token.clone(),
        format!("/api/v1/quality/{case}/score"),
        serde_json::json!({ "scores": scores }),
    )
    .await;
    assert_eq!(error_of(r).await, (422, "quality.unscored_item".into()));
    scores.insert("manner".into(), 18);
    let r = post(
        boss.token.clone(),
        format!("/api/v1/quality/{case}/score"),
        serde_json::json!({ "scores": scores, "comment": "分类准确，答复略简" }),
    )
    .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());

    // The seat sees its own reviews only and contests once.
    let token = demo_login(&http, &base, &seat).await;
    let own: Vec<serde_json::Value> = http
        .get(format!("{base}/api/v1/quality?date=2026-10-15"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!own.is_empty() && own.iter().all(|r| r["seat"] == seat.as_str()));
    assert_eq!(
        own.iter()
            .find(|r| r["case_id"] == case.to_string())
            .unwrap()["total"],
        90
    );
    let contest = |token: String| {
        post(
            token,
            format!("/api/v1/quality/{case}/contest"),
            serde_json::json!({ "reason": "该件已按知识库口径答复" }),
        )
    };
    assert!(contest(token.clone()).await.status().is_success());
    assert_eq!(
        error_of(contest(token.clone()).await).await,
        (409, "quality.already_contested".into())
    );
    // Another seat may not contest it; a supervisor's review list shows the contest.
    let other = by_seat.keys().find(|s| **s != seat).unwrap();
    let other_token = demo_login(&http, &base, other).await;
    assert_eq!(
        error_of(contest(other_token).await).await,
        (403, "quality.not_yours".into())
    );

    // The month's report has the seat's average, its one review and its contest.
    let r = report::compute(
        &pool,
        &Period::holding(PeriodKind::Month, month).unwrap(),
        now,
    )
    .await
    .unwrap();
    let q = r.quality.iter().find(|q| q.seat == seat).unwrap();
    assert_eq!((q.reviewed, q.contested), (1, 1));
    assert!((q.average.unwrap() - 0.9).abs() < 1e-9);
    assert_eq!(r.quality.len(), 1, "only reviewed seats are averaged");

    // Bureaus and management have no quality reviews; seats cannot draw or score.
    for who in ["hrss1", "boss1"] {
        let s = login(&http, &base, who).await;
        assert_eq!(
            s.get(&http, &base, "/api/v1/quality")
                .await
                .status()
                .as_u16(),
            403,
            "{who}"
        );
    }
    let seat1 = login(&http, &base, "seat1").await;
    let r = post(
        seat1.token.clone(),
        "/api/v1/quality/draw".into(),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(error_of(r).await, (403, "quality.not_permitted".into()));
}
