//! Evaluation results as their tools write them, read into one preview: which tool wrote the
//! file, which metrics it holds (task, metric, value exactly as written, standard error and
//! sample count where the file has them) and what looked wrong, row by row. Nothing here
//! stores anything; a file that is not what it claims is refused with the file's name and
//! the problem, and a caller stores all of a preview or none of it.
//!
//! Numbers are parsed with correct rounding (`serde_json`'s `float_roundtrip`): the value
//! stored is the one the file's text denotes, to the last bit.
//!
//! Each reader follows its tool's own writer (cited in its module), not the sample files at
//! hand: they run on real files nobody here has seen.
//!
//! # Limits
//!
//! Files come from anywhere, so no file may make a reader take unbounded time or memory: for
//! any file that is read (or refused), the reader's peak memory stays under 256 MB. Each limit
//! is far above what its tool writes, and is checked before the memory it guards is taken; a
//! file beyond one is refused naming the limit (the `Problem` variants `TooLarge`,
//! `TooManyValues`, `TooManyObjects`, `TooManyRows`, `TooManyColumns`, `TooManyMetrics`,
//! `TooMuchText` and, for samples logs, `LineTooLong`).
//!
//! | Limit | Value | What real files have |
//! |---|---|---|
//! | [`MAX_RESULTS_BYTES`]: a results file | 64 MiB | under 1 MB (lm-eval's MMLU: 85 KB) |
//! | [`MAX_JSON_VALUES`]: keys and list items a JSON file holds | 200,000 | lm-eval: ~40 per task, configurations included (2,300 for MMLU's 57 tasks) |
//! | [`MAX_JSON_OBJECTS`]: objects a JSON file holds | 20,000 | lm-eval: ~5 per task (303 for MMLU) |
//! | [`MAX_STRING_BYTES`]: one string or key as held | 64 KiB, longer ones are cut (`…`) | names of tens of bytes |
//! | [`MAX_ROWS`]: CSV lines, promptfoo result rows | 100,000 | hundreds to thousands |
//! | [`MAX_COLUMNS`]: cells in a CSV line | 4,096 | OpenCompass: 4 + one per model |
//! | [`MAX_PREVIEW_ROWS`]: metrics and warnings of one file | 100,000 | lm-eval: a few per task |
//! | [`MAX_PREVIEW_TEXT_BYTES`]: names and details in them | 16 MiB | well under 1 MB |
//!
//! "Holds" counts what is kept after the parts no reader looks at are skipped (lm-eval's task
//! configurations, promptfoo's outputs and test cases: see `bounded_json`); the skipped parts
//! cost time in proportion to their size and no memory. Samples logs have their own limits
//! (see [`lm_eval_samples`]).

mod bounded_json;
pub mod generic_csv;
mod lenient_json;
pub mod lm_eval;
pub mod lm_eval_samples;
pub mod opencompass;
pub mod promptfoo;
pub mod promptfoo_csv;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Files larger than this are not results files (a samples JSONL is streamed separately).
pub const MAX_RESULTS_BYTES: usize = 64 * 1024 * 1024;

/// Keys and list items a JSON results file may hold. A held value costs 50–150 bytes
/// (against the 2–10 of its text), so this bounds the document to ~30 MB whatever its size.
pub const MAX_JSON_VALUES: usize = 200_000;

/// Objects a JSON results file may hold: each one is a B-tree node of ~650 bytes even with a
/// single key, so objects are counted apart from keys (20,000 of them: ~13 MB).
pub const MAX_JSON_OBJECTS: usize = 20_000;

/// A string or key longer than this is held cut to it (ending in `…`): no name a reader shows
/// comes near it, and it keeps one long string from being copied into many rows.
pub const MAX_STRING_BYTES: usize = 64 * 1024;

/// Lines of a CSV file after its header (counted before it is parsed; a line break inside a
/// quoted cell is part of the cell), and result rows of a promptfoo JSON file.
pub const MAX_ROWS: usize = 100_000;

/// Cells in one line of a CSV file.
pub const MAX_COLUMNS: usize = 4_096;

/// Metric rows and warnings a preview of one file may have.
pub const MAX_PREVIEW_ROWS: usize = 100_000;

/// Bytes of text (task, metric, group, model and setting names; warnings' places and details)
/// a preview of one file may hold. Names are copied into every row they apply to, so without
/// this a long task name times many metrics would take memory far beyond the file's size.
pub const MAX_PREVIEW_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// The tool that wrote a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tool {
    LmEval,
    Promptfoo,
    OpenCompass,
    GenericCsv,
}

