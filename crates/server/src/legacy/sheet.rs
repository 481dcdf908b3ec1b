//! The former system's export as rows of text: CSV (UTF-8, or GBK/GB18030 as older Chinese
//! systems write it) or the first sheet of an XLSX workbook. Each row keeps the line a person
//! finds it at in the file, so a broken one can be named.

use std::path::Path;

use calamine::{Data, Reader};

use super::ImportError;

/// One row: its line in the file (CSV) or its row number (XLSX, as Excel shows it) and its cells.
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

impl Row {
    /// The trimmed text of column `i`; empty when the row is shorter.
    pub fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map(|s| s.trim()).unwrap_or_default()
    }

    /// The trimmed text of a column the mapping may not name; empty when it names none.
    pub fn optional(&self, i: Option<usize>) -> &str {
        i.map(|i| self.cell(i)).unwrap_or_default()
    }
}

/// A row that could not be read at all (not UTF-8 after decoding, a CSV error): its line and why.
pub struct Unreadable {
    pub line: u64,
    pub reason: String,
}

pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Box<dyn Iterator<Item = Result<Row, Unreadable>> + Send>,
}

/// Opens `path` by its extension: `.xlsx`/`.xls` as a workbook, anything else as CSV in
/// `encoding` (an encoding_rs label: utf-8, gbk, gb18030).
pub fn open(path: &Path, encoding: &str) -> Result<Sheet, ImportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if ext == "xlsx" || ext == "xls" {
        workbook(path)
    } else {
        csv_file(path, encoding)
    }
}

fn csv_file(path: &Path, encoding: &str) -> Result<Sheet, ImportError> {
    let bytes = std::fs::read(path).map_err(|e| ImportError::Read {
        path: path.display().to_string(),
        source: e,
    })?;
    let encoding = encoding_rs::Encoding::for_label(encoding.as_bytes()).ok_or_else(|| {
        ImportError::Mapping(format!("unknown encoding {encoding:?} / 未知的文件编码"))
    })?;
    // A BOM wins over the label (Excel writes UTF-8 with one); malformed bytes become U+FFFD.
    let (text, _, _) = encoding.decode(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(std::io::Cursor::new(text.into_owned().into_bytes()));
    let headers = reader
        .headers()
        .map_err(|e| ImportError::Mapping(format!("the header line: {e} / 表头无法读取")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let rows = reader.into_records().map(|r| match r {
        Ok(record) => Ok(Row {
            line: record.position().map_or(0, |p| p.line()),
            cells: record.iter().map(str::to_owned).collect(),
        }),
        Err(e) => Err(Unreadable {
            line: e.position().map_or(0, |p| p.line()),
            reason: e.to_string(),
        }),
    });
    Ok(Sheet {
        headers,
        rows: Box::new(rows),
    })
}

fn workbook(path: &Path) -> Result<Sheet, ImportError> {
    let unreadable =
        |e: String| ImportError::Mapping(format!("{}: {e} / 工作簿无法读取", path.display()));
    let mut book = calamine::open_workbook_auto(path).map_err(|e| unreadable(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable("no sheet".into()))?
        .map_err(|e| unreadable(e.to_string()))?;
    let first = range.start().map_or(0, |(row, _)| row as u64);
    let mut rows = range.rows().map(|r| r.iter().map(cell).collect::<Vec<_>>());
    let headers = rows
        .next()
        .ok_or_else(|| unreadable("an empty sheet".into()))?
        .into_iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let rows: Vec<Row> = rows
        .enumerate()
        .map(|(i, cells)| Row {
            // Excel's row numbers: 1 is the header.
            line: first + i as u64 + 2,
            cells,
        })
        .collect();
    Ok(Sheet {
        headers,
        rows: Box::new(rows.into_iter().map(Ok)),
    })
}

/// A cell as the text it shows: whole numbers without ".0" (phone numbers are often stored as
/// numbers), dates in ISO order.
fn cell(data: &Data) -> String {
    match data {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}
