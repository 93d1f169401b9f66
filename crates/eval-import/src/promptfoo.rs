//! promptfoo `eval -o results.json` (the same writer serves `promptfoo export`), as
//! `src/util/output.ts` writes an `OutputFile` (`src/types/index.ts`):
//! `{evalId, results: EvaluateSummary, config, shareableUrl, metadata?}`.
//!
//! - `results.version` 3 (0.92.0 on): `prompts[]` (one per provider × prompt column, with
//!   `metrics`) and `results[]` rows with `promptIdx`. Columns are keyed by `promptIdx`, not
//!   by prompt id: two providers running one prompt share the id.
//! - `results.version` 2 (0.15.0–0.91.x, and old evals exported later): no `promptIdx`;
//!   columns come from `table.head.prompts`, or from each row's provider and prompt label.
//! - Version 1 and unversioned files (before mid-2023) are refused, as is anything else.
//!
//! Per column, rows are classified as promptfoo counts them: `success` → pass; else
//! `failureReason == 2` → error; else fail (files before 0.101 have no `failureReason`).
//! Metrics: `pass_rate` (errors in the denominator, as promptfoo's own report), `pass_count`,
//! `fail_count`, `error_count`, `mean_score`, `named:<metric>` (mean over the rows that
//! carry it), `latency_mean_ms`, `latency_p95_ms` (nearest rank over rows), `cost`,
//! `tokens_total`. `n` is the column's row count.

use crate::lenient_json::number;
use crate::{empty_preview, Budget, MetricRow, Preview, Problem, Tool};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Is this a promptfoo output file? An object whose `results` is an object with a numeric
/// `version` and a `results` array (or a `table`).
pub fn looks_like(doc: &Value) -> bool {
    doc.get("results")
        .and_then(Value::as_object)
        .is_some_and(|r| {
            r.get("version").is_some_and(Value::is_number)
                && (r.get("results").is_some_and(Value::is_array) || r.contains_key("table"))
        })
}

/// One output column (provider × prompt) and how its rows went: what the JSON and the CSV
/// outputs both give.
#[derive(Default)]
pub(crate) struct Verdicts {
    pub provider: String,
    pub label: String,
    pub pass: u64,
    pub fail: u64,
    pub error: u64,
    pub scores: Vec<f64>,
}

impl Verdicts {
    pub fn n(&self) -> u64 {
        self.pass + self.fail + self.error
    }

    /// A metric of this column, if the preview has room for it.
    pub fn row(
        &self,
        budget: &mut Budget,
        metric: &str,
        value: f64,
        higher_is_better: Option<bool>,
    ) -> Result<MetricRow, Problem> {
        budget.take(self.label.len() + metric.len() + self.provider.len())?;
        Ok(MetricRow {
            task: self.label.clone(),
            metric: metric.to_owned(),
            value,
            stderr: None,
            n: Some(self.n()),
            group: None,
            higher_is_better,
            model: Some(self.provider.clone()),
            setting: None,
        })
    }

    /// Pass rate (errors in the denominator, as promptfoo's own report), the counts and the
    /// mean score; nothing for a column without rows.
    pub fn rows(&self, budget: &mut Budget) -> Result<Vec<MetricRow>, Problem> {
        let n = self.n();
        if n == 0 {
            return Ok(Vec::new());
        }
        let mut rows = vec![
            self.row(budget, "pass_rate", self.pass as f64 / n as f64, Some(true))?,
            self.row(budget, "pass_count", self.pass as f64, Some(true))?,
            self.row(budget, "fail_count", self.fail as f64, Some(false))?,
            self.row(budget, "error_count", self.error as f64, Some(false))?,
        ];
        if !self.scores.is_empty() {
            rows.push(self.row(budget, "mean_score", mean(&self.scores), Some(true))?);
        }
        Ok(rows)
    }
}

/// What the reader uses of one result row (`results.results[i]`). Rows are taken apart as the
/// document is read (`bounded_json`), so that the rest of each row — the output, its grading,
/// the test case: nearly all of such a file — is never held.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Row {
    prompt_idx: Option<u64>,
    /// The provider's label (when not empty), else its id, else the provider as a string.
    provider: Option<String>,
    /// The prompt's label, else its display text.
    label: String,
    success: bool,
    failure_reason: Option<u64>,
    /// The score, when it is a number.
    score: Option<f64>,
    /// The named scores that are numbers.
    named: Vec<(String, f64)>,
    latency_ms: Option<f64>,
    cost: Option<f64>,
    tokens: Option<f64>,
}

