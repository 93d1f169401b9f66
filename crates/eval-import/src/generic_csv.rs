//! Govbench's generic CSV, for any tool without a reader of its own.
//!
//! ```text
//! metric,value,stderr,n,group,task
//! accuracy,0.913,0.004,5000,,medqa
//! accuracy,0.871,,1200,female,medqa
//! response_time_p95_ms,840,,,,
//! ```
//!
//! - The first row names the columns, in any order and case; `metric` and `value` are
//!   required, `stderr`, `n`, `group` and `task` are optional. Other columns are ignored (and
//!   named in a warning).
//! - UTF-8 (a byte-order mark is allowed), comma-separated, RFC 4180 quoting.
//! - `value` and `stderr` are numbers as written (`0.913` or `91.3`: no rescaling); `n` a
//!   whole number; an empty cell means "not given". A row whose value is not a number is
//!   skipped with a warning naming the line.
//! - `group` is a population group for fairness checks (empty: the whole set).

use crate::{empty_preview, Budget, MetricRow, Preview, Problem, Tool};

const KNOWN: [&str; 6] = ["metric", "value", "stderr", "n", "group", "task"];

/// Does this header row belong to the generic CSV?
pub fn looks_like(header: &csv::StringRecord) -> bool {
    let names: Vec<String> = header.iter().map(normalise).collect();
    names.iter().any(|n| n == "metric") && names.iter().any(|n| n == "value")
}

fn normalise(name: &str) -> String {
    name.trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase()
}

/// Called by [`crate::read`] only, once it has checked the file's lines and cells against
/// the limits.
pub(crate) fn read(text: &str, budget: &mut Budget) -> Result<Preview, Problem> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(csv_problem)?.clone();
    let column = |name: &str| header.iter().position(|h| normalise(h) == name);
    let (Some(metric_col), Some(value_col)) = (column("metric"), column("value")) else {
        return Err(Problem::Foreign {
            found: "a CSV without metric and value columns".into(),
        });
    };
    let (stderr_col, n_col, group_col, task_col) = (
        column("stderr"),
        column("n"),
        column("group"),
        column("task"),
    );
    let mut preview = empty_preview(Tool::GenericCsv);
    let ignored: Vec<&str> = header
        .iter()
        .filter(|h| !KNOWN.contains(&normalise(h).as_str()))
        .collect();
    if !ignored.is_empty() {
        budget.warn(&mut preview, None, "ignored_columns", ignored.join(", "))?;
    }
    for record in reader.records() {
        let record = record.map_err(csv_problem)?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |col: Option<usize>| {
            col.and_then(|c| record.get(c))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let at = Some(format!("line {line}"));
        let Some(metric) = cell(Some(metric_col)) else {
            if record.iter().any(|c| !c.trim().is_empty()) {
                budget.warn(&mut preview, at, "no_metric_name", String::new())?;
            }
            continue;
        };
        let raw = cell(Some(value_col)).unwrap_or_default();
        let Some(value) = raw.parse::<f64>().ok().filter(|v| v.is_finite()) else {
            budget.warn(&mut preview, at, "not_a_number", raw.to_owned())?;
            continue;
        };
        let stderr = match cell(stderr_col) {
            None => None,
            Some(raw) => match raw.parse::<f64>().ok().filter(|v| v.is_finite()) {
                Some(e) => Some(e),
                None => {
                    budget.warn(
                        &mut preview,
                        at.clone(),
                        "stderr_not_a_number",
                        raw.to_owned(),
                    )?;
                    None
                }
            },
        };
        let n = match cell(n_col) {
            None => None,
            Some(raw) => match raw.parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    budget.warn(&mut preview, at.clone(), "n_not_a_count", raw.to_owned())?;
                    None
                }
            },
        };
        let task = cell(task_col).unwrap_or_default();
        let group = cell(group_col);
        budget.take(task.len() + metric.len() + group.map_or(0, str::len))?;
        preview.metrics.push(MetricRow {
            task: task.to_owned(),
            metric: metric.to_owned(),
            value,
            stderr,
            n,
            group: group.map(str::to_owned),
            higher_is_better: None,
            model: None,
            setting: None,
        });
    }
    Ok(preview)
}

fn csv_problem(e: csv::Error) -> Problem {
    Problem::Csv {
        line: e.position().map_or(0, |p| p.line()),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_example_with_warnings_for_bad_rows() {
        let text = "\u{feff}Metric,Value,stderr,n,group,task,notes\n\
                    accuracy,0.913,0.004,5000,,medqa,x\n\
                    accuracy,0.871,,1200,female,medqa,\n\
                    response_time_p95_ms,840,,,,,\n\
                    recall,n/a,,,,,\n\
                    ,,,,,,\n";
        let p = read(text, &mut Budget::new()).unwrap();
        assert_eq!(p.metrics.len(), 3);
        assert_eq!(p.metrics[0].value, 0.913);
        assert_eq!(p.metrics[0].stderr, Some(0.004));
        assert_eq!(p.metrics[0].n, Some(5000));
        assert_eq!(p.metrics[1].group.as_deref(), Some("female"));
        assert_eq!(p.metrics[2].value, 840.0);
        let keys: Vec<&str> = p.warnings.iter().map(|w| w.key).collect();
        assert_eq!(keys, ["ignored_columns", "not_a_number"]);
        assert_eq!(p.warnings[1].at.as_deref(), Some("line 5"));
    }
}
