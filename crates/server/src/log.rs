//! One-line logs on stderr with a UTC timestamp; enough for a service under systemd or Windows.

pub fn info(msg: &str) {
    eprintln!(
        "{} INFO {msg}",
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ")
    );
}

pub fn error(msg: &str) {
    eprintln!(
        "{} ERROR {msg}",
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ")
    );
}