impl Row {
    pub(crate) fn of(row: &Value) -> Row {
        let provider = row.get("provider").and_then(|p| {
            p.get("label")
                .and_then(Value::as_str)
                .filter(|l| !l.is_empty())
                .or_else(|| p.get("id").and_then(Value::as_str))
                .or_else(|| p.as_str())
        });
        let label = row
            .get("prompt")
            .and_then(|p| {
                p.get("label")
                    .and_then(Value::as_str)
                    .or_else(|| p.get("display").and_then(Value::as_str))
            })
            .unwrap_or_default();
        let named = row
            .get("namedScores")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(metric, value)| Some((metric.clone(), number(value).ok()?)))
            .collect();
        Row {
            prompt_idx: row.get("promptIdx").and_then(Value::as_u64),
            provider: provider.map(str::to_owned),
            label: label.to_owned(),
            success: row.get("success").and_then(Value::as_bool).unwrap_or(false),
            failure_reason: row.get("failureReason").and_then(Value::as_u64),
            score: row.get("score").and_then(|s| number(s).ok()),
            named,
            latency_ms: row.get("latencyMs").and_then(|l| number(l).ok()),
            cost: row.get("cost").and_then(|c| number(c).ok()),
            tokens: row
                .pointer("/response/tokenUsage/total")
                .and_then(|t| number(t).ok()),
        }
    }

    /// How many named scores the row keeps (each is held until the file is read).
    pub(crate) fn named_scores(&self) -> usize {
        self.named.len()
    }
}

#[derive(Default)]
struct Column {
    verdicts: Verdicts,
    missing_scores: u64,
    named: BTreeMap<String, (f64, u64)>,
    latencies: Vec<f64>,
    cost: Option<f64>,
    tokens: Option<f64>,
}

/// Reads the document's summary and its result rows (taken apart as it was parsed: `None`
/// when `results.results` is not a list).
pub(crate) fn read(
    doc: &Value,
    rows: Option<&[Row]>,
    budget: &mut Budget,
) -> Result<Preview, Problem> {
    let empty = Map::new();
    let results = doc
        .get("results")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let version = results.get("version").and_then(Value::as_u64).unwrap_or(0);
    if version != 2 && version != 3 {
        return Err(Problem::Foreign {
            found: format!("promptfoo results version {version} (2 and 3 are read)"),
        });
    }
    let mut preview = empty_preview(Tool::Promptfoo);
    preview.tool_version = Some(
        doc.pointer("/metadata/promptfooVersion")
            .and_then(Value::as_str)
            .map_or_else(
                || format!("output v{version}"),
                |v| format!("{v} (output v{version})"),
            ),
    );
    preview.date = results
        .get("timestamp")
        .or_else(|| doc.pointer("/metadata/evaluationCreatedAt"))
        .and_then(Value::as_str)
        .map(str::to_owned);

    let headers = column_headers(doc, results, version);
    let mut columns: Vec<Column> = headers
        .into_iter()
        .map(|(provider, label)| Column {
            verdicts: Verdicts {
                provider,
                label,
                ..Verdicts::default()
            },
            ..Column::default()
        })
        .collect();
    let mut index = ColumnIndex::default();
    for (i, column) in columns.iter().enumerate() {
        index.add(column, i);
    }
    for row in rows.into_iter().flatten() {
        let i = column_of(row, &mut columns, &mut index, version);
        let column = &mut columns[i];
        match (row.success, row.failure_reason) {
            (true, _) => column.verdicts.pass += 1,
            (false, Some(2)) => column.verdicts.error += 1,
            (false, _) => column.verdicts.fail += 1,
        }
        match row.score {
            Some(score) => column.verdicts.scores.push(score),
            None => column.missing_scores += 1,
        }
        for (metric, v) in &row.named {
            let entry = column.named.entry(metric.clone()).or_default();
            entry.0 += v;
            entry.1 += 1;
        }
        if let Some(ms) = row.latency_ms {
            column.latencies.push(ms);
        }
        if let Some(cost) = row.cost {
            *column.cost.get_or_insert(0.0) += cost;
        }
        if let Some(total) = row.tokens {
            *column.tokens.get_or_insert(0.0) += total;
        }
    }
    for column in &columns {
        push_column(&mut preview, column, budget)?;
    }
    if rows.is_none_or(|r| r.is_empty()) {
        budget.warn(&mut preview, None, "no_rows", String::new())?;
    }
    check_stats(&mut preview, results, &columns, budget)?;
    Ok(preview)
}

/// The columns the file declares, in order: (provider, prompt label).
fn column_headers(
    doc: &Value,
    results: &Map<String, Value>,
    version: u64,
) -> Vec<(String, String)> {
    let label_of = |p: &Value| {
        ["label", "display", "raw"]
            .iter()
            .find_map(|k| p.get(*k).and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned()
    };
    let single_provider = || {
        let providers = doc.pointer("/config/providers")?.as_array()?;
        match providers.as_slice() {
            [one] => one
                .as_str()
                .or_else(|| one.get("label").and_then(Value::as_str))
                .or_else(|| one.get("id").and_then(Value::as_str))
                .map(str::to_owned),
            _ => None,
        }
    };
    let prompts = if version == 3 {
        results.get("prompts").and_then(Value::as_array)
    } else {
        results
            .get("table")
            .and_then(|t| t.pointer("/head/prompts"))
            .and_then(Value::as_array)
    };
    prompts
        .into_iter()
        .flatten()
        .map(|p| {
            let label = label_of(p);
            let provider = p
                .get("provider")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| bracketed_provider(&label))
                .or_else(single_provider)
                .unwrap_or_else(|| "unknown".into());
            (provider, label)
        })
        .collect()
}

