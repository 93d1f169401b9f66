//! A results JSON read into what its reader will use, within limits.
//!
//! `serde_json::Value` costs far more than the text it comes from — a one-key object is a
//! B-tree node of ~650 bytes, a key ~150 — so a 59 MB lm-eval file of 2.15 million keys took
//! 1.2 GB to read (5 GB through an import). Here the document is parsed once, and:
//!
//! - every key and list item is counted against [`MAX_JSON_VALUES`], and every object against
//!   [`MAX_JSON_OBJECTS`], before it is held: the parse stops at the limit, not after;
//! - strings and keys are held cut to [`MAX_STRING_BYTES`];
//! - the parts no reader looks at are checked (they must be valid JSON) but not held, nor
//!   counted: they cost time in proportion to their size, and no memory but the parser's
//!   byte per level of nesting while it checks them (at most the file's size). At the top level
//!   their keys are kept (the readers and the refusal of an unknown file look at which keys
//!   there are) with `null` for a value: lm-eval's `configs` (most of a real file), `groups`,
//!   `task_hashes`, a `samples` some scripts leave in; promptfoo's `evalId`, `shareableUrl`. Of
//!   `config`, only lm-eval's `model_args` and promptfoo's `providers` (by label and id) are
//!   held; of `metadata`, promptfoo's version and date. Of `results.prompts`, each prompt's
//!   label, display text, raw text and provider.
//! - promptfoo's result rows (`results.results`, nearly all of such a file: each output with
//!   its grading and test case) are taken apart as they are read into the few fields the
//!   reader counts ([`Row`]); the list is left empty in the document. They are limited to
//!   [`MAX_ROWS`].
//! - promptfoo v2's `results.table.body` (a second copy of every output) is held as an empty
//!   list. (An lm-eval task named `table` with a list under a metric named `body`, which no
//!   lm-eval writes, would show that list as `[]` in its warning.)
//!
//! Everything the readers use is held as `serde_json` would parse it (strings beyond 64 KiB
//! aside); the test below reads every fixture both ways and compares the previews.
//!
//! A file with bare `NaN`/`Infinity` tokens is parsed through [`Quoting`], which quotes them as
//! it goes (see `lenient_json`).

use crate::lenient_json::{cut_bytes, cut_str, has_non_finite, Quoting};
use crate::promptfoo::Row;
use crate::{Problem, MAX_JSON_OBJECTS, MAX_JSON_VALUES, MAX_ROWS, MAX_STRING_BYTES};
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::fmt;

/// A document as the readers see it.
pub(crate) struct Document {
    pub value: Value,
    /// promptfoo's result rows when `results.results` is a list (the list itself is left
    /// empty in `value`); `None` when it is not.
    pub rows: Option<Vec<Row>>,
}

/// Parses a results JSON within the limits.
pub(crate) fn parse(bytes: &[u8]) -> Result<Document, Problem> {
    parse_with(bytes, Keep::Root)
}

/// Parses any JSON value within the limits, holding all of it; `None` when it is not JSON or
/// is beyond a limit (for the samples reader, which falls back to the text as written).
pub(crate) fn parse_whole(text: &str) -> Option<Value> {
    parse_with(text.as_bytes(), Keep::All).ok().map(|d| d.value)
}

fn parse_with(bytes: &[u8], keep: Keep) -> Result<Document, Problem> {
    let mut held = Held {
        values: 0,
        objects: 0,
        rows: None,
        refused: None,
    };
    let parsed = if has_non_finite(bytes) {
        // `serde_json` reads a reader byte by byte: the buffer makes that cheap.
        let reader = std::io::BufReader::with_capacity(64 * 1024, Quoting::new(bytes));
        document(
            &mut serde_json::Deserializer::from_reader(reader),
            keep,
            &mut held,
        )
    } else {
        document(
            &mut serde_json::Deserializer::from_slice(bytes),
            keep,
            &mut held,
        )
    };
    match parsed {
        Ok(value) => Ok(Document {
            value,
            rows: held.rows,
        }),
        Err(e) => Err(match held.refused {
            Some(problem) => problem,
            None if e.is_eof() => Problem::Truncated { line: e.line() },
            None => Problem::NotJson {
                line: e.line(),
                column: e.column(),
            },
        }),
    }
}

/// One value, then nothing but white space (as `serde_json::from_slice`).
fn document<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
    keep: Keep,
    held: &mut Held,
) -> serde_json::Result<Value> {
    let value = Seed { keep, held }.deserialize(&mut *de)?;
    de.end()?;
    Ok(value)
}

