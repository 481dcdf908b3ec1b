//! What makes a policy document usable. Serde already refuses what does not parse (an unknown
//! unit, a negative amount, a business period that ends before it starts); this checks what
//! parses but cannot be counted or names something that does not exist.

use std::collections::HashSet;

use super::{CentrePolicy, POLICY_FORMAT};
use crate::sla::{ClockScope, ClockSpec, PolicyRule, Rung, RungAction, RungAt, SlaAmount};

/// The longest limit a clock may have: a year in any unit (a longer one is a typing error, and
/// the calendar does not reach that far).
const MAX_MINUTES: u32 = 366 * 24 * 60;
const MAX_WORKING_MINUTES: u32 = 250 * 8 * 60;
const MAX_WORKING_DAYS: u32 = 250;
const MAX_DAYS: u32 = 366;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the policy file cannot be read at line {line}, column {column}: {reason} / 时限政策文件第{line}行第{column}列无法读取")]
    Parse {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("not a policy file: format {0:?}, expected \"hotline-policy/1\" / 不是时限政策文件")]
    Format(String),
    #[error("rule {rule} ({key}): {problem} / 第{rule}条时限规则（{key}）：{problem_zh}")]
    Rule {
        rule: usize,
        key: String,
        problem: &'static str,
        problem_zh: &'static str,
    },
    #[error("rule {rule} names {what} {code:?}, which the catalog does not have / 第{rule}条时限规则引用了不存在的{what_zh}「{code}」")]
    Unknown {
        rule: usize,
        what: &'static str,
        what_zh: &'static str,
        code: String,
    },
    #[error("the catalog: {0} / 类型与分类目录有误")]
    Catalog(String),
    #[error("settings: {0} / 提醒、回访或维护通知设置有误")]
    Settings(String),
    #[error("the version history is out of order at version {0} / 时限政策版本顺序有误")]
    History(u32),
    #[error("calendar year {year}: {reason} / 日历{year}年有误")]
    Calendar { year: i32, reason: String },
}

impl PolicyError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Parse { .. } => "policy.unreadable",
            Self::Format(_) => "policy.format",
            Self::Rule { .. } => "policy.rule",
            Self::Unknown { .. } => "policy.unknown_reference",
            Self::Catalog(_) => "policy.catalog",
            Self::Settings(_) => "policy.settings",
            Self::History(_) => "policy.history",
            Self::Calendar { .. } => "policy.calendar",
        }
    }
}

/// What is wrong with a clock's own escalation ladder, in English and Chinese.
fn ladder_problem(clock: &ClockSpec, ladder: &[Rung]) -> Option<(&'static str, &'static str)> {
    let mut seen = HashSet::new();
    for rung in ladder {
        if !seen.insert(rung.action) {
            return Some((
                "a ladder takes each action (alert, urge, escalate) once",
                "督办阶梯中每种动作（提醒、催办、升级）只能出现一次",
            ));
        }
        if rung.action == RungAction::Urge && clock.scope != ClockScope::Bureau {
            return Some((
                "only a bureau's clock can urge a bureau",
                "只有承办单位的时限才能催办",
            ));
        }
        match rung.at {
            RungAt::BudgetPercent(p) if p == 0 || p > 100 => {
                return Some((
                    "a share of the budget is 1 to 100 percent",
                    "时限比例须在1%到100%之间",
                ))
            }
            RungAt::WorkingDaysAfterDue(d) if d > 30 => {
                return Some((
                    "a ladder step comes at most 30 working days after the due",
                    "督办步骤最晚在到期后30个工作日",
                ))
            }
            _ => {}
        }
    }
    None
}

