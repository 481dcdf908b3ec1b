//! Which of two limits on one clock is stricter, whatever the instant it starts at: where two
//! rules of the policy give one clock (a fault's level and its category, say), the stricter holds
//! (issue: "clocks true to the seeds"; 001 §3.2.4's one working day must not loosen 004 §2.3's
//! one hour for a level-A fault).
//!
//! Why bounds and not the due instants: the rules are resolved at intake, before the calendar is
//! consulted, so the choice must hold for any start. Each limit spans, in wall-clock seconds, at
//! least `shortest` and at most `longest` (working units have no upper bound: a long holiday
//! stretches them). Two working units are compared on the working-day count instead. When
//! neither is stricter at every start (8 working hours against 1 working day: it depends on the
//! hour of receipt), the caller keeps the later, more specific rule.

use chrono::Timelike;

use super::amount::SlaAmount;
use super::timeline::SlaSettings;
use crate::time::DAY_SECS;

/// Does `a` end no later than `b` for every start instant?
pub fn always_within(a: SlaAmount, b: SlaAmount, counting: &SlaSettings) -> bool {
    use SlaAmount::*;
    if a.unit() == b.unit() {
        return a.value() <= b.value();
    }
    if longest(a, counting).is_some_and(|l| l <= shortest(b, counting)) {
        return true;
    }
    let business_day = business_day_secs(counting);
    let business_end_before_day_end = counting
        .business_hours
        .periods()
        .last()
        .is_some_and(|p| p.1 <= counting.day_end);
    match (a, b) {
        // A working-hours limit of m minutes ends, at the latest, on the ceil(m / business day)-th
        // working day after its start day, within business hours; a working-day limit of n ends
        // at the day's end of the n-th working day after its start day.
        (WorkingMinutes(m), WorkingDays(n)) => {
            business_end_before_day_end && days_of_business(m, business_day) <= i64::from(n)
        }
        // Started at the opening of a working day, m working minutes end at the earliest on
        // working day ceil(m / business day) - 1 after it; n working days end on day n.
        (WorkingDays(n), WorkingMinutes(m)) => {
            i64::from(n) + 2 <= days_of_business(m, business_day)
        }
        // A working day is a calendar day, never the reverse: n calendar days end no later than n
        // working days, both at the day's end.
        (Days(d), WorkingDays(n)) => d <= n,
        _ => false,
    }
}

/// The wall-clock seconds `amount` takes at the least, from any start.
fn shortest(amount: SlaAmount, counting: &SlaSettings) -> i64 {
    let v = i64::from(amount.value());
    match amount {
        SlaAmount::Minutes(_) | SlaAmount::WorkingMinutes(_) => v * 60,
        // Counting starts the next day and ends at the day's end of the n-th day: from the last
        // second of a day, (n - 1) whole days plus the day end.
        SlaAmount::Days(_) | SlaAmount::WorkingDays(_) => {
            (v - 1).max(0) * DAY_SECS + day_end_secs(counting) + 1
        }
    }
}

/// The wall-clock seconds `amount` takes at the most, from any start; none for working units.
fn longest(amount: SlaAmount, counting: &SlaSettings) -> Option<i64> {
    let v = i64::from(amount.value());
    match amount {
        SlaAmount::Minutes(_) => Some(v * 60),
        SlaAmount::Days(_) => Some(v * DAY_SECS + day_end_secs(counting) + 1),
        SlaAmount::WorkingMinutes(_) | SlaAmount::WorkingDays(_) => None,
    }
}

fn day_end_secs(counting: &SlaSettings) -> i64 {
    i64::from(counting.day_end.num_seconds_from_midnight())
}

fn business_day_secs(counting: &SlaSettings) -> i64 {
    counting
        .business_hours
        .periods()
        .iter()
        .map(|(a, b)| (*b - *a).num_seconds())
        .sum::<i64>()
        .max(1)
}

/// How many working days' business hours `minutes` fill, rounded up.
fn days_of_business(minutes: u32, business_day: i64) -> i64 {
    let secs = i64::from(minutes) * 60;
    (secs + business_day - 1) / business_day
}

#[cfg(test)]
mod tests {
    use super::*;
    use SlaAmount::*;

    fn within(a: SlaAmount, b: SlaAmount) -> bool {
        always_within(a, b, &SlaSettings::default())
    }

    #[test]
    fn an_hour_is_stricter_than_a_working_day_and_a_day_is_as_strict() {
        assert!(within(Minutes(60), WorkingDays(1)));
        assert!(!within(WorkingDays(1), Minutes(60)));
        // 24 hours from the last second of a day end exactly when one working day does.
        assert!(within(Minutes(24 * 60), WorkingDays(1)));
        assert!(!within(Minutes(24 * 60 + 1), WorkingDays(1)));
        assert!(within(WorkingDays(1), WorkingDays(5)));
        assert!(within(Days(1), WorkingDays(1)));
        assert!(!within(WorkingDays(1), Days(1)));
    }

    #[test]
    fn working_hours_against_working_days_depend_on_the_business_day() {
        // The default business day is 7 hours (09:00–12:00, 13:30–17:30).
        assert!(within(WorkingMinutes(7 * 60), WorkingDays(1)));
        assert!(!within(WorkingMinutes(8 * 60), WorkingDays(1)));
        assert!(!within(WorkingDays(1), WorkingMinutes(8 * 60)));
        assert!(within(WorkingDays(1), WorkingMinutes(3 * 7 * 60)));
        assert!(!within(WorkingDays(1), WorkingMinutes(2 * 7 * 60)));
        // Natural time against working hours: only when it cannot outlast the working minutes.
        assert!(within(Minutes(30), WorkingMinutes(30)));
        assert!(!within(WorkingMinutes(30), Minutes(600)));
    }
}
