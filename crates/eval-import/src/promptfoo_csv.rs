//! promptfoo `eval -o results.csv`, every layout its writer has had (csv-stringify: RFC 4180
//! quoting, multi-line cells; columns read by position because names repeat):
//!
//! - A (0.15–0.35): output columns first, each header the prompt object as JSON; cells
//!   `[PASS] (0.97) text`.
//! - B/B′ (0.35.1–0.61): vars first, then one column per prompt (display text, or from 0.36
//!   the prompt as JSON with `provider`); cells `[PASS] (0.97[, name: 0.50…])\n\ntext…`.
//! - C (0.62–0.120.16): prompt headers `[provider] label`; from 0.101 `[ERROR]` cells.
//! - D/E (0.120.17 on): per prompt `[provider] label`, `Status`, `Score`, `Named Scores`,
//!   (E: `Metric: <name>`…), `Grader Reason`, `Comment`; Status is PASS/FAIL/ERROR.
//!
//! Per output column: `pass_count`, `fail_count`, `error_count`, `pass_rate` (errors in the
//! denominator) and `mean_score` (from the two-decimal scores the CSV carries). The CSV has
//! no latency, cost or tokens; the JSON output does.

use crate::promptfoo::Verdicts;
use crate::{empty_preview, Budget, Preview, Problem, Tool, Warning};

struct Column {
    index: usize,
    /// For layout D/E: the Status and Score columns.
    status_score: Option<(usize, usize)>,
    verdicts: Verdicts,
}

/// `[PASS] (0.97, name: 0.5) …` → (status, score).
fn cell_verdict(cell: &str) -> Option<(&str, Option<f64>)> {
    let rest = cell.strip_prefix('[')?;
    let (status, rest) = rest.split_once("] (")?;
    if !matches!(status, "PASS" | "FAIL" | "ERROR") {
        return None;
    }
    let inner = &rest[..rest.find(')')?];
    let score = inner.split(',').next().unwrap_or_default().trim();
    Some((status, score.parse::<f64>().ok().filter(|s| s.is_finite())))
}

/// Provider and label of an output column's header.
fn header_of(header: &str) -> (String, String) {
    if let Ok(prompt) = serde_json::from_str::<serde_json::Value>(header) {
        let label = ["label", "display", "raw"]
            .iter()
            .find_map(|k| prompt.get(*k).and_then(|v| v.as_str()))
            .unwrap_or_default()
            .to_owned();
        let provider = prompt
            .get("provider")
            .and_then(|v| v.as_str())
            .unwrap_or("unknown")
            .to_owned();
        return (provider, label);
    }
    if let Some(rest) = header.strip_prefix('[') {
        if let Some(end) = rest.find("] ") {
            return (rest[..end].to_owned(), rest[end + 2..].to_owned());
        }
    }
    ("unknown".to_owned(), header.to_owned())
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes())
}

fn csv_problem(e: csv::Error) -> Problem {
    Problem::Csv {
        line: e.position().map_or(0, |p| p.line()),
        reason: e.to_string(),
    }
}

/// A row with something in it (blank rows carry no verdict).
fn not_blank(record: &csv::StringRecord) -> bool {
    record.iter().any(|c| !c.trim().is_empty())
}

