//! One case printed (工单打印): its intake, its clocks as read at printing, every step with who
//! and when, and each incident report filed with its sections — the response report of 003
//! §5.3.7 c) and the outage report of 004 §2.3 (3), printed as the centre files them.
//! `hotline-server case export CASE --out FILE.pdf`. Laid out as the period reports are
//! (`pdf::lay_out`), in the same embedded Chinese font.

use hotline_domain::case::{EventBody, KindCatalog};
use hotline_domain::time::china;

use super::pdf::{lay_out, Block, ReportFont};
use super::table::{Cell, Table};
use super::ReportError;
use crate::record::CaseRecord;

/// What a step says besides its name: its bureau, its words.
fn step_text(body: &EventBody) -> String {
    let json = serde_json::to_value(body).unwrap_or_default();
    [
        "bureau", "to", "service", "answer", "text", "reason", "note", "comment",
    ]
    .iter()
    .filter_map(|k| json.get(*k).and_then(|v| v.as_str()))
    .filter(|s| !s.trim().is_empty())
    .collect::<Vec<_>>()
    .join("；")
}

/// The case printed; kinds and categories named as the centre's `catalog` names them.
pub fn write(
    r: &CaseRecord,
    catalog: &KindCatalog,
    font: &ReportFont,
) -> Result<Vec<u8>, ReportError> {
    let (pdf_font, svg_options) = font.for_pdf()?;
    let local = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&china())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let title = format!("工单 {} 办理记录", r.number);
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Line(format!(
            "打印时间：{}（北京时间）　　状态：{}",
            local(r.exported_at),
            r.state.status.label_zh()
        )),
    ];
    if let Some(i) = &r.state.intake {
        blocks.push(Block::Line(format!(
            "类型：{}　分类：{}　区域：{}　渠道：{}　级别：{}",
            catalog
                .kind(&i.kind)
                .map_or(i.kind.as_str(), |k| k.label.as_str()),
            catalog
                .category(&i.category)
                .map_or(i.category.as_str(), |c| c.label.as_str()),
            i.district,
            i.channel.label_zh(),
            i.level
                .map(|l| l.code().to_owned())
                .unwrap_or_else(|| "—".into())
        )));
        blocks.push(Block::para(format!("诉求：{}", i.description)));
    }
    blocks.push(Block::Table(
        clocks(r, &local),
        vec![2.0, 1.4, 1.6, 0.8],
        0.7,
    ));
    blocks.push(Block::Line("办理过程".into()));
    for e in &r.events {
        let words = step_text(&e.event.body);
        blocks.push(Block::para(format!(
            "{}　{}　{}{}",
            local(e.event.at),
            e.step_zh,
            e.user,
            if words.is_empty() {
                String::new()
            } else {
                format!("：{words}")
            }
        )));
    }
    for e in &r.events {
        if let EventBody::ReportFiled { report, content } = &e.event.body {
            let name = match report {
                hotline_domain::sla::ReportKind::Response => "响应服务报告",
                hotline_domain::sla::ReportKind::Incident => "故障处理报告",
            };
            blocks.push(Block::Line(format!(
                "{name}（{} 由 {} 提交）",
                local(e.event.at),
                e.user
            )));
            for s in report.sections() {
                blocks.push(Block::para(format!("{}：{}", s.zh, content.get(s.field))));
            }
        }
    }
    lay_out(&blocks, &title, &pdf_font, &svg_options)
}

fn clocks(r: &CaseRecord, local: &dyn Fn(chrono::DateTime<chrono::Utc>) -> String) -> Table {
    let rows = r
        .clocks
        .iter()
        .filter_map(|c| {
            let reading = c.runs.last()?.as_ref()?;
            Some(vec![
                Cell::Text(c.label.clone()),
                Cell::Text(c.bureau.clone().unwrap_or_else(|| "中心".into())),
                Cell::Text(local(reading.due)),
                Cell::Text(reading.status.label_zh().into()),
            ])
        })
        .collect();
    Table {
        name: "时限",
        headers: vec!["时限", "承办", "到期（北京时间）", "状态"],
        rows,
    }
}