/// What is held so far, against the limits.
struct Held {
    values: usize,
    objects: usize,
    rows: Option<Vec<Row>>,
    /// The limit that stopped the parse (the parser's own error then only says "stopped").
    refused: Option<Problem>,
}

impl Held {
    /// Counts one more key or list item, or refuses.
    fn value<E: de::Error>(&mut self) -> Result<(), E> {
        self.values_n(1)
    }

    /// Counts `n` more keys or list items, or refuses.
    fn values_n<E: de::Error>(&mut self, n: usize) -> Result<(), E> {
        if n > MAX_JSON_VALUES - self.values {
            return Err(self.refuse(Problem::TooManyValues {
                limit: MAX_JSON_VALUES,
            }));
        }
        self.values += n;
        Ok(())
    }

    /// Counts one more object, or refuses.
    fn object<E: de::Error>(&mut self) -> Result<(), E> {
        if self.objects >= MAX_JSON_OBJECTS {
            return Err(self.refuse(Problem::TooManyObjects {
                limit: MAX_JSON_OBJECTS,
            }));
        }
        self.objects += 1;
        Ok(())
    }

    fn refuse<E: de::Error>(&mut self, problem: Problem) -> E {
        self.refused = Some(problem);
        E::custom("a limit was reached")
    }
}

/// What to hold of a value, by where it is in the document.
#[derive(Clone, Copy)]
enum Keep {
    /// All of it.
    All,
    /// Nothing (the value is still checked to be JSON): held as `null`.
    Nothing,
    /// The document.
    Root,
    /// `results`: lm-eval's task rows, or promptfoo's summary.
    Results,
    /// `results.results`: promptfoo's rows when a list; an lm-eval task when an object.
    ResultRows,
    /// `results.table`: promptfoo v2's table, or an lm-eval task named `table`.
    Table,
    /// A list whose items are not held (promptfoo v2's `table.body`); anything else whole.
    NoItems,
    /// Only these keys of an object, each as its rule; other keys are dropped, and a list is
    /// held empty. What the readers look up in such an object is only ever these keys.
    Only(&'static [(&'static str, Keep)]),
    /// Each item of a list as the rule; anything else whole.
    Each(&'static Keep),
}

/// Top-level keys whose values a reader uses; others are held as `null`.
const ROOT: &[(&str, Keep)] = &[
    ("results", Keep::Results),
    ("config", Keep::Only(CONFIG)),
    ("metadata", Keep::Only(METADATA)),
    ("group_subtasks", Keep::All),
    ("n-shot", Keep::All),
    ("higher_is_better", Keep::All),
    ("n-samples", Keep::All),
    ("lm_eval_version", Keep::All),
    ("version", Keep::All),
    ("date", Keep::All),
    ("model_name", Keep::All),
];
const CONFIG: &[(&str, Keep)] = &[
    ("model_args", Keep::All),
    ("providers", Keep::Each(&Keep::Only(LABEL_ID))),
];
const METADATA: &[(&str, Keep)] = &[
    ("promptfooVersion", Keep::All),
    ("evaluationCreatedAt", Keep::All),
];
const LABEL_ID: &[(&str, Keep)] = &[("label", Keep::All), ("id", Keep::All)];
const PROMPT: &[(&str, Keep)] = &[
    ("label", Keep::All),
    ("display", Keep::All),
    ("raw", Keep::All),
    ("provider", Keep::All),
];
/// What [`Row::of`] reads of a promptfoo result row.
const ROW: &[(&str, Keep)] = &[
    ("success", Keep::All),
    ("failureReason", Keep::All),
    ("score", Keep::All),
    ("namedScores", Keep::All),
    ("latencyMs", Keep::All),
    ("cost", Keep::All),
    ("promptIdx", Keep::All),
    (
        "response",
        Keep::Only(&[("tokenUsage", Keep::Only(&[("total", Keep::All)]))]),
    ),
    ("provider", Keep::Only(LABEL_ID)),
    (
        "prompt",
        Keep::Only(&[("label", Keep::All), ("display", Keep::All)]),
    ),
];

/// What a list's items become.
enum Items {
    Hold(Keep),
    Skip,
    PromptfooRows,
}

