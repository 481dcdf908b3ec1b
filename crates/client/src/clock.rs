use chrono::{DateTime, Utc};
use hotline_domain::time::Clock;

/// The real clock. The only place the client reads the system time; everything below it takes
/// a [`Clock`] so tests can fix "now".
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
