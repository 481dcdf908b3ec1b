//! The report as an XLSX workbook: one sheet per table, with Excel's own charts beside the data
//! (so the leadership can restyle them), written by rust_xlsxwriter.

use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, Worksheet, XlsxError};

use super::compute::Report;
use super::table::{self, Cell, Table};

pub fn write(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0%");
    let hours = Format::new().set_num_format("0.0");
    let title = Format::new().set_bold().set_font_size(16);

    let summary = table::summary(r);
    let ws = wb.add_worksheet();
    ws.set_name(summary.name)?;
    printable(ws);
    ws.write_string_with_format(0, 0, &r.title, &title)?;
    ws.write_string(
        1,
        0,
        format!(
            "统计周期：{} 至 {}；生成时间：{}",
            r.period.first,
            r.period.last,
            hotline_domain::time::local_date(r.generated_at)
        ),
    )?;
    put(ws, 3, &summary, &bold, &pct, &hours)?;
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 14)?;

    let kinds = table::by_kind(r);
    let ws = wb.add_worksheet();
    let end = put_sheet(ws, &kinds, &bold, &pct, &hours)?;
    chart_or_note(
        ws,
        end,
        (end + 2, 0),
        &column(kinds.name, "各类型受理量", end, 1, "受理量"),
    )?;

    let bureaus = table::by_bureau(r);
    let ws = wb.add_worksheet();
    let end = put_sheet(ws, &bureaus, &bold, &pct, &hours)?;
    ws.set_column_width(0, 26)?;
    let mut c = Chart::new(ChartType::Bar);
    c.title().set_name("各承办单位按时率");
    c.add_series()
        .set_name("按时率")
        .set_categories((bureaus.name, 1, 0, end, 0))
        .set_values((bureaus.name, 1, 5, end, 5));
    c.x_axis().set_num_format("0%");
    c.legend().set_hidden();
    c.set_height(40 + 24 * end);
    chart_or_note(ws, end, (end + 2, 0), &c)?;

    // The ranking, its score drawn bar by bar, then each clock's rate.
    let ranked = table::assessment(r);
    let ws = wb.add_worksheet();
    let end = put_sheet(ws, &ranked, &bold, &pct, &hours)?;
    ws.set_column_width(1, 26)?;
    let mut c = Chart::new(ChartType::Bar);
    c.title().set_name("承办单位考核得分");
    c.add_series()
        .set_name("得分")
        .set_categories((ranked.name, 1, 1, end, 1))
        .set_values((ranked.name, 1, 2, end, 2));
    c.legend().set_hidden();
    c.set_height(40 + 24 * end);
    chart_or_note(ws, end, (end + 2, 0), &c)?;
    let ws = wb.add_worksheet();
    put_sheet(ws, &table::assessment_clocks(r), &bold, &pct, &hours)?;
    ws.set_column_width(0, 26)?;
    let ws = wb.add_worksheet();
    put_sheet(ws, &table::quality(r), &bold, &pct, &hours)?;

    for (t, chart_title, kind) in [
        (table::by_day(r), "每日受理量", ChartType::Line),
        (table::by_hour(r), "各时段受理量", ChartType::Column),
        (table::by_channel(r), "各渠道受理量", ChartType::Column),
        (table::top_categories(r), "热点分类", ChartType::Bar),
        (table::satisfaction(r), "回访满意度", ChartType::Pie),
    ] {
        let ws = wb.add_worksheet();
        let end = put_sheet(ws, &t, &bold, &pct, &hours)?;
        let value_col = t.headers.len() as u16 - 1;
        let label_col = if t.name == "热点分类" { 1 } else { 0 };
        let mut c = Chart::new(kind);
        c.title().set_name(chart_title);
        c.add_series()
            .set_name(t.headers[value_col as usize])
            .set_categories((t.name, 1, label_col, end, label_col))
            .set_values((t.name, 1, value_col, end, value_col));
        if kind != ChartType::Pie {
            c.legend().set_hidden();
        }
        chart_or_note(ws, end, (1, t.headers.len() as u16 + 1), &c)?;
    }
    wb.save_to_buffer()
}

/// The chart of a table's rows, or — for a quiet period whose table has none — a line saying so
/// (a chart over no rows is not a valid workbook).
fn chart_or_note(
    ws: &mut Worksheet,
    last_row: u32,
    (row, col): (u32, u16),
    chart: &Chart,
) -> Result<(), XlsxError> {
    if last_row == 0 {
        ws.write_string(row, col, "本期无数据 / no data in this period")?;
    } else {
        ws.insert_chart(row, col, chart)?;
    }
    Ok(())
}

fn column(sheet: &str, title: &str, last_row: u32, col: u16, name: &str) -> Chart {
    let mut c = Chart::new(ChartType::Column);
    c.title().set_name(title);
    c.add_series()
        .set_name(name)
        .set_categories((sheet, 1, 0, last_row, 0))
        .set_values((sheet, 1, col, last_row, col));
    c.legend().set_hidden();
    c
}

/// Printed (and converted to PDF) landscape on A4, one page wide: the table and its chart together.
fn printable(ws: &mut Worksheet) {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
}

/// A sheet named after the table, the table from its first row; returns the last row written.
fn put_sheet(
    ws: &mut Worksheet,
    t: &Table,
    bold: &Format,
    pct: &Format,
    hours: &Format,
) -> Result<u32, XlsxError> {
    ws.set_name(t.name)?;
    printable(ws);
    ws.set_column_width(0, 16)?;
    ws.set_freeze_panes(1, 0)?;
    put(ws, 0, t, bold, pct, hours)
}

fn put(
    ws: &mut Worksheet,
    first: u32,
    t: &Table,
    bold: &Format,
    pct: &Format,
    hours: &Format,
) -> Result<u32, XlsxError> {
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(first, c as u16, *h, bold)?;
    }
    let mut row = first;
    for cells in &t.rows {
        row += 1;
        for (c, cell) in cells.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string(row, c, s)?,
                Cell::Int(n) => ws.write_number(row, c, *n as f64)?,
                Cell::Percent(Some(p)) => ws.write_number_with_format(row, c, *p, pct)?,
                Cell::Hours(Some(h)) | Cell::Score(Some(h)) | Cell::Change(Some(h)) => {
                    ws.write_number_with_format(row, c, *h, hours)?
                }
                Cell::Percent(None)
                | Cell::Hours(None)
                | Cell::Score(None)
                | Cell::Change(None) => ws.write_string(row, c, "—")?,
            };
        }
    }
    Ok(row)
}
