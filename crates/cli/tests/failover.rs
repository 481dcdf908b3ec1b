//! PostgreSQL fails over and nothing is lost: a primary with a synchronous standby
//! (`pg_basebackup`, `synchronous_standby_names`) on this machine's loopback, two `hotline-server`
//! processes on the multi-host URL, two seats running `hotline sync --watch` while a writer records
//! cases on them. The primary is killed with SIGKILL mid-push and the standby promoted: every event a
//! seat was told is stored is on the new primary, nothing is doubled, each seat drains by itself,
//! and live delivery resumes on both server processes.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use support::{add_user, free_port, psql, server_admin, Seat, Server};

/// A throwaway cluster of `scripts/pg` on its own port, destroyed with the test.
struct Cluster {
    port: u16,
}

impl Cluster {
    fn pg(&self, args: &[&str]) -> String {
        support::pg(args, Some(&self.port.to_string()))
    }

    fn primary() -> Self {
        let c = Self { port: free_port() };
        c.pg(&["start"]);
        c
    }

    fn standby_of(primary: &Cluster) -> Self {
        let c = Self { port: free_port() };
        c.pg(&["standby", &primary.port.to_string()]);
        c
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg"))
            .arg("destroy")
            .env("HOTLINE_PG_PORT", self.port.to_string())
            .status();
    }
}

/// A child process killed with the test.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn setup(db: &str) {
    server_admin(db, &["migrate"], "");
    for (name, code) in [("seat1", "A001"), ("seat2", "A002"), ("seat3", "A003")] {
        add_user(db, name, "seat", code, "pass-word-1");
    }
}

/// Records cases on `seats` in turn until `stop`; the numbers the seats gave them.
fn writer(seats: Arc<Vec<Seat>>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        let mut numbers = Vec::new();
        let mut n = 0u32;
        while !stop.load(Ordering::Relaxed) {
            let seat = &seats[n as usize % seats.len()];
            let out = seat.new_case(
                "consultation",
                "housing",
                &format!("139{:08}", n),
                &format!("公积金提取第{n}问"),
            );
            numbers.push(out.split_whitespace().nth(1).unwrap().to_owned());
            n += 1;
        }
        numbers
    })
}

/// Event ids a seat holds as stored on the server: every event not waiting in its outbox.
fn stored_on_server(seat: &Seat) -> Vec<String> {
    seat.sqlite("SELECT id FROM events WHERE id NOT IN (SELECT event_id FROM outbox)")
}

