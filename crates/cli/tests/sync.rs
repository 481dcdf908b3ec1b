//! Two seats' `hotline` processes against a real `hotline-server` process on real PostgreSQL:
//! offline work drains when the server returns, a bureau sees its case arrive live, and the
//! session token lives in the kernel keyring (a named session keyring per test).

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{
    add_user, database, free_port, psql, server_admin, server_output, server_output_at, Seat,
    Server,
};

fn setup(db: &str) {
    server_admin(db, &["migrate"], "");
    let csv = std::env::temp_dir().join(format!("bureaus-{}.csv", uuid::Uuid::new_v4().simple()));
    std::fs::write(
        &csv,
        "code,name,parent,district,phone\nHRSS,市人社局,,,12333\n",
    )
    .unwrap();
    server_admin(db, &["bureau", "import", csv.to_str().unwrap()], "");
    add_user(db, "seat1", "seat", "A017", "seat-password");
    add_user(db, "hrss1", "bureau", "HRSS", "hrss-password");
}

/// A centre on a running server: seat1 (a seat) and hrss1 (the HRSS bureau), both logged in.
struct Centre {
    db: String,
    port: u16,
    seat: Seat,
    bureau: Seat,
    server: Server,
    _root: tempfile::TempDir,
}

fn centre() -> Centre {
    let db = database();
    setup(&db);
    let port = free_port();
    let root = tempfile::tempdir().unwrap();
    let (seat, bureau) = (
        Seat::new(root.path(), "seat"),
        Seat::new(root.path(), "bureau"),
    );
    let server = Server::start(&db, port);
    seat.login(port, "seat1", "seat-password");
    bureau.login(port, "hrss1", "hrss-password");
    Centre {
        db,
        port,
        seat,
        bureau,
        server,
        _root: root,
    }
}

