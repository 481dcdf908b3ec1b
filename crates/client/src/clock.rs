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

/// The system clock moved by a fixed offset: `HOTLINE_CLOCK_OFFSET_SECS` lets a demonstration or
/// an end-to-end test run the desk "later today" (an alert due in an hour, now) without
/// touching the machine's time. Unset, it is the system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct OffsetClock {
    offset_secs: i64,
}

impl OffsetClock {
    pub fn from_env() -> Self {
        let offset_secs = std::env::var("HOTLINE_CLOCK_OFFSET_SECS")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        Self { offset_secs }
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        SystemClock.now() + chrono::Duration::seconds(self.offset_secs)
    }
}
