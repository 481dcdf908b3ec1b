//! Which clocks a case runs: configuration, with the defaults taken figure by figure from the
//! seeds (001 §5.2, §5.3; 003 §5.3; 004 §2.3 — each rule below names its own source). The clocks a case runs are resolved once, at intake, and
//! written into its `received` event, so a later policy change never rewrites old deadlines.

use serde::{Deserialize, Serialize};

use super::amount::SlaAmount;
use super::ladder::Rung;
use super::stricter::always_within;
use super::timeline::SlaSettings;
use crate::case::{Domain, Level};

/// What starts, stops or restarts a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum Trigger {
    Received,
    Dispatched,
    /// The centre took the case on itself (中心自办) instead of dispatching it.
    TakenOn,
    SignedFor,
    /// The bureau decided whether to accept a complaint (accepted or declined).
    Decided,
    OnSite,
    FedBack,
    Replied,
    Closed,
    ReportFiled(ReportKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum ReportKind {
    /// 响应服务报告: after a fault or complaint closes (003 §5.3.7 c).
    Response,
    /// 故障处理报告: after a major outage is resolved (004 §2.3 (3)).
    Incident,
}

/// Whether a clock runs once per case or once per bureau the case is dispatched to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum ClockScope {
    Case,
    Bureau,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClockSpec {
    /// Stable key within a case: `reply`, `accept`, `dispatch`, `feedback`, `respond`, …
    pub key: String,
    pub label: String,
    pub amount: SlaAmount,
    pub scope: ClockScope,
    pub start: Trigger,
    pub stop: Vec<Trigger>,
    /// A recurring clock is met and started afresh on these (hourly progress feedback).
    #[serde(default)]
    pub restart: Vec<Trigger>,
    /// The seed and section the figure comes from.
    pub source: String,
    /// What the server does as the clock runs late (督办阶梯); none: [`default_ladder`] for its
    /// unit and scope.
    ///
    /// [`default_ladder`]: super::ladder::default_ladder
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ladder: Option<Vec<Rung>>,
}

/// Which cases a rule applies to; `None` matches anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Selector {
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub domain: Option<Domain>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub level: Option<Level>,
}

