//! The PDF's charts, drawn by plotters as SVG (text in the generic `sans-serif` family, which the
//! PDF writer maps to the Chinese font it embeds).

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

const BLUE: RGBColor = RGBColor(0x2f, 0x6f, 0xb6);
const RED: RGBColor = RGBColor(0xc8, 0x3b, 0x3b);
const FONT: &str = "sans-serif";

pub type ChartError = String;

fn err<E: std::fmt::Debug>(e: E) -> ChartError {
    format!("chart: {e:?}")
}

/// A chart drawn by `draw` on a white SVG page of `size`.
fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Vertical bars, one per label.
pub fn columns(
    title: &str,
    labels: &[String],
    values: &[f64],
    size: (u32, u32),
) -> Result<String, ChartError> {
    svg(size, |root| {
        let max = values.iter().copied().fold(0.0, f64::max).max(1.0) * 1.1;
        let n = labels.len().max(1);
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(56)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..max)
            .map_err(err)?;
        let every = n.div_ceil(16).max(1);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) if i % every == 0 => {
                    labels.get(*i).cloned().unwrap_or_default()
                }
                _ => String::new(),
            })
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style((FONT, 11))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, v)| {
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0.0),
                        (SegmentValue::Exact(i + 1), *v),
                    ],
                    BLUE.filled(),
                );
                bar.set_margin(0, 0, 2, 2);
                bar
            }))
            .map_err(err)?;
        Ok(())
    })
}

/// Horizontal bars of shares (0–1), one per label, worst first in red under `warn_below`.
pub fn rates(
    title: &str,
    labels: &[String],
    values: &[f64],
    warn_below: f64,
    size: (u32, u32),
) -> Result<String, ChartError> {
    svg(size, |root| {
        let n = labels.len().max(1);
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(170)
            .build_cartesian_2d(0f64..1.0, (0..n - 1).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            // The first label at the top, like the table above the chart.
            .y_label_formatter(&|y| match y {
                SegmentValue::CenterOf(i) => labels.get(n - 1 - *i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .x_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .label_style((FONT, 11))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, v)| {
                let colour = if *v < warn_below { RED } else { BLUE };
                let at = n - 1 - i;
                let mut bar = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(at)),
                        (*v, SegmentValue::Exact(at + 1)),
                    ],
                    colour.filled(),
                );
                bar.set_margin(2, 2, 0, 0);
                bar
            }))
            .map_err(err)?;
        Ok(())
    })
}

/// A line over the labels (daily volume).
pub fn line(
    title: &str,
    labels: &[String],
    values: &[f64],
    size: (u32, u32),
) -> Result<String, ChartError> {
    svg(size, |root| {
        let max = values.iter().copied().fold(0.0, f64::max).max(1.0) * 1.1;
        let n = labels.len().max(1);
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(56)
            .build_cartesian_2d(0..(n - 1).max(1), 0f64..max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_labels(n.min(16))
            .x_label_formatter(&|i| labels.get(*i).cloned().unwrap_or_default())
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style((FONT, 11))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                values.iter().enumerate().map(|(i, v)| (i, *v)),
                BLUE.stroke_width(2),
            ))
            .map_err(err)?;
        chart
            .draw_series(
                values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Circle::new((i, *v), 3, BLUE.filled())),
            )
            .map_err(err)?;
        Ok(())
    })
}
