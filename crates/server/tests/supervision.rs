//! Supervision on the server: what only a supervisor may decide (seats and bureau handlers are
//! refused by the server itself), and the supervision pass that urges a late bureau the next
//! working day and escalates the case after a repeated breach.

mod support;

use chrono::{DateTime, Utc};
use hotline_domain::case::{BureauCode, ClockRef, EventBody};
use hotline_domain::sla::SlaAmount;
use sqlx::Row;
use support::*;

#[tokio::test]
async fn only_a_supervisor_decides_extensions_returns_and_redispatches() {
    let (pool, _) = database().await;
    seed(&pool).await;
    let base = serve(&pool, TestClock::at("2026-11-02T01:00:00Z")).await;
    let http = reqwest::Client::new();
    let (seat, boss, hrss) = (
        login(&http, &base, "seat1").await,
        login(&http, &base, "super1").await,
        login(&http, &base, "hrss1").await,
    );
    let b = BureauCode::from("HRSS");
    let received = seat.new_case(
        1,
        at("2026-11-02T01:00:00Z"),
        "consultation",
        "social_security",
        "社保转移接续",
    );
    let case = received.case;
    let dispatch = seat.event(
        case,
        at("2026-11-02T01:05:00Z"),
        EventBody::Dispatched {
            bureau: b.clone(),
            note: String::new(),
        },
    );
    assert!(seat
        .push(&http, &base, 1, &[received, dispatch])
        .await
        .status()
        .is_success());
    let reply = ClockRef {
        key: "reply".into(),
        bureau: Some(b.clone()),
    };
    let ask = EventBody::ExtensionRequested {
        clock: reply.clone(),
        amount: SlaAmount::WorkingDays(3),
        reason: "需调取外省参保记录".into(),
    };
    let sign = hrss.event(
        case,
        at("2026-11-02T02:00:00Z"),
        EventBody::SignedFor { bureau: b.clone() },
    );
    assert!(hrss
        .push(
            &http,
            &base,
            1,
            &[sign, hrss.event(case, at("2026-11-02T03:00:00Z"), ask)]
        )
        .await
        .status()
        .is_success());
    let due = || async {
        sqlx::query_scalar::<_, DateTime<Utc>>("SELECT due_at FROM clock_runs WHERE case_id = $1 AND clock = 'reply' AND bureau = 'HRSS'").bind(case.0).fetch_one(&pool).await.unwrap()
    };
    let before = due().await;

    // Deciding the extension: refused to the seat and to the bureau that asked, by the server.
    let approve = EventBody::ExtensionApproved {
        clock: reply.clone(),
        amount: None,
        note: "同意".into(),
    };
    let deny = EventBody::ExtensionDenied {
        clock: reply.clone(),
        reason: "材料已齐".into(),
    };
    // Each refused event uses up its sequence number: the next one follows it.
    for (i, body) in [&approve, &deny].into_iter().enumerate() {
        let r = seat
            .push(
                &http,
                &base,
                3 + i as i64,
                &[seat.event(case, at("2026-11-02T04:00:00Z"), body.clone())],
            )
            .await;
        assert_eq!(
            refusals_of(r).await,
            ["push.forbidden"],
            "a seat may not {}",
            body.step()
        );
        let r = hrss
            .push(
                &http,
                &base,
                3 + i as i64,
                &[hrss.event(case, at("2026-11-02T04:00:00Z"), body.clone())],
            )
            .await;
        assert_eq!(
            refusals_of(r).await,
            ["push.forbidden"],
            "a bureau may not {}",
            body.step()
        );
    }
    assert_eq!(due().await, before, "nothing changed");
    let r = boss
        .push(
            &http,
            &base,
            1,
            &[boss.event(case, at("2026-11-02T04:00:00Z"), approve)],
        )
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    assert_eq!(
        local(due().await),
        "2026-11-12",
        "5 working days from 2 November end on the 9th; three more on the 12th"
    );

    // A return (退单): the bureau asks; only a supervisor denies it or re-dispatches.
    let ret = hrss.event(
        case,
        at("2026-11-02T05:00:00Z"),
        EventBody::Returned {
            bureau: b.clone(),
            reason: "不属于本单位职责".into(),
        },
    );
    assert!(hrss
        .push(&http, &base, 5, &[ret])
        .await
        .status()
        .is_success());
    let redispatch = EventBody::Redispatched {
        from: b.clone(),
        to: BureauCode::from("MARKET"),
        note: "改派市场监管".into(),
    };
    let deny_return = EventBody::ReturnDenied {
        bureau: b.clone(),
        reason: "属于人社职责".into(),
    };
    for (i, body) in [&redispatch, &deny_return].into_iter().enumerate() {
        let r = seat
            .push(
                &http,
                &base,
                5 + i as i64,
                &[seat.event(case, at("2026-11-02T06:00:00Z"), body.clone())],
            )
            .await;
        assert_eq!(
            refusals_of(r).await,
            ["push.forbidden"],
            "a seat may not {}",
            body.step()
        );
        let r = hrss
            .push(
                &http,
                &base,
                6 + i as i64,
                &[hrss.event(case, at("2026-11-02T06:00:00Z"), body.clone())],
            )
            .await;
        assert_eq!(
            refusals_of(r).await,
            ["push.forbidden"],
            "a bureau may not {}",
            body.step()
        );
    }
    let r = boss
        .push(
            &http,
            &base,
            2,
            &[boss.event(case, at("2026-11-02T06:00:00Z"), deny_return)],
        )
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let status: String = sqlx::query_scalar(
        "SELECT status FROM case_bureaus WHERE case_id = $1 AND bureau = 'HRSS'",
    )
    .bind(case.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        status, "signed_for",
        "the return denied, the case stays with the bureau as it was"
    );
}

