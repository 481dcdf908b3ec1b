//! CPU time of a benchmark's work, split between this process and PostgreSQL's processes, so that a
//! figure compares across machines (wall time alone does not travel). Shared by the server's and
//! the CLI's benches (`#[path]`): read from /proc, Linux only.

use std::time::Duration;

/// CPU time used so far by this process and by PostgreSQL's processes (live ones, and the
/// postmaster's reaped children), from /proc in clock ticks of 10 ms (Linux's USER_HZ).
pub struct Cpu {
    pub here: Duration,
    pub postgres: Duration,
}

impl Cpu {
    pub fn now() -> Self {
        let mut postgres = 0;
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            if stat.contains("(postgres)") {
                let f = fields(&stat);
                // utime + stime; the postmaster (its parent is not postgres) adds its reaped children.
                postgres += f[11] + f[12] + f[13] + f[14];
            }
        }
        let me = fields(&std::fs::read_to_string("/proc/self/stat").unwrap());
        Self {
            here: Duration::from_millis((me[11] + me[12]) * 10),
            postgres: Duration::from_millis(postgres * 10),
        }
    }

    pub fn since(&self) -> Self {
        let now = Self::now();
        Self {
            here: now.here.saturating_sub(self.here),
            postgres: now.postgres.saturating_sub(self.postgres),
        }
    }
}

/// The numeric fields of a /proc stat line after the command name (index 0 is field 3, state).
fn fields(stat: &str) -> Vec<u64> {
    stat.rsplit_once(')')
        .map(|(_, rest)| {
            rest.split_whitespace()
                .map(|f| f.parse().unwrap_or(0))
                .collect()
        })
        .unwrap_or_default()
}