/// The live stream of the server at `port` for a user who sees every case: its lines, as they come.
fn live_stream(port: u16, user: &str) -> (Running, mpsc::Receiver<String>) {
    let body = serde_json::json!({
        "user": user, "password": "pass-word-1", "device_id": uuid::Uuid::new_v4().to_string()
    });
    let login = Command::new("curl")
        .args(["-sf", "-H", "Content-Type: application/json", "-d"])
        .arg(body.to_string())
        .arg(format!("http://127.0.0.1:{port}/api/v1/login"))
        .output()
        .expect("curl");
    assert!(login.status.success(), "login {user} on {port}");
    let token: serde_json::Value = serde_json::from_slice(&login.stdout).unwrap();
    let mut child = Command::new("curl")
        .args(["-sN", "-H"])
        .arg(format!(
            "Authorization: Bearer {}",
            token["token"].as_str().unwrap()
        ))
        .arg(format!("http://127.0.0.1:{port}/api/v1/stream"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    (Running(child), rx)
}

/// Waits up to `within` for a line `event: events` (a live page) on `stream`, dropping the
/// others; how long it took.
fn next_page(stream: &mpsc::Receiver<String>, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    while let Some(left) = within.checked_sub(started.elapsed()) {
        match stream.recv_timeout(left) {
            Ok(line) if line == "event: events" => return Some(started.elapsed()),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

fn drain(stream: &mpsc::Receiver<String>) {
    while stream.try_recv().is_ok() {}
}

#[test]
fn a_killed_primary_loses_no_acknowledged_event_and_the_seats_carry_on_with_the_standby() {
    let primary = Cluster::primary();
    psql(&primary.url("postgres"), "CREATE DATABASE hotline");
    setup(&primary.url("hotline"));
    let standby = Cluster::standby_of(&primary);
    let url = format!(
        "postgres://postgres@127.0.0.1:{},127.0.0.1:{}/hotline?target_session_attrs=read-write",
        primary.port, standby.port
    );
    let ports = [free_port(), free_port()];
    let _servers: Vec<Server> = ports.iter().map(|&p| Server::start(&url, p)).collect();

    let root = tempfile::tempdir().unwrap();
    let seats: Arc<Vec<Seat>> = Arc::new(
        ["seat1", "seat2"]
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let seat = Seat::new(root.path(), name);
                seat.login(ports[i], name, "pass-word-1");
                seat
            })
            .collect(),
    );
    let _watchers: Vec<Running> = seats
        .iter()
        .map(|s| {
            Running(
                s.command(&["sync", "--watch"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap(),
            )
        })
        .collect();
    // A third seat follows the live stream of the second server process: after the failover its
    // pages can only come through that process's LISTEN on the new primary.
    let (_stream, pages) = live_stream(ports[1], "seat3");

    let stop = Arc::new(AtomicBool::new(false));
    let written = writer(seats.clone(), stop.clone());
    // Mid-push: the seats have pushed for a while and still have work waiting.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let pushed = seats.iter().all(|s| stored_on_server(s).len() >= 10);
        let waiting = seats
            .iter()
            .any(|s| !s.sqlite("SELECT 1 FROM outbox").is_empty());
        if pushed && waiting {
            break;
        }
        assert!(Instant::now() < deadline, "the seats did not push");
    }
    primary.pg(&["crash"]);
    // No server can acknowledge anything now: this is what the seats were told is stored.
    // (Each seat also holds what it pulled of the other's: the same ids, counted once.)
    let acknowledged: std::collections::BTreeSet<String> =
        seats.iter().flat_map(stored_on_server).collect();
    std::thread::sleep(Duration::from_secs(2));
    standby.pg(&["promote"]);
    let promoted = Instant::now();
    std::thread::sleep(Duration::from_secs(3));
    stop.store(true, Ordering::Relaxed);
    let numbers = written.join().unwrap();

    // Each seat drains by itself and holds every case either of them recorded.
    let caught_up = loop {
        let drained = seats.iter().all(|s| {
            s.sqlite("SELECT count(*) FROM outbox") == ["0"]
                && s.sqlite("SELECT count(*) FROM cases") == [numbers.len().to_string()]
        });
        if drained {
            break promoted.elapsed();
        }
        assert!(
            promoted.elapsed() < Duration::from_secs(30),
            "the seats did not catch up within 30 s of the promotion"
        );
        std::thread::sleep(Duration::from_millis(200));
    };

    let new_primary = standby.url("hotline");
    let ids = acknowledged
        .iter()
        .map(|id| format!("'{id}'"))
        .collect::<Vec<_>>()
        .join(",");
    let kept = psql(
        &new_primary,
        &format!("SELECT count(*) FROM events WHERE id IN ({ids})"),
    );
    assert_eq!(
        kept,
        acknowledged.len().to_string(),
        "acknowledged events lost"
    );
    // Nothing doubled: one case and one `received` per call recorded, one number each.
    let cases = psql(
        &new_primary,
        "SELECT count(*), count(DISTINCT case_id) FROM events WHERE body->>'type' = 'received'",
    );
    assert_eq!(cases, format!("{0}|{0}", numbers.len()));
    let mut distinct = numbers.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), numbers.len(), "a number given twice");
    for seat in seats.iter() {
        assert!(seat.sqlite("SELECT event_id FROM set_aside").is_empty());
        let held = seat.sqlite("SELECT id FROM events").len();
        let ids = seat.sqlite("SELECT id FROM events").join("','");
        let on_server = psql(
            &new_primary,
            &format!("SELECT count(*) FROM events WHERE id IN ('{ids}')"),
        );
        assert_eq!(on_server, held.to_string());
    }

    // Live delivery resumed on both processes: a case recorded on the first seat (first server)
    // reaches the second server's stream as a page and the second seat within seconds.
    drain(&pages);
    let out = seats[0].new_case("consultation", "housing", "13912345678", "停车收费标准");
    let number = out.split_whitespace().nth(1).unwrap().to_owned();
    let page = next_page(&pages, Duration::from_secs(10));
    assert!(
        page.is_some(),
        "no live page from the second server after the failover"
    );
    let arrived = Instant::now() + Duration::from_secs(10);
    while seats[1]
        .sqlite(&format!("SELECT 1 FROM cases WHERE number = '{number}'"))
        .is_empty()
    {
        assert!(
            Instant::now() < arrived,
            "the second seat did not get the new case"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!(
        "failover: {} cases recorded, {} events acknowledged before the kill and all on the new primary; \
         seats caught up {:.1} s after the promotion; live page after it in {:.2} s",
        numbers.len(),
        acknowledged.len(),
        caught_up.as_secs_f64(),
        page.unwrap().as_secs_f64()
    );
}