fn local(t: DateTime<Utc>) -> String {
    hotline_domain::time::local_date(t).to_string()
}

#[tokio::test]
async fn a_late_bureau_is_urged_the_next_working_day_and_the_case_escalated_after() {
    let (pool, _) = database().await;
    seed(&pool).await;
    let base = serve(&pool, TestClock::at("2026-11-02T01:00:00Z")).await;
    let http = reqwest::Client::new();
    let (seat, hrss) = (
        login(&http, &base, "seat1").await,
        login(&http, &base, "hrss1").await,
    );
    let b = BureauCode::from("HRSS");
    let received = seat.new_case(
        1,
        at("2026-11-02T01:00:00Z"),
        "consultation",
        "social_security",
        "养老保险转移",
    );
    let case = received.case;
    let dispatch = seat.event(
        case,
        at("2026-11-02T01:05:00Z"),
        EventBody::Dispatched {
            bureau: b.clone(),
            note: String::new(),
        },
    );
    assert!(seat
        .push(&http, &base, 1, &[received, dispatch])
        .await
        .status()
        .is_success());
    assert!(hrss
        .push(
            &http,
            &base,
            1,
            &[hrss.event(
                case,
                at("2026-11-02T02:00:00Z"),
                EventBody::SignedFor { bureau: b.clone() }
            )]
        )
        .await
        .status()
        .is_success());
    let cal = calendar();
    let steps = || async {
        sqlx::query("SELECT body->>'type' AS step, body->'actor'->>'role' AS role FROM events WHERE case_id = $1 AND device_id = 'server-supervision' ORDER BY tx_id, pos")
            .bind(case.0)
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|r| format!("{}/{}", r.get::<String, _>("step"), r.get::<String, _>("role")))
            .collect::<Vec<_>>()
    };
    // Due at the end of Monday 9 November (Beijing): nothing on the day itself.
    assert_eq!(
        hotline_server::supervise::run_once(&pool, &cal, at("2026-11-09T15:00:00Z"))
            .await
            .unwrap(),
        0
    );
    // Tuesday: urged, once, however often the pass runs.
    assert_eq!(
        hotline_server::supervise::run_once(&pool, &cal, at("2026-11-10T01:00:00Z"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        hotline_server::supervise::run_once(&pool, &cal, at("2026-11-10T05:00:00Z"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(steps().await, ["urged/system"]);
    // The bureau sees the urging notice in its pull.
    let pulled = hrss.pull_all(&http, &base).await;
    assert!(pulled.iter().any(|e| e["event"]["type"] == "urged"
        && e["event"]["note"].as_str().unwrap().contains("系统催办")));
    // Wednesday, still not replied: escalated, once.
    assert_eq!(
        hotline_server::supervise::run_once(&pool, &cal, at("2026-11-11T01:00:00Z"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        hotline_server::supervise::run_once(&pool, &cal, at("2026-11-12T01:00:00Z"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(steps().await, ["urged/system", "escalated/system"]);
    let escalations: i64 =
        sqlx::query_scalar("SELECT (state->>'escalations')::bigint FROM cases WHERE id = $1")
            .bind(case.0)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(escalations, 1);
}

#[tokio::test]
async fn the_duty_roster_says_who_is_on_duty_night_shifts_included() {
    let (pool, _) = database().await;
    seed(&pool).await;
    let csv = "day,shift,start,end,position,user\n\
               2026-11-26,早班,08:00,16:00,A区01席,seat1\n\
               2026-11-26,早班,08:00,16:00,值班长,super1\n\
               2026-11-26,夜班,22:00,08:00,A区01席,seat1\n";
    assert_eq!(hotline_server::roster::import(&pool, csv).await.unwrap(), 3);
    let bad = format!("{csv}2026-11-27,早班,08:00,16:00,A区02席,nobody\n");
    let e = hotline_server::roster::import(&pool, &bad)
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("第 5 行") && e.to_string().contains("nobody"),
        "{e}"
    );
    let e = hotline_server::roster::import(
        &pool,
        "day,shift,start,end,position,user\n2026-11-27,早班,8点,16:00,A区02席,seat1\n",
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("HH:MM"), "{e}");
    // 03:00 on the 27th in Beijing: the night shift of the 26th.
    let base = serve(&pool, TestClock::at("2026-11-27T03:00:00+08:00")).await;
    let http = reqwest::Client::new();
    let seat = login(&http, &base, "seat1").await;
    let r: serde_json::Value = http
        .get(format!("{base}/api/v1/roster?date=2026-11-26"))
        .bearer_auth(&seat.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        r["duties"].as_array().unwrap().len(),
        3,
        "the refused files changed nothing: {r}"
    );
    let on: Vec<String> = r["on_duty"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["shift"].as_str().unwrap(),
                d["position"].as_str().unwrap(),
                d["user"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(on, ["夜班 A区01席 seat1"]);
    let hrss = login(&http, &base, "hrss1").await;
    assert_eq!(
        http.get(format!("{base}/api/v1/roster"))
            .bearer_auth(&hrss.token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
}

#[tokio::test]
async fn a_case_s_full_record_exports_with_who_did_what_and_who_saw_the_caller() {
    let (pool, base, http) = seeded_server().await;
    let (seat, boss) = (
        login(&http, &base, "seat1").await,
        login(&http, &base, "super1").await,
    );
    let now = chrono::Utc::now();
    let received = seat.new_case(1, now, "complaint", "labour", "公司拖欠工资两个月");
    let case = received.case;
    let dispatch = seat.event(
        case,
        now,
        EventBody::Dispatched {
            bureau: BureauCode::from("HRSS"),
            note: "请核查".into(),
        },
    );
    assert!(seat
        .push(&http, &base, 1, &[received, dispatch])
        .await
        .status()
        .is_success());
    assert!(http
        .post(format!("{base}/api/v1/cases/{}/unmask", case.0))
        .bearer_auth(&boss.token)
        .send()
        .await
        .unwrap()
        .status()
        .is_success());
    let number: String = sqlx::query_scalar("SELECT number FROM cases WHERE id = $1")
        .bind(case.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    let record = hotline_server::record::case_record(&pool, &number, &calendar(), now)
        .await
        .unwrap()
        .expect("found by number");
    assert_eq!(record.id, case.0);
    let steps: Vec<(&str, &str)> = record
        .events
        .iter()
        .map(|e| (e.step_zh, e.user.as_str()))
        .collect();
    assert_eq!(steps, [("受理", "seat1"), ("派单", "seat1")]);
    assert_eq!(
        record.state.intake.as_ref().unwrap().caller.phone,
        "13812345678",
        "the archive keeps the caller unmasked"
    );
    assert!(record
        .clocks
        .iter()
        .any(|c| c.key == "dispatch" && c.runs.iter().all(|r| r.is_some())));
    assert_eq!(
        record
            .audit
            .iter()
            .map(|a| (a.action.as_str(), a.user.as_deref()))
            .collect::<Vec<_>>(),
        [("case.unmask", Some("super1"))]
    );
    assert!(
        hotline_server::record::case_record(&pool, "000000-X-0000", &calendar(), now)
            .await
            .unwrap()
            .is_none()
    );
}
