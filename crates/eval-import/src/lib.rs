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
    let quoted = lenient_json::quote_non_finite(bytes);
    let value: serde_json::Value = serde_json::from_slice(&quoted).map_err(|e| {
        if e.is_eof() {
            Problem::Truncated { line: e.line() }
        } else {
            Problem::NotJson {
                line: e.line(),
                column: e.column(),
            }
        }
    })?;
    if lm_eval::looks_like(&value) {
        return Ok(lm_eval::read(&value));
    }
    if promptfoo::looks_like(&value) {
        return promptfoo::read(&value);
    }
    Err(Problem::Foreign {
        found: describe(&value),
    })
}

fn read_csv(text: &str) -> Result<Preview, Problem> {
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
    if opencompass::looks_like(&header) {
        return opencompass::read(text);
    }
    if generic_csv::looks_like(&header) {
        return generic_csv::read(text);
    }
    if let Some(read) = promptfoo_csv::read(text) {
        return read;
    }
    let columns: Vec<&str> = header.iter().take(6).collect();
    Err(Problem::Foreign {
        found: format!("a CSV with columns {}", columns.join(", ")),
    })
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