impl Tool {
    pub fn key(self) -> &'static str {
        match self {
            Tool::LmEval => "lm_eval",
            Tool::Promptfoo => "promptfoo",
            Tool::OpenCompass => "opencompass",
            Tool::GenericCsv => "generic_csv",
        }
    }
}

/// One metric as the file gives it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricRow {
    /// Task (lm-eval task or group, promptfoo prompt/provider, OpenCompass dataset).
    pub task: String,
    /// The metric's name in the file (`acc,none`, `pass_rate`, `accuracy`).
    pub metric: String,
    /// Exactly as written: no rescaling of fractions or percentages.
    pub value: f64,
    pub stderr: Option<f64>,
    /// Samples behind the value, when the file says.
    pub n: Option<u64>,
    /// The group the task belongs to, when the file nests tasks.
    pub group: Option<String>,
    /// The tool's own "higher is better", when the file says.
    pub higher_is_better: Option<bool>,
    /// The model this row is about, when one file holds several (OpenCompass, promptfoo).
    pub model: Option<String>,
    /// How it was run, as the tool says (`n-shot 5`, `prompt config 314797 · ppl`).
    pub setting: Option<String>,
}

/// Something a reviewer should know about one row or the whole file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// `task/metric` (or the line) it is about; `None` for the whole file.
    pub at: Option<String>,
    /// Translation key (`import.warning.<key>`).
    pub key: &'static str,
    /// What was found (a value as written, a key).
    pub detail: String,
}

/// What a file holds, before anything is stored.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Preview {
    pub file: String,
    pub sha256: String,
    pub tool: Tool,
    pub tool_version: Option<String>,
    /// The model the file names (e.g. lm-eval's `model_args`), if any.
    pub model: Option<String>,
    /// When the file says it was made (as written).
    pub date: Option<String>,
    pub metrics: Vec<MetricRow>,
    pub warnings: Vec<Warning>,
}

/// Why a file was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct ImportError {
    pub file: String,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {bytes} bytes, more than a results file can be")]
    TooLarge { bytes: usize },
    #[error("the file is not UTF-8 text")]
    NotText,
    #[error("this is an HTML report, not a results file")]
    Html,
    /// The end (or the beginning) of the document is missing.
    #[error("the file is cut off at line {line}: it is not a whole document")]
    Truncated { line: usize },
    #[error("not valid JSON at line {line}, column {column}")]
    NotJson { line: usize, column: usize },
    #[error("not a results file of a known tool ({found})")]
    Foreign { found: String },
    #[error("the file holds no metrics")]
    NoMetrics,
    #[error("bad CSV at line {line}: {reason}")]
    Csv { line: u64, reason: String },
    #[error("the file holds more than {limit} keys and list items")]
    TooManyValues { limit: usize },
    #[error("the file holds more than {limit} objects")]
    TooManyObjects { limit: usize },
    #[error("the file has more than {limit} rows")]
    TooManyRows { limit: usize },
    #[error("line {line} has more than {limit} cells")]
    TooManyColumns { line: u64, limit: usize },
    #[error("the file gives more than {limit} metrics and warnings")]
    TooManyMetrics { limit: usize },
    #[error("the file's metric names and warnings come to more than {limit} bytes")]
    TooMuchText { limit: usize },
    /// A samples log's line beyond `lm_eval_samples::MAX_LINE_BYTES`; refused before it is
    /// read whole.
    #[error("line {line} is longer than {limit} bytes")]
    LineTooLong { line: u64, limit: usize },
    /// The file could not be read (an I/O error while streaming a samples log).
    #[error("the file could not be read: {reason}")]
    Unreadable { reason: String },
}

impl Problem {
    /// Translation key of the problem (`import.problem.<key>`).
    pub fn key(&self) -> &'static str {
        match self {
            Problem::Empty => "empty",
            Problem::TooLarge { .. } => "too_large",
            Problem::NotText => "not_text",
            Problem::Html => "html",
            Problem::Truncated { .. } => "truncated",
            Problem::NotJson { .. } => "not_json",
            Problem::Foreign { .. } => "foreign",
            Problem::NoMetrics => "no_metrics",
            Problem::Csv { .. } => "csv",
            Problem::TooManyValues { .. } => "too_many_values",
            Problem::TooManyObjects { .. } => "too_many_objects",
            Problem::TooManyRows { .. } => "too_many_rows",
            Problem::TooManyColumns { .. } => "too_many_columns",
            Problem::TooManyMetrics { .. } => "too_many_metrics",
            Problem::TooMuchText { .. } => "too_much_text",
            Problem::LineTooLong { .. } => "line_too_long",
            Problem::Unreadable { .. } => "unreadable",
        }
    }
}

