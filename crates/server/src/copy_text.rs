//! Rows for PostgreSQL's `COPY … FROM STDIN` in its text format (tab-separated, `\N` for NULL,
//! backslash escapes), written straight into the buffer that is sent. A bulk load (seed-demo,
//! import legacy) makes hundreds of megabytes of them. Before, a `String` per field quoted by
//! `replace` and joined into CSV was a quarter of the import's own CPU (perf, 2026-12-04), and
//! doubling the many quotes of the JSON columns was most of what was left; the text format has no
//! quotes to double (JSON text needs only its rare backslashes escaped), and PostgreSQL reads it
//! faster than CSV. Written by hand: no crate writes COPY's text format apart from a client
//! library's own encoder (sqlx has none).

use std::fmt::Display;
use std::io::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// COPY's data, row by row: each field is added with the method for its kind, then
/// [`CopyText::end_row`].
pub(crate) struct CopyText {
    out: Vec<u8>,
    row_started: bool,
}

impl CopyText {
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            out: Vec::with_capacity(bytes),
            row_started: false,
        }
    }

    /// A text field (never NULL, even when empty).
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.separate();
        escape(&mut self.out, s.as_bytes());
        self
    }

    /// A text field that is NULL when `None`.
    pub fn opt_text(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.text(s),
            None => self.null(),
        }
    }

    /// A field whose text has no backslash, tab or line break: a number, a boolean, a uuid, a
    /// code.
    pub fn plain(&mut self, v: impl Display) -> &mut Self {
        self.separate();
        write!(self.out, "{v}").expect("writing to memory does not fail");
        self
    }

    pub fn time(&mut self, t: DateTime<Utc>) -> &mut Self {
        self.plain(t.to_rfc3339())
    }

    /// A time that is NULL when `None`.
    pub fn opt_time(&mut self, t: Option<DateTime<Utc>>) -> &mut Self {
        match t {
            Some(t) => self.time(t),
            None => self.null(),
        }
    }

    /// `v` as JSON (a `jsonb` column), serialised into its field.
    pub fn json(&mut self, v: &impl Serialize) -> &mut Self {
        self.separate();
        serde_json::to_writer(Escaped(&mut self.out), v).expect("a value serialises");
        self
    }

    /// A `text[]` literal of `items` (`{"a","b"}`), each item's backslashes and quotes escaped
    /// as the array syntax wants, then the whole escaped for COPY.
    pub fn text_array<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) -> &mut Self {
        self.separate();
        self.out.push(b'{');
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.out.push(b'"');
            for &b in item.as_bytes() {
                match b {
                    // The array's escape (a backslash) is itself escaped for COPY.
                    b'\\' => self.out.extend_from_slice(br"\\\\"),
                    b'"' => self.out.extend_from_slice(br#"\\""#),
                    _ => escape(&mut self.out, &[b]),
                }
            }
            self.out.push(b'"');
        }
        self.out.push(b'}');
        self
    }

    pub fn end_row(&mut self) {
        self.out.push(b'\n');
        self.row_started = false;
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    fn null(&mut self) -> &mut Self {
        self.separate();
        self.out.extend_from_slice(br"\N");
        self
    }

    fn separate(&mut self) {
        if self.row_started {
            self.out.push(b'\t');
        }
        self.row_started = true;
    }
}

/// Writes into a field: COPY's escapes applied.
struct Escaped<'a>(&'a mut Vec<u8>);

impl std::io::Write for Escaped<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        escape(self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `bytes` as COPY's text format reads them back: backslash, tab, line feed and carriage return
/// escaped (nothing else needs it).
fn escape(out: &mut Vec<u8>, bytes: &[u8]) {
    let special = |b: &u8| matches!(b, b'\\' | b'\t' | b'\n' | b'\r');
    if !bytes.iter().any(special) {
        out.extend_from_slice(bytes); // the common case: one copy
        return;
    }
    for &b in bytes {
        match b {
            b'\\' => out.extend_from_slice(br"\\"),
            b'\t' => out.extend_from_slice(br"\t"),
            b'\n' => out.extend_from_slice(br"\n"),
            b'\r' => out.extend_from_slice(br"\r"),
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(build: impl FnOnce(&mut CopyText)) -> String {
        let mut data = CopyText::with_capacity(64);
        build(&mut data);
        data.end_row();
        String::from_utf8(data.into_bytes()).unwrap()
    }

    #[test]
    fn fields_are_tab_separated_and_null_is_backslash_n() {
        let line = row(|c| {
            c.text("")
                .opt_text(None)
                .text("他说\"好\",\t行\\\n")
                .plain(7);
        });
        assert_eq!(line, "\t\\N\t他说\"好\",\\t行\\\\\\n\t7\n");
    }

    #[test]
    fn json_keeps_its_quotes_and_escapes_its_backslashes() {
        let line = row(|c| {
            c.json(&serde_json::json!({"k": "a\"b\nc"})).opt_time(None);
        });
        assert_eq!(line, "{\"k\":\"a\\\\\"b\\\\nc\"}\t\\N\n");
    }

    #[test]
    fn an_array_literal_escapes_its_items_for_both_syntaxes() {
        let line = row(|c| {
            c.text_array(["社保", "a\"b", "c\\d"]);
        });
        assert_eq!(line, "{\"社保\",\"a\\\\\"b\",\"c\\\\\\\\d\"}\n");
    }
}
