//! lm-evaluation-harness per-sample logs (`samples_<task>_<date>.jsonl`, written with
//! `--log_samples` by `EvaluationTracker.save_results_samples`): one JSON object per line —
//! `doc_id`, `doc`, `target`, `arguments`, `resps`, `filtered_resps`, `filter`, `metrics`
//! (the names of the per-sample metrics, 0.4.3+), one key per metric with the sample's value,
//! and `doc_hash`/`prompt_hash`/`target_hash`. The harness stringifies values it cannot
//! serialise, so numbers may arrive as strings (`"0.0"`).
//!
//! Files can be gigabytes, so they are streamed line by line into a summary of constant size:
//! per metric the count and mean; and the first [`KEPT_FAILURES`] failing samples (those whose
//! first metric is 0) with input, expected and produced output, each cut to
//! [`KEPT_TEXT_CHARS`] characters, for a reviewer to read.

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{BufRead, Read};

pub const KEPT_FAILURES: usize = 300;
pub const KEPT_TEXT_CHARS: usize = 2_000;

/// Keys of a sample line that are not per-sample metrics.
const NOT_METRICS: &[&str] = &[
    "doc_id",
    "doc",
    "target",
    "arguments",
    "resps",
    "filtered_resps",
    "filter",
    "metrics",
    "doc_hash",
    "prompt_hash",
    "target_hash",
];

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MetricTally {
    pub count: u64,
    pub sum: f64,
}

impl MetricTally {
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FailedSample {
    pub doc_id: String,
    pub input: String,
    pub expected: String,
    pub produced: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SampleSummary {
    pub samples: u64,
    /// The filter the samples went through (`none`, `strict-match`…), if the log says.
    pub filter: Option<String>,
    pub metrics: BTreeMap<String, MetricTally>,
    /// Samples whose first metric is 0.
    pub failed: u64,
    pub kept_failures: Vec<FailedSample>,
    /// Lines that are not sample objects (with the first few line numbers).
    pub bad_lines: u64,
    pub first_bad_lines: Vec<u64>,
    pub bytes: u64,
}

/// Streams a samples log (JSON Lines, 0.4.3 on; the pretty-printed JSON array that 0.4.0–0.4.2
/// wrote under the same name is read whole, within `MAX_ARRAY_BYTES`). Fails only on an I/O error; bad lines are counted, not fatal (the
/// last line of a log cut off mid-write is the usual one).
pub fn summarise(mut reader: impl BufRead) -> std::io::Result<SampleSummary> {
    let mut summary = SampleSummary::default();
    if starts_with_array(&mut reader)? {
        let mut bytes = Vec::new();
        std::io::Read::take(&mut reader, MAX_ARRAY_BYTES + 1).read_to_end(&mut bytes)?;
        summary.bytes = bytes.len() as u64;
        let items: Option<Vec<&RawValue>> = (bytes.len() as u64 <= MAX_ARRAY_BYTES)
            .then(|| serde_json::from_slice(&bytes).ok())
            .flatten();
        match items {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    if !take_line(&mut summary, item.get().as_bytes()) {
                        summary.bad_lines += 1;
                        if summary.first_bad_lines.len() < 10 {
                            summary.first_bad_lines.push(i as u64 + 1);
                        }
                    }
                }
            }
            None => {
                summary.bad_lines += 1;
                summary.first_bad_lines.push(1);
            }
        }
        return Ok(summary);
    }
    let mut line = Vec::with_capacity(64 * 1024);
    let mut number = 0u64;
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line)?;
        if read == 0 {
            break;
        }
        number += 1;
        summary.bytes += read as u64;
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() {
            continue;
        }
        if !take_line(&mut summary, trimmed) {
            summary.bad_lines += 1;
            if summary.first_bad_lines.len() < 10 {
                summary.first_bad_lines.push(number);
            }
        }
    }
    Ok(summary)
}

