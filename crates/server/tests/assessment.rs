//! The bureaus' assessment (考核): every figure of a seeded month, quarter and half-year,
//! recounted here event by event from the stored histories (not from the report facts, their
//! SQL or the fold's list of bureau steps), equals the report's, its JSON export's, and the
//! ranking follows the scores under the centre's weights.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use hotline_domain::case::assessment::{self, BureauFigures, BureauStepKind as K, OnTimeCount};
use hotline_domain::case::{CaseState, Event, EventBody};
use hotline_domain::sla::ClockStatus;
use hotline_server::report::{self, assessment as server_assessment, Period, PeriodKind};
use sqlx::Row;
use support::*;

async fn histories(pool: &sqlx::PgPool) -> Vec<Vec<Event>> {
    let mut h: BTreeMap<uuid::Uuid, Vec<Event>> = BTreeMap::new();
    for r in sqlx::query("SELECT case_id, whole_event(body, id, case_id, device_id) AS body FROM events ORDER BY case_id, tx_id, pos")
        .fetch_all(pool)
        .await
        .unwrap()
    {
        h.entry(r.get("case_id"))
            .or_default()
            .push(serde_json::from_value(r.get("body")).unwrap());
    }
    h.into_values().collect()
}

fn satisfaction_name(e: &EventBody) -> Option<String> {
    match e {
        EventBody::CalledBack { satisfaction, .. } => Some(
            serde_json::to_value(satisfaction)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned(),
        ),
        _ => None,
    }
}

/// A complaint's receipt and the bureau that last held it (empty: the centre's own).
type Received = (DateTime<Utc>, String);

