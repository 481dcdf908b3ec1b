//! The supervisor's dashboard on a real SQLite store: each figure equals the same figure computed
//! here independently — by SQL over the stored states, or by folding every stored history —
//! and each figure's case list holds exactly the cases it counts. Then the callback queue and
//! the decision list.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use hotline_client::store::{DashPeriod, Figure, NewCase};
use hotline_client::workbench::Workbench;
use hotline_client::DataDir;
use hotline_domain::case::{
    Actor, BureauCode, CaseState, Channel, ClockRef, Event, EventBody, Role, Satisfaction,
};
use hotline_domain::sla::{ClockStatus, SlaAmount, SlaCalendar};
use hotline_domain::time::{Clock, FixedClock};
use sqlx::Row;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn histories(pool: &sqlx::SqlitePool) -> BTreeMap<String, Vec<Event>> {
    let mut h: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    // The seat's order: the server's where known, then its own.
    for r in sqlx::query(
        "SELECT case_id, body FROM events ORDER BY case_id, server_pos IS NULL, server_pos, rowid",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    {
        h.entry(r.get("case_id"))
            .or_default()
            .push(serde_json::from_str(r.get::<&str, _>("body")).unwrap());
    }
    h
}

#[tokio::test]
async fn dashboard_figures_equal_sql_and_the_folded_histories_and_list_their_cases() {
    let dir = tempfile::tempdir().unwrap();
    let now = t("2026-11-26T15:00:00+08:00");
    let clock: Arc<dyn Clock> = Arc::new(FixedClock(now));
    let wb = Workbench::open(DataDir::resolve(Some(dir.path().to_owned())), clock)
        .await
        .unwrap();
    assert_eq!(wb.seed_demo_if_empty(1_500).await.unwrap(), 1_500);
    let cal = SlaCalendar::new(hotline_domain::calendar::shipped(), Default::default());
    // The store is encrypted: read it as the desk does, through its own pool.
    let pool = wb.store().await.pool().clone();
    let all = histories(&pool).await;

    for period in [DashPeriod::Day, DashPeriod::Month] {
        let d = wb.dashboard(period).await.unwrap();
        let since = period.start(now);
        assert_eq!(
            since,
            if period == DashPeriod::Day {
                t("2026-11-26T00:00:00+08:00")
            } else {
                t("2026-11-01T00:00:00+08:00")
            }
        );

        // Depth and conflicts: SQL over the stored folded states (JSON), not the queue columns.
        let depth: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT json_extract(state, '$.intake.kind') AS k, json_extract(state, '$.status') AS s, count(*) FROM case_states
             WHERE json_extract(state, '$.status') IN ('received', 'dispatched', 'handling', 'replied', 'evaluated') GROUP BY k, s ORDER BY k, s",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(
            d.depth
                .iter()
                .map(|c| (c.kind.clone(), c.status.clone(), c.count))
                .collect::<Vec<_>>(),
            depth
        );
        let conflicts: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM case_states WHERE json_array_length(state, '$.conflicts') > 0",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(d.conflicts, conflicts);
        assert_eq!(
            d.lights.red + d.lights.yellow + d.lights.green + d.lights.unknown + d.lights.none,
            depth.iter().map(|x| x.2).sum::<i64>()
        );

        // Volume, on time and satisfaction: every history folded here.
        let (mut received, mut by_hour, mut by_channel) =
            (0, vec![0i64; 24], BTreeMap::<String, i64>::new());
        let (mut by_bureau, mut by_kind) = (
            BTreeMap::<String, (i64, i64)>::new(),
            BTreeMap::<String, (i64, i64)>::new(),
        );
        let mut satisfied = BTreeMap::<String, i64>::new();
        let (mut late_market, mut hour_ten, mut dissatisfied_cases) =
            (Vec::new(), Vec::new(), Vec::new());
        for events in all.values() {
            let s = CaseState::fold(events);
            let (intake, at) = (s.intake.as_ref().unwrap(), s.received_at.unwrap());
            let number = intake.number.to_string();
            if at >= since && at <= now {
                received += 1;
                let hour = (at + Duration::hours(8))
                    .format("%H")
                    .to_string()
                    .parse::<usize>()
                    .unwrap();
                by_hour[hour] += 1;
                if hour == 10 {
                    hour_ten.push(number.clone());
                }
                *by_channel
                    .entry(
                        serde_json::to_value(intake.channel)
                            .unwrap()
                            .as_str()
                            .unwrap()
                            .to_owned(),
                    )
                    .or_default() += 1;
            }
            for c in &s.clocks {
                for run in &c.runs {
                    let r = run.read(&cal, now).unwrap();
                    let decided = match r.status {
                        ClockStatus::Met => run.stopped_at.unwrap(),
                        ClockStatus::Breached => r.due,
                        _ => continue,
                    };
                    if decided < since || decided > now {
                        continue;
                    }
                    let met = i64::from(r.status == ClockStatus::Met);
                    let bureau = c.bureau.as_ref().map(|b| b.0.clone()).unwrap_or_default();
                    if met == 0 && bureau == "MARKET" && !late_market.contains(&number) {
                        late_market.push(number.clone());
                    }
                    for (map, key) in [
                        (&mut by_bureau, bureau),
                        (&mut by_kind, intake.kind.clone()),
                    ] {
                        let e = map.entry(key).or_default();
                        e.0 += 1;
                        e.1 += met;
                    }
                }
            }
            for cb in s
                .callbacks
                .iter()
                .filter(|cb| cb.at >= since && cb.at <= now)
            {
                *satisfied
                    .entry(
                        serde_json::to_value(cb.satisfaction)
                            .unwrap()
                            .as_str()
                            .unwrap()
                            .to_owned(),
                    )
                    .or_default() += 1;
                if cb.satisfaction == Satisfaction::BasicallySatisfied
                    && !dissatisfied_cases.contains(&number)
                {
                    dissatisfied_cases.push(number.clone());
                }
            }
        }
        assert!(
            received > 0 && !by_bureau.is_empty() && !satisfied.is_empty(),
            "{period:?}: the demo gives every figure something to count"
        );
        assert_eq!(d.received, received, "{period:?}");
        assert_eq!(d.by_hour, by_hour, "{period:?}");
        assert_eq!(
            d.by_channel.iter().cloned().collect::<BTreeMap<_, _>>(),
            by_channel,
            "{period:?}"
        );
        assert_eq!(
            d.on_time_by_bureau
                .iter()
                .map(|r| (r.key.clone(), (r.decided, r.met)))
                .collect::<BTreeMap<_, _>>(),
            by_bureau,
            "{period:?}"
        );
        assert_eq!(
            d.on_time_by_kind
                .iter()
                .map(|r| (r.key.clone(), (r.decided, r.met)))
                .collect::<BTreeMap<_, _>>(),
            by_kind,
            "{period:?}"
        );
        assert_eq!(
            d.satisfaction.satisfied,
            satisfied.get("satisfied").copied().unwrap_or(0)
        );
        assert_eq!(
            d.satisfaction.basically,
            satisfied.get("basically_satisfied").copied().unwrap_or(0)
        );

        // Each figure's list is exactly its cases.
        let numbers = |rows: Vec<hotline_client::store::CaseRow>| {
            let mut v: Vec<String> = rows.into_iter().map(|r| r.number).collect();
            v.sort();
            v
        };
        for list in [&mut late_market, &mut hour_ten, &mut dissatisfied_cases] {
            list.sort();
        }
        assert_eq!(
            numbers(
                wb.figure_cases(
                    &Figure::Late {
                        bureau: Some("MARKET".into()),
                        kind: None
                    },
                    period
                )
                .await
                .unwrap()
            ),
            late_market
        );
        assert_eq!(
            numbers(
                wb.figure_cases(&Figure::Hour { hour: 10 }, period)
                    .await
                    .unwrap()
            ),
            hour_ten
        );
        assert_eq!(
            numbers(
                wb.figure_cases(
                    &Figure::Satisfaction {
                        satisfaction: "basically_satisfied".into()
                    },
                    period
                )
                .await
                .unwrap()
            ),
            dissatisfied_cases
        );
        let first = &d.depth[0];
        let listed = wb
            .figure_cases(
                &Figure::Depth {
                    kind: first.kind.clone(),
                    status: first.status.clone(),
                },
                period,
            )
            .await
            .unwrap();
        assert_eq!(listed.len() as i64, first.count);
    }
}

