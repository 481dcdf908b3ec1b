//! The `hotline` binary as scripts use it: output formats, exit codes, one-line errors.

mod support;

use std::path::Path;
use std::process::{Command, Output};

fn hotline(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hotline"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("run hotline")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn is_workday_says_workday_or_rest_first_then_why() {
    let dir = tempfile::tempdir().unwrap();
    for (date, line) in [
        ("2026-10-10", "workday make-up 国庆节调休上班"),
        ("2026-10-01", "rest holiday 国庆节"),
        ("2026-10-11", "rest weekend 周日"),
        ("2026-11-26", "workday weekday 周四"),
    ] {
        let o = hotline(dir.path(), &["calendar", "is-workday", date]);
        assert!(o.status.success(), "{date}: {}", stderr(&o));
        assert_eq!(stdout(&o).trim_end(), line);
    }
}

#[test]
fn list_prints_one_line_per_day() {
    let dir = tempfile::tempdir().unwrap();
    let o = hotline(
        dir.path(),
        &[
            "calendar",
            "list",
            "--from",
            "2026-09-30",
            "--to",
            "2026-10-10",
        ],
    );
    assert!(o.status.success());
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 11);
    assert_eq!(lines[0], "2026-09-30 workday weekday 周三");
    assert_eq!(lines[1], "2026-10-01 rest holiday 国庆节");
    assert_eq!(lines[10], "2026-10-10 workday make-up 国庆节调休上班");
}

#[test]
fn sla_due_prints_the_instant_in_china_time_first() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (&["--working-days", "7"][..], "2026-10-12T23:59:59+08:00"),
        (&["--working-hours", "4"][..], "2026-09-28T14:30:00+08:00"),
        (&["--hours", "4"][..], "2026-09-25T20:00:00+08:00"),
        (&["--minutes", "15"][..], "2026-09-25T16:15:00+08:00"),
    ];
    for (amount, first) in cases {
        let mut args = vec!["sla", "due", "--from", "2026-09-25T16:00:00+08:00"];
        args.extend_from_slice(amount);
        let o = hotline(dir.path(), &args);
        assert!(o.status.success(), "{amount:?}: {}", stderr(&o));
        assert_eq!(stdout(&o).lines().next().unwrap(), first, "{amount:?}");
    }
    // The same instant written in UTC gives the same due.
    let o = hotline(
        dir.path(),
        &[
            "sla",
            "due",
            "--from",
            "2026-09-25T08:00:00Z",
            "--working-days",
            "7",
        ],
    );
    assert_eq!(
        stdout(&o).lines().next().unwrap(),
        "2026-10-12T23:59:59+08:00"
    );
}

#[test]
fn bad_input_exits_2_with_a_one_line_error_that_says_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 9] = [
        (&["calendar", "is-workday", "2026-02-30"], "2026-02-30"),
        (&["calendar", "is-workday", "26/10/10"], "YYYY-MM-DD"),
        (&["calendar", "is-workday", "2003-03-01"], "2003"),
        (
            &[
                "calendar",
                "list",
                "--from",
                "2026-10-10",
                "--to",
                "2026-10-01",
            ],
            "before",
        ),
        (
            &[
                "sla",
                "due",
                "--from",
                "2026-09-25T16:00:00+08:00",
                "--working-days",
                "-3",
            ],
            "-3",
        ),
        (
            &["sla", "due", "--from", "2026-09-25T16:00:00+08:00"],
            "working-days",
        ),
        (
            &["sla", "due", "--from", "2026-09-25 16:00", "--hours", "2"],
            "RFC 3339",
        ),
        // Past the provisional years (ten after the last published one).
        (
            &[
                "sla",
                "due",
                "--from",
                "2036-12-30T10:00:00+08:00",
                "--working-days",
                "5",
            ],
            "2037",
        ),
        (
            &["calendar", "import", "/nonexistent/file.json"],
            "cannot read",
        ),
    ];
    for (args, needle) in cases {
        let o = hotline(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let text = stderr(&o);
        let err: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("warning:"))
            .collect();
        assert_eq!(err.len(), 1, "{args:?}: {err:?}");
        assert!(err[0].contains(needle), "{args:?}: {}", err[0]);
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
}

