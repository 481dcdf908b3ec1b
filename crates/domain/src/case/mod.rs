//! The case (工单) and its lifecycle as a pure fold of append-only events.

mod admission;
pub mod assessment;
mod event;
pub mod facts;
mod fold;
mod intake;
mod kinds;
pub mod limits;
mod model;
mod permission;
mod report;
pub mod supervision;
pub mod working_set;

pub use admission::{admit, Inadmissible};
pub use event::{Actor, CaseId, DeviceId, Event, EventBody, EventId, Role, Satisfaction};
pub use fold::{
    Assignment, AssignmentStatus, Callback, CaseState, CaseStatus, ClockInstance, ClockRef,
    Conflict, Escalation, ExtensionRequest, Hotspot, InputKind, LadderMark, Offer, OfferInput,
    PendingDecisions, ServiceOffline, StepError, StepRefusal, Touch, Urgency,
};
pub use intake::{
    normalise_phone, IntakeDraft, IntakeError, MAX_ADDRESS_CHARS, MAX_DESCRIPTION_CHARS,
};
pub use kinds::{CategoryDef, KindCatalog, KindDef};
pub use model::{
    BureauCode, Caller, CaseNumber, Channel, Domain, Intake, LegacyOrigin, Level, ModelError,
};
pub use permission::{
    configures_centre, may_unmask, permits, reads_centre_figures, reads_own_report, supervises,
    takes_calls,
};
pub use report::{ReportContent, Section};