/// Older logs are one JSON array; the limit keeps memory bounded for them.
pub const MAX_ARRAY_BYTES: u64 = 256 * 1024 * 1024;

fn starts_with_array(reader: &mut impl BufRead) -> std::io::Result<bool> {
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(false);
        }
        match buffer.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                let first = buffer[i];
                return Ok(first == b'[');
            }
            None => {
                let len = buffer.len();
                reader.consume(len);
            }
        }
    }
}

fn take_line(summary: &mut SampleSummary, line: &[u8]) -> bool {
    let Ok(fields) = serde_json::from_slice::<BTreeMap<Cow<'_, str>, &RawValue>>(line) else {
        return false;
    };
    if !fields.contains_key("doc_id") {
        return false;
    }
    summary.samples += 1;
    if summary.filter.is_none() {
        summary.filter = fields
            .get("filter")
            .and_then(|f| serde_json::from_str::<String>(f.get()).ok());
    }
    // The metric names, in the harness's order when it lists them.
    let listed: Option<Vec<String>> = fields
        .get("metrics")
        .and_then(|m| serde_json::from_str(m.get()).ok());
    let names: Vec<Cow<'_, str>> = match &listed {
        Some(names) => names.iter().map(|n| Cow::Borrowed(n.as_str())).collect(),
        None => fields
            .keys()
            .filter(|k| !NOT_METRICS.contains(&k.as_ref()))
            .cloned()
            .collect(),
    };
    // One line per document and filter: metrics are tallied per filter, under the key the
    // results file uses (`exact_match,strict-match`).
    let filter: Option<String> = fields
        .get("filter")
        .and_then(|f| serde_json::from_str(f.get()).ok());
    let mut first: Option<f64> = None;
    for name in &names {
        let Some(raw) = fields.get(name.as_ref()) else {
            continue;
        };
        let Some(value) = as_number(raw) else {
            continue;
        };
        first.get_or_insert(value);
        let key = match &filter {
            Some(filter) => format!("{name},{filter}"),
            None => name.to_string(),
        };
        let tally = summary.metrics.entry(key).or_default();
        tally.count += 1;
        tally.sum += value;
    }
    if first == Some(0.0) {
        summary.failed += 1;
        if summary.kept_failures.len() < KEPT_FAILURES {
            let text = |key: &str| fields.get(key).map(|r| readable(r)).unwrap_or_default();
            summary.kept_failures.push(FailedSample {
                doc_id: text("doc_id"),
                input: input_of(fields.get("arguments").copied()),
                expected: text("target"),
                produced: text("filtered_resps"),
            });
        }
    }
    true
}

/// A per-sample metric value: a number, a numeric string, or a boolean.
fn as_number(raw: &RawValue) -> Option<f64> {
    match serde_json::from_str::<Value>(raw.get()).ok()? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Bool(b) => Some(if b { 1.0 } else { 0.0 }),
        _ => None,
    }
    .filter(|v: &f64| v.is_finite())
}

/// A field as a reviewer reads it: strings as they are, anything else as compact JSON; cut
/// to [`KEPT_TEXT_CHARS`].
fn readable(raw: &RawValue) -> String {
    let text = match serde_json::from_str::<Value>(raw.get()) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => raw.get().to_owned(),
    };
    cut(text)
}

/// The prompt: `arguments.gen_args_0.arg_0` (0.4), or the first element of the first
/// argument list (older logs).
fn input_of(arguments: Option<&RawValue>) -> String {
    let Some(raw) = arguments else {
        return String::new();
    };
    let value: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
    let prompt = value
        .pointer("/gen_args_0/arg_0")
        .or_else(|| value.pointer("/0/0"))
        .cloned()
        .unwrap_or(value);
    cut(match prompt {
        Value::String(s) => s,
        other => other.to_string(),
    })
}

fn cut(text: String) -> String {
    match text.char_indices().nth(KEPT_TEXT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}