#[test]
fn import_then_compute_in_the_new_year_and_a_refused_import_keeps_what_was_there() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("2027.csv");
    std::fs::write(&file, "year,date,kind,name\n2027,2027-01-01,rest,元旦\n2027,2027-02-06,rest,春节\n2027,2027-02-07,rest,春节\n2027,2027-02-08,rest,春节\n2027,2027-02-20,work,春节\n").unwrap();
    let data = dir.path().join("data");
    let o = hotline(&data, &["calendar", "import", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("imported 2027"), "{}", stdout(&o));
    assert_eq!(
        stdout(&hotline(&data, &["calendar", "is-workday", "2027-02-20"])).trim(),
        "workday make-up 春节调休上班"
    );
    assert_eq!(
        stdout(&hotline(&data, &["calendar", "years"]))
            .lines()
            .next(),
        Some("2004..2027")
    );
    let o = hotline(
        &data,
        &[
            "sla",
            "due",
            "--from",
            "2026-12-30T10:00:00+08:00",
            "--working-days",
            "5",
        ],
    );
    assert_eq!(
        stdout(&o).lines().next().unwrap(),
        "2027-01-07T23:59:59+08:00"
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "year,date,kind,name\n2027,2027-02-09,work,春节\n").unwrap();
    let o = hotline(&data, &["calendar", "import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a Saturday or Sunday"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        stdout(&hotline(&data, &["calendar", "is-workday", "2027-02-20"])).trim(),
        "workday make-up 春节调休上班"
    );
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["calendar", "--help"],
        &["calendar", "is-workday", "--help"],
        &["calendar", "list", "--help"],
        &["calendar", "import", "--help"],
        &["calendar", "years", "--help"],
        &["sla", "--help"],
        &["sla", "due", "--help"],
        &["sla", "policy", "--help"],
    ] {
        let o = hotline(dir.path(), args);
        assert!(o.status.success(), "{args:?}");
        assert!(stdout(&o).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn the_policy_table_lists_every_clock_with_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout(&hotline(dir.path(), &["sla", "policy"]));
    for needle in [
        "001 §5.2",
        "001 §5.3",
        "003 §5.3.2 e) 2)",
        "003 §5.3.2 e) 3)",
        "003 §5.1 b)",
        "003 §5.3.3 c)",
        "003 §5.3.7 c)",
        "004 §2.3",
        "004 §2.3 (3)",
        "003 §5.3.6 d)",
        "001 §3.2.4",
        "001 §3.2.3",
        "20个工作日",
        "工作时间30分钟",
    ] {
        assert!(out.contains(needle), "missing {needle}");
    }
}

#[test]
fn an_icalendar_feed_imports_like_the_other_formats() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("2027.ics");
    std::fs::write(
        &file,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hotline test//CN\r\n\
BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270104\r\nSUMMARY:元旦\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20270206\r\nDTEND;VALUE=DATE:20270213\r\nSUMMARY:春节 休\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:3\r\nDTSTART;VALUE=DATE:20270214\r\nSUMMARY:春节 补班\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    let o = hotline(&data, &["calendar", "import", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).lines().next().unwrap(),
        "imported 2027: 10 rest days, 1 make-up working days"
    );
    assert_eq!(
        stdout(&hotline(&data, &["calendar", "is-workday", "2027-02-14"])).trim(),
        "workday make-up 春节调休上班"
    );
    assert_eq!(
        stdout(&hotline(&data, &["calendar", "is-workday", "2027-02-08"])).trim(),
        "rest holiday 春节"
    );
    assert_eq!(
        stdout(&hotline(&data, &["calendar", "is-workday", "2027-01-04"])).trim(),
        "workday weekday 周一"
    );
}

#[test]
fn cases_are_recorded_dispatched_queued_and_searched_offline() {
    let dir = tempfile::tempdir().unwrap();
    let o = hotline(
        dir.path(),
        &[
            "case",
            "new",
            "--kind",
            "complaint",
            "--phone",
            "138-0013-8000",
            "--text",
            "商家拒绝退款",
            "--category",
            "market_regulation",
            "--district",
            "天河区",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let (id, number) = out.trim().split_once(' ').unwrap();
    assert_eq!(id.len(), 36);
    assert!(
        number.starts_with(|c: char| c.is_ascii_digit()) && number.ends_with("-0001"),
        "{number}"
    );

    let o = hotline(
        dir.path(),
        &["case", "dispatch", number, "--bureau", "MARKET"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let again = hotline(dir.path(), &["case", "dispatch", id, "--bureau", "MARKET"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("MARKET already holds this case"),
        "{}",
        stderr(&again)
    );

    let queue: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&hotline(dir.path(), &["queue", "--json"]))).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["status"], "dispatched");
    assert_eq!(queue[0]["phone"], "13800138000");

    let hits: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&hotline(dir.path(), &["search", "退款", "--json"]))).unwrap();
    assert_eq!(hits.len(), 1);
    let none: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&hotline(dir.path(), &["search", "社保", "--json"]))).unwrap();
    assert!(none.is_empty());

    let show: serde_json::Value = serde_json::from_str(&stdout(&hotline(
        dir.path(),
        &["case", "show", id, "--json"],
    )))
    .unwrap();
    assert_eq!(show["state"]["status"], "dispatched");
    assert_eq!(show["state"]["events"], 2);

    for (args, code) in [
        (
            &[
                "case",
                "new",
                "--kind",
                "rumour",
                "--phone",
                "13800138000",
                "--text",
                "x",
            ][..],
            "unknown case kind",
        ),
        (
            &[
                "case",
                "new",
                "--kind",
                "complaint",
                "--phone",
                "12",
                "--text",
                "x",
            ][..],
            "invalid phone number",
        ),
        (&["case", "show", "no-such-case"][..], "no case"),
        (
            &["case", "dispatch", id, "--bureau", "市场局"][..],
            "invalid bureau code",
        ),
    ] {
        let o = hotline(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(code), "{args:?}: {}", stderr(&o));
    }
}

