//! The demo city: every kind and state, callers with histories, and snapshots that equal the
//! fold of the stored events.

mod support;

use hotline_domain::case::{CaseState, Event};
use sqlx::Row;
use support::*;

#[tokio::test]
async fn seed_demo_makes_a_consistent_city() {
    let (pool, _) = database().await;
    // A fixed instant (10:00 China time, a working morning): which statuses 600 cases reach
    // depends on the hour they are seeded at. Seeded at 15:00–16:00 China time none was
    // `replied` (seen on 2026-12-03; the cause in the demo is not yet found), and the suite must
    // not depend on the hour CI runs.
    let now = at("2026-11-26T02:00:00Z");
    let s = hotline_server::demo::seed(&pool, 600, now, &calendar(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(s.cases, 600, "{s:?}");
    let kinds: Vec<String> = sqlx::query_scalar("SELECT DISTINCT kind FROM cases ORDER BY kind")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        kinds,
        ["complaint", "consultation", "fault", "help", "suggestion"]
    );
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT status FROM cases ORDER BY status")
            .fetch_all(&pool)
            .await
            .unwrap();
    for s in ["closed", "dispatched", "handling", "received", "replied"] {
        assert!(
            statuses.contains(&s.to_string()),
            "{s} missing from {statuses:?}"
        );
    }
    let repeat_callers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT phone FROM cases GROUP BY phone HAVING count(*) > 1) x",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        repeat_callers > 10,
        "callers with histories: {repeat_callers}"
    );
    let conflicts: i64 = sqlx::query_scalar("SELECT coalesce(sum(conflicts), 0) FROM cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(conflicts, 0, "every demo story is a valid history");

    // Each snapshot is the fold of its events in pull order.
    let ids: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM cases ORDER BY id LIMIT 50")
        .fetch_all(&pool)
        .await
        .unwrap();
    for id in ids {
        let rows = sqlx::query("SELECT whole_event(body, id, case_id, device_id) AS body FROM events WHERE case_id = $1 ORDER BY tx_id, pos")
            .bind(id)
            .fetch_all(&pool)
            .await
            .unwrap();
        let events: Vec<Event> = rows
            .iter()
            .map(|r| serde_json::from_value(r.get("body")).unwrap())
            .collect();
        let stored: serde_json::Value = sqlx::query_scalar("SELECT state FROM cases WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(
            serde_json::to_value(CaseState::fold(&events)).unwrap(),
            stored
        );
    }

    // A demo bureau logs in and receives its cases, masked.
    let base = serve(&pool, TestClock::at(&now.to_rfc3339())).await;
    let http = reqwest::Client::new();
    let r: serde_json::Value = http
        .post(format!("{base}/api/v1/login"))
        .json(&serde_json::json!({"user": "demo_hrss", "password": hotline_server::demo::DEMO_PASSWORD, "device_id": "demo-test-device"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list: Vec<serde_json::Value> = http
        .get(format!("{base}/api/v1/cases?limit=1000"))
        .bearer_auth(r["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!list.is_empty());
    assert!(list
        .iter()
        .all(|c| c["phone"].as_str().unwrap().contains("****")));
    // Seeding again adds cases without clashing devices or users.
    let again = hotline_server::demo::seed(&pool, 50, now, &calendar(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(again.cases, 50);
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(total, 650);
}

/// seed-demo tells the truth as the desk's demo does: every clock of every case is one the
/// policy gives that case (a seed's section as its source), no business complaint runs the
/// hourly feedback, and under 10% of the open cases are red at a working morning.
#[tokio::test]
async fn seed_demo_runs_only_the_seeds_clocks_and_few_of_its_open_cases_are_red() {
    use hotline_domain::case::Domain;
    use hotline_domain::centre::CentrePolicy;
    use hotline_domain::sla::{AlertSettings, Light};

    let (pool, _) = database().await;
    let now = at("2026-11-26T02:00:00Z");
    hotline_server::demo::seed(&pool, 3000, now, &calendar(), &mut |_| {})
        .await
        .unwrap();
    let states: Vec<serde_json::Value> = sqlx::query_scalar("SELECT state FROM cases")
        .fetch_all(&pool)
        .await
        .unwrap();
    let policy = CentrePolicy::default();
    let cal = calendar();
    let (mut open, mut red) = (0, 0);
    for state in states {
        let state: CaseState = serde_json::from_value(state).unwrap();
        let intake = state.intake.as_ref().unwrap();
        let expected =
            policy.clocks_for(&intake.kind, intake.domain, &intake.category, intake.level);
        for clock in &state.clocks {
            let spec = &clock.spec;
            assert!(
                expected.contains(spec),
                "{} ({} {}) runs {}, not the policy's",
                intake.number,
                intake.kind,
                intake.category,
                spec.key
            );
            assert!(
                ["001 §", "003 §", "004 §"]
                    .iter()
                    .any(|s| spec.source.starts_with(s)),
                "{}",
                spec.source
            );
            assert!(
                !(intake.kind == "complaint"
                    && intake.domain == Domain::Business
                    && spec.key == "feedback"),
                "{}: a business complaint runs an hourly feedback",
                intake.number
            );
        }
        if state.status.on_the_desk() {
            open += 1;
            if state
                .light_schedule(&cal, &AlertSettings::default())
                .at(now)
                == Light::Red
            {
                red += 1;
            }
        }
    }
    eprintln!("seed-demo at a working morning: {red} red of {open} open cases");
    assert!(open > 50, "{open} open cases");
    assert!(red * 10 < open, "{red} red of {open} open cases");
}

/// Every row of a case as the database holds it, in a stable order.
async fn rows_of(pool: &sqlx::PgPool, ids: &[uuid::Uuid]) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT to_jsonb(c) - 'rid' - 'search_vector' FROM cases c WHERE id = ANY($1) ORDER BY id",
        "SELECT to_jsonb(r) FROM clock_runs r WHERE case_id = ANY($1) ORDER BY case_id, clock, bureau, run",
        "SELECT to_jsonb(b) FROM callbacks b WHERE case_id = ANY($1) ORDER BY case_id, seq",
        "SELECT to_jsonb(b) FROM case_bureaus b WHERE case_id = ANY($1) ORDER BY case_id, bureau",
        "SELECT to_jsonb(s) FROM bureau_steps s WHERE case_id = ANY($1) ORDER BY case_id, seq",
    ] {
        let rows: Vec<serde_json::Value> = sqlx::query_scalar(sql)
            .bind(ids)
            .fetch_all(pool)
            .await
            .unwrap();
        out.extend(rows.iter().map(ToString::to_string));
    }
    out
}

/// seed-demo's bulk load (COPY) and a push's refold (the upsert) are two statements over one
/// derivation (`snapshot::SnapshotRows`): refolding seeded cases changes none of their rows.
#[tokio::test]
async fn the_bulk_load_writes_the_rows_a_refold_writes() {
    let (pool, _) = database().await;
    let now = at("2026-11-26T02:00:00Z");
    hotline_server::demo::seed(&pool, 300, now, &calendar(), &mut |_| {})
        .await
        .unwrap();
    let ids: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM cases ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    let copied = rows_of(&pool, &ids).await;
    let mut tx = pool.begin().await.unwrap();
    // From nothing: the refold inserts every column, not only those an update refreshes.
    for table in [
        "bureau_steps",
        "case_bureaus",
        "clock_runs",
        "callbacks",
        "cases",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    let cases: Vec<_> = ids
        .iter()
        .copied()
        .map(hotline_domain::case::CaseId)
        .collect();
    hotline_server::snapshot::refold_many(&mut tx, &cases, &calendar())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let refolded = rows_of(&pool, &ids).await;
    assert_eq!(copied.len(), refolded.len());
    for (a, b) in copied.iter().zip(&refolded) {
        assert_eq!(a, b, "a seeded row and the same row refolded");
    }
}