impl CentrePolicy {
    /// Every check, in the file's order; the first fault is the error.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.format != POLICY_FORMAT {
            return Err(PolicyError::Format(self.format.clone()));
        }
        self.check_catalog()?;
        for (i, rule) in self.deadlines.rules.iter().enumerate() {
            self.check_rule(i + 1, rule)?;
        }
        self.check_settings()
    }

    fn check_catalog(&self) -> Result<(), PolicyError> {
        let c = &self.catalog;
        if c.kinds.is_empty() || c.categories.is_empty() {
            return Err(PolicyError::Catalog(
                "at least one kind and one category".into(),
            ));
        }
        let mut seen = HashSet::new();
        for (code, label) in c.kinds.iter().map(|k| (&k.code, &k.label)) {
            if code.trim().is_empty() || label.trim().is_empty() || !seen.insert(code) {
                return Err(PolicyError::Catalog(format!(
                    "kind {code:?}: empty or repeated code or label"
                )));
            }
        }
        let mut seen = HashSet::new();
        for (code, label) in c.categories.iter().map(|k| (&k.code, &k.label)) {
            if code.trim().is_empty() || label.trim().is_empty() || !seen.insert(code) {
                return Err(PolicyError::Catalog(format!(
                    "category {code:?}: empty or repeated code or label"
                )));
            }
        }
        Ok(())
    }

    fn check_rule(&self, n: usize, rule: &PolicyRule) -> Result<(), PolicyError> {
        let clock = &rule.clock;
        let bad = |problem, problem_zh| {
            Err(PolicyError::Rule {
                rule: n,
                key: clock.key.clone(),
                problem,
                problem_zh,
            })
        };
        if clock.key.trim().is_empty() || clock.label.trim().is_empty() {
            return bad("a clock needs a key and a label", "时限须有标识和名称");
        }
        let (value, max) = match clock.amount {
            SlaAmount::Minutes(v) => (v, MAX_MINUTES),
            SlaAmount::WorkingMinutes(v) => (v, MAX_WORKING_MINUTES),
            SlaAmount::WorkingDays(v) => (v, MAX_WORKING_DAYS),
            SlaAmount::Days(v) => (v, MAX_DAYS),
        };
        if value == 0 {
            return bad("the amount must be more than 0", "时限须大于0");
        }
        if value > max {
            return bad("the amount is longer than a year", "时限超过一年");
        }
        if clock.stop.is_empty() {
            return bad(
                "a clock needs at least one step that stops it",
                "时限须有停止条件",
            );
        }
        if clock.stop.contains(&clock.start) || clock.restart.contains(&clock.start) {
            return bad(
                "the step that starts the clock cannot also stop or restart it",
                "起算条件不能同时是停止或重新起算条件",
            );
        }
        if let Some(problem) = clock
            .ladder
            .as_deref()
            .and_then(|l| ladder_problem(clock, l))
        {
            return bad(problem.0, problem.1);
        }
        self.check_selector(n, rule)
    }

    fn check_selector(&self, n: usize, rule: &PolicyRule) -> Result<(), PolicyError> {
        let unknown = |what, what_zh, code: &str| {
            Err(PolicyError::Unknown {
                rule: n,
                what,
                what_zh,
                code: code.to_owned(),
            })
        };
        let when = &rule.when;
        for kind in &when.kinds {
            if self.catalog.kind(kind).is_none() {
                return unknown("kind", "工单类型", kind);
            }
        }
        if let Some(category) = &when.category {
            match self.catalog.category(category) {
                None => return unknown("category", "诉求分类", category),
                Some(c) if when.domain.is_some_and(|d| d != c.domain) => {
                    return Err(PolicyError::Rule {
                        rule: n,
                        key: rule.clock.key.clone(),
                        problem: "the category belongs to the other domain",
                        problem_zh: "分类与技术类/业务类不符",
                    })
                }
                Some(_) => {}
            }
        }
        let levelled = self
            .catalog
            .kinds
            .iter()
            .filter(|k| when.kinds.is_empty() || when.kinds.contains(&k.code))
            .any(|k| k.has_level);
        if when.level.is_some() && !levelled {
            return Err(PolicyError::Rule {
                rule: n,
                key: rule.clock.key.clone(),
                problem: "a level is given for kinds that have no level",
                problem_zh: "所选工单类型没有等级",
            });
        }
        Ok(())
    }

    fn check_settings(&self) -> Result<(), PolicyError> {
        let a = &self.alerts;
        if a.at_risk_percent > 100 {
            return Err(PolicyError::Settings(format!(
                "at_risk_percent {} is over 100",
                a.at_risk_percent
            )));
        }
        if std::iter::once(&a.at_risk_left)
            .chain(&a.notify_left)
            .any(|l| l.value() == 0)
        {
            return Err(PolicyError::Settings("a threshold of 0".into()));
        }
        if a.callback_after_days > 30 {
            return Err(PolicyError::Settings(format!(
                "callback_after_days {} is over 30",
                a.callback_after_days
            )));
        }
        if self.deadlines.maintenance_notice_working_days > 60 {
            return Err(PolicyError::Settings(
                "maintenance_notice_working_days is over 60".into(),
            ));
        }
        let w = &self.assessment;
        if w.total() == 0 || w.total() > 1_000 {
            return Err(PolicyError::Settings(format!(
                "the assessment weights add up to {} (1 to 1000)",
                w.total()
            )));
        }
        if let Some(p) = self
            .hotspot
            .problem()
            .or_else(|| self.quality.problem())
            .or_else(|| self.desk.problem())
        {
            return Err(PolicyError::Settings(p.into()));
        }
        Ok(())
    }
}
