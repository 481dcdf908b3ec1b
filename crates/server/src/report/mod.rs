//! Reports (日报 / 周报 / 月报): figures computed over all cases, exported to XLSX (with Excel's
//! own charts) and to PDF (Chinese text, charts drawn by plotters).

pub mod assessment;
pub mod case_pdf;
mod charts;
pub mod compute;
pub mod pdf;
pub mod period;
pub mod table;
pub mod xlsx;

pub use compute::{compute, Report};
pub use period::{Period, PeriodKind};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error(
        "no Chinese font found (looked for {0}); install fonts-noto-cjk or set HOTLINE_REPORT_FONT"
    )]
    NoFont(String),
    #[error("date {0} is outside the years 2000–2099 a report can cover / 报表日期超出范围（2000–2099年）")]
    OutOfRange(chrono::NaiveDate),
}