/// The SHA-256 of a file's bytes, lower-case hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Reads one results file of any known tool.
pub fn read(file: &str, bytes: &[u8]) -> Result<Preview, ImportError> {
    let refuse = |problem| ImportError {
        file: file.to_owned(),
        problem,
    };
    if bytes.len() > MAX_RESULTS_BYTES {
        return Err(refuse(Problem::TooLarge { bytes: bytes.len() }));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| refuse(Problem::NotText))?;
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.is_empty() {
        return Err(refuse(Problem::Empty));
    }
    let head: String = body
        .chars()
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return Err(refuse(Problem::Html));
    }
    let parsed = if body.starts_with('{') || body.starts_with('[') {
        read_json(body.as_bytes())
    } else if looks_like_json_fragment(body) {
        // A JSON document whose beginning is missing (`"key": {…` at the top).
        Err(Problem::Truncated { line: 1 })
    } else {
        read_csv(body)
    };
    let mut preview = parsed.map_err(refuse)?;
    if preview.metrics.is_empty() {
        return Err(refuse(Problem::NoMetrics));
    }
    preview.file = file.to_owned();
    preview.sha256 = sha256(bytes);
    Ok(preview)
}

fn read_json(bytes: &[u8]) -> Result<Preview, Problem> {
    let document = bounded_json::parse(bytes)?;
    let value = &document.value;
    let mut budget = Budget::new();
    if lm_eval::looks_like(value) {
        return lm_eval::read(value, &mut budget);
    }
    if promptfoo::looks_like(value) {
        return promptfoo::read(value, document.rows.as_deref(), &mut budget);
    }
    Err(Problem::Foreign {
        found: describe(value),
    })
}

fn read_csv(text: &str) -> Result<Preview, Problem> {
    check_csv_shape(text)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let header = match reader.records().next() {
        Some(Ok(header)) => header,
        _ => {
            return Err(Problem::Foreign {
                found: "text that is neither JSON nor a known CSV".into(),
            })
        }
    };
    let mut budget = Budget::new();
    if opencompass::looks_like(&header) {
        return opencompass::read(text, &mut budget);
    }
    if generic_csv::looks_like(&header) {
        return generic_csv::read(text, &mut budget);
    }
    if let Some(read) = promptfoo_csv::read(text, &mut budget) {
        return read;
    }
    let columns: Vec<&str> = header.iter().take(6).collect();
    Err(Problem::Foreign {
        found: format!("a CSV with columns {}", columns.join(", ")),
    })
}

/// Refuses a CSV with more than [`MAX_ROWS`] lines after its header, or a line of more than
/// [`MAX_COLUMNS`] cells, before any line is parsed: the `csv` crate keeps 8 bytes per cell of
/// a record, so one line of 30 million commas would take 240 MB. Quoting is followed as the
/// `csv` crate (RFC 4180) does: a quote opens a quoted cell only at the start of a cell, and a
/// doubled quote inside one is a quote. Every line end outside quotes counts (`\r\n` as one),
/// blank lines too: never fewer records than the parser will see.
fn check_csv_shape(text: &str) -> Result<(), Problem> {
    check_csv_shape_within(text, MAX_ROWS, MAX_COLUMNS)
}

fn check_csv_shape_within(text: &str, max_rows: usize, max_columns: usize) -> Result<(), Problem> {
    #[derive(Clone, Copy, PartialEq)]
    enum At {
        CellStart,
        Unquoted,
        Quoted,
        /// A quote inside a quoted cell: its end, or the first of a doubled quote.
        QuoteInQuoted,
    }
    let mut at = At::CellStart;
    let mut line_ends = 0usize;
    let mut cells = 1usize;
    let mut after_cr = false;
    // Whether the text so far ends a line (outside quotes): if not, its last line is a row too.
    let mut at_line_end = true;
    for &b in text.as_bytes() {
        let crlf = after_cr && b == b'\n';
        after_cr = false;
        at_line_end = false;
        at = match (at, b) {
            (At::Quoted, b'"') => At::QuoteInQuoted,
            (At::Quoted, _) => At::Quoted,
            (At::CellStart | At::QuoteInQuoted, b'"') => At::Quoted,
            (_, b',') => {
                cells += 1;
                if cells > max_columns {
                    return Err(Problem::TooManyColumns {
                        line: line_ends as u64 + 1,
                        limit: max_columns,
                    });
                }
                At::CellStart
            }
            (_, b'\n' | b'\r') => {
                after_cr = b == b'\r';
                at_line_end = true;
                if !crlf {
                    line_ends += 1;
                    // The header's line end, then one per row; the last line may have none.
                    if line_ends > max_rows + 1 {
                        return Err(Problem::TooManyRows { limit: max_rows });
                    }
                }
                cells = 1;
                At::CellStart
            }
            _ => At::Unquoted,
        };
    }
    if !at_line_end && line_ends == max_rows + 1 {
        return Err(Problem::TooManyRows { limit: max_rows });
    }
    Ok(())
}