/// Reads the file if it is a promptfoo CSV; `None` when no column looks like promptfoo's.
///
/// The rows are streamed twice (once to find the columns, once to count their verdicts)
/// rather than held: held, each cell costs its text and 8 bytes more.
/// Called by [`crate::read`] only, once it has checked the file's lines and cells against
/// the limits.
pub(crate) fn read(text: &str, budget: &mut Budget) -> Option<Result<Preview, Problem>> {
    let mut records = reader(text);
    let mut record = csv::StringRecord::new();
    // The first record is the header; an error anywhere refuses the file.
    let header = match records.read_record(&mut record) {
        Err(e) => return Some(Err(csv_problem(e))),
        Ok(false) => return None,
        Ok(true) => record.clone(),
    };
    // Layouts A–C: for each column, whether it has a non-blank cell and whether every
    // non-blank cell carries a verdict prefix.
    let mut seen = vec![false; header.len()];
    let mut all_verdicts = vec![true; header.len()];
    loop {
        match records.read_record(&mut record) {
            Err(e) => return Some(Err(csv_problem(e))),
            Ok(false) => break,
            Ok(true) => {}
        }
        for (i, cell) in record.iter().enumerate().take(header.len()) {
            if !cell.trim().is_empty() {
                seen[i] = true;
                all_verdicts[i] &= cell_verdict(cell).is_some();
            }
        }
    }
    let mut columns = Vec::new();
    // Layout D/E: an output column followed by Status and Score.
    for i in 0..header.len() {
        if header.get(i + 1) == Some("Status") && header.get(i + 2) == Some("Score") {
            let (provider, label) = header_of(header.get(i).unwrap_or_default());
            columns.push(Column {
                index: i,
                status_score: Some((i + 1, i + 2)),
                verdicts: Verdicts {
                    provider,
                    label,
                    ..Verdicts::default()
                },
            });
        }
    }
    // Layouts A–C: a column whose every non-blank cell carries a verdict prefix.
    if columns.is_empty() {
        for i in 0..header.len() {
            if seen[i] && all_verdicts[i] {
                let (provider, label) = header_of(header.get(i).unwrap_or_default());
                columns.push(Column {
                    index: i,
                    status_score: None,
                    verdicts: Verdicts {
                        provider,
                        label,
                        ..Verdicts::default()
                    },
                });
            }
        }
    }
    if columns.is_empty() {
        return None;
    }
    let mut preview = empty_preview(Tool::Promptfoo);
    preview.tool_version = Some("CSV output".into());
    // Warnings in the order of columns, then rows (as when the rows were held).
    let mut warnings: Vec<Vec<(String, String)>> = vec![Vec::new(); columns.len()];
    let mut records = reader(text);
    // Past the header; the first pass met every error there is.
    let _ = records.read_record(&mut record);
    while let Ok(true) = records.read_record(&mut record) {
        if !not_blank(&record) {
            continue;
        }
        for (column, warnings) in columns.iter_mut().zip(&mut warnings) {
            let row = &record;
            let verdict = match column.status_score {
                Some((status, score)) => row.get(status).filter(|s| !s.is_empty()).map(|s| {
                    (
                        s,
                        row.get(score)
                            .and_then(|v| v.trim().parse::<f64>().ok())
                            .filter(|v| v.is_finite()),
                    )
                }),
                None => row.get(column.index).and_then(cell_verdict),
            };
            let v = &mut column.verdicts;
            match verdict {
                Some((status @ ("PASS" | "FAIL" | "ERROR"), score)) => {
                    match status {
                        "PASS" => v.pass += 1,
                        "FAIL" => v.fail += 1,
                        _ => v.error += 1,
                    }
                    v.scores.extend(score);
                }
                Some((other, _)) => {
                    let at = format!("{} / {}", v.provider, v.label);
                    // Taken from the budget now: the rows are not held until the end.
                    if let Err(refused) = budget.take(at.len() + other.len()) {
                        return Some(Err(refused));
                    }
                    warnings.push((at, other.to_owned()));
                }
                None => {}
            }
        }
    }
    for (column, warnings) in columns.iter().zip(warnings) {
        for (at, detail) in warnings {
            preview.warnings.push(Warning {
                at: Some(at),
                key: "unknown_status",
                detail,
            });
        }
        match column.verdicts.rows(budget) {
            Ok(rows) => preview.metrics.extend(rows),
            Err(refused) => return Some(Err(refused)),
        }
    }
    Some(Ok(preview))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_prefixes_of_every_layout() {
        assert_eq!(
            cell_verdict("[PASS] (0.97) text"),
            Some(("PASS", Some(0.97)))
        );
        assert_eq!(
            cell_verdict("[FAIL] (0.50, tone: 0.25)\n\nout"),
            Some(("FAIL", Some(0.5)))
        );
        assert_eq!(
            cell_verdict("[ERROR] (undefined) boom"),
            Some(("ERROR", None))
        );
        assert_eq!(cell_verdict("[NOTE] (1) x"), None);
        assert_eq!(cell_verdict("plain"), None);
        assert_eq!(
            header_of("[openai:gpt-4o] Say {{x}}"),
            ("openai:gpt-4o".into(), "Say {{x}}".into())
        );
    }

    #[test]
    fn layout_d_reads_status_and_score_columns() {
        let text = "question,[openai:gpt-4o] Ask,Status,Score,Named Scores,Grader Reason,Comment\n\
                    q1,answer,PASS,1.00,,,\n\
                    q2,answer,FAIL,0.25,,bad,\n\
                    q3,,ERROR,0.00,,,\n";
        let p = read(text, &mut Budget::new()).unwrap().unwrap();
        let get = |m: &str| p.metrics.iter().find(|r| r.metric == m).unwrap().value;
        assert_eq!(
            (get("pass_count"), get("fail_count"), get("error_count")),
            (1.0, 1.0, 1.0)
        );
        assert!((get("mean_score") - 1.25 / 3.0).abs() < 1e-12);
        assert_eq!(p.metrics[0].model.as_deref(), Some("openai:gpt-4o"));
    }
}