impl Selector {
    pub fn matches(
        &self,
        kind: &str,
        domain: Domain,
        category: &str,
        level: Option<Level>,
    ) -> bool {
        (self.kinds.is_empty() || self.kinds.iter().any(|k| k == kind))
            && self.domain.is_none_or(|d| d == domain)
            && self.category.as_deref().is_none_or(|c| c == category)
            && self.level.is_none_or(|l| Some(l) == level)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PolicyRule {
    pub when: Selector,
    pub clock: ClockSpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Policy {
    pub rules: Vec<PolicyRule>,
    /// Planned maintenance is announced this many working days ahead (001 §3.2.3).
    pub maintenance_notice_working_days: u32,
}

impl Policy {
    /// The clocks a new case runs. Where several rules give one clock (the same key), the
    /// stricter limit holds, whoever wrote it (a category must not loosen a level's limit); where
    /// they are equal, or neither is stricter at every start ([`always_within`]), the later, more
    /// specific rule holds.
    pub fn clocks_for(
        &self,
        kind: &str,
        domain: Domain,
        category: &str,
        level: Option<Level>,
        counting: &SlaSettings,
    ) -> Vec<ClockSpec> {
        let mut out: Vec<ClockSpec> = Vec::new();
        for rule in self
            .rules
            .iter()
            .filter(|r| r.when.matches(kind, domain, category, level))
        {
            match out.iter_mut().find(|c| c.key == rule.clock.key) {
                Some(held) if stricter(held.amount, rule.clock.amount, counting) => {}
                Some(held) => *held = rule.clock.clone(),
                None => out.push(rule.clock.clone()),
            }
        }
        out
    }

    /// A name for each clock key: the label of the first bureau-scoped rule with it (the one a
    /// bureau's figures are read under), else of the first rule. Rules of one key may word it
    /// differently ("答复", "回复处理结果"); a table of keys needs one.
    pub fn clock_labels(&self) -> std::collections::BTreeMap<String, String> {
        let mut out = std::collections::BTreeMap::new();
        for bureau_first in [true, false] {
            for r in &self.rules {
                if (r.clock.scope == super::ClockScope::Bureau) == bureau_first {
                    out.entry(r.clock.key.clone())
                        .or_insert_with(|| r.clock.label.clone());
                }
            }
        }
        out
    }
}

/// `a` ends before `b` at some start and never after it (equal limits are not stricter: the
/// later rule then holds, with its own wording).
fn stricter(a: SlaAmount, b: SlaAmount, counting: &SlaSettings) -> bool {
    always_within(a, b, counting) && !always_within(b, a, counting)
}

/// Builds the default policy, figure by figure from the seeds; each clock carries its source.
impl Default for Policy {
    fn default() -> Self {
        use ClockScope::{Bureau, Case};
        use Domain::{Business, Technical};
        use SlaAmount::{Days, Minutes, WorkingDays, WorkingMinutes};
        use Trigger::*;

        let sel = |kinds: &[&str], domain: Option<Domain>, level: Option<Level>| Selector {
            kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
            domain,
            category: None,
            level,
        };
        let clock =
            |key: &str, label: &str, amount, scope, start, stop: &[Trigger], source: &str| {
                ClockSpec {
                    key: key.into(),
                    label: label.into(),
                    amount,
                    scope,
                    start,
                    stop: stop.to_vec(),
                    restart: vec![],
                    source: source.into(),
                    ladder: None,
                }
            };
        let rule = |when, clock| PolicyRule { when, clock };
        // "Immediate" response (004 §2.3 level A 实时响应; 003 §5.3.6 a) level 1 即时响应) has no
        // number in the seeds; we hold it to the tightest response figure they do give, 15 min
        // (003 §5.3.6 b), so the clock can be met at all. Configurable like every rule.
        let immediate = Minutes(15);
        let reply_close = [Replied, Closed];
        // A fault is responded to when a bureau signs for it, or when the centre takes it on or
        // answers it itself: the clock stops at the step that fulfils it, whoever takes it.
        let answered_in_house = [SignedFor, TakenOn, Replied, Closed];

        let mut rules = vec![
            // 001 §5.2: technical consultations are answered by the operator within 2 working days.
            rule(
                sel(
                    &["consultation", "help", "suggestion"],
                    Some(Technical),
                    None,
                ),
                clock(
                    "reply",
                    "答复",
                    WorkingDays(2),
                    Case,
                    Received,
                    &reply_close,
                    "001 §5.2",
                ),
            ),
            // 001 §5.2: business consultations: the responsible bureau replies within 5 working
            // days of receiving it (no legal limit given). Help requests and suggestions have no
            // figure of their own in the seeds and follow consultations.
            rule(
                sel(
                    &["consultation", "help", "suggestion"],
                    Some(Business),
                    None,
                ),
                clock(
                    "reply",
                    "承办单位答复",
                    WorkingDays(5),
                    Bureau,
                    Dispatched,
                    &reply_close,
                    "001 §5.2",
                ),
            ),
            // 001 §5.3: technical complaints: operator replies within 2 working days.
            rule(
                sel(&["complaint"], Some(Technical), None),
                clock(
                    "reply",
                    "答复",
                    WorkingDays(2),
                    Case,
                    Received,
                    &reply_close,
                    "001 §5.3",
                ),
            ),
            // 001 §5.3: business complaints: the bureau decides within 7 working days whether to
            // accept, and replies with the result within 20 working days, both from receipt.
            rule(
                sel(&["complaint"], Some(Business), None),
                clock(
                    "accept",
                    "决定是否受理",
                    WorkingDays(7),
                    Bureau,
                    Dispatched,
                    &[Decided, Replied, Closed],
                    "001 §5.3",
                ),
            ),
            rule(
                sel(&["complaint"], Some(Business), None),
                clock(
                    "reply",
                    "回复处理结果",
                    WorkingDays(20),
                    Bureau,
                    Dispatched,
                    &reply_close,
                    "001 §5.3",
                ),
            ),
            // 003 §5.3.2 e) 2): a complaint is recorded and its handling assigned within 15
            // minutes: dispatched to a bureau, or taken on by the centre itself (中心自办); an
            // answer given in-house assigns it too.
            rule(
                sel(&["complaint"], None, None),
                clock(
                    "dispatch",
                    "分派（派单或中心自办）",
                    Minutes(15),
                    Case,
                    Received,
                    &[Dispatched, TakenOn, Replied, Closed],
                    "003 §5.3.2 e) 2)",
                ),
            ),
            // 003 §5.3.2 e) 3): progress is fed back to the complainant every hour — for the
            // complaints the centre handles itself (about its own service: technical complaints).
            // A business complaint is the bureau's, on 001 §5.3's 7 and 20 working days above,
            // and runs no hourly clock. The hour counts in the service hours the policy sets
            // (its business hours), so a complaint left at night is not late by morning.
            rule(
                sel(&["complaint"], Some(Technical), None),
                ClockSpec {
                    restart: vec![FedBack],
                    ..clock(
                        "feedback",
                        "进展反馈（服务时间内每小时）",
                        WorkingMinutes(60),
                        Case,
                        Received,
                        &reply_close,
                        "003 §5.3.2 e) 3)",
                    )
                },
            ),
            // 003 §5.3.7 c): a response report the day after a fault or complaint is closed.
            rule(
                sel(&["complaint", "fault"], None, None),
                clock(
                    "response_report",
                    "响应服务报告",
                    Days(1),
                    Case,
                    Closed,
                    &[ReportFiled(ReportKind::Response)],
                    "003 §5.3.7 c)",
                ),
            ),
            // 003 §5.1 b), §6.1 b): a work order is fed back to the user within 24 hours.
            rule(
                sel(&["fault"], None, None),
                clock(
                    "feedback",
                    "工单反馈",
                    Minutes(24 * 60),
                    Case,
                    Received,
                    &[FedBack, Replied, Closed],
                    "003 §5.1 b), §6.1 b)",
                ),
            ),
            // 003 §5.3.3 c): a fault work order is created and a technician dispatched in 30 minutes.
            rule(
                sel(&["fault"], None, None),
                clock(
                    "dispatch",
                    "创建工单并分派技术人员",
                    Minutes(30),
                    Case,
                    Received,
                    &[Dispatched, TakenOn, Replied, Closed],
                    "003 §5.3.3 c)",
                ),
            ),
        ];

        // 004 §2.3: fault levels A–D, respond (签收) and resolve.
        let fault_levels: [(Level, SlaAmount, SlaAmount); 4] = [
            (Level::FaultA, immediate, Minutes(60)),
            (Level::FaultB, Minutes(60), Minutes(24 * 60)),
            (Level::FaultC, Minutes(4 * 60), WorkingDays(5)),
            (Level::FaultD, Minutes(8 * 60), WorkingDays(10)),
        ];
        for (level, respond, resolve) in fault_levels {
            rules.push(rule(
                sel(&["fault"], None, Some(level)),
                clock(
                    "respond",
                    "响应",
                    respond,
                    Case,
                    Received,
                    &answered_in_house,
                    "004 §2.3",
                ),
            ));
            rules.push(rule(
                sel(&["fault"], None, Some(level)),
                clock(
                    "resolve",
                    "解决",
                    resolve,
                    Case,
                    Received,
                    &reply_close,
                    "004 §2.3",
                ),
            ));
        }
        // 004 §2.3 (3): after a major outage (level A) is resolved, a report within 24 hours.
        rules.push(rule(
            sel(&["fault"], None, Some(Level::FaultA)),
            clock(
                "incident_report",
                "故障处理报告",
                Minutes(24 * 60),
                Case,
                Replied,
                &[ReportFiled(ReportKind::Incident)],
                "004 §2.3 (3)",
            ),
        ));

        // 003 §5.3.6: service levels 1–4. Levels 1–2 are 7×24 (natural time); levels 3–4 are
        // 5×8 service, so their figures count business hours of working days.
        let service_levels: [(Level, SlaAmount, SlaAmount, SlaAmount, &str); 4] = [
            (
                Level::Service1,
                immediate,
                immediate,
                Minutes(2 * 60),
                "003 §5.3.6 a)",
            ),
            (
                Level::Service2,
                Minutes(15),
                Minutes(2 * 60),
                Minutes(4 * 60),
                "003 §5.3.6 b)",
            ),
            (
                Level::Service3,
                WorkingMinutes(30),
                WorkingMinutes(6 * 60),
                WorkingMinutes(8 * 60),
                "003 §5.3.6 c)",
            ),
            (
                Level::Service4,
                WorkingMinutes(30),
                WorkingDays(1),
                WorkingMinutes(24 * 60),
                "003 §5.3.6 d)",
            ),
        ];
        for (level, respond, on_site, recover, source) in service_levels {
            rules.push(rule(
                sel(&["fault"], None, Some(level)),
                clock(
                    "respond",
                    "服务响应",
                    respond,
                    Case,
                    Received,
                    &answered_in_house,
                    source,
                ),
            ));
            rules.push(rule(
                sel(&["fault"], None, Some(level)),
                clock(
                    "on_site",
                    "人员到场",
                    on_site,
                    Case,
                    Received,
                    &[OnSite, Replied, Closed],
                    source,
                ),
            ));
            rules.push(rule(
                sel(&["fault"], None, Some(level)),
                clock(
                    "resolve",
                    "故障恢复",
                    recover,
                    Case,
                    Received,
                    &reply_close,
                    source,
                ),
            ));
        }
        // 001 §3.2.4, §3.3.3: a faulty service application is fixed within 1 working day,
        // otherwise taken offline. Where the level's own resolve limit is stricter (a level-A
        // fault's hour, 004 §2.3), that one holds (`clocks_for`).
        rules.push(rule(
            Selector {
                kinds: vec!["fault".into()],
                category: Some("app_fault".into()),
                ..Selector::default()
            },
            clock(
                "resolve",
                "解决或下线",
                WorkingDays(1),
                Case,
                Received,
                &reply_close,
                "001 §3.2.4, §3.3.3",
            ),
        ));
        Self {
            rules,
            maintenance_notice_working_days: 3,
        }
    }
}