/// `[openai:gpt-4] prompt` → `openai:gpt-4` (how v2 showed providers before rows had them).
fn bracketed_provider(display: &str) -> Option<String> {
    let rest = display.strip_prefix('[')?;
    let end = rest.find("] ")?;
    Some(rest[..end].to_owned())
}

/// The first column of each prompt label, and of each (label, provider): finding a row's
/// column is then one look-up, not a scan over every column (a file of many distinct labels
/// would otherwise take time in the square of its rows).
#[derive(Default)]
struct ColumnIndex {
    by_label: HashMap<String, LabelColumns>,
}

struct LabelColumns {
    first: usize,
    by_provider: HashMap<String, usize>,
}

impl ColumnIndex {
    /// Records column `i`, unless an earlier column has its label and provider.
    fn add(&mut self, column: &Column, i: usize) {
        let v = &column.verdicts;
        let label = self
            .by_label
            .entry(v.label.clone())
            .or_insert_with(|| LabelColumns {
                first: i,
                by_provider: HashMap::new(),
            });
        label.by_provider.entry(v.provider.clone()).or_insert(i);
    }

    /// The first column with this label and (when given) provider.
    fn find(&self, label: &str, provider: Option<&str>) -> Option<usize> {
        let columns = self.by_label.get(label)?;
        match provider {
            Some(p) => columns.by_provider.get(p).copied(),
            None => Some(columns.first),
        }
    }
}

/// The column a row belongs to (adding one when the file did not declare it).
fn column_of(row: &Row, columns: &mut Vec<Column>, index: &mut ColumnIndex, version: u64) -> usize {
    if version == 3 {
        if let Some(i) = row.prompt_idx {
            if (i as usize) < columns.len() {
                return i as usize;
            }
        }
    }
    match index.find(&row.label, row.provider.as_deref()) {
        Some(i) => i,
        None if columns.len() == 1 && row.provider.is_none() => 0,
        None => {
            columns.push(Column {
                verdicts: Verdicts {
                    provider: row.provider.clone().unwrap_or_else(|| "unknown".into()),
                    label: row.label.clone(),
                    ..Verdicts::default()
                },
                ..Column::default()
            });
            let i = columns.len() - 1;
            index.add(&columns[i], i);
            i
        }
    }
}

fn push_column(preview: &mut Preview, c: &Column, budget: &mut Budget) -> Result<(), Problem> {
    let v = &c.verdicts;
    if v.n() == 0 {
        return Ok(());
    }
    preview.metrics.extend(v.rows(budget)?);
    for (metric, (sum, count)) in &c.named {
        let mean = sum / *count as f64;
        preview
            .metrics
            .push(v.row(budget, &format!("named:{metric}"), mean, Some(true))?);
    }
    if !c.latencies.is_empty() {
        preview
            .metrics
            .push(v.row(budget, "latency_mean_ms", mean(&c.latencies), Some(false))?);
        let p95 = nearest_rank(&c.latencies, 0.95);
        preview
            .metrics
            .push(v.row(budget, "latency_p95_ms", p95, Some(false))?);
    }
    if let Some(cost) = c.cost {
        preview
            .metrics
            .push(v.row(budget, "cost", cost, Some(false))?);
    }
    if let Some(tokens) = c.tokens {
        preview
            .metrics
            .push(v.row(budget, "tokens_total", tokens, None)?);
    }
    if c.missing_scores > 0 {
        budget.warn(
            preview,
            Some(format!("{} / {}", v.provider, v.label)),
            "scores_missing",
            c.missing_scores.to_string(),
        )?;
    }
    Ok(())
}

pub(crate) fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The nearest-rank percentile: `sorted[ceil(p·m) − 1]`.
fn nearest_rank(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// The file's own totals should equal the rows'; a mismatch is worth a warning, not a refusal.
fn check_stats(
    preview: &mut Preview,
    results: &Map<String, Value>,
    columns: &[Column],
    budget: &mut Budget,
) -> Result<(), Problem> {
    let Some(stats) = results.get("stats") else {
        return Ok(());
    };
    let passes: u64 = columns.iter().map(|c| c.verdicts.pass).sum();
    if let Some(successes) = stats.get("successes").and_then(Value::as_u64) {
        if successes != passes {
            budget.warn(
                preview,
                None,
                "stats_mismatch",
                format!("stats.successes {successes}, rows {passes}"),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p95_is_the_nearest_rank() {
        assert_eq!(nearest_rank(&[5.0, 1.0, 3.0], 0.95), 5.0);
        assert_eq!(
            nearest_rank(
                &[1.0; 20]
                    .iter()
                    .enumerate()
                    .map(|(i, _)| i as f64)
                    .collect::<Vec<_>>(),
                0.95
            ),
            18.0
        );
        assert_eq!(
            bracketed_provider("[openai:gpt-4] Say hi"),
            Some("openai:gpt-4".into())
        );
        assert_eq!(bracketed_provider("Say hi"), None);
    }
}
