//! The SLA engine: deadline clocks in four units, computed on the legal calendar.
//!
//! Every unit is a *timeline*: a non-decreasing function from instants to "clock time"
//! (natural seconds, business seconds, working-day seconds, calendar-day seconds). A clock's due
//! instant is the earliest instant at which its budget of clock time is used up, so pausing,
//! extending and the "lands exactly on a period's end" rule all follow from one mechanism.

mod alert;
mod amount;
mod clock;
mod ladder;
mod light;
mod policy;
mod stricter;
mod timeline;

pub use alert::{threshold_code, AlertPoint, AlertSettings, Milestones, BREACHED};
pub use amount::{SlaAmount, Unit};
pub use clock::{ClockReading, ClockRun, ClockStatus};
pub use ladder::{default_ladder, working_days_after, Rung, RungAction, RungAt};
pub use light::{Light, LightChange, LightSchedule, NearestDue};
pub use policy::{ClockScope, ClockSpec, Policy, PolicyRule, ReportKind, Selector, Trigger};
pub use timeline::{BusinessHours, SlaCalendar, SlaSettings};
