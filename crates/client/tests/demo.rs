//! The demonstration data a new user first sees (`bash scripts/run`) tells the truth: every clock
//! a case runs is one the policy — the seeds — sets for that case, and the queue shows the mix a
//! centre sees (most cases in time, a few at risk, a handful late), whatever the day it is opened.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use hotline_client::store::QueueQuery;
use hotline_client::workbench::Workbench;
use hotline_client::DataDir;
use hotline_domain::case::Domain;
use hotline_domain::time::Clock;

struct FixedClock(DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// The desk's own demo size (src-tauri's DEMO_CASES).
const DEMO_CASES: usize = 400;

#[tokio::test]
async fn the_demo_runs_only_the_seeds_clocks_and_few_of_its_rows_are_red() {
    for now in [
        "2026-11-26T10:00:00+08:00", // a Thursday morning
        "2026-11-30T09:10:00+08:00", // a Monday, after the weekend
        "2026-12-05T15:00:00+08:00", // a Saturday afternoon
        "2026-10-09T09:30:00+08:00", // the first morning after the National Day holiday
        // The dates scripts/test-dated runs the suite on: the year's last half hour, New Year's
        // first, a Spring Festival counted on the provisional calendar (and its Sunday
        // afternoon, the end-to-end test's 14:00), a leap day, National Day.
        "2026-12-31T23:30:00+08:00",
        "2027-01-01T00:30:00+08:00",
        "2027-02-07T14:00:00+08:00",
        "2027-02-08T10:00:00+08:00",
        "2028-02-29T15:00:00+08:00",
        "2029-10-01T09:00:00+08:00",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let wb = Workbench::open(
            DataDir::resolve(Some(dir.path().to_owned())),
            Arc::new(FixedClock(t(now))),
        )
        .await
        .unwrap();
        assert_eq!(wb.seed_demo_if_empty(DEMO_CASES).await.unwrap(), DEMO_CASES);
        every_clock_is_the_policys(&wb, now).await;

        let page = wb
            .queue(&QueueQuery {
                limit: 1000,
                ..QueueQuery::default()
            })
            .await
            .unwrap();
        let c = page.counts;
        assert_eq!(
            c.unknown, 0,
            "{now}: every clock has a due (provisional past the published years)"
        );
        assert!(
            c.red * 10 < page.total && c.yellow > 0 && c.green * 2 > page.total,
            "{now}: red {} yellow {} green {} of {} open",
            c.red,
            c.yellow,
            c.green,
            page.total
        );
    }
}

/// Walks every case of the demo, open or closed: each clock it runs is one the policy in force
/// at its receipt gives its kind, category and level — with the same limit and a seed's section
/// as its source — and no business complaint runs the hourly feedback.
async fn every_clock_is_the_policys(wb: &Workbench, now: &str) {
    let store = wb.store().await;
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM cases")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(ids.len(), DEMO_CASES);
    let history = store.policy();
    for id in ids {
        let (row, state) = store.case(&id).await.unwrap();
        let intake = state.intake.as_ref().unwrap();
        let policy = &history.in_force(state.received_at.unwrap()).policy;
        let expected =
            policy.clocks_for(&intake.kind, intake.domain, &intake.category, intake.level);
        for clock in &state.clocks {
            let spec = &clock.spec;
            assert!(
                expected.contains(spec),
                "{now}: {} ({} {}) runs {} ({}), not the policy's",
                row.number,
                intake.kind,
                intake.category,
                spec.key,
                spec.amount
            );
            let seed = ["001 §", "003 §", "004 §"];
            assert!(
                seed.iter().any(|s| spec.source.starts_with(s)),
                "{}: source {:?}",
                spec.key,
                spec.source
            );
            assert!(
                !(intake.kind == "complaint"
                    && intake.domain == Domain::Business
                    && spec.key == "feedback"),
                "{}: a business complaint runs an hourly feedback",
                row.number
            );
        }
        assert!(
            state.conflicts.is_empty(),
            "{}: {:?}",
            row.number,
            state.conflicts
        );
    }
}
