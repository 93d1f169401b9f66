//! OpenCompass summary tables (`outputs/<exp>/<time>/summary/summary_<time>.csv`), as
//! `opencompass/summarizers/default.py` writes them (`_format_table`, `_output_to_file`):
//!
//! ```text
//! dataset,version,metric,mode,<model 1>,<model 2>,…
//! --------- 考试 Exam ---------,-,-,-,-
//! BoolQ,314797,accuracy,ppl,75.50
//! mmlu-stem,-,naive_average,ppl,31.12
//! ```
//!
//! - No quoting, ever: the writer joins cells with `,` (since 0.5.0 it replaces commas inside
//!   cells with spaces; before, a comma in a name shifted the columns). So lines are split on
//!   `,`, and a line whose cell count differs from the header's is refused, not repaired.
//! - `version` is the first six hex digits of a hash of the prompt configuration — text, never
//!   a number (`1e1056` is not 10¹⁰⁵⁶); `-` for groups and missing rows.
//! - A row whose `metric` is `-` carries no data: section titles (`--- 考试 Exam ---`), spacer
//!   rows, datasets without results. A repeated header row is skipped too.
//! - A value cell is `%.2f` text or `-`/empty for "no value" (never 0); `nan`/`inf` are
//!   dropped with a warning; anything else refuses the file. Values are as the evaluator
//!   returned them (conventionally 0–100): no rescaling.
//! - A dataset listed twice keeps one value when both agree and refuses the file when not.
//!
//! Other OpenCompass layouts (circular-eval, NeedleBench, subjective pairwise reports, the
//! AISBench fork's `total_count` column) are refused with what they are.

use crate::{empty_preview, Budget, MetricRow, Preview, Problem, Tool, MAX_COLUMNS};

const HEAD: [&str; 4] = ["dataset", "version", "metric", "mode"];
/// Group rows' metrics: an aggregate over subsets.
const AGGREGATES: [&str; 5] = [
    "naive_average",
    "weighted_average",
    "standard_deviation",
    "sum",
    "harmonic_mean",
];

pub fn looks_like(header: &csv::StringRecord) -> bool {
    let cells: Vec<&str> = header.iter().collect();
    cells.len() >= 4
        && cells[0].trim_start_matches('\u{feff}') == HEAD[0]
        && cells[1..4] == HEAD[1..4]
}

/// The cells of a line, split on every comma (OpenCompass never quotes); refused beyond
/// [`MAX_COLUMNS`] before they are collected. (The check of the whole file counts cells as a
/// CSV parser does, where a quote can hide commas; this reader does not honour quotes.)
fn cells(line: &str, line_no: u64) -> Result<Vec<&str>, Problem> {
    if line.bytes().filter(|b| *b == b',').count() >= MAX_COLUMNS {
        return Err(Problem::TooManyColumns {
            line: line_no,
            limit: MAX_COLUMNS,
        });
    }
    Ok(line.split(',').collect())
}

/// Called by [`crate::read`] only, once it has checked the file's lines and cells against
/// the limits.
pub(crate) fn read(text: &str, budget: &mut Budget) -> Result<Preview, Problem> {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l));
    let header: Vec<&str> = cells(lines.next().unwrap_or_default(), 1)?;
    if header.len() < 5 {
        return Err(Problem::Foreign {
            found: "an OpenCompass-style header without model columns".into(),
        });
    }
    if header[4] == "total_count" {
        return Err(Problem::Foreign {
            found: "an AISBench summary (total_count column), not OpenCompass".into(),
        });
    }
    if text.contains('"') {
        return Err(Problem::Foreign {
            found: "a quoted CSV: OpenCompass never quotes".into(),
        });
    }
    let models = &header[4..];
    let mut preview = empty_preview(Tool::OpenCompass);
    let mut seen: std::collections::HashMap<(String, String, String), f64> =
        std::collections::HashMap::new();
    for (index, line) in lines.enumerate() {
        let line_no = index as u64 + 2;
        if line.is_empty() {
            continue;
        }
        let cells = cells(line, line_no)?;
        if cells.len() != header.len() {
            return Err(Problem::Csv {
                line: line_no,
                reason: format!(
                    "{} cells where the header has {} (a comma in a name? OpenCompass before 0.5.0 does not escape them)",
                    cells.len(),
                    header.len()
                ),
            });
        }
        if cells[1..4] == HEAD[1..4] || cells[2] == "-" || cells[0].trim().is_empty() {
            continue;
        }
        let (dataset, version, metric, mode) = (cells[0], cells[1], cells[2], cells[3]);
        let version = (version != "-").then_some(version);
        let setting = match (version, mode) {
            (Some(v), "-") => format!("prompt config {v}"),
            (Some(v), m) => format!("prompt config {v} · {m}"),
            (None, "-") => String::new(),
            (None, m) => m.to_owned(),
        };
        for (model, cell) in models.iter().zip(&cells[4..]) {
            let cell = cell.trim();
            if cell.is_empty() || cell == "-" {
                continue;
            }
            let value = match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                Ok(_) => {
                    budget.warn(
                        &mut preview,
                        Some(format!("{dataset}/{metric}/{model}")),
                        "not_a_number",
                        cell.to_owned(),
                    )?;
                    continue;
                }
                Err(_) => {
                    return Err(Problem::Csv {
                        line: line_no,
                        reason: format!("{model}: {cell:?} is not a number"),
                    })
                }
            };
            // Before the names are copied (into the row and the key below): a long dataset
            // name is otherwise copied once per model.
            budget.take(2 * (dataset.len() + metric.len() + model.len()) + setting.len())?;
            let key = (dataset.to_owned(), metric.to_owned(), (*model).to_owned());
            match seen.get(&key) {
                Some(earlier) if *earlier == value => continue,
                Some(earlier) => {
                    return Err(Problem::Csv {
                        line: line_no,
                        reason: format!(
                            "{dataset}/{metric}/{model} is {value} here and {earlier} above"
                        ),
                    })
                }
                None => {
                    seen.insert(key, value);
                }
            }
            preview.metrics.push(MetricRow {
                task: dataset.to_owned(),
                metric: metric.to_owned(),
                value,
                stderr: None,
                n: None,
                group: AGGREGATES
                    .contains(&metric)
                    .then(|| dataset.to_owned())
                    .filter(|_| version.is_none()),
                higher_is_better: None,
                model: Some((*model).to_owned()),
                setting: (!setting.is_empty()).then(|| setting.clone()),
            });
        }
    }
    Ok(preview)
}