impl Keep {
    /// The rule for the value under `key`; `None` to drop the key.
    fn child(self, key: &str) -> Option<Keep> {
        let of = |table: &[(&str, Keep)]| table.iter().find(|(k, _)| *k == key).map(|(_, r)| *r);
        match self {
            Keep::Root => Some(of(ROOT).unwrap_or(Keep::Nothing)),
            Keep::Results => Some(match key {
                "results" => Keep::ResultRows,
                "table" => Keep::Table,
                "prompts" => Keep::Each(&Keep::Only(PROMPT)),
                _ => Keep::All,
            }),
            Keep::Table => Some(if key == "body" {
                Keep::NoItems
            } else {
                Keep::All
            }),
            Keep::Only(table) => of(table),
            Keep::Nothing => Some(Keep::Nothing),
            Keep::All | Keep::ResultRows | Keep::NoItems | Keep::Each(_) => Some(Keep::All),
        }
    }

    fn items(self) -> Items {
        match self {
            Keep::ResultRows => Items::PromptfooRows,
            Keep::NoItems | Keep::Only(_) | Keep::Nothing => Items::Skip,
            Keep::Each(rule) => Items::Hold(*rule),
            Keep::All | Keep::Root | Keep::Results | Keep::Table => Items::Hold(Keep::All),
        }
    }
}

/// Builds the held value of one JSON value under a rule.
struct Seed<'h> {
    keep: Keep,
    held: &'h mut Held,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if let Keep::Nothing = self.keep {
            IgnoredAny::deserialize(deserializer)?;
            return Ok(Value::Null);
        }
        deserializer.deserialize_any(self)
    }
}

// As `serde_json::Value`'s own visitor, with the counting and the rules.
impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(cut_str(v)))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(cut_string(v)))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let held = self.held;
        match self.keep.items() {
            Items::Skip => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Value::Array(Vec::new()))
            }
            Items::PromptfooRows => {
                let mut rows = Vec::new();
                loop {
                    // A row's own values are held only until it is taken apart.
                    let (values, objects) = (held.values, held.objects);
                    let seed = Seed {
                        keep: Keep::Only(ROW),
                        held: &mut *held,
                    };
                    let Some(row) = seq.next_element_seed(seed)? else {
                        break;
                    };
                    if rows.len() >= MAX_ROWS {
                        return Err(held.refuse(Problem::TooManyRows { limit: MAX_ROWS }));
                    }
                    let row = Row::of(&row);
                    // What a taken-apart row keeps: itself and its named scores.
                    held.values = values;
                    held.objects = objects;
                    held.values_n(1 + row.named_scores())?;
                    rows.push(row);
                }
                held.rows = Some(rows);
                Ok(Value::Array(Vec::new()))
            }
            Items::Hold(rule) => {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element_seed(Seed {
                    keep: rule,
                    held: &mut *held,
                })? {
                    held.value()?;
                    items.push(item);
                }
                Ok(Value::Array(items))
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let held = self.held;
        held.object()?;
        let mut object = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let Some(rule) = self.keep.child(&key) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            // A key given twice keeps its last value (as `serde_json`), promptfoo's rows too.
            if let Keep::Results | Keep::ResultRows = rule {
                held.rows = None;
            }
            let value = map.next_value_seed(Seed {
                keep: rule,
                held: &mut *held,
            })?;
            held.value()?;
            object.insert(key.into_owned(), value);
        }
        Ok(Value::Object(object))
    }
}

/// A key as held: borrowed from the text when it can be, cut to [`MAX_STRING_BYTES`].
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(if v.len() <= MAX_STRING_BYTES {
            Cow::Borrowed(v)
        } else {
            Cow::Owned(cut_str(v))
        })
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(cut_str(v)))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(cut_string(v)))
    }
}

