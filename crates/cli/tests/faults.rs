//! Faults during sync, with real processes: the seat's `hotline` killed (SIGKILL) at random points
//! of a push 50 times, a proxy that drops the server's answer after the server committed,
//! `hotline-server` and PostgreSQL restarted while a watching seat syncs. Afterwards a checker
//! compares the seat's history with the server's: nothing lost, nothing applied twice, and the
//! watching seat recovered by itself.
//!
//! PostgreSQL is restarted, so this test runs its own cluster on a port of its own.

mod support;

use std::io::Write;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::{add_user, database_on, free_port, pg, psql, server_admin, Seat, Server};

const PG_PORT: &str = "54339";

/// A TCP proxy that, for every third push it carries, lets the request through to the server
/// and then closes the client's connection instead of passing the answer back.
fn start_dropping_proxy(upstream: u16) -> (u16, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dropped = Arc::new(AtomicUsize::new(0));
    let counter = Arc::new(AtomicUsize::new(0));
    let dropped2 = dropped.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let (counter, dropped) = (counter.clone(), dropped2.clone());
            std::thread::spawn(move || relay(client, upstream, &counter, &dropped));
        }
    });
    (port, dropped)
}

fn relay(
    mut client: std::net::TcpStream,
    upstream: u16,
    counter: &AtomicUsize,
    dropped: &AtomicUsize,
) {
    use std::io::Read;
    let Ok(mut server) = std::net::TcpStream::connect(("127.0.0.1", upstream)) else {
        return;
    };
    let mut up = server.try_clone().unwrap();
    let mut down = client.try_clone().unwrap();
    // One request per connection is enough here: read what the client sends, forward it.
    client
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut request = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        match client.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                request.extend_from_slice(&buf[..n]);
                if complete(&request) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    let is_push = request.starts_with(b"POST /api/v1/push");
    if up.write_all(&request).is_err() {
        return;
    }
    let mut response = Vec::new();
    let _ = server.set_read_timeout(Some(Duration::from_secs(30)));
    let drop_it = is_push && counter.fetch_add(1, Ordering::SeqCst) % 3 == 2;
    if drop_it {
        // Wait for the server's whole answer (it has committed), then hang up without it. The
        // answer ends at its Content-Length: the server keeps the connection open after it, so
        // reading to the end would hold the seat for the whole read timeout.
        let mut buf = [0u8; 65536];
        while !complete(&response) {
            match server.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => response.extend_from_slice(&buf[..n]),
            }
        }
        dropped.fetch_add(1, Ordering::SeqCst);
        let _ = client.shutdown(std::net::Shutdown::Both);
        return;
    }
    client.set_read_timeout(None).unwrap();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut client, &mut up);
    });
    let _ = std::io::copy(&mut server, &mut down);
    // The server went away (killed, restarted): the seat must see the connection end now, not
    // wait out its request timeout while the other copying thread still holds the socket open.
    let _ = down.shutdown(std::net::Shutdown::Both);
}

/// A full HTTP/1.1 message (a request or an answer): headers and a Content-Length body.
fn complete(req: &[u8]) -> bool {
    let Some(end) = req.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&req[..end]).to_ascii_lowercase();
    let len = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    req.len() >= end + 4 + len
}

fn new_cases(seat: &Seat, n: usize, tag: usize) {
    for i in 0..n {
        let phone = format!("139{:08}", tag * 100 + i);
        seat.new_case(
            "consultation",
            "social_security",
            &phone,
            &format!("故障测试{tag}-{i} 社保"),
        );
    }
}

