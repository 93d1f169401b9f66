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
//!
//! # Limits
//!
//! Memory stays under 256 MB whatever the file (see the crate's limits):
//!
//! - a line longer than [`MAX_LINE_BYTES`] (32 MiB; the harness's longest, a million-token
//!   context written twice, is a few MB) refuses the file, once that many bytes are read and
//!   before the line is parsed: reading it whole is what a line of a gigabyte would take;
//! - a line of more than [`MAX_SAMPLE_KEYS`] keys is not a sample (a bad line), nor is an
//!   item of the older array layout larger than [`MAX_LINE_BYTES`];
//! - a metrics list of more than [`MAX_SAMPLE_KEYS`] names is not read as one;
//! - the first [`MAX_SAMPLE_METRICS`] metric names (with their filter) are tallied, later new
//!   names are not: a log has a handful, and the tallies are kept for the whole file;
//! - the older array layout is read whole, up to [`MAX_ARRAY_BYTES`].
//!
//! Fields shown to a reviewer are read within the limits of results files (`bounded_json`),
//! or shown as written when beyond them.

use crate::{ImportError, Problem};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, Read};

pub const KEPT_FAILURES: usize = 300;
pub const KEPT_TEXT_CHARS: usize = 2_000;

/// The longest line a samples log may have (without its line end).
pub const MAX_LINE_BYTES: usize = 32 * 1024 * 1024;

/// Keys of one sample (and names in its metrics list) beyond which it is not a sample.
pub const MAX_SAMPLE_KEYS: usize = 10_000;

/// Distinct metrics (with their filter) tallied for one log.
pub const MAX_SAMPLE_METRICS: usize = 1_000;

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
/// wrote under the same name is read whole, within [`MAX_ARRAY_BYTES`]). Bad lines are
/// counted, not fatal (the last line of a log cut off mid-write is the usual one); the file is
/// refused, named `file`, for an I/O error or a line beyond [`MAX_LINE_BYTES`].
pub fn summarise(file: &str, mut reader: impl BufRead) -> Result<SampleSummary, ImportError> {
    let refuse = |problem| ImportError {
        file: file.to_owned(),
        problem,
    };
    let unreadable = |e: std::io::Error| {
        refuse(Problem::Unreadable {
            reason: e.to_string(),
        })
    };
    let mut summary = SampleSummary::default();
    if starts_with_array(&mut reader).map_err(unreadable)? {
        let mut bytes = Vec::new();
        std::io::Read::take(&mut reader, MAX_ARRAY_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        summary.bytes = bytes.len() as u64;
        let whole = bytes.len() as u64 <= MAX_ARRAY_BYTES && is_json(&bytes);
        // Items are taken one by one as the array is parsed a second time: a list of them
        // would cost 16 bytes an item, and an item can be as small as 2 bytes.
        if !whole || take_array_items(&mut summary, &bytes).is_err() {
            summary.bad_lines += 1;
            summary.first_bad_lines.push(1);
        }
        return Ok(summary);
    }
    let mut line = Vec::with_capacity(64 * 1024);
    let mut number = 0u64;
    loop {
        line.clear();
        // At most the limit and a line end: a longer line is refused, not read on.
        let read = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(unreadable)?;
        if read == 0 {
            break;
        }
        number += 1;
        if read > MAX_LINE_BYTES && line.last() != Some(&b'\n') {
            return Err(refuse(Problem::LineTooLong {
                line: number,
                limit: MAX_LINE_BYTES,
            }));
        }
        summary.bytes += read as u64;
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() {
            continue;
        }
        if !take_line(&mut summary, trimmed) {
            bad_line(&mut summary, number);
        }
    }
    Ok(summary)
}

/// Older logs are one JSON array, read whole: the limit keeps memory bounded for them. (The
/// parser may take as much again to check the array: it keeps a byte per level of nesting.)
pub const MAX_ARRAY_BYTES: u64 = 96 * 1024 * 1024;

fn bad_line(summary: &mut SampleSummary, number: u64) {
    summary.bad_lines += 1;
    if summary.first_bad_lines.len() < 10 {
        summary.first_bad_lines.push(number);
    }
}

/// Is this one whole JSON value? Checked without holding any of it, so that a broken array
/// is one bad line with nothing tallied (as when it was parsed into a list first).
fn is_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<IgnoredAny>(bytes).is_ok()
}

