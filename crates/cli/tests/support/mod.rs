#![allow(dead_code)]
//! Real processes for the CLI's sync tests: `hotline-server` on a free port over a database of its
//! own, and seats — `hotline` with a data folder and a named kernel session keyring each.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A binary built next to this test: target/debug/deps/this-test → target/debug/NAME.
pub fn bin(name: &str) -> PathBuf {
    std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join(name)
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `scripts/pg ARGS` on the cluster at `port` (None: the default test cluster).
pub fn pg(args: &[&str], port: Option<&str>) -> String {
    let mut c = Command::new("bash");
    c.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg"))
        .args(args);
    if let Some(p) = port {
        c.env("HOTLINE_PG_PORT", p);
    }
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "scripts/pg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

pub fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .arg(url)
        .args(["-tAc", sql])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A new database on the cluster at `base` (a URL ending in a database name).
pub fn database_on(base: &str) -> String {
    let name = format!("hotline_cli_{}", uuid::Uuid::new_v4().simple());
    psql(base, &format!("CREATE DATABASE {name}"));
    format!("{}/{name}", base.rsplit_once('/').unwrap().0)
}

/// A new database on the test cluster (DATABASE_URL, else scripts/pg).
pub fn database() -> String {
    database_on(&std::env::var("DATABASE_URL").unwrap_or_else(|_| pg(&["start"], None)))
}

pub struct Server {
    child: Child,
}

impl Server {
    pub fn start(db: &str, port: u16) -> Self {
        Self::listening(Self::serve(db, port), port)
    }

    /// The server with its clock starting at `at` (UTC, `YYYY-MM-DD hh:mm:ss`) and running on,
    /// through libfaketime (Debian's faketime): a centre on another day than the test machine's.
    /// Monotonic time stays real, so timers and timeouts behave.
    pub fn start_at(db: &str, port: u16, at: &str) -> Self {
        Self::start_at_with(db, port, at, &[])
    }

    /// [`Server::start_at`] with more `serve` arguments.
    pub fn start_at_with(db: &str, port: u16, at: &str, args: &[&str]) -> Self {
        let lib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
        assert!(
            Path::new(lib).exists(),
            "{lib} missing: apt-get install faketime (scripts/test installs it)"
        );
        let mut serve = Self::serve(db, port);
        serve
            .args(args)
            .env("LD_PRELOAD", lib)
            .env("FAKETIME", format!("@{at}"))
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
            .env("TZ", "UTC");
        Self::listening(serve, port)
    }

    fn serve(db: &str, port: u16) -> Command {
        let mut c = Command::new(bin("hotline-server"));
        c.args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", db)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    }

    /// Starts `serve` and waits until it listens on `port`.
    fn listening(mut serve: Command, port: u16) -> Self {
        let child = serve
            .spawn()
            .expect("hotline-server is built alongside the tests");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "hotline-server did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child }
    }
}

/// `hotline-server ARGS`; must succeed; its standard output.
pub fn server_output(db: &str, args: &[&str]) -> String {
    server_output_with(db, args, 0)
}

/// [`server_output`] with the command's clock aimed at `at` (RFC 3339): what it records (a
/// policy version's saving time, …) stands at the instant the test means, not at the day the
/// suite happens to run.
pub fn server_output_at(db: &str, at: &str, args: &[&str]) -> String {
    server_output_with(db, args, offset_to(at))
}

/// This instant, to aim several commands at one moment (RFC 3339).
pub fn instant() -> String {
    chrono::Utc::now().to_rfc3339()
}

/// Seconds from this machine's clock to `at` (RFC 3339), for `HOTLINE_CLOCK_OFFSET_SECS`.
pub fn offset_to(at: &str) -> i64 {
    let at = chrono::DateTime::parse_from_rfc3339(at)
        .unwrap()
        .timestamp();
    at - chrono::Utc::now().timestamp() // the test aims the clock; the program reads it
}

fn server_output_with(db: &str, args: &[&str], offset: i64) -> String {
    let o = Command::new(bin("hotline-server"))
        .args(args)
        .env("DATABASE_URL", db)
        .env("HOTLINE_CLOCK_OFFSET_SECS", offset.to_string())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "hotline-server {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill(); // SIGKILL: no goodbye, like a crash
        let _ = self.child.wait();
    }
}

/// `hotline-server ARGS` with `stdin` on standard input; must succeed.
pub fn server_admin(db: &str, args: &[&str], stdin: &str) {
    use std::io::Write;
    let mut child = Command::new(bin("hotline-server"))
        .args(args)
        .env("DATABASE_URL", db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "hotline-server {args:?}");
}

/// `hotline-server user add NAME --role ROLE` with its place: `--bureau CODE` for a bureau's user,
/// `--seat-code CODE` for everyone else; the password on standard input.
pub fn add_user(db: &str, name: &str, role: &str, code: &str, password: &str) {
    let place = if role == "bureau" {
        "--bureau"
    } else {
        "--seat-code"
    };
    server_admin(
        db,
        &[
            "user",
            "add",
            name,
            "--role",
            role,
            place,
            code,
            "--password-stdin",
        ],
        password,
    );
}

pub struct Seat {
    pub data: PathBuf,
    keyring: String,
}

impl Seat {
    pub fn new(root: &Path, name: &str) -> Self {
        Self {
            data: root.join(name),
            keyring: format!("hotline-test-{}", uuid::Uuid::new_v4().simple()),
        }
    }

    /// `hotline --data-dir DATA ARGS` inside this seat's own session keyring.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new("keyctl");
        c.args(["session", &self.keyring])
            .arg(bin("hotline"))
            .arg("--data-dir")
            .arg(&self.data)
            .args(args);
        c.env_remove("HOTLINE_TOKEN");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// `hotline ARGS` with the seat's clock aimed at `at` (RFC 3339), as the desk's
    /// HOTLINE_CLOCK_OFFSET_SECS does; must succeed.
    pub fn ok_at(&self, at: &str, args: &[&str]) -> String {
        let o = self
            .command(args)
            .env("HOTLINE_CLOCK_OFFSET_SECS", offset_to(at).to_string())
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "hotline {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "hotline {args:?} ({}): {}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    /// `hotline case new`: a call of `kind` and `category` from `phone` about `text`; must
    /// succeed; its output (the case's number is its second word).
    pub fn new_case(&self, kind: &str, category: &str, phone: &str, text: &str) -> String {
        self.ok(&Self::new_case_args(kind, category, phone, text))
    }

    /// [`Seat::new_case`] received at `at` (RFC 3339): calls a test numbers together stay on one
    /// day's numbering even when Beijing's midnight falls between them.
    pub fn new_case_at(
        &self,
        at: &str,
        kind: &str,
        category: &str,
        phone: &str,
        text: &str,
    ) -> String {
        self.ok_at(at, &Self::new_case_args(kind, category, phone, text))
    }

    fn new_case_args<'a>(
        kind: &'a str,
        category: &'a str,
        phone: &'a str,
        text: &'a str,
    ) -> [&'a str; 10] {
        [
            "case",
            "new",
            "--kind",
            kind,
            "--phone",
            phone,
            "--text",
            text,
            "--category",
            category,
        ]
    }

    /// `hotline login` with the password on standard input; its output, whatever came of it.
    pub fn try_login(&self, port: u16, user: &str, password: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .command(&[
                "login",
                "--server",
                &format!("http://127.0.0.1:{port}"),
                "--user",
                user,
                "--password-stdin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(password.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    pub fn login(&self, port: u16, user: &str, password: &str) {
        let o = self.try_login(port, user, password);
        assert!(
            o.status.success(),
            "login {user}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    pub fn queue(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.ok(&["queue", "--json"])).unwrap()
    }

    /// A query on the seat's store, one row per line (`hotline store query`: the store is
    /// encrypted, its key in the seat's keyring).
    pub fn sqlite(&self, sql: &str) -> Vec<String> {
        self.ok(&["store", "query", sql])
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}