/// Every bureau's figures for `period`, counted from the events.
fn expected(
    all: &[Vec<Event>],
    period: &Period,
    now: DateTime<Utc>,
) -> BTreeMap<String, BureauFigures> {
    let cal = calendar();
    let (start, end) = (period.start(), period.end());
    let within = |t: DateTime<Utc>| t >= start && t < end;
    let mut out: BTreeMap<String, BureauFigures> = BTreeMap::new();
    // (phone, category) → every complaint's (received, bureau that last held it).
    let mut complaints: BTreeMap<(String, String), Vec<Received>> = BTreeMap::new();
    for events in all {
        let state = CaseState::fold(events);
        let intake = state.intake.as_ref().unwrap();
        let received = state.received_at.unwrap();
        // The bureau that holds or last held the case: the last one dispatched to.
        let mut holder: Option<String> = None;
        let mut replied_by = String::new();
        let mut returned: BTreeSet<String> = BTreeSet::new();
        for e in events {
            let step = |b: &str, k: K, out: &mut BTreeMap<String, BureauFigures>| {
                if within(e.at) {
                    out.entry(b.to_owned()).or_default().add_step(k, 1);
                }
            };
            match &e.body {
                EventBody::Dispatched { bureau, .. } => holder = Some(bureau.0.clone()),
                EventBody::Returned { bureau, .. } => {
                    returned.insert(bureau.0.clone());
                    step(&bureau.0, K::Returned, &mut out);
                }
                EventBody::ReturnDenied { bureau, .. } => {
                    returned.remove(&bureau.0);
                    step(&bureau.0, K::ReturnDenied, &mut out);
                }
                EventBody::Redispatched { from, to, .. } => {
                    if returned.remove(&from.0) {
                        step(&from.0, K::ReturnUpheld, &mut out);
                    }
                    holder = Some(to.0.clone());
                }
                EventBody::Declined { bureau, .. } => step(&bureau.0, K::Declined, &mut out),
                EventBody::ExtensionRequested { clock, .. } => {
                    if let Some(b) = &clock.bureau {
                        step(&b.0, K::ExtensionRequested, &mut out);
                    }
                }
                EventBody::ExtensionApproved { clock, .. } => {
                    if let Some(b) = &clock.bureau {
                        step(&b.0, K::ExtensionGranted, &mut out);
                    }
                }
                EventBody::Urged { bureau, .. } => step(&bureau.0, K::Urged, &mut out),
                EventBody::Escalated { clock, .. } => {
                    let b = clock.as_ref().and_then(|c| c.bureau.as_ref());
                    let b = b.map(|b| b.0.clone()).or_else(|| holder.clone());
                    if let Some(b) = b {
                        step(&b, K::Escalated, &mut out);
                    }
                }
                EventBody::Replied { bureau, .. } => {
                    replied_by = bureau.as_ref().map(|b| b.0.clone()).unwrap_or_default();
                }
                body => {
                    if let (Some(s), true) = (satisfaction_name(body), within(e.at)) {
                        if !replied_by.is_empty() {
                            out.entry(replied_by.clone())
                                .or_default()
                                .satisfaction
                                .add(&s, 1);
                        }
                    }
                }
            }
        }
        if let (Some(b), true) = (&holder, within(received)) {
            out.entry(b.clone()).or_default().received += 1;
        }
        for c in &state.clocks {
            let Some(b) = &c.bureau else { continue };
            for run in &c.runs {
                let reading = run.read(&cal, now).unwrap();
                let decided_at = match reading.status {
                    ClockStatus::Met => run.stopped_at.unwrap(),
                    ClockStatus::Breached => reading.due,
                    _ => continue,
                };
                if decided_at >= start && decided_at < end.min(now) {
                    let f = out.entry(b.0.clone()).or_default();
                    let n = f
                        .on_time
                        .entry(c.spec.key.clone())
                        .or_insert(OnTimeCount { decided: 0, met: 0 });
                    n.decided += 1;
                    n.met += i64::from(reading.status == ClockStatus::Met);
                }
            }
        }
        if intake.kind == assessment::REPEAT_KIND && !intake.caller.phone.is_empty() {
            complaints
                .entry((intake.caller.phone.clone(), intake.category.clone()))
                .or_default()
                .push((received, holder.clone().unwrap_or_default()));
        }
    }
    for list in complaints.values_mut() {
        list.sort();
        for (i, (at, _)) in list.iter().enumerate() {
            if !within(*at) {
                continue;
            }
            // The caller's latest earlier complaint of the category, if it is recent enough.
            if let Some((_, b)) = list[..i]
                .iter()
                .rev()
                .find(|(e, _)| e < at)
                .filter(|(e, _)| assessment::repeats(*e, *at))
            {
                if !b.is_empty() {
                    out.entry(b.clone()).or_default().repeats += 1;
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn every_assessment_figure_equals_the_events_recounted() {
    let (pool, _) = database().await;
    let now = at("2026-11-26T08:00:00Z");
    seed(&pool).await;
    hotline_server::demo::seed(&pool, 4_000, now, &calendar(), &mut |_| {})
        .await
        .unwrap();
    let all = histories(&pool).await;
    let weights = assessment::AssessmentWeights::default();
    for (kind, date) in [
        (PeriodKind::Month, "2026-10-15"),
        (PeriodKind::Quarter, "2026-08-01"),
        (PeriodKind::HalfYear, "2026-11-26"),
    ] {
        let period = Period::holding(kind, date.parse().unwrap()).unwrap();
        let want = expected(&all, &period, now);
        let got = server_assessment::figures(&pool, &period, now)
            .await
            .unwrap();
        assert_eq!(got, want, "{}", period.title_zh());

        // The report carries the same figures, scored and ranked under the policy's weights,
        // and its JSON export says the same.
        let r = report::compute(&pool, &period, now).await.unwrap();
        let rows: BTreeMap<_, _> = r
            .assessment
            .rows
            .iter()
            .map(|a| (a.bureau.clone(), a.figures.clone()))
            .collect();
        assert_eq!(rows, want, "{}: the report's ranking", r.title);
        let json: serde_json::Value = serde_json::to_value(&r).unwrap();
        let exported = &json["assessment"]["rows"];
        for (i, a) in r.assessment.rows.iter().enumerate() {
            assert_eq!(exported[i]["bureau"], a.bureau.as_str());
            assert_eq!(
                exported[i]["figures"],
                serde_json::to_value(&want[&a.bureau]).unwrap()
            );
            assert_eq!(a.score, want[&a.bureau].score(&weights), "{}", a.bureau);
        }
        let scores: Vec<Option<f64>> = r.assessment.rows.iter().map(|a| a.score).collect();
        let ranks: Vec<Option<u32>> = r.assessment.rows.iter().map(|a| a.rank).collect();
        assert_eq!(ranks, assessment::ranks(&scores), "{}", r.title);
        assert!(
            ranks.windows(2).all(|w| match (w[0], w[1]) {
                (Some(a), Some(b)) => a <= b,
                (None, Some(_)) => false,
                _ => true,
            }),
            "best first: {ranks:?}"
        );
        // The change is against the period before, computed the same way.
        let before = expected(&all, &period.previous().unwrap(), now);
        for a in &r.assessment.rows {
            assert_eq!(
                a.previous_score,
                before.get(&a.bureau).and_then(|f| f.score(&weights)),
                "{}: {} the period before",
                r.title,
                a.bureau
            );
        }
        if kind == PeriodKind::HalfYear {
            // The demo gives every figure something to count.
            let total = |f: &dyn Fn(&BureauFigures) -> i64| want.values().map(f).sum::<i64>();
            for k in K::ALL {
                assert!(
                    total(&|f| f.step(k)) > 0,
                    "no {} in the half-year",
                    k.code()
                );
            }
            assert!(total(&|f| f.repeats) > 0, "no repeat complaint");
            assert!(total(&|f| f.decided()) > 0 && total(&|f| f.satisfaction.total()) > 0);
        }
    }
}

#[tokio::test]
async fn the_centre_sets_the_weights_and_the_ranking_follows() {
    let (pool, _) = database().await;
    let now = at("2026-11-26T08:00:00Z");
    seed(&pool).await;
    hotline_server::demo::seed(&pool, 1_500, now, &calendar(), &mut |_| {})
        .await
        .unwrap();
    let period = Period::holding(PeriodKind::Quarter, "2026-10-01".parse().unwrap()).unwrap();
    let by_default = report::compute(&pool, &period, now).await.unwrap();
    // Only satisfaction counts now (set through the administrator's policy document): the
    // scores are the satisfaction rates.
    let (_, doc) = hotline_server::centre_policy::export(&pool, None)
        .await
        .unwrap()
        .unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
    json["assessment"] = serde_json::json!({
        "on_time": 0, "satisfaction": 1, "returns": 0, "repeats": 0, "supervision": 0
    });
    hotline_server::centre_policy::import(
        &pool,
        &json.to_string(),
        "admin",
        "只按满意率考核",
        false,
        now,
    )
    .await
    .unwrap();
    let mut policy = hotline_server::centre_policy::history(&pool)
        .await
        .unwrap()
        .current()
        .policy
        .clone();
    let r = report::compute(&pool, &period, now).await.unwrap();
    assert_eq!(r.assessment.weights, policy.assessment);
    for a in &r.assessment.rows {
        assert_eq!(a.score, a.figures.satisfaction.rate().map(|x| 100.0 * x));
    }
    assert_ne!(
        by_default
            .assessment
            .rows
            .iter()
            .map(|a| a.score)
            .collect::<Vec<_>>(),
        r.assessment
            .rows
            .iter()
            .map(|a| a.score)
            .collect::<Vec<_>>()
    );
    // A policy whose weights add up to nothing is refused.
    policy.assessment.satisfaction = 0;
    let e = policy.validate().unwrap_err();
    assert_eq!(e.code(), "policy.settings", "{e}");
}

/// Reports by audience: a bureau handler downloads its own report (its own cases only);
/// management (管理方) reads the whole centre's, and its cases with every caller masked, and
/// records nothing.
#[tokio::test]
async fn a_bureau_gets_its_own_report_and_management_the_whole_centre_masked() {
    let (pool, _) = database().await;
    let now = at("2026-11-26T08:00:00Z");
    seed(&pool).await;
    hotline_server::demo::seed(&pool, 1_500, now, &calendar(), &mut |_| {})
        .await
        .unwrap();
    let base = serve(&pool, TestClock::at("2026-11-26T08:00:00Z")).await;
    let http = reqwest::Client::new();
    let json = |who: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let s = login(&http, &base, who).await;
            let r = http
                .get(format!(
                    "{base}/api/v1/reports?period=quarter&date=2026-10-15&format=json"
                ))
                .bearer_auth(&s.token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200, "{who}");
            let name = r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .to_owned();
            (name, r.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (centre_name, centre) = json("super1").await;
    let (hrss_name, hrss) = json("hrss1").await;
    let (_, boss) = json("boss1").await;

    // The bureau's report counts its cases and nothing else.
    let period = Period::holding(PeriodKind::Quarter, "2026-10-15".parse().unwrap()).unwrap();
    let own: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM cases WHERE received_at >= $1 AND received_at < $2 AND bureau = 'HRSS'",
    )
    .bind(period.start())
    .bind(period.end())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(own > 0);
    assert_eq!(hrss["bureau"], "HRSS");
    assert_eq!(hrss["received"], own);
    assert!(
        hrss["title"]
            .as_str()
            .unwrap()
            .ends_with("（市人力资源和社会保障局）"),
        "{}",
        hrss["title"]
    );
    assert!(hrss_name.contains("quarter-HRSS.json"), "{hrss_name}");
    assert!(centre["received"].as_i64().unwrap() > own);
    let bureaus: Vec<&str> = hrss["by_bureau"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["bureau"].as_str().unwrap())
        .collect();
    assert_eq!(bureaus, ["HRSS"]);
    let hrss_centre = centre["by_bureau"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bureau"] == "HRSS")
        .unwrap();
    assert_eq!(
        hrss["by_bureau"][0], *hrss_centre,
        "its row as the centre counts it"
    );
    // The ranking is the centre's, published to every bureau.
    assert_eq!(hrss["assessment"], centre["assessment"]);

    // Management reads the whole centre's report…
    assert!(!centre_name.contains("HRSS"));
    assert_eq!(boss["received"], centre["received"]);
    assert_eq!(boss["assessment"], centre["assessment"]);
    // …and its cases, every caller masked…
    let boss_session = login(&http, &base, "boss1").await;
    let cases: Vec<serde_json::Value> = http
        .get(format!("{base}/api/v1/cases"))
        .bearer_auth(&boss_session.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!cases.is_empty());
    assert!(cases
        .iter()
        .all(|c| c["phone"].as_str().unwrap().contains("****")));
    let page: serde_json::Value = http
        .get(format!("{base}/api/v1/pull?limit=200"))
        .bearer_auth(&boss_session.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let phones: Vec<&str> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e.pointer("/event/caller/phone").and_then(|p| p.as_str()))
        .collect();
    assert!(
        !phones.is_empty() && phones.iter().all(|p| p.contains("****")),
        "{phones:?}"
    );
    // …and records nothing: a step it pushes is refused, and the push goes on.
    let case = hotline_domain::case::CaseId(
        uuid::Uuid::parse_str(cases[0]["id"].as_str().unwrap()).unwrap(),
    );
    let urge = boss_session.event(
        case,
        now,
        EventBody::Urged {
            bureau: "HRSS".into(),
            note: "请尽快办理".into(),
        },
    );
    let r = boss_session.push(&http, &base, 1, &[urge]).await;
    assert!(r.status().is_success());
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["refused"].as_array().unwrap().len(), 1, "{body}");
}