/// `hotline` with its clock set to `at` (the desk's demonstration offset, as a seat would run).
fn hotline_at(data: &Path, at: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hotline"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env(
            "HOTLINE_CLOCK_OFFSET_SECS",
            support::offset_to(at).to_string(),
        )
        .output()
        .expect("run hotline")
}

#[test]
fn a_complaint_of_mid_december_has_provisional_dues_in_the_next_year_not_unknown_ones() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let record = |at: &str, kind: &str, category: &str| {
        let o = hotline_at(
            data,
            at,
            &[
                "case",
                "new",
                "--kind",
                kind,
                "--phone",
                "13800138000",
                "--text",
                "商家拒绝退款",
                "--category",
                category,
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let number = stdout(&o).split_whitespace().nth(1).unwrap().to_owned();
        let o = hotline_at(
            data,
            at,
            &["case", "dispatch", &number, "--bureau", "MARKET"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        number
    };
    // 2026-12-15 10:00 China time: the 20-working-day reply clock reaches over 2027's 元旦,
    // whose notice is not out.
    let complaint = record(
        "2026-12-15T10:00:00+08:00",
        "complaint",
        "market_regulation",
    );
    // Business consultations, 5 working days from dispatch: one due in 2026, one over 元旦.
    let early = record(
        "2026-12-21T10:00:00+08:00",
        "consultation",
        "social_security",
    );
    let late = record(
        "2026-12-28T10:00:00+08:00",
        "consultation",
        "social_security",
    );

    let now = "2026-12-28T11:00:00+08:00";
    let show = stdout(&hotline_at(data, now, &["case", "show", &complaint]));
    let line = |key: &str| {
        show.lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key}: {show}"))
            .to_owned()
    };
    let reply = line("clock reply [MARKET]");
    assert!(
        reply.ends_with(
            "due 2027-01-13T23:59:59+08:00 provisional 暂定 (no notice imported for its year yet)"
        ),
        "{reply}"
    );
    let accept = line("clock accept [MARKET]");
    assert!(
        accept.ends_with("due 2026-12-24T23:59:59+08:00"),
        "{accept}"
    );
    assert!(!show.contains("no calendar data"), "{show}");

    let queue: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&hotline_at(data, now, &["queue", "--json"]))).unwrap();
    let row = |i: usize| {
        (
            queue[i]["number"].as_str().unwrap().to_owned(),
            queue[i]["next_due"].as_str().unwrap().to_owned(),
            queue[i]["due_provisional"].as_bool().unwrap(),
        )
    };
    assert!(queue.iter().all(|r| r["due_unknown"] == false), "{queue:?}");
    // Sorted by due, the provisional one among the others by its instant.
    assert_eq!(row(1), (early, "2026-12-28T15:59:59Z".to_owned(), false));
    assert_eq!(row(2), (late, "2027-01-05T15:59:59Z".to_owned(), true));
    assert_eq!(row(0).0, complaint);
    let listing = stdout(&hotline_at(data, now, &["queue"]));
    assert!(
        listing.lines().nth(2).is_some_and(|l| l.ends_with("暂定")),
        "{listing}"
    );
    assert!(
        !listing.lines().nth(1).unwrap().ends_with("暂定"),
        "{listing}"
    );
}
