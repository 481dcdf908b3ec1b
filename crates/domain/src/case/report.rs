//! What an incident report says. The response report after a fault or complaint closes (003
//! §5.3.7 c): what happened, what was done and the result; the outage report after a major
//! fault is resolved (004 §2.3 (3)): the kind of fault, its cause, the method used to resolve
//! it, the loss — and what will prevent it again. A report without a section it needs is not
//! admitted (`admission::admit`); reports filed before the sections existed fold as they were.

use serde::{Deserialize, Serialize};

use crate::sla::ReportKind;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ReportContent {
    /// 事件经过
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub happened: String,
    /// 故障种类
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fault_type: String,
    /// 故障原因
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cause: String,
    /// 处理措施（解决方法）
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub done: String,
    /// 处理结果
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub result: String,
    /// 故障损失
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub loss: String,
    /// 防范措施
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prevention: String,
}

/// A section of a report: its field and its Chinese name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub field: &'static str,
    pub zh: &'static str,
}

const fn section(field: &'static str, zh: &'static str) -> Section {
    Section { field, zh }
}

// 003 §5.3.7 c)
const RESPONSE: &[Section] = &[
    section("happened", "事件经过"),
    section("done", "处理措施"),
    section("result", "处理结果"),
];

// 004 §2.3 (3): 故障种类、故障原因、故障解决中使用的方法及故障损失; prevention is what a centre
// adds so the same outage does not come back.
const INCIDENT: &[Section] = &[
    section("fault_type", "故障种类"),
    section("cause", "故障原因"),
    section("done", "解决方法"),
    section("loss", "故障损失"),
    section("prevention", "防范措施"),
];

impl ReportKind {
    /// The sections this report must have, in the order a reader expects them.
    pub fn sections(self) -> &'static [Section] {
        match self {
            Self::Response => RESPONSE,
            Self::Incident => INCIDENT,
        }
    }
}

impl ReportContent {
    /// The text of section `field` (empty for a field no report has).
    pub fn get(&self, field: &str) -> &str {
        match field {
            "happened" => &self.happened,
            "fault_type" => &self.fault_type,
            "cause" => &self.cause,
            "done" => &self.done,
            "result" => &self.result,
            "loss" => &self.loss,
            "prevention" => &self.prevention,
            _ => "",
        }
    }

    /// Every section, named by field: what the length limits check.
    pub fn texts(&self) -> [(&'static str, &str); 7] {
        [
            ("happened", &self.happened),
            ("fault_type", &self.fault_type),
            ("cause", &self.cause),
            ("done", &self.done),
            ("result", &self.result),
            ("loss", &self.loss),
            ("prevention", &self.prevention),
        ]
    }

    /// The first section `kind` needs that is blank.
    pub fn missing(&self, kind: ReportKind) -> Option<Section> {
        kind.sections()
            .iter()
            .copied()
            .find(|s| self.get(s.field).trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_report_names_the_first_blank_section_it_needs() {
        let mut c = ReportContent::default();
        assert_eq!(c.missing(ReportKind::Response).unwrap().zh, "事件经过");
        c.happened = "来电反映页面白屏".into();
        c.done = "  ".into();
        assert_eq!(c.missing(ReportKind::Response).unwrap().field, "done");
        c.done = "重启应用服务".into();
        c.result = "已恢复".into();
        assert_eq!(c.missing(ReportKind::Response), None);
        assert_eq!(c.missing(ReportKind::Incident).unwrap().field, "fault_type");
    }
}
