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
use crate::{empty_preview, MetricRow, Preview, Problem, Tool, Warning};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

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

    /// A metric of this column.
    pub fn row(&self, metric: &str, value: f64, higher_is_better: Option<bool>) -> MetricRow {
        MetricRow {
            task: self.label.clone(),
            metric: metric.to_owned(),
            value,
            stderr: None,
            n: Some(self.n()),
            group: None,
            higher_is_better,
            model: Some(self.provider.clone()),
            setting: None,
        }
    }

    /// Pass rate (errors in the denominator, as promptfoo's own report), the counts and the
    /// mean score; nothing for a column without rows.
    pub fn rows(&self) -> Vec<MetricRow> {
        let n = self.n();
        if n == 0 {
            return Vec::new();
        }
        let mut rows = vec![
            self.row("pass_rate", self.pass as f64 / n as f64, Some(true)),
            self.row("pass_count", self.pass as f64, Some(true)),
            self.row("fail_count", self.fail as f64, Some(false)),
            self.row("error_count", self.error as f64, Some(false)),
        ];
        if !self.scores.is_empty() {
            rows.push(self.row("mean_score", mean(&self.scores), Some(true)));
        }
        rows
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

pub fn read(doc: &Value) -> Result<Preview, Problem> {
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
    let rows = results.get("results").and_then(Value::as_array);
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
    for row in rows.into_iter().flatten() {
        let index = column_of(row, &mut columns, version);
        let column = &mut columns[index];
        let success = row.get("success").and_then(Value::as_bool).unwrap_or(false);
        let failure_reason = row.get("failureReason").and_then(Value::as_u64);
        match (success, failure_reason) {
            (true, _) => column.verdicts.pass += 1,
            (false, Some(2)) => column.verdicts.error += 1,
            (false, _) => column.verdicts.fail += 1,
        }
        match row.get("score").map(number) {
            Some(Ok(score)) => column.verdicts.scores.push(score),
            _ => column.missing_scores += 1,
        }
        if let Some(named) = row.get("namedScores").and_then(Value::as_object) {
            for (metric, value) in named {
                if let Ok(v) = number(value) {
                    let entry = column.named.entry(metric.clone()).or_default();
                    entry.0 += v;
                    entry.1 += 1;
                }
            }
        }
        if let Some(Ok(ms)) = row.get("latencyMs").map(number) {
            column.latencies.push(ms);
        }
        if let Some(Ok(cost)) = row.get("cost").map(number) {
            *column.cost.get_or_insert(0.0) += cost;
        }
        if let Some(Ok(total)) = row.pointer("/response/tokenUsage/total").map(number) {
            *column.tokens.get_or_insert(0.0) += total;
        }
    }
    for column in &columns {
        push_column(&mut preview, column);
    }
    if rows.is_none_or(|r| r.is_empty()) {
        preview.warnings.push(Warning {
            at: None,
            key: "no_rows",
            detail: String::new(),
        });
    }
    check_stats(&mut preview, results, &columns);
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

/// The column a row belongs to (adding one when the file did not declare it).
fn column_of(row: &Value, columns: &mut Vec<Column>, version: u64) -> usize {
    if version == 3 {
        if let Some(i) = row.get("promptIdx").and_then(Value::as_u64) {
            if (i as usize) < columns.len() {
                return i as usize;
            }
        }
    }
    let provider = row
        .get("provider")
        .and_then(|p| {
            p.get("label")
                .and_then(Value::as_str)
                .filter(|l| !l.is_empty())
                .or_else(|| p.get("id").and_then(Value::as_str))
                .or_else(|| p.as_str())
        })
        .map(str::to_owned);
    let label = row
        .get("prompt")
        .and_then(|p| {
            p.get("label")
                .and_then(Value::as_str)
                .or_else(|| p.get("display").and_then(Value::as_str))
        })
        .unwrap_or_default()
        .to_owned();
    let found = columns.iter().position(|c| {
        c.verdicts.label == label && provider.as_ref().is_none_or(|p| *p == c.verdicts.provider)
    });
    match found {
        Some(i) => i,
        None if columns.len() == 1 && provider.is_none() => 0,
        None => {
            columns.push(Column {
                verdicts: Verdicts {
                    provider: provider.unwrap_or_else(|| "unknown".into()),
                    label,
                    ..Verdicts::default()
                },
                ..Column::default()
            });
            columns.len() - 1
        }
    }
}

fn push_column(preview: &mut Preview, c: &Column) {
    let v = &c.verdicts;
    if v.n() == 0 {
        return;
    }
    preview.metrics.extend(v.rows());
    for (metric, (sum, count)) in &c.named {
        let mean = sum / *count as f64;
        preview
            .metrics
            .push(v.row(&format!("named:{metric}"), mean, Some(true)));
    }
    if !c.latencies.is_empty() {
        preview
            .metrics
            .push(v.row("latency_mean_ms", mean(&c.latencies), Some(false)));
        let p95 = nearest_rank(&c.latencies, 0.95);
        preview
            .metrics
            .push(v.row("latency_p95_ms", p95, Some(false)));
    }
    if let Some(cost) = c.cost {
        preview.metrics.push(v.row("cost", cost, Some(false)));
    }
    if let Some(tokens) = c.tokens {
        preview.metrics.push(v.row("tokens_total", tokens, None));
    }
    if c.missing_scores > 0 {
        preview.warnings.push(Warning {
            at: Some(format!("{} / {}", v.provider, v.label)),
            key: "scores_missing",
            detail: c.missing_scores.to_string(),
        });
    }
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
fn check_stats(preview: &mut Preview, results: &Map<String, Value>, columns: &[Column]) {
    let Some(stats) = results.get("stats") else {
        return;
    };
    let passes: u64 = columns.iter().map(|c| c.verdicts.pass).sum();
    if let Some(successes) = stats.get("successes").and_then(Value::as_u64) {
        if successes != passes {
            preview.warnings.push(Warning {
                at: None,
                key: "stats_mismatch",
                detail: format!("stats.successes {successes}, rows {passes}"),
            });
        }
    }
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
