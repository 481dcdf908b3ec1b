//! The report as a PDF (A4 landscape): tables as text in a Chinese font the PDF embeds (subset),
//! charts from `charts` as vector graphics. Blocks flow down the page; one that does not fit
//! starts the next page.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;
use krilla_svg::{SurfaceExt, SvgSettings};
use usvg::fontdb;

use super::charts;
use super::compute::Report;
use super::table::{self, Table};
use super::ReportError;

const PAGE: (f32, f32) = (842.0, 595.0);
const MARGIN: f32 = 36.0;
const WIDTH: f32 = PAGE.0 - 2.0 * MARGIN;

/// Where Chinese fonts live on the servers we run on (Debian's fonts-noto-cjk and
/// fonts-wqy-microhei, Windows' YaHei), tried in order after `HOTLINE_REPORT_FONT`.
const FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:\\Windows\\Fonts\\msyh.ttc",
];

/// A Chinese font: its file, the face within it, and the face's family name.
pub struct ReportFont {
    data: Arc<Vec<u8>>,
    index: u32,
    family: String,
}

impl ReportFont {
    /// `HOTLINE_REPORT_FONT` (a font file) if set, else the first of [`FONT_PATHS`] present.
    pub fn find() -> Result<Self, ReportError> {
        let env = std::env::var_os("HOTLINE_REPORT_FONT").map(PathBuf::from);
        let candidates: Vec<PathBuf> = env
            .into_iter()
            .chain(FONT_PATHS.iter().map(PathBuf::from))
            .collect();
        candidates
            .iter()
            .find_map(|p| Self::load(p))
            .ok_or_else(|| {
                ReportError::NoFont(
                    candidates
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
    }

    /// The file's Simplified Chinese face (a collection holds several), else its first face.
    fn load(path: &Path) -> Option<Self> {
        let data = Arc::new(std::fs::read(path).ok()?);
        let mut db = fontdb::Database::new();
        db.load_font_data(data.to_vec());
        let faces: Vec<_> = db.faces().collect();
        let sc = faces.iter().find(|f| {
            f.families.iter().any(|(name, _)| {
                name.ends_with(" SC") || name.contains("YaHei") || name.contains("WenQuanYi")
            })
        });
        let face = sc.or(faces.first())?;
        Some(Self {
            index: face.index,
            family: face.families.first()?.0.clone(),
            data,
        })
    }
}

impl ReportFont {
    /// The font for the PDF's text, and the options its charts' SVG is read with.
    pub(super) fn for_pdf(&self) -> Result<(Font, usvg::Options<'static>), ReportError> {
        let pdf_font = Font::new(self.data.clone().into(), self.index)
            .ok_or_else(|| ReportError::Pdf("the font cannot be read".into()))?;
        let mut db = fontdb::Database::new();
        db.load_font_data(self.data.to_vec());
        db.set_sans_serif_family(self.family.clone());
        let svg_options = usvg::Options {
            fontdb: Arc::new(db),
            font_family: self.family.clone(),
            ..Default::default()
        };
        Ok((pdf_font, svg_options))
    }
}

pub fn write(r: &Report, font: &ReportFont) -> Result<Vec<u8>, ReportError> {
    let (pdf_font, svg_options) = font.for_pdf()?;

    let mut blocks = vec![
        Block::Title(r.title.clone()),
        Block::Line(format!(
            "统计周期：{} 至 {}　　生成时间：{}（北京时间）",
            r.period.first,
            r.period.last,
            r.generated_at
                .with_timezone(&hotline_domain::time::china())
                .format("%Y-%m-%d %H:%M")
        )),
        Block::Table(table::summary(r), vec![3.0, 1.0], 0.45),
    ];
    let days: Vec<String> = r
        .by_day
        .iter()
        .map(|(d, _)| d.format("%m-%d").to_string())
        .collect();
    let day_values: Vec<f64> = r.by_day.iter().map(|(_, n)| *n as f64).collect();
    let chart = |svg: Result<String, String>, h: f32| -> Result<Block, ReportError> {
        Ok(Block::Chart(svg.map_err(ReportError::Pdf)?, h))
    };
    if days.len() > 1 {
        blocks.push(chart(
            charts::line("每日受理量", &days, &day_values, (1000, 300)),
            231.0,
        )?);
    }
    blocks.push(Block::Table(
        table::by_kind(r),
        vec![2.0, 1.0, 1.0, 1.0, 1.3, 1.0, 1.3, 1.0, 1.0, 1.0, 1.0, 1.0],
        1.0,
    ));
    let hours: Vec<String> = (0..24).map(|h| format!("{h}")).collect();
    let hour_values: Vec<f64> = r.by_hour.iter().map(|n| *n as f64).collect();
    blocks.push(chart(
        charts::columns("各时段受理量（时）", &hours, &hour_values, (1000, 300)),
        231.0,
    )?);
    blocks.push(Block::Table(
        table::by_bureau(r),
        vec![3.2, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        1.0,
    ));
    let rated: Vec<_> = r
        .by_bureau
        .iter()
        .filter_map(|b| b.on_time.rate().map(|rate| (b.name.clone(), rate)))
        .collect();
    if !rated.is_empty() {
        let (names, values): (Vec<String>, Vec<f64>) = rated.into_iter().unzip();
        let h = 60 + 26 * names.len() as u32;
        blocks.push(chart(
            charts::rates(
                "各承办单位按时率（红色：低于90%）",
                &names,
                &values,
                0.9,
                (1000, h),
            ),
            h as f32 * 0.77,
        )?);
    }
    blocks.push(Block::Table(
        table::assessment(r),
        vec![
            0.8, 3.2, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 1.0, 1.1, 1.0, 1.0, 0.9, 1.1, 1.0,
        ],
        1.0,
    ));
    let scored: Vec<_> = r
        .assessment
        .rows
        .iter()
        .filter_map(|a| a.score.map(|s| (a.name.clone(), s / 100.0)))
        .collect();
    if !scored.is_empty() {
        let (names, values): (Vec<String>, Vec<f64>) = scored.into_iter().unzip();
        let h = 60 + 26 * names.len() as u32;
        blocks.push(chart(
            charts::rates(
                "承办单位考核得分（100%即满分100分；红色：低于90分）",
                &names,
                &values,
                0.9,
                (1000, h),
            ),
            h as f32 * 0.77,
        )?);
    }
    blocks.push(Block::Table(
        table::assessment_clocks(r),
        vec![3.2, 2.4, 1.0, 1.0, 1.0, 1.0],
        0.8,
    ));
    if !r.quality.is_empty() {
        blocks.push(Block::Table(
            table::quality(r),
            vec![2.0, 1.0, 1.0, 1.0],
            0.6,
        ));
    }
    blocks.push(Block::Table(
        table::top_categories(r),
        vec![0.6, 3.0, 1.0],
        0.5,
    ));
    let cats: Vec<String> = r.top_categories.iter().map(|c| c.label.clone()).collect();
    let cat_values: Vec<f64> = r.top_categories.iter().map(|c| c.count as f64).collect();
    if !cats.is_empty() {
        blocks.push(chart(
            charts::columns("热点分类受理量", &cats, &cat_values, (1000, 300)),
            231.0,
        )?);
    }
    blocks.push(Block::Table(table::by_channel(r), vec![2.0, 1.0], 0.4));
    blocks.push(Block::Table(table::satisfaction(r), vec![2.0, 1.0], 0.4));

    lay_out(&blocks, &r.title, &pdf_font, &svg_options)
}

/// Flows `blocks` down A4 landscape pages, each with its footer.
pub(super) fn lay_out(
    blocks: &[Block],
    title: &str,
    pdf_font: &Font,
    svg_options: &usvg::Options,
) -> Result<Vec<u8>, ReportError> {
    let mut doc = Document::new();
    let mut page = doc.start_page_with(PageSettings::new(
        Size::from_wh(PAGE.0, PAGE.1).expect("A4"),
    ));
    let mut surface = page.surface();
    let mut y = MARGIN;
    let mut page_no = 1;
    footer(&mut surface, pdf_font, title, page_no);
    for block in blocks {
        let h = block.height();
        if y + h > PAGE.1 - MARGIN && y > MARGIN {
            surface.finish();
            page.finish();
            page = doc.start_page_with(PageSettings::new(
                Size::from_wh(PAGE.0, PAGE.1).expect("A4"),
            ));
            surface = page.surface();
            page_no += 1;
            footer(&mut surface, pdf_font, title, page_no);
            y = MARGIN;
        }
        block.draw(&mut surface, pdf_font, svg_options, y)?;
        y += h + 12.0;
    }
    surface.finish();
    page.finish();
    doc.finish().map_err(|e| ReportError::Pdf(format!("{e:?}")))
}

pub(super) enum Block {
    Title(String),
    Line(String),
    /// The table, its columns' relative widths, and the share of the page width it takes.
    Table(Table, Vec<f32>, f32),
    /// An SVG chart drawn the page's width wide, this tall.
    Chart(String, f32),
    /// A text wrapped to the page's width, line by line.
    Para(Vec<String>),
}

impl Block {
    /// `text` wrapped to the page's width at 10 pt: a Chinese character about 10 pt wide, a
    /// Latin one about half (a width estimate rather than shaping: our texts are short).
    pub(super) fn para(text: String) -> Self {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut width = 0.0;
        for c in text.chars() {
            let w = if c.is_ascii() { 5.6 } else { 10.0 };
            if c == '\n' || width + w > WIDTH {
                lines.push(std::mem::take(&mut line));
                width = 0.0;
                if c == '\n' {
                    continue;
                }
            }
            line.push(c);
            width += w;
        }
        lines.push(line);
        Self::Para(lines)
    }
}

const ROW: f32 = 16.0;

impl Block {
    fn height(&self) -> f32 {
        match self {
            Self::Title(_) => 26.0,
            Self::Line(_) => 14.0,
            Self::Table(t, _, _) => 18.0 + ROW * (t.rows.len() as f32 + 1.0),
            Self::Chart(_, h) => *h,
            Self::Para(lines) => 14.0 * lines.len() as f32,
        }
    }

    fn draw(
        &self,
        s: &mut Surface,
        font: &Font,
        svg: &usvg::Options,
        y: f32,
    ) -> Result<(), ReportError> {
        match self {
            Self::Title(t) => text(s, font, 18.0, MARGIN, y + 18.0, t),
            Self::Line(t) => text(s, font, 10.0, MARGIN, y + 10.0, t),
            Self::Para(lines) => {
                for (i, l) in lines.iter().enumerate() {
                    text(s, font, 10.0, MARGIN, y + 10.0 + 14.0 * i as f32, l);
                }
            }
            Self::Table(t, widths, share) => {
                text(s, font, 11.0, MARGIN, y + 11.0, t.name);
                let total: f32 = widths.iter().sum();
                let width = WIDTH * share;
                let xs: Vec<f32> = widths
                    .iter()
                    .scan(MARGIN, |x, w| {
                        let at = *x;
                        *x += width * w / total;
                        Some(at)
                    })
                    .collect();
                let top = y + 18.0;
                fill_rect(
                    s,
                    MARGIN,
                    top,
                    width,
                    ROW,
                    rgb::Color::new(0xe8, 0xee, 0xf6),
                );
                for (i, h) in t.headers.iter().enumerate() {
                    text(s, font, 8.5, xs[i] + 3.0, top + 11.5, h);
                }
                for (r, row) in t.rows.iter().enumerate() {
                    let ry = top + ROW * (r as f32 + 1.0);
                    for (i, cell) in row.iter().enumerate() {
                        text(s, font, 8.5, xs[i] + 3.0, ry + 11.5, &cell.display());
                    }
                    line(s, MARGIN, ry + ROW, MARGIN + width);
                }
                line(s, MARGIN, top, MARGIN + width);
                line(s, MARGIN, top + ROW, MARGIN + width);
            }
            Self::Chart(svg_text, h) => {
                let tree = usvg::Tree::from_str(svg_text, svg)
                    .map_err(|e| ReportError::Pdf(format!("chart SVG: {e}")))?;
                s.push_transform(&Transform::from_translate(MARGIN, y));
                let size = Size::from_wh(WIDTH, *h)
                    .ok_or_else(|| ReportError::Pdf("empty chart".into()))?;
                s.draw_svg(&tree, size, SvgSettings::default());
                s.pop();
            }
        }
        Ok(())
    }
}

fn footer(s: &mut Surface, font: &Font, title: &str, page: u32) {
    text(
        s,
        font,
        8.0,
        MARGIN,
        PAGE.1 - 18.0,
        &format!("热线工作台 · {title} · 第 {page} 页"),
    );
}

fn text(s: &mut Surface, font: &Font, size: f32, x: f32, baseline: f32, t: &str) {
    s.set_fill(Some(Fill::default()));
    s.draw_text(
        Point::from_xy(x, baseline),
        font.clone(),
        size,
        t,
        false,
        TextDirection::Auto,
    );
}

fn fill_rect(s: &mut Surface, x: f32, y: f32, w: f32, h: f32, colour: rgb::Color) {
    let mut pb = PathBuilder::new();
    if let Some(r) = Rect::from_xywh(x, y, w, h) {
        pb.push_rect(r);
    }
    if let Some(path) = pb.finish() {
        s.set_fill(Some(Fill {
            paint: colour.into(),
            ..Fill::default()
        }));
        s.set_stroke(None);
        s.draw_path(&path);
    }
}

fn line(s: &mut Surface, x0: f32, y: f32, x1: f32) {
    let mut pb = PathBuilder::new();
    pb.move_to(x0, y);
    pb.line_to(x1, y);
    if let Some(path) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: rgb::Color::new(0xbb, 0xbb, 0xbb).into(),
            width: 0.5,
            ..Stroke::default()
        }));
        s.draw_path(&path);
        s.set_stroke(None);
    }
}