#[test]
fn offline_work_drains_when_the_server_returns_and_the_bureau_sees_it() {
    let Centre {
        db,
        port,
        seat,
        bureau,
        server,
        _root,
    } = centre();
    drop(server); // the network goes down

    // The seat keeps working: three cases, one dispatched, all local (received at one instant:
    // numbered 0001–0003 even if Beijing's midnight falls during the test).
    let at = support::instant();
    for (i, text) in ["社保卡补办", "医保报销", "养老金发放"].iter().enumerate() {
        let out = seat.new_case_at(
            &at,
            "consultation",
            "social_security",
            &format!("1380013800{i}"),
            text,
        );
        assert!(
            out.trim().ends_with(&format!("A017-000{}", i + 1)),
            "numbered with the server's seat code: {out}"
        );
    }
    let first = seat.queue()[0]["number"].as_str().unwrap().to_owned();
    seat.ok(&["case", "dispatch", &first, "--bureau", "HRSS"]);
    let o = seat.run(&["sync", "--once"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "offline is a failure of the machine, not of the input"
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cannot be reached"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(seat.ok(&["sync", "--status"]).contains("pending: 4"));

    let _server = Server::start(&db, port); // back
    let out = seat.ok(&["sync", "--once"]);
    assert!(out.starts_with("pushed 4 (duplicates 0)"), "{out}");
    assert!(seat.ok(&["sync", "--status"]).contains("pending: 0"));
    // Again: nothing left, nothing applied twice.
    assert!(seat
        .ok(&["sync", "--once"])
        .starts_with("pushed 0 (duplicates 0)"));

    bureau.ok(&["sync", "--once"]);
    let q = bureau.queue();
    assert_eq!(q.len(), 1, "only the case dispatched to HRSS: {q:?}");
    assert_eq!(q[0]["number"], first.as_str());
    assert!(
        q[0]["phone"].as_str().unwrap().contains("****"),
        "masked for the bureau"
    );
    let events: i64 = {
        let out = Command::new("psql")
            .arg(&db)
            .args(["-tAc", "SELECT count(*) FROM events"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    assert_eq!(events, 4);
}

#[test]
fn a_watching_bureau_receives_a_dispatch_live() {
    let Centre {
        seat,
        bureau,
        server: _server,
        _root,
        ..
    } = centre();
    let mut watcher = bureau
        .command(&["sync", "--watch"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let out = seat.new_case("consultation", "housing", "13800138000", "公积金提取");
    let number = out.split_whitespace().nth(1).unwrap().to_owned();
    seat.ok(&["case", "dispatch", &number, "--bureau", "HRSS"]);
    seat.ok(&["sync", "--once"]);

    let deadline = Instant::now() + Duration::from_secs(15);
    let arrived = loop {
        let q = bureau.queue();
        if q.iter().any(|c| c["number"] == number.as_str()) {
            break true;
        }
        if Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = watcher.kill();
    let _ = watcher.wait();
    assert!(arrived, "the watching bureau got the case within 15 s");
}

#[test]
fn after_a_restore_from_backup_seats_pull_again_and_carry_on() {
    let Centre {
        db,
        port,
        seat,
        bureau: _,
        server,
        _root,
    } = centre();
    for (i, text) in ["社保卡补办", "医保报销"].iter().enumerate() {
        seat.new_case(
            "consultation",
            "social_security",
            &format!("1390013900{i}"),
            text,
        );
    }
    seat.ok(&["sync", "--once"]);
    let backups = tempfile::tempdir().unwrap();
    let dir = backups.path().to_str().unwrap();
    let epoch_before = seat.sqlite("SELECT epoch FROM sync_state");
    assert_eq!(
        epoch_before.len(),
        1,
        "the seat knows the server's epoch after a pull"
    );

    // The operator's key pair: the public half on the server, the secret half elsewhere.
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("operator.key");
    let key = key.to_str().unwrap();
    let public = server_output(&db, &["backup-key", "--out", key]);
    assert!(public.starts_with("age1"), "{public}");
    let refused = Command::new(support::bin("hotline-server"))
        .args(["backup", "--dir", dir, "--full"])
        .env("DATABASE_URL", &db)
        .env_remove("HOTLINE_BACKUP_RECIPIENT")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && err.contains("backup.no_recipient"),
        "no key, no backup in the clear unless asked: {err}"
    );
    server_admin(
        &db,
        &[
            "backup",
            "--dir",
            dir,
            "--full",
            "--recipient",
            public.trim(),
        ],
        "",
    );
    drop(server); // the server's disk is lost
    let restored = support::database();
    server_admin(&restored, &["restore", "--dir", dir, "--identity", key], "");
    let _server = Server::start(&restored, port);

    // The seat's next sync notices the new epoch, pulls everything again and carries on.
    seat.new_case(
        "consultation",
        "social_security",
        "13900139009",
        "养老金发放",
    );
    let out = seat.ok(&["sync", "--once"]);
    assert!(out.starts_with("pushed 1 (duplicates 0)"), "{out}");
    assert_ne!(seat.sqlite("SELECT epoch FROM sync_state"), epoch_before);
    assert_eq!(seat.queue().len(), 3);
    assert_eq!(support::psql(&restored, "SELECT count(*) FROM cases"), "3");
    assert_eq!(
        seat.sqlite("SELECT count(*) FROM events WHERE server_pos IS NULL"),
        ["0"],
        "every event has its place on the restored server"
    );
    // The restored log sits under transaction id 3: the seat pulled it again and learnt its places.
    assert_eq!(
        seat.sqlite("SELECT count(*) FROM events WHERE server_pos LIKE '00000000000000000003:%'"),
        ["2"]
    );
}

#[test]
fn seats_answer_from_the_knowledge_base_the_server_publishes() {
    let Centre {
        db,
        port: _,
        seat,
        bureau,
        server: _server,
        _root,
    } = centre();
    let file = std::env::temp_dir().join(format!("kb-{}.json", uuid::Uuid::new_v4().simple()));
    let article = |body: &str| serde_json::json!({"articles": [{"id": "KB-SB-01", "title": "社保卡补办流程", "body": body, "category": "social_security", "level": 1, "tags": ["补办"]}]});
    std::fs::write(
        &file,
        article("携带身份证到任一社保网点办理，当场制卡。").to_string(),
    )
    .unwrap();
    server_admin(&db, &["kb", "import", file.to_str().unwrap()], "");
    seat.ok(&["sync", "--once"]);
    let found = seat.ok(&["kb", "suggest", "社保卡丢了怎么补办"]);
    assert!(found.starts_with("KB-SB-01\t社保卡补办流程"), "{found}");
    // A revised version is published; the seat's copy follows at the next sync.
    std::fs::write(
        &file,
        article("可在粤省事申请补办并邮寄到家，无需到网点。").to_string(),
    )
    .unwrap();
    server_admin(&db, &["kb", "import", file.to_str().unwrap()], "");
    seat.ok(&["sync", "--once"]);
    assert_eq!(
        seat.sqlite("SELECT version || ' ' || body FROM kb_articles WHERE id = 'KB-SB-01'"),
        ["2 可在粤省事申请补办并邮寄到家，无需到网点。"]
    );
    // Bureau handlers do not receive the knowledge base (and their sync does not fail for it).
    bureau.ok(&["sync", "--once"]);
    assert_eq!(
        bureau.sqlite("SELECT count(*) FROM kb_articles WHERE id = 'KB-SB-01'"),
        ["0"]
    );
    let export =
        std::env::temp_dir().join(format!("kb-export-{}.json", uuid::Uuid::new_v4().simple()));
    server_admin(
        &db,
        &["kb", "export", "--out", export.to_str().unwrap()],
        "",
    );
    let all: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    assert_eq!(
        all["articles"][0]["versions"].as_array().unwrap().len(),
        2,
        "both versions exported"
    );
}

/// The centre's calendar comes from the server: a complaint of mid-December counts provisionally
/// over 2027's 元旦 on the seat and on the server alike; once the year is imported on the server
/// (nothing imported on the seat), the import lists the case's moved due and the seat shows the
/// new one after `hotline sync --once`.
#[test]
fn a_year_imported_on_the_server_moves_the_seats_dues_at_their_next_sync() {
    let db = database();
    setup(&db);
    let port = free_port();
    let root = tempfile::tempdir().unwrap();
    let seat = Seat::new(root.path(), "seat");
    // 2026-12-15 10:00 in Beijing, on the server and the seat.
    let _server = Server::start_at(&db, port, "2026-12-15 02:00:00");
    let at = "2026-12-15T10:00:00+08:00";
    seat.login(port, "seat1", "seat-password");
    let number = seat.ok_at(
        at,
        &[
            "case",
            "new",
            "--kind",
            "complaint",
            "--phone",
            "13800138000",
            "--text",
            "社保待遇核定投诉",
            "--category",
            "social_security",
        ],
    );
    let number = number.split_whitespace().nth(1).unwrap().to_owned();
    seat.ok_at(at, &["case", "dispatch", &number, "--bureau", "HRSS"]);
    seat.ok_at(at, &["sync", "--once"]);

    let reply = |show: &str| {
        show.lines()
            .find(|l| l.starts_with("clock reply [HRSS]"))
            .unwrap_or_else(|| panic!("{show}"))
            .to_owned()
    };
    let before = reply(&seat.ok_at(at, &["case", "show", &number]));
    assert!(
        before.contains("due 2027-01-13T23:59:59+08:00 provisional 暂定"),
        "{before}"
    );
    let server_due = |db: &str| {
        psql(db, "SELECT to_char(due_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') FROM clock_runs WHERE clock = 'reply'")
    };
    assert_eq!(
        server_due(&db),
        "2027-01-13 23:59:59",
        "the server counts the same provisional days"
    );

    // The notice arrives, as published text (test data, not the real 2027 notice: 元旦 1–3
    // January with a make-up Saturday on 9 January).
    let file = root.path().join("notice-2027.txt");
    std::fs::write(
        &file,
        "国务院办公厅关于2027年部分节假日安排的通知（测试数据）\n\
        一、元旦：1月1日（周五）至3日（周日）放假，共3天。1月9日（周六）上班。\n\
        二、春节：2月5日（除夕）至11日放假调休，共7天。2月20日（周六）上班。\n\
        三、国庆节：10月1日至7日放假调休，共7天。9月26日（周日）、10月9日（周六）上班。\n",
    )
    .unwrap();
    // Imported that same day (the server's "now" decides which clocks still run and move).
    let dry = server_output_at(
        &db,
        at,
        &[
            "calendar",
            "import-notice",
            file.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert!(dry.starts_with("2027-01-01 rest 元旦 周五\n2027-01-02 rest 元旦 周六\n2027-01-03 rest 元旦 周日\n2027-01-09 work 元旦 周六\n"), "{dry}");
    assert!(dry.ends_with("nothing imported (--dry-run)\n"), "{dry}");
    assert_eq!(
        server_due(&db),
        "2027-01-13 23:59:59",
        "a dry run changes nothing"
    );
    let out = server_output_at(
        &db,
        at,
        &["calendar", "import-notice", file.to_str().unwrap()],
    );
    assert!(
        out.contains(&format!(
            "moved {number} reply [HRSS]: 2027-01-13T23:59:59+08:00 -> 2027-01-12T23:59:59+08:00"
        )),
        "{out}"
    );
    assert_eq!(
        server_due(&db),
        "2027-01-12 23:59:59",
        "the server's snapshot recomputed at the import"
    );

    // The seat imports nothing: its next sync brings the centre's calendar.
    let synced = seat.ok_at(at, &["sync", "--once"]);
    assert!(
        synced.contains("the centre's calendar or policy changed"),
        "{synced}"
    );
    let after = reply(&seat.ok_at(at, &["case", "show", &number]));
    assert!(after.ends_with("due 2027-01-12T23:59:59+08:00"), "{after}");
    assert!(seat
        .ok(&["calendar", "is-workday", "2027-01-09"])
        .starts_with("workday make-up"));
    // A seat that counts on the centre's calendar does not import its own.
    let o = seat.run(&["calendar", "import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("calendar.centre_managed")
            || String::from_utf8_lossy(&o.stderr).contains("centre's calendar"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The case: `hotline case dispatch N --bureau NOPE` is accepted on the seat and refused
/// by the server. On today's main every later event of that seat waited behind it (409) for good;
/// now the refused dispatch is set aside with the reason, the case can be dispatched again, and
/// the seat's later work reaches the bureau.
#[test]
fn a_refused_dispatch_is_set_aside_and_the_seats_later_work_still_reaches_the_bureau() {
    let Centre {
        seat,
        bureau,
        server: _server,
        _root,
        ..
    } = centre();
    let out = seat.new_case(
        "consultation",
        "social_security",
        "13800138000",
        "社保卡补办",
    );
    let number = out.split_whitespace().nth(1).unwrap().to_owned();
    seat.ok(&["case", "dispatch", &number, "--bureau", "NOPE"]);
    let synced = seat.ok(&["sync", "--once"]);
    assert!(synced.contains("refused 1"), "{synced}");
    let status = seat.ok(&["sync", "--status"]);
    assert!(
        status.contains("pending: 0") && status.contains("refused: 1"),
        "{status}"
    );
    let line = status
        .lines()
        .find(|l| l.contains("push.unknown_bureau"))
        .unwrap_or_else(|| panic!("{status}"));
    assert!(
        line.contains(&number) && line.contains("dispatched") && line.contains("NOPE"),
        "{line}"
    );
    // The case is as the server has it (received), so the seat dispatches it again, rightly.
    let show = seat.ok(&["case", "show", &number]);
    assert!(show.lines().next().unwrap().contains("received"), "{show}");
    seat.ok(&["case", "dispatch", &number, "--bureau", "HRSS"]);
    let second = seat.new_case("consultation", "social_security", "13800138001", "医保报销");
    let second = second.split_whitespace().nth(1).unwrap().to_owned();
    seat.ok(&["case", "dispatch", &second, "--bureau", "HRSS"]);
    let synced = seat.ok(&["sync", "--once"]);
    assert!(
        synced.contains("pending 0") && !synced.contains("refused"),
        "{synced}"
    );
    bureau.ok(&["sync", "--once"]);
    let arrived: Vec<String> = bureau
        .queue()
        .iter()
        .map(|r| r["number"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        arrived.contains(&number) && arrived.contains(&second),
        "{arrived:?}"
    );
    // Dismissed once seen: it leaves the list, and stays recorded with who and when.
    let id = line.split_whitespace().next().unwrap();
    seat.ok(&["sync", "--dismiss", id]);
    assert!(seat.ok(&["sync", "--status"]).contains("refused: 0"));
    assert_eq!(seat.sqlite("SELECT dismissed_by FROM set_aside"), ["seat1"]);
}

/// A seat that wrote no clocks into its `received` event (an older build, a tampered store) ends
/// up, after its next sync, with the clocks the server's policy runs, and the timeline says why.
#[test]
fn a_seat_that_wrote_no_clocks_counts_the_policys_after_its_next_sync() {
    let Centre {
        db,
        seat,
        server: _server,
        _root,
        ..
    } = centre();
    let out = seat.new_case(
        "complaint",
        "social_security",
        "13800138000",
        "商家拒绝退款",
    );
    let number = out.split_whitespace().nth(1).unwrap().to_owned();
    let honest = seat.ok(&["case", "show", &number]);
    let clocks = |show: &str| {
        show.lines()
            .filter(|l| l.starts_with("clock "))
            .map(|l| l.split_whitespace().nth(1).unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(!clocks(&honest).is_empty(), "{honest}");
    // Tamper with the stored event, as an old or altered seat would have written it.
    seat.ok(&["store", "query", "--write", "UPDATE events SET body = json_set(body, '$.clocks', json('[]')) WHERE json_extract(body, '$.type') = 'received'"]);
    // The next step folds the tampered history: no clock runs, not even the bureau's.
    seat.ok(&["case", "dispatch", &number, "--bureau", "HRSS"]);
    assert!(
        clocks(&seat.ok(&["case", "show", &number])).is_empty(),
        "the tampered history runs no clock"
    );
    seat.ok(&["sync", "--once"]);
    assert_eq!(psql(&db, "SELECT jsonb_array_length(body->'clocks') FROM events WHERE body->>'type' = 'received'"), "0", "pushed as tampered");
    let after = clocks(&seat.ok(&["case", "show", &number]));
    assert!(
        honest.lines().count() > 1
            && clocks(&honest).iter().all(|c| after.contains(c))
            && after.contains(&"reply".to_owned()),
        "the policy's clocks after the pull: {after:?}"
    );
    let why = seat.sqlite("SELECT json_extract(body, '$.reason') FROM events WHERE json_extract(body, '$.type') = 'clocks_corrected'");
    assert!(why.len() == 1 && why[0].contains("已按政策更正"), "{why:?}");
}

/// The policy change: business consultations answered in 3 working days instead of 5.
/// Saved on the server, it reaches the seats at their next sync and applies to calls received
/// after it; a case received before keeps its deadline; a seat that had not synced since is
/// corrected by the server with the version in force at the call's receipt; a bad file changes
/// nothing.
#[test]
fn a_policy_version_saved_on_the_server_applies_on_every_seat_to_calls_received_after_it() {
    let db = database();
    setup(&db);
    add_user(&db, "seat2", "seat", "A018", "seat2-password");
    let port = free_port();
    let root = tempfile::tempdir().unwrap();
    let (seat, stale, bureau) = (
        Seat::new(root.path(), "seat"),
        Seat::new(root.path(), "stale"),
        Seat::new(root.path(), "bureau"),
    );
    // The server's clock stands on Monday 2026-12-07 10:00 in Beijing; the policy is changed
    // before it (at 09:00 that day: `policy_saved_at`), the first call before that, on 12-01.
    let _server = Server::start_at(&db, port, "2026-12-07 02:00:00");
    seat.login(port, "seat1", "seat-password");
    stale.login(port, "seat2", "seat2-password");
    bureau.login(port, "hrss1", "hrss-password");
    let consultation = |s: &Seat, at: &str| {
        let out = s.ok_at(
            at,
            &[
                "case",
                "new",
                "--kind",
                "consultation",
                "--phone",
                "13800138000",
                "--text",
                "公积金提取需要哪些材料",
                "--category",
                "housing",
            ],
        );
        let number = out.split_whitespace().nth(1).unwrap().to_owned();
        s.ok_at(at, &["case", "dispatch", &number, "--bureau", "HRSS"]);
        number
    };
    let due = |s: &Seat, at: &str, number: &str| {
        let show = s.ok_at(at, &["case", "show", number]);
        let line = show
            .lines()
            .find(|l| l.starts_with("clock reply [HRSS]"))
            .unwrap_or_else(|| panic!("{show}"))
            .to_owned();
        line.split("due ").nth(1).unwrap().to_owned()
    };
    let before_at = "2026-12-01T10:00:00+08:00";
    let old = consultation(&seat, before_at);
    seat.ok_at(before_at, &["sync", "--once"]);
    assert_eq!(
        due(&seat, before_at, &old),
        "2026-12-08T23:59:59+08:00",
        "5 working days"
    );

    let file = root.path().join("policy.json");
    let out = server_output(&db, &["policy", "export", "--out", file.to_str().unwrap()]);
    assert!(out.starts_with("wrote version 0"), "{out}");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let rule = doc["deadlines"]["rules"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| {
            r["clock"]["key"] == "reply"
                && r["when"]["domain"] == "business"
                && r["when"]["kinds"][0] == "consultation"
        })
        .unwrap();
    rule["clock"]["amount"]["value"] = 3.into();
    // A bad file first: an unknown unit is refused with where it is, and nothing is saved.
    let mut bad = doc.clone();
    bad["deadlines"]["rules"][0]["clock"]["amount"]["unit"] = "hours".into();
    let bad_file = root.path().join("bad-policy.json");
    std::fs::write(&bad_file, serde_json::to_string_pretty(&bad).unwrap()).unwrap();
    let o = Command::new(support::bin("hotline-server"))
        .args([
            "policy",
            "import",
            bad_file.to_str().unwrap(),
            "--reason",
            "试错",
        ])
        .env("DATABASE_URL", &db)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success()
            && err.contains("policy.unreadable")
            && err.contains("unknown variant `hours`"),
        "{err}"
    );
    std::fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let policy_saved_at = "2026-12-07T09:00:00+08:00";
    let dry = server_output_at(
        &db,
        policy_saved_at,
        &[
            "policy",
            "import",
            file.to_str().unwrap(),
            "--reason",
            "地方性法规规定咨询3个工作日内答复",
            "--dry-run",
        ],
    );
    assert!(
        dry.contains("clock 咨询 consultation·reply: 承办单位答复 5个工作日")
            && dry.contains("-> 承办单位答复 3个工作日")
            && dry.contains("住房公积金"),
        "{dry}"
    );
    assert!(
        dry.contains("open cases whose deadlines move: 0")
            && dry.ends_with("nothing saved (--dry-run)\n"),
        "{dry}"
    );
    assert_eq!(
        server_output(&db, &["policy", "history"]).lines().count(),
        1,
        "a dry run and a bad file save nothing"
    );
    let saved = server_output_at(
        &db,
        policy_saved_at,
        &[
            "policy",
            "import",
            file.to_str().unwrap(),
            "--reason",
            "地方性法规规定咨询3个工作日内答复",
            "--by",
            "admin",
        ],
    );
    assert!(saved.contains("saved version 1"), "{saved}");
    let history = server_output(&db, &["policy", "history"]);
    assert!(
        history
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("version 1")
                && l.ends_with("by admin: 地方性法规规定咨询3个工作日内答复")),
        "{history}"
    );

    // The seat's next sync brings version 1: a call received now runs 3 working days, the old
    // case keeps its 5.
    let at = "2026-12-07T10:00:00+08:00";
    let synced = seat.ok_at(at, &["sync", "--once"]);
    assert!(synced.contains("policy version 1"), "{synced}");
    assert!(seat
        .ok(&["sla", "policy"])
        .starts_with("the centre's policy / 热线中心时限政策: version 1"));
    let new = consultation(&seat, at);
    assert_eq!(
        due(&seat, at, &new),
        "2026-12-10T23:59:59+08:00",
        "3 working days"
    );
    assert_eq!(
        due(&seat, at, &old),
        "2026-12-08T23:59:59+08:00",
        "received before: unchanged"
    );
    seat.ok_at(at, &["sync", "--once"]);
    let server_due = |number: &str| {
        psql(&db, &format!("SELECT to_char(r.due_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') FROM clock_runs r JOIN cases c ON c.id = r.case_id WHERE r.clock = 'reply' AND c.number = '{number}'"))
    };
    assert_eq!(
        (server_due(&old), server_due(&new)),
        ("2026-12-08".into(), "2026-12-10".into())
    );

    // A seat that has not synced since the change resolves with version 0; the server corrects
    // the call to the version in force at its receipt, and the seat follows after its pull.
    let late = consultation(&stale, "2026-12-07T11:00:00+08:00");
    assert_eq!(
        due(&stale, at, &late),
        "2026-12-14T23:59:59+08:00",
        "the stale seat's own 5 days"
    );
    stale.ok_at(at, &["sync", "--once"]);
    assert_eq!(
        due(&stale, at, &late),
        "2026-12-10T23:59:59+08:00",
        "corrected by the server"
    );
    let why = stale.sqlite("SELECT json_extract(body, '$.reason') FROM events WHERE json_extract(body, '$.type') = 'clocks_corrected'");
    assert!(why.len() == 1 && why[0].contains("第1版"), "{why:?}");
    // The bureau's desk counts the same dues for both.
    bureau.ok_at(at, &["sync", "--once"]);
    assert_eq!(due(&bureau, at, &new), "2026-12-10T23:59:59+08:00");
    assert_eq!(due(&bureau, at, &old), "2026-12-08T23:59:59+08:00");
}

/// A device belongs to the user that first logged in on it. A colleague taking over the desk
/// (a shift change) gets a new device id of their own, unless the previous user's steps still
/// wait to be sent; either way nothing jams and each push is its own user's.
#[test]
fn a_colleague_logging_in_on_the_same_desk_gets_a_device_of_their_own() {
    let Centre {
        seat,
        port,
        server: _server,
        _root,
        ..
    } = centre();
    let first_device = seat.sqlite("SELECT device_id FROM device");
    seat.new_case(
        "consultation",
        "social_security",
        "13800138000",
        "社保卡补办",
    );
    let login = |user: &str, password: &str| seat.try_login(port, user, password);
    let refused = login("hrss1", "hrss-password");
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && err.contains("login.pending_other_user"),
        "{err}"
    );
    assert!(seat.ok(&["sync", "--once"]).contains("pending 0"));

    assert!(login("hrss1", "hrss-password").status.success());
    let second_device = seat.sqlite("SELECT device_id FROM device");
    assert_ne!(first_device, second_device);
    // One user per store: the bureau handler finds nothing of seat1's caller on this desk.
    assert_eq!(seat.sqlite("SELECT count(*) FROM events"), ["0"]);
    assert_eq!(
        seat.sqlite("SELECT count(*) FROM cases WHERE phone = '13800138000'"),
        ["0"]
    );
    assert!(!seat.ok(&["sync", "--once"]).contains("refused"));

    // Back to seat1: a device of its own again, and its work goes through.
    assert!(login("seat1", "seat-password").status.success());
    seat.new_case("consultation", "social_security", "13800138001", "医保报销");
    let synced = seat.ok(&["sync", "--once"]);
    assert!(
        synced.contains("pending 0") && !synced.contains("refused"),
        "{synced}"
    );
}

/// Before: a disabled user's desk kept its whole local store — every caller's name, phone and
/// matter on it. Now its next contact is answered `auth.disabled`, and the desk removes its
/// cases (a step not yet sent with them: the account can no longer send it) and logs out.
#[test]
fn a_disabled_accounts_desk_removes_its_cases_at_its_next_contact() {
    let Centre {
        db,
        bureau,
        seat,
        server: _server,
        _root,
        ..
    } = centre();
    let new_case = |text: &str| {
        seat.new_case("complaint", "social_security", "13800138000", text)
            .trim()
            .rsplit(' ')
            .next()
            .unwrap()
            .to_owned()
    };
    let first = new_case("社保待遇核定有误");
    seat.ok(&["case", "dispatch", &first, "--bureau", "HRSS"]);
    seat.ok(&["sync", "--once"]);
    bureau.ok(&["sync", "--once"]);
    assert_eq!(bureau.queue().len(), 1);
    new_case("养老金未到账");
    assert_eq!(seat.queue().len(), 2);

    // A case record downloaded, and a backup a migration left: they go with the cases.
    let reports = seat.data.join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    std::fs::write(reports.join("case.pdf"), b"%PDF").unwrap();
    let backup = seat.data.join("hotline.db.bak-8-20261207090000");
    std::fs::copy(seat.data.join("hotline.db"), &backup).unwrap();

    server_admin(&db, &["user", "disable", "seat1"], "");
    let out = seat.run(&["sync", "--once"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("auth.disabled"),
        "{err}"
    );
    assert!(seat.queue().is_empty());
    assert_eq!(seat.sqlite("SELECT count(*) FROM events"), ["0"]);
    assert_eq!(seat.sqlite("SELECT count(*) FROM outbox"), ["0"]);
    assert_eq!(
        seat.sqlite("SELECT user_name IS NULL FROM sync_state"),
        ["1"]
    );
    let status = seat.ok(&["sync", "--status"]);
    assert!(status.contains("该账号已停用"), "{status}");
    assert!(
        !reports.exists() && !backup.exists(),
        "exports and backups stay"
    );
    // The bureau, still enabled, keeps the case it was given.
    assert_eq!(bureau.queue().len(), 1);
}

/// Before: two data folders of one seat (a second desk, a reinstall) each numbered the day's
/// first call `…-A017-0001`, and the server stored both under that number. Now the server keeps
/// the first, gives the second the next free number of the seat's prefix (the caller may have
/// been told the first: it stays searchable), and the second folder numbers after it.
#[test]
fn two_data_folders_of_one_seat_never_give_one_number_to_two_cases() {
    let Centre {
        seat,
        port,
        server: _server,
        _root,
        ..
    } = centre();
    let other = Seat::new(_root.path(), "reinstalled");
    other.login(port, "seat1", "seat-password");
    // Every call at one instant: one day's numbering even across Beijing's midnight.
    let at = support::instant();
    let call = |desk: &Seat, phone: &str, text: &str| {
        desk.new_case_at(&at, "consultation", "social_security", phone, text);
    };
    call(&seat, "13800138000", "社保卡补办");
    call(&other, "13900139000", "医保报销");
    let told = other.queue()[0]["number"].as_str().unwrap().to_owned();
    assert_eq!(
        seat.queue()[0]["number"].as_str().unwrap(),
        told,
        "both folders numbered 0001"
    );
    assert!(seat.ok(&["sync", "--once"]).contains("pending 0"));
    let synced = other.ok(&["sync", "--once"]);
    assert!(
        synced.contains("pending 0") && !synced.contains("refused"),
        "{synced}"
    );

    let numbers = |desk: &Seat| {
        let mut n: Vec<String> = desk
            .queue()
            .iter()
            .map(|r| r["number"].as_str().unwrap().to_owned())
            .collect();
        n.sort();
        n
    };
    let prefix = &told[..told.len() - 4];
    assert_eq!(numbers(&other), [told.clone(), format!("{prefix}0002")]);
    // The caller who was told the first number is still found by it, with the case's new one.
    let found: Vec<serde_json::Value> =
        serde_json::from_str(&other.ok(&["search", &told, "--json"])).unwrap();
    let found: Vec<&str> = found
        .iter()
        .map(|r| r["number"].as_str().unwrap())
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    let shown = other.ok(&["case", "show", &format!("{prefix}0002")]);
    assert!(
        shown.contains(&format!(
            "原编号 (renumbered by the centre 中心编号更正): {told}"
        )),
        "{shown}"
    );
    // The reinstalled folder numbers after what the server holds of its prefix.
    call(&other, "13700137000", "公积金提取");
    assert!(numbers(&other).contains(&format!("{prefix}0003")));
    assert!(seat.ok(&["sync", "--once"]).contains("pending 0"));
    assert_eq!(numbers(&seat), numbers(&other)[..2]);
}

/// A bureau handler may not dispatch (the centre does): the CLI refuses the step locally with
/// the domain's `case.forbidden` before anything is written, so nothing waits in the outbox to
/// be refused by the server, and the handler's own steps keep flowing.
#[test]
fn a_bureau_handlers_dispatch_is_refused_locally_and_its_outbox_keeps_flowing() {
    let Centre {
        seat,
        bureau,
        _root,
        server: _server,
        ..
    } = centre();
    seat.new_case(
        "complaint",
        "market_regulation",
        "13800138001",
        "商家拒不退款",
    );
    let number = seat.queue()[0]["number"].as_str().unwrap().to_owned();
    seat.ok(&["case", "dispatch", &number, "--bureau", "HRSS"]);
    seat.ok(&["sync", "--once"]);
    bureau.ok(&["sync", "--once"]);
    let events_before = bureau.sqlite("SELECT count(*) FROM events");

    let o = bureau.run(&["case", "dispatch", &number, "--bureau", "HRSS"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "the user's error: {err}");
    assert!(err.contains("case.forbidden"), "{err}");
    assert_eq!(
        bureau.sqlite("SELECT count(*) FROM events"),
        events_before,
        "nothing written"
    );
    assert_eq!(bureau.sqlite("SELECT count(*) FROM outbox"), ["0"]);
    let synced = bureau.ok(&["sync", "--once"]);
    assert!(
        synced.contains("pending 0") && !synced.contains("refused"),
        "{synced}"
    );
}

/// `hotline logout`: the server ends the session (its token row is gone, so the token is refused)
/// and the credential store forgets it; offline, the token is forgotten here and the answer says
/// the server was not reached; steps not yet sent stay for the user's next login.
#[test]
fn logout_revokes_the_session_on_the_server_and_forgets_the_token() {
    let Centre {
        db,
        port,
        seat,
        server,
        _root,
        ..
    } = centre();
    let sessions = || {
        psql(
            &db,
            "SELECT count(*) FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.name = 'seat1'",
        )
    };
    assert_eq!(sessions(), "1");
    let out = seat.ok(&["logout"]);
    assert!(
        out.starts_with("logged out: the server ended the session"),
        "{out}"
    );
    assert_eq!(sessions(), "0", "the server forgot the session");
    let o = seat.run(&["sync", "--once"]);
    assert!(
        !o.status.success() && String::from_utf8_lossy(&o.stderr).contains("not logged in"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(seat.ok(&["logout"]).starts_with("not logged in"));

    // Offline, with a step not sent: forgotten here, the step kept for the next login.
    seat.login(port, "seat1", "seat-password");
    drop(server);
    seat.new_case(
        "consultation",
        "social_security",
        "13800138000",
        "社保卡补办",
    );
    let out = seat.ok(&["logout"]);
    assert!(
        out.contains("the server was not reached") && out.contains("1 steps not sent yet"),
        "{out}"
    );
    let _server = Server::start(&db, port);
    seat.login(port, "seat1", "seat-password");
    let synced = seat.ok(&["sync", "--once"]);
    assert!(synced.contains("pending 0"), "{synced}");
}
