//! Two seats' `hotline` processes against a real `hotline-server` process on real PostgreSQL:
//! offline work drains when the server returns, a bureau sees its case arrive live, and the
//! session token lives in the kernel keyring (a named session keyring per test).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin(name: &str) -> PathBuf {
    // target/debug/deps/this-test → target/debug/NAME
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join(name)
}

/// A database of its own on the test cluster (scripts/pg, or DATABASE_URL).
fn database() -> String {
    let base = std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        let out = Command::new("bash").arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg")).arg("start").output().unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    });
    let name = format!("hotline_cli_{}", uuid::Uuid::new_v4().simple());
    let status = Command::new("psql").arg(&base).args(["-qc", &format!("CREATE DATABASE {name}")]).status().unwrap();
    assert!(status.success());
    let (head, _) = base.rsplit_once('/').unwrap();
    format!("{head}/{name}")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Server {
    child: Child,
}

impl Server {
    fn start(db: &str, port: u16) -> Self {
        let child = Command::new(bin("hotline-server"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", db)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("hotline-server is built alongside the tests");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "hotline-server did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server_admin(db: &str, args: &[&str], stdin: &str) {
    let mut child = Command::new(bin("hotline-server")).args(args).env("DATABASE_URL", db).stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "hotline-server {args:?}");
}

/// A seat: its own data folder, its own named session keyring.
struct Seat {
    data: PathBuf,
    keyring: String,
}

impl Seat {
    fn new(root: &Path, name: &str) -> Self {
        Self { data: root.join(name), keyring: format!("hotline-test-{}", uuid::Uuid::new_v4().simple()) }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new("keyctl");
        c.args(["session", &self.keyring]).arg(bin("hotline")).arg("--data-dir").arg(&self.data).args(args);
        c.env_remove("HOTLINE_TOKEN");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(o.status.success(), "hotline {args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    }

    fn login(&self, port: u16, user: &str, password: &str) {
        use std::io::Write;
        let mut child = self
            .command(&["login", "--server", &format!("http://127.0.0.1:{port}"), "--user", user, "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(password.as_bytes()).unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "login {user}: {}", String::from_utf8_lossy(&o.stderr));
    }

    fn queue(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.ok(&["queue", "--json"])).unwrap()
    }
}

fn setup(db: &str) {
    server_admin(db, &["migrate"], "");
    let csv = std::env::temp_dir().join(format!("bureaus-{}.csv", uuid::Uuid::new_v4().simple()));
    std::fs::write(&csv, "code,name,parent,district,phone\nHRSS,市人社局,,,12333\n").unwrap();
    server_admin(db, &["bureau", "import", csv.to_str().unwrap()], "");
    server_admin(db, &["user", "add", "seat1", "--role", "seat", "--seat-code", "A017", "--password-stdin"], "seat-password");
    server_admin(db, &["user", "add", "hrss1", "--role", "bureau", "--bureau", "HRSS", "--password-stdin"], "hrss-password");
}

#[test]
fn offline_work_drains_when_the_server_returns_and_the_bureau_sees_it() {
    let db = database();
    setup(&db);
    let port = free_port();
    let root = tempfile::tempdir().unwrap();
    let seat = Seat::new(root.path(), "seat");
    let bureau = Seat::new(root.path(), "bureau");
    let server = Server::start(&db, port);
    seat.login(port, "seat1", "seat-password");
    bureau.login(port, "hrss1", "hrss-password");
    drop(server); // the network goes down

    // The seat keeps working: three cases, one dispatched, all local.
    for (i, text) in ["社保卡补办", "医保报销", "养老金发放"].iter().enumerate() {
        let out = seat.ok(&["case", "new", "--kind", "consultation", "--phone", &format!("1380013800{i}"), "--text", text, "--category", "social_security"]);
        assert!(out.trim().ends_with(&format!("A017-000{}", i + 1)), "numbered with the server's seat code: {out}");
    }
    let first = seat.queue()[0]["number"].as_str().unwrap().to_owned();
    seat.ok(&["case", "dispatch", &first, "--bureau", "HRSS"]);
    let o = seat.run(&["sync", "--once"]);
    assert_eq!(o.status.code(), Some(1), "offline is a failure of the machine, not of the input");
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot be reached"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(seat.ok(&["sync", "--status"]).contains("pending: 4"));

    let _server = Server::start(&db, port); // back
    let out = seat.ok(&["sync", "--once"]);
    assert!(out.starts_with("pushed 4 (duplicates 0)"), "{out}");
    assert!(seat.ok(&["sync", "--status"]).contains("pending: 0"));
    // Again: nothing left, nothing applied twice.
    assert!(seat.ok(&["sync", "--once"]).starts_with("pushed 0 (duplicates 0)"));

    bureau.ok(&["sync", "--once"]);
    let q = bureau.queue();
    assert_eq!(q.len(), 1, "only the case dispatched to HRSS: {q:?}");
    assert_eq!(q[0]["number"], first.as_str());
    assert!(q[0]["phone"].as_str().unwrap().contains("****"), "masked for the bureau");
    let events: i64 = {
        let out = Command::new("psql").arg(&db).args(["-tAc", "SELECT count(*) FROM events"]).output().unwrap();
        String::from_utf8(out.stdout).unwrap().trim().parse().unwrap()
    };
    assert_eq!(events, 4);
}

#[test]
fn a_watching_bureau_receives_a_dispatch_live() {
    let db = database();
    setup(&db);
    let port = free_port();
    let root = tempfile::tempdir().unwrap();
    let seat = Seat::new(root.path(), "seat");
    let bureau = Seat::new(root.path(), "bureau");
    let _server = Server::start(&db, port);
    seat.login(port, "seat1", "seat-password");
    bureau.login(port, "hrss1", "hrss-password");
    let mut watcher = bureau.command(&["sync", "--watch"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();

    let out = seat.ok(&["case", "new", "--kind", "consultation", "--phone", "13800138000", "--text", "公积金提取", "--category", "housing"]);
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