#[test]
fn kills_dropped_answers_and_restarts_lose_nothing_and_apply_nothing_twice() {
    let db = database_on(&pg(&["start"], Some(PG_PORT)));
    server_admin(&db, &["migrate"], "");
    add_user(&db, "seat1", "seat", "F001", "seat-password");
    let port = free_port();
    let server = Server::start(&db, port);
    let (proxy, dropped) = start_dropping_proxy(port);

    let root = tempfile::tempdir().unwrap();
    let seat = Seat::new(root.path(), "seat");
    seat.login(proxy, "seat1", "seat-password");

    // 1. Fifty syncs killed mid-run at pseudo-random points (a fixed LCG: the same run every
    //    time); new work keeps arriving so there is always something to push.
    let mut rng: u64 = 0x2026_1126;
    let mut next = || {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        rng >> 33
    };
    new_cases(&seat, 40, 0);
    let (mut killed_mid_run, mut attempts) = (0, 0);
    while killed_mid_run < 50 {
        attempts += 1;
        assert!(attempts < 400, "could not land 50 kills mid-run");
        if attempts % 4 == 0 {
            new_cases(&seat, 2, attempts);
        }
        let mut child = seat
            .command(&["sync", "--once"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(2 + next() % 60));
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }

    // 1b. Answers dropped after the server committed: on a loaded machine the kills above may
    //     all land before a push reaches the proxy (the suite on its date matrix saw two drops
    //     where three were wanted), so unhurried syncs go on until the proxy has dropped three.
    let mut unhurried = 0;
    while dropped.load(Ordering::SeqCst) < 3 {
        unhurried += 1;
        assert!(unhurried < 30, "the proxy never dropped three answers");
        new_cases(&seat, 1, 200 + unhurried);
        let _ = seat
            .command(&["sync", "--once"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    // 2. A watching seat while hotline-server and then PostgreSQL restart under it.
    let mut watcher = seat
        .command(&["sync", "--watch"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    new_cases(&seat, 10, 90);
    drop(server); // killed
    new_cases(&seat, 5, 91);
    std::thread::sleep(Duration::from_millis(500));
    let server = Server::start(&db, port);
    new_cases(&seat, 5, 92);
    pg(&["restart"], Some(PG_PORT));
    new_cases(&seat, 5, 93);

    // The watcher drains everything by itself (no user action), within a minute. The seat's own
    // events are counted: the server's supervision may add its own (these many like cases in
    // one district today are a hotspot), which the seat then pulls too.
    const SEATS_OWN: &str = "json_extract(body, '$.device') <> 'server-supervision'";
    const SERVERS_SEAT: &str = "device_id <> 'server-supervision'";
    let expected_total = seat
        .sqlite(&format!("SELECT id FROM events WHERE {SEATS_OWN}"))
        .len();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pending = seat.sqlite("SELECT count(*) FROM outbox")[0]
            .parse::<usize>()
            .unwrap();
        let unplaced = seat.sqlite("SELECT count(*) FROM events WHERE server_pos IS NULL")[0]
            .parse::<usize>()
            .unwrap();
        let on_server: usize = psql(
            &db,
            &format!("SELECT count(*) FROM events WHERE {SERVERS_SEAT}"),
        )
        .parse()
        .unwrap();
        if pending == 0 && unplaced == 0 && on_server == expected_total {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not drained by the watcher: {pending} pending, {unplaced} not yet back from the server, {on_server}/{expected_total} on the server"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = watcher.kill();
    let _ = watcher.wait();
    drop(server);

    // The checker: the same events on both sides, each once, device sequence without gaps.
    let local = seat.sqlite(&format!(
        "SELECT id FROM events WHERE {SEATS_OWN} ORDER BY id"
    ));
    let remote: Vec<String> = psql(
        &db,
        &format!("SELECT id FROM events WHERE {SERVERS_SEAT} ORDER BY id"),
    )
    .lines()
    .map(str::to_owned)
    .collect();
    assert_eq!(
        local, remote,
        "the seat's history and the server's are the same events"
    );
    let (n, min, max): (usize, usize, usize) = {
        let row = psql(
            &db,
            &format!(
                "SELECT count(*), min(device_seq), max(device_seq) FROM events WHERE {SERVERS_SEAT}"
            ),
        );
        let v: Vec<usize> = row.split('|').map(|x| x.parse().unwrap()).collect();
        (v[0], v[1], v[2])
    };
    assert_eq!(
        (min, max),
        (1, n),
        "device sequence 1..{n} with no gap and no repeat"
    );
    let unplaced = seat.sqlite("SELECT count(*) FROM events WHERE server_pos IS NULL");
    assert_eq!(
        unplaced,
        ["0"],
        "every event came back with its server position"
    );
    assert!(
        dropped.load(Ordering::SeqCst) >= 3,
        "the proxy dropped answers after commits"
    );
    eprintln!("faults: {killed_mid_run} kills mid-run in {attempts} attempts, {} answers dropped after commit, {n} events checked", dropped.load(Ordering::SeqCst));
}
