//! The escalation ladder end to end, with real processes: a level-A fault that nobody touches.
//! Two `hotline-server` processes (their clocks after the breach, by libfaketime) run their
//! supervision passes against one PostgreSQL; the duty supervisor of the roster is alerted at
//! half the 15-minute response and the case is escalated to them at the breach — each recorded
//! once — and the supervisors' own `hotline` stores show the escalation and hold its alert.

mod support;

use std::time::{Duration, Instant};

use support::{add_user, database, free_port, psql, server_admin, Seat, Server};

fn setup(db: &str) {
    server_admin(db, &["migrate"], "");
    for (name, role, code) in [
        ("seat1", "seat", "A017"),
        ("lead1", "supervisor", "Z001"),
        ("lead2", "supervisor", "Z002"),
    ] {
        add_user(db, name, role, code, "pass-word-1");
    }
    // Saturday 28 November 2026: lead2 is the duty supervisor (值班长) of the day shift.
    let roster = std::env::temp_dir().join(format!("roster-{}.csv", uuid::Uuid::new_v4().simple()));
    std::fs::write(
        &roster,
        "day,shift,start,end,position,user\n2026-11-28,早班,08:00,20:00,值班长,lead2\n2026-11-28,早班,08:00,20:00,A区17席,seat1\n",
    )
    .unwrap();
    server_admin(db, &["roster", "import", roster.to_str().unwrap()], "");
}

/// The rows `sql` gives, as text (psql's unaligned output).
fn rows(db: &str, sql: &str) -> Vec<String> {
    psql(db, sql)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_level_a_fault_left_alone_is_escalated_once_to_the_duty_supervisor_by_two_servers() {
    let db = database();
    setup(&db);
    let root = tempfile::tempdir().unwrap();
    let seat = Seat::new(root.path(), "seat");
    let received = "2026-11-28T10:00:00+08:00";
    {
        // The call comes in at 10:00 Beijing and is pushed at once.
        let port = free_port();
        let _server = Server::start_at(&db, port, "2026-11-28 02:00:00");
        seat.login(port, "seat1", "pass-word-1");
        seat.ok_at(
            received,
            &[
                "case",
                "new",
                "--kind",
                "fault",
                "--category",
                "app_fault",
                "--level",
                "A",
                "--phone",
                "13800138000",
                "--text",
                "政务服务网无法登录",
            ],
        );
        seat.ok_at(received, &["sync", "--once"]);
    }
    let cases = rows(&db, "SELECT count(*) FROM cases");
    assert_eq!(cases, ["1"]);

    // Twenty minutes on, two server processes pass every second: both see the same breach.
    let (p1, p2) = (free_port(), free_port());
    let args = ["--supervise-every", "1"];
    let _a = Server::start_at_with(&db, p1, "2026-11-28 02:20:00", &args);
    let _b = Server::start_at_with(&db, p2, "2026-11-28 02:20:00", &args);
    let ladder = "SELECT body->>'type' || ':' || coalesce(body->'clock'->>'key', '') || ':' || coalesce(body->>'to', '')
                  FROM events WHERE device_id = 'server-supervision' ORDER BY tx_id, pos";
    let deadline = Instant::now() + Duration::from_secs(60);
    while !rows(&db, ladder)
        .iter()
        .any(|r| r.starts_with("escalated:"))
    {
        assert!(
            Instant::now() < deadline,
            "no escalation: {:?}",
            rows(&db, ladder)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Let both servers pass a few more times: nothing is recorded twice.
    std::thread::sleep(Duration::from_secs(4));
    let steps = rows(&db, ladder);
    let count = |prefix: &str| steps.iter().filter(|s| s.starts_with(prefix)).count();
    assert_eq!(count("alerted:respond:"), 1, "{steps:?}");
    assert_eq!(count("escalated:"), 1, "{steps:?}");
    assert!(
        steps.contains(&"escalated:respond:[\"lead2\"]".to_owned()),
        "escalated to the duty supervisor only: {steps:?}"
    );
    assert!(
        steps.contains(&"alerted:respond:[\"lead2\"]".to_owned()),
        "{steps:?}"
    );

    // The supervisors' desks: both see the case escalated to lead2, waiting to be taken; the
    // escalation's desktop alert is addressed to lead2 (the desk hands it to that user only).
    for name in ["lead2", "lead1"] {
        let desk = Seat::new(root.path(), name);
        desk.login(p1, name, "pass-word-1");
        desk.ok(&["sync", "--once"]);
        let queue = desk.queue();
        let row = queue
            .iter()
            .find(|r| r["kind"] == "fault")
            .expect("the fault is on the supervisor's queue");
        assert_eq!(row["escalated_to"], serde_json::json!(["lead2"]), "{row}");
        assert!(row["escalation_taken_by"].is_null());
        let alerts = desk.sqlite(
            "SELECT threshold || '>' || for_user FROM alerts WHERE for_user <> '' ORDER BY 1",
        );
        // The escalation, and the alerts at half of the response and of the dispatch clock.
        assert_eq!(
            alerts
                .iter()
                .filter(|a| *a == "escalated:lead2>lead2")
                .count(),
            1,
            "{name}: {alerts:?}"
        );
        assert!(
            alerts.iter().all(|a| a.ends_with(">lead2")) && alerts.len() >= 2,
            "{name}: {alerts:?}"
        );
    }
}