fn cut_string(v: String) -> String {
    if v.len() <= MAX_STRING_BYTES {
        v
    } else {
        cut_bytes(v.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Budget, Preview};
    use std::path::{Path, PathBuf};

    fn fixtures() -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "json") {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/eval-results"),
            &mut out,
        );
        out.sort();
        out
    }

    /// The preview as it was made before the limits, from the whole document as a `Value`;
    /// `None` when the file is not JSON.
    fn unbounded(bytes: &[u8]) -> Option<Result<Preview, Problem>> {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut Quoting::new(bytes), &mut text).unwrap();
        let value: Value = serde_json::from_slice(&text).ok()?;
        let rows: Option<Vec<Row>> = value
            .pointer("/results/results")
            .and_then(Value::as_array)
            .map(|rows| rows.iter().map(Row::of).collect());
        let mut budget = Budget::new();
        Some(if crate::lm_eval::looks_like(&value) {
            crate::lm_eval::read(&value, &mut budget)
        } else if crate::promptfoo::looks_like(&value) {
            crate::promptfoo::read(&value, rows.as_deref(), &mut budget)
        } else {
            Err(Problem::Foreign {
                found: crate::describe(&value),
            })
        })
    }

    #[test]
    fn every_fixture_reads_as_it_did_with_the_whole_document() {
        let mut compared = 0;
        for path in fixtures() {
            let bytes = std::fs::read(&path).unwrap();
            let body = std::str::from_utf8(&bytes).unwrap_or_default();
            let body = body.trim_start_matches('\u{feff}').trim_start().as_bytes();
            let Some(before) = unbounded(body) else {
                continue;
            };
            assert_eq!(crate::read_json(body), before, "{}", path.display());
            compared += 1;
        }
        assert!(compared >= 20, "{compared}");
    }

    #[test]
    fn keys_and_objects_are_counted_before_they_are_held() {
        let many_keys = format!(
            "{{\"results\": {{\"t\": {{{}}}}}}}",
            (0..=MAX_JSON_VALUES)
                .map(|i| format!("\"m{i}\": 1"))
                .collect::<Vec<_>>()
                .join(",")
        );
        assert_eq!(
            parse(many_keys.as_bytes()).err(),
            Some(Problem::TooManyValues {
                limit: MAX_JSON_VALUES
            })
        );
        let many_objects = format!("[{}]", vec!["{}"; MAX_JSON_OBJECTS + 1].join(","));
        assert_eq!(
            parse(many_objects.as_bytes()).err(),
            Some(Problem::TooManyObjects {
                limit: MAX_JSON_OBJECTS
            })
        );
        // What no reader uses is not held, so it is not counted either.
        let skipped = format!(
            "{{\"configs\": {{{}}}, \"results\": {{}}}}",
            (0..=MAX_JSON_VALUES)
                .map(|i| format!("\"t{i}\": {{}}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let doc = parse(skipped.as_bytes()).unwrap();
        assert_eq!(doc.value["configs"], Value::Null);
    }

    #[test]
    fn promptfoo_rows_are_taken_apart_and_limited() {
        let row = r#"{"success": true, "score": 1, "response": {"output": "long", "tokenUsage": {"total": 7, "prompt": 3}}, "provider": {"id": "p", "config": {"x": 1}}, "vars": {"a": "b"}}"#;
        let doc = parse(
            format!(r#"{{"results": {{"version": 3, "results": [{row}, {row}]}}}}"#).as_bytes(),
        )
        .unwrap();
        assert_eq!(doc.rows.as_ref().map(Vec::len), Some(2));
        assert_eq!(doc.value["results"]["results"], serde_json::json!([]));
        let many = format!(
            r#"{{"results": {{"results": [{}]}}}}"#,
            vec!["{}"; MAX_ROWS + 1].join(",")
        );
        assert_eq!(
            parse(many.as_bytes()).err(),
            Some(Problem::TooManyRows { limit: MAX_ROWS })
        );
        // The last of two `results` keys is the one read, rows included.
        let twice = r#"{"results": {"results": [{}]}, "results": {"results": {"acc": 1}}}"#;
        assert!(parse(twice.as_bytes()).unwrap().rows.is_none());
    }

    #[test]
    fn long_strings_and_keys_are_held_cut() {
        let long = "x".repeat(MAX_STRING_BYTES * 2);
        let text = format!(r#"{{"results": {{"{long}": {{"{long}": "{long}\n"}}}}}}"#);
        let doc = parse(text.as_bytes()).unwrap();
        let (task, row) = doc.value["results"]
            .as_object()
            .unwrap()
            .iter()
            .next()
            .unwrap();
        assert!(task.len() <= MAX_STRING_BYTES + 3 && task.ends_with('…'));
        let (metric, value) = row.as_object().unwrap().iter().next().unwrap();
        assert!(metric.ends_with('…'));
        assert!(value.as_str().unwrap().len() <= MAX_STRING_BYTES + 3);
    }

    #[test]
    fn non_finite_tokens_and_errors_are_as_before() {
        let doc = parse(br#"{"results": {"t": {"acc": NaN}}, "versions": {}}"#).unwrap();
        assert_eq!(doc.value["results"]["t"]["acc"], "NaN");
        assert_eq!(
            parse(b"{\"results\": {\"t\": NaN,\n ]").err(),
            Some(Problem::NotJson { line: 2, column: 2 })
        );
        assert!(matches!(
            parse(b"{\"results\": {\"t\":").err(),
            Some(Problem::Truncated { line: 1 })
        ));
        assert!(matches!(
            parse(b"{} x").err(),
            Some(Problem::NotJson { .. })
        ));
    }
}