#[tokio::test]
async fn callbacks_come_due_the_next_day_and_a_dissatisfied_caller_sends_the_case_back() {
    let dir = tempfile::tempdir().unwrap();
    let now = t("2026-11-26T10:00:00+08:00");
    let wb = Workbench::open(
        DataDir::resolve(Some(dir.path().to_owned())),
        Arc::new(FixedClock(now)),
    )
    .await
    .unwrap();
    wb.seed_demo_if_empty(0).await.unwrap();
    let store = wb.store().await;
    let cal = SlaCalendar::new(hotline_domain::calendar::shipped(), Default::default());
    let market = BureauCode::from("MARKET");
    let handler = Some(Actor {
        user: "market1".into(),
        role: Role::Bureau,
        bureau: Some(market.clone()),
    });
    let call = |text: &str| NewCase {
        kind: "complaint".into(),
        category: "market_regulation".into(),
        phone: "13800138000".into(),
        name: None,
        id_number: None,
        channel: Channel::Phone,
        district: "天河区".into(),
        address: String::new(),
        description: text.into(),
        level: None,
    };
    let story = |received: &str, replied: &str| {
        let at = t(received);
        let steps = vec![
            (
                EventBody::Dispatched {
                    bureau: market.clone(),
                    note: String::new(),
                },
                at + Duration::minutes(5),
                None,
            ),
            (
                EventBody::SignedFor {
                    bureau: market.clone(),
                },
                at + Duration::minutes(30),
                handler.clone(),
            ),
            (
                EventBody::Accepted {
                    bureau: market.clone(),
                },
                at + Duration::hours(1),
                handler.clone(),
            ),
            (
                EventBody::Replied {
                    bureau: Some(market.clone()),
                    text: "已责令商家退款".into(),
                },
                t(replied),
                handler.clone(),
            ),
        ];
        (at, steps)
    };
    let (a, yesterday) = story("2026-11-24T09:00:00+08:00", "2026-11-25T16:00:00+08:00");
    let (b, today) = story("2026-11-25T09:00:00+08:00", "2026-11-26T09:00:00+08:00");
    let ask = ClockRef {
        key: "reply".into(),
        bureau: Some(market.clone()),
    };
    let mut asking = today.clone();
    asking.truncate(3);
    asking.push((
        EventBody::ExtensionRequested {
            clock: ask,
            amount: SlaAmount::WorkingDays(5),
            reason: "需现场核查".into(),
        },
        t("2026-11-26T09:30:00+08:00"),
        handler.clone(),
    ));
    store
        .record_local_only(
            vec![
                (call("商家拒绝退款"), a, yesterday),
                (call("网购商品质量问题"), b, today),
                (call("超市价格标签不符"), b, asking),
            ],
            &cal,
        )
        .await
        .unwrap();

    // Replied yesterday: due today. Replied this morning: tomorrow.
    let due = wb.callbacks_due().await.unwrap();
    assert_eq!(due.len(), 1, "{due:?}");
    let case = due[0].case.id.clone();
    let e = wb
        .call_back(&case, Satisfaction::Dissatisfied, "  ")
        .await
        .unwrap_err();
    assert_eq!(
        hotline_client::ErrorPayload::from(e).code,
        "callback.reason_required"
    );
    assert_eq!(
        wb.case(&case).await.unwrap().row.status,
        "replied",
        "nothing recorded"
    );
    let after = wb
        .call_back(&case, Satisfaction::Dissatisfied, "商家仍未退款")
        .await
        .unwrap();
    assert_eq!(
        after.row.status, "dispatched",
        "reopened and back with the bureau"
    );
    assert!(after
        .assignments
        .iter()
        .any(|x| x.bureau == market && serde_json::to_value(x.status).unwrap() == "dispatched"));
    assert!(wb.callbacks_due().await.unwrap().is_empty());

    // The extension request waits on a supervisor, counted on the dashboard.
    let decisions = wb.decisions().await.unwrap();
    assert_eq!(decisions.len(), 1);
    assert!(
        decisions[0].decision_due.is_some_and(|d| d > now),
        "ordered by the due of the clock it concerns"
    );
    let d = wb.dashboard(DashPeriod::Day).await.unwrap();
    assert_eq!(
        (d.decisions, d.callbacks_due, d.satisfaction.dissatisfied),
        (1, 0, 1)
    );
}