/// Tallies each item of a JSON array as a line, as it is parsed.
fn take_array_items(summary: &mut SampleSummary, bytes: &[u8]) -> serde_json::Result<()> {
    struct Items<'s>(&'s mut SampleSummary);
    impl<'de> Visitor<'de> for Items<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of samples")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut number = 0u64;
            while let Some(item) = seq.next_element::<&'de RawValue>()? {
                number += 1;
                let item = item.get().as_bytes();
                if item.len() > MAX_LINE_BYTES || !take_line(self.0, item) {
                    bad_line(self.0, number);
                }
            }
            Ok(())
        }
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    de.deserialize_seq(Items(summary))?;
    de.end()
}

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
    let Ok(Fields(fields)) = serde_json::from_slice::<Fields<'_>>(line) else {
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
        .and_then(|m| serde_json::from_str::<Names>(m.get()).ok())
        .map(|Names(names)| names);
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
        // The tallies live as long as the file is read: new names stop at the limit.
        let room = summary.metrics.len() < MAX_SAMPLE_METRICS;
        if room || summary.metrics.contains_key(&key) {
            let tally = summary.metrics.entry(key).or_default();
            tally.count += 1;
            tally.sum += value;
        }
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

/// A sample's keys and their values as written, refused beyond [`MAX_SAMPLE_KEYS`] keys
/// before more are held (a key costs ~100 bytes held, as little as 4 written). A key given
/// twice keeps its last value.
struct Fields<'a>(BTreeMap<Cow<'a, str>, &'a RawValue>);

impl<'de> serde::Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sample object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = BTreeMap::new();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    if fields.len() >= MAX_SAMPLE_KEYS && !fields.contains_key(&key) {
                        return Err(de::Error::custom("too many keys for a sample"));
                    }
                    fields.insert(key, map.next_value::<&'de RawValue>()?);
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(Keys)
    }
}

/// A list of metric names, refused beyond [`MAX_SAMPLE_KEYS`] names.
struct Names(Vec<String>);

impl<'de> serde::Deserialize<'de> for Names {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct List;
        impl<'de> Visitor<'de> for List {
            type Value = Names;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of metric names")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Names, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    if names.len() >= MAX_SAMPLE_KEYS {
                        return Err(de::Error::custom("too many metric names"));
                    }
                    names.push(name);
                }
                Ok(Names(names))
            }
        }
        deserializer.deserialize_seq(List)
    }
}

/// A per-sample metric value: a number, a numeric string, or a boolean. Anything else is
/// refused by the parser as soon as it is seen, so a list or object there is never built.
fn as_number(raw: &RawValue) -> Option<f64> {
    struct Scalar;
    impl Visitor<'_> for Scalar {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number, a numeric string or a boolean")
        }
        fn visit_bool<E>(self, b: bool) -> Result<Option<f64>, E> {
            Ok(Some(if b { 1.0 } else { 0.0 }))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Option<f64>, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Option<f64>, E> {
            Ok(Some(v as f64))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Option<f64>, E> {
            Ok(Some(v))
        }
        fn visit_str<E>(self, s: &str) -> Result<Option<f64>, E> {
            Ok(s.trim().parse().ok())
        }
        fn visit_unit<E>(self) -> Result<Option<f64>, E> {
            Ok(None)
        }
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    de.deserialize_any(Scalar)
        .ok()
        .flatten()
        .filter(|v: &f64| v.is_finite())
}

/// A field as a reviewer reads it: strings as they are, anything else as compact JSON; cut
/// to [`KEPT_TEXT_CHARS`]. A value beyond the limits of a results file is shown as written.
fn readable(raw: &RawValue) -> String {
    match crate::bounded_json::parse_whole(raw.get()) {
        Some(Value::String(s)) => cut(s),
        Some(other) => cut(shown(&other)),
        None => cut(prefix(raw.get())),
    }
}

/// The prompt: `arguments.gen_args_0.arg_0` (0.4), or the first element of the first
/// argument list (older logs).
fn input_of(arguments: Option<&RawValue>) -> String {
    let Some(raw) = arguments else {
        return String::new();
    };
    let Some(mut value) = crate::bounded_json::parse_whole(raw.get()) else {
        return cut(prefix(raw.get()));
    };
    // Taken out of the arguments rather than copied: it can be most of a long line.
    let pointer = ["/gen_args_0/arg_0", "/0/0"]
        .into_iter()
        .find(|p| value.pointer(p).is_some());
    let prompt = match pointer.and_then(|p| value.pointer_mut(p)) {
        Some(prompt) => prompt.take(),
        None => value,
    };
    cut(match prompt {
        Value::String(s) => s,
        other => shown(&other),
    })
}

/// A value as compact JSON, only as long as [`cut`] keeps it (a character is at most 4 bytes:
/// more than this is more than `cut` keeps).
fn shown(value: &Value) -> String {
    let bytes = crate::lenient_json::serialised_up_to(value, (KEPT_TEXT_CHARS + 1) * 4);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The start of a text, as much as [`cut`] keeps.
fn prefix(text: &str) -> String {
    match text.char_indices().nth(KEPT_TEXT_CHARS + 1) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}

fn cut(text: String) -> String {
    match text.char_indices().nth(KEPT_TEXT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}
