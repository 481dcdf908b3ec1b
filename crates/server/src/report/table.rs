//! The report as tables — the same rows for the XLSX sheets and the PDF pages, so both formats
//! always say the same thing.

use super::compute::{OnTime, Reached, Report, Satisfaction};

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A share 0–1, shown as a percentage; None: nothing to divide.
    Percent(Option<f64>),
    /// Hours, one decimal; None: nothing reached the step.
    Hours(Option<f64>),
    /// Points of a score, one decimal; None: nothing to score.
    Score(Option<f64>),
    /// A change of points, signed; None: nothing to compare with.
    Change(Option<f64>),
}

impl Cell {
    pub fn display(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Int(n) => n.to_string(),
            Self::Percent(Some(p)) => format!("{:.1}%", p * 100.0),
            Self::Hours(Some(h)) | Self::Score(Some(h)) => format!("{h:.1}"),
            Self::Change(Some(c)) => format!("{c:+.1}"),
            Self::Percent(None) | Self::Hours(None) | Self::Score(None) | Self::Change(None) => {
                "—".into()
            }
        }
    }
}

pub struct Table {
    pub name: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn on_time_cells(o: &OnTime) -> [Cell; 4] {
    [
        Cell::Int(o.decided),
        Cell::Int(o.met),
        Cell::Int(o.breached()),
        Cell::Percent(o.rate()),
    ]
}

fn satisfaction_cells(s: &Satisfaction) -> [Cell; 5] {
    [
        Cell::Int(s.total()),
        Cell::Int(s.satisfied),
        Cell::Int(s.basically),
        Cell::Int(s.dissatisfied),
        Cell::Percent(s.rate()),
    ]
}

fn reached_cells(r: &Reached) -> [Cell; 2] {
    [Cell::Int(r.count), Cell::Hours(r.mean_hours)]
}

pub fn summary(r: &Report) -> Table {
    let mut rows = vec![
        vec![t("受理量"), Cell::Int(r.received)],
        vec![t("当场答复"), Cell::Int(r.on_spot)],
        vec![t("答复量"), Cell::Int(r.replied.count)],
        vec![t("平均答复时长（小时）"), Cell::Hours(r.replied.mean_hours)],
        vec![t("办结量"), Cell::Int(r.closed.count)],
        vec![t("平均办结时长（小时）"), Cell::Hours(r.closed.mean_hours)],
        vec![t("到期时限数"), Cell::Int(r.on_time.decided)],
        vec![t("超时数"), Cell::Int(r.on_time.breached())],
        vec![t("按时率"), Cell::Percent(r.on_time.rate())],
        vec![t("回访数"), Cell::Int(r.satisfaction.total())],
        vec![t("满意率"), Cell::Percent(r.satisfaction.rate())],
    ];
    // Said only when it applies: these figures may change once the year's notice is imported.
    if r.on_time.provisional > 0 {
        rows.insert(
            9,
            vec![
                t("其中按暂定日历判定（待国务院通知）"),
                Cell::Int(r.on_time.provisional),
            ],
        );
    }
    if r.late_entries.count > 0 {
        rows.push(vec![
            t("事后补录（晚于24小时送达的记录）"),
            Cell::Int(r.late_entries.count),
        ]);
        rows.push(vec![
            t("补录最晚送达（小时）"),
            Cell::Hours(Some(r.late_entries.max_hours)),
        ]);
    }
    Table {
        name: "概览",
        headers: vec!["指标", "数值"],
        rows,
    }
}

pub fn by_kind(r: &Report) -> Table {
    let rows = r
        .by_kind
        .iter()
        .map(|k| {
            let mut row = vec![t(&k.label), Cell::Int(k.received), Cell::Int(k.on_spot)];
            row.extend(reached_cells(&k.replied));
            row.extend(reached_cells(&k.closed));
            row.extend(on_time_cells(&k.on_time));
            row.push(Cell::Percent(k.satisfaction.rate()));
            row
        })
        .collect();
    Table {
        name: "按类型",
        headers: vec![
            "类型",
            "受理",
            "当场答复",
            "答复",
            "平均答复(时)",
            "办结",
            "平均办结(时)",
            "到期时限",
            "按时",
            "超时",
            "按时率",
            "满意率",
        ],
        rows,
    }
}

pub fn by_bureau(r: &Report) -> Table {
    let rows = r
        .by_bureau
        .iter()
        .map(|b| {
            let mut row = vec![t(&b.name), Cell::Int(b.received)];
            row.extend(on_time_cells(&b.on_time));
            row.extend(satisfaction_cells(&b.satisfaction));
            row
        })
        .collect();
    Table {
        name: "按承办单位",
        headers: vec![
            "承办单位",
            "受理派往",
            "到期时限",
            "按时",
            "超时",
            "按时率",
            "回访",
            "满意",
            "基本满意",
            "不满意",
            "满意率",
        ],
        rows,
    }
}

pub fn by_day(r: &Report) -> Table {
    let rows = r
        .by_day
        .iter()
        .map(|(d, n)| vec![t(d.format("%m-%d").to_string()), Cell::Int(*n)])
        .collect();
    Table {
        name: "每日受理",
        headers: vec!["日期", "受理量"],
        rows,
    }
}

pub fn by_hour(r: &Report) -> Table {
    let rows = r
        .by_hour
        .iter()
        .enumerate()
        .map(|(h, n)| vec![t(format!("{h:02}时")), Cell::Int(*n)])
        .collect();
    Table {
        name: "时段分布",
        headers: vec!["时段", "受理量"],
        rows,
    }
}

pub fn by_channel(r: &Report) -> Table {
    let rows = r
        .by_channel
        .iter()
        .map(|c| vec![t(&c.label), Cell::Int(c.count)])
        .collect();
    Table {
        name: "渠道",
        headers: vec!["渠道", "受理量"],
        rows,
    }
}

pub fn top_categories(r: &Report) -> Table {
    let rows = r
        .top_categories
        .iter()
        .enumerate()
        .map(|(i, c)| vec![Cell::Int(i as i64 + 1), t(&c.label), Cell::Int(c.count)])
        .collect();
    Table {
        name: "热点分类",
        headers: vec!["排名", "分类", "受理量"],
        rows,
    }
}

pub fn satisfaction(r: &Report) -> Table {
    let s = &r.satisfaction;
    let rows = vec![
        vec![t("满意"), Cell::Int(s.satisfied)],
        vec![t("基本满意"), Cell::Int(s.basically)],
        vec![t("不满意"), Cell::Int(s.dissatisfied)],
    ];
    Table {
        name: "满意度",
        headers: vec!["评价", "回访数"],
        rows,
    }
}

/// The bureaus ranked (考核): score, rank and both against the period before, then what the
/// score is made of.
pub fn assessment(r: &Report) -> Table {
    use hotline_domain::case::assessment::BureauStepKind as K;
    let rank = |r: Option<u32>| r.map_or_else(|| t("—"), |r| Cell::Int(i64::from(r)));
    let rows = r
        .assessment
        .rows
        .iter()
        .map(|a| {
            let f = &a.figures;
            let mut row = vec![
                rank(a.rank),
                t(&a.name),
                Cell::Score(a.score),
                Cell::Change(a.score_change),
                rank(a.previous_rank),
                Cell::Int(f.received),
                Cell::Percent(hotline_domain::case::facts::on_time_rate(
                    f.decided(),
                    f.met(),
                )),
                Cell::Percent(f.satisfaction.rate()),
            ];
            row.extend(
                [
                    K::Returned,
                    K::ReturnUpheld,
                    K::ReturnDenied,
                    K::Declined,
                    K::ExtensionGranted,
                    K::Urged,
                    K::Escalated,
                ]
                .map(|k| Cell::Int(f.step(k))),
            );
            row.push(Cell::Int(f.repeats));
            row
        })
        .collect();
    Table {
        name: "承办单位考核排名",
        headers: vec![
            "排名",
            "承办单位",
            "得分",
            "较上期",
            "上期排名",
            "受理派往",
            "按时率",
            "满意率",
            "退单",
            "退单获准",
            "退单被驳回",
            "不予受理",
            "获准延期",
            "被催办",
            "被升级督办",
            "重复投诉",
        ],
        rows,
    }
}

/// Each bureau's on-time rate clock by clock (受理决定, 答复, …).
pub fn assessment_clocks(r: &Report) -> Table {
    let mut rows = Vec::new();
    for a in &r.assessment.rows {
        for (key, label) in &r.assessment.clocks {
            if let Some(c) = a.figures.on_time.get(key) {
                rows.push(vec![
                    t(&a.name),
                    t(label),
                    Cell::Int(c.decided),
                    Cell::Int(c.met),
                    Cell::Int(c.decided - c.met),
                    Cell::Percent(hotline_domain::case::facts::on_time_rate(c.decided, c.met)),
                ]);
            }
        }
    }
    Table {
        name: "分时限按时率",
        headers: vec!["承办单位", "时限", "到期", "按时", "超时", "按时率"],
        rows,
    }
}

/// The seats' quality reviews (质检): reviewed cases, mean score, contests.
pub fn quality(r: &Report) -> Table {
    Table {
        name: "坐席质检",
        headers: vec!["坐席", "质检件数", "平均得分率", "申诉"],
        rows: r
            .quality
            .iter()
            .map(|q| {
                vec![
                    t(&q.seat),
                    Cell::Int(q.reviewed),
                    Cell::Percent(q.average),
                    Cell::Int(q.contested),
                ]
            })
            .collect(),
    }
}