/// What a preview may still hold: rows (metrics and warnings) and the bytes of text in them.
/// A reader takes from it before it makes a row, so that no file can multiply one long name
/// into many rows, or a few bytes per row into millions of rows.
pub(crate) struct Budget {
    rows: usize,
    text: usize,
}

impl Budget {
    pub(crate) fn new() -> Budget {
        Budget {
            rows: MAX_PREVIEW_ROWS,
            text: MAX_PREVIEW_TEXT_BYTES,
        }
    }

    /// Room for one metric row or warning holding `text` bytes, or the refusal.
    pub(crate) fn take(&mut self, text: usize) -> Result<(), Problem> {
        if self.rows == 0 {
            return Err(Problem::TooManyMetrics {
                limit: MAX_PREVIEW_ROWS,
            });
        }
        if text > self.text {
            return Err(Problem::TooMuchText {
                limit: MAX_PREVIEW_TEXT_BYTES,
            });
        }
        self.rows -= 1;
        self.text -= text;
        Ok(())
    }

    /// Adds a warning if there is room for it.
    pub(crate) fn warn(
        &mut self,
        preview: &mut Preview,
        at: Option<String>,
        key: &'static str,
        detail: String,
    ) -> Result<(), Problem> {
        self.take(at.as_ref().map_or(0, String::len) + detail.len())?;
        preview.warnings.push(Warning { at, key, detail });
        Ok(())
    }
}

/// Text that starts inside a JSON object: a quoted key followed by a colon.
fn looks_like_json_fragment(body: &str) -> bool {
    let first = body.lines().next().unwrap_or_default().trim();
    first.starts_with('"')
        && first[1..]
            .find('"')
            .is_some_and(|end| first[end + 2..].trim_start().starts_with(':'))
}

/// A few words on what a JSON document is, for the refusal.
fn describe(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Object(map) => {
            let keys: Vec<&str> = map.keys().take(5).map(String::as_str).collect();
            format!("a JSON object with keys {}", keys.join(", "))
        }
        serde_json::Value::Array(items) => format!("a JSON array of {} items", items.len()),
        _ => "a single JSON value".into(),
    }
}

fn empty_preview(tool: Tool) -> Preview {
    Preview {
        file: String::new(),
        sha256: String::new(),
        tool,
        tool_version: None,
        model: None,
        date: None,
        metrics: Vec::new(),
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_last_line_ending_inside_quotes_is_a_row() {
        // An unclosed quoted cell ends the text: its line break is part of it, and the CSV
        // parser still gives the line as a record (the case the property below once found).
        let text = "\"\"\"\"\n\"\r";
        assert!(check_csv_shape_within(text, 0, 1).is_err());
        assert!(check_csv_shape_within(text, 1, 1).is_ok());
    }

    proptest! {
        /// The count before parsing is never below what the CSV parser then meets: a text the
        /// check lets through has no more records, nor cells in a record, than the limits.
        #[test]
        fn the_csv_check_never_counts_fewer_than_the_parser(
            text in "[a\",\r\n ]{0,40}",
            rows in 0usize..6,
            columns in 1usize..6,
        ) {
            if check_csv_shape_within(&text, rows, columns).is_ok() {
                let mut reader = csv::ReaderBuilder::new()
                    .flexible(true)
                    .has_headers(false)
                    .from_reader(text.as_bytes());
                let mut records = 0;
                for record in reader.records() {
                    let Ok(record) = record else { break };
                    records += 1;
                    prop_assert!(record.len() <= columns, "{:?}: {} cells", text, record.len());
                }
                prop_assert!(records <= rows + 1, "{:?}: {} records", text, records);
            }
        }
    }
}
