//! lm-evaluation-harness results JSON (`results_<date>.json`, and the older `*-res.json` /
//! `*_eval_results_*.json`), every layout the harness has written:
//!
//! - 0.3 and before: `{"results": {task: {metric: v, "<metric>_stderr": e}}, "versions": …,
//!   "config": …}` — metric names bare (`acc`), no sample counts.
//! - 0.4.x (`lm_eval/evaluator.py`, `EvaluationTracker.save_results_aggregated`): metric keys
//!   are `<metric>,<filter>` (`acc,none`), standard errors `<metric>_stderr,<filter>` — a
//!   number, or the string `"N/A"` when the metric has none; each task row may carry `alias`
//!   (subtasks of a group are aliased `" - task"`); group aggregates appear in `results` and
//!   again in `groups`; `group_subtasks` maps groups to their tasks; `n-samples` gives
//!   `{original, effective}` per task; `higher_is_better` per task and metric.
//! - 0.4.12+: rows also carry `name` and `sample_len`, and a group's row may carry
//!   `sample_count` per metric; groups without an aggregate have no metric keys at all.
//!
//! Any other key of a row that does not hold a number (lists, dicts, strings other than the
//! stderr's `"N/A"`) is reported as a warning, not guessed at. Python writes undefined floats
//! as `NaN`; those rows are reported too (see `lenient_json`).

use crate::lenient_json::{compact, number, NotANumber};
use crate::{empty_preview, Budget, MetricRow, Preview, Problem, Tool};
use serde_json::{Map, Value};

/// Keys of a task row that are not metrics: labels, counts, a task version some forks put in
/// the row, and the `" "` placeholder that 0.4.4–0.4.11 write for a group without a score.
const ROW_INFO: &[&str] = &[
    "alias",
    "name",
    "sample_len",
    "sample_count",
    "samples",
    "version",
    " ",
];

/// Is this an lm-eval results document? A `results` object whose rows are objects, and one
/// of the harness's companion keys (every version writes `versions` or `configs`/`config`).
pub fn looks_like(doc: &Value) -> bool {
    let Some(map) = doc.as_object() else {
        return false;
    };
    let rows_are_objects = map
        .get("results")
        .and_then(Value::as_object)
        .is_some_and(|r| !r.is_empty() && r.values().all(Value::is_object));
    let companion = ["versions", "configs", "config", "group_subtasks", "n-shot"]
        .iter()
        .any(|k| map.contains_key(*k));
    // The earliest files (e.g. BigScience's) have `results` alone; their rows must then be
    // metric maps of numbers.
    let bare_numbers = map.len() == 1
        && map
            .get("results")
            .and_then(Value::as_object)
            .is_some_and(|r| {
                r.values().all(|row| {
                    row.as_object()
                        .is_some_and(|m| m.values().any(|v| v.is_number()))
                })
            });
    rows_are_objects && (companion || bare_numbers)
}

pub(crate) fn read(doc: &Value, budget: &mut Budget) -> Result<Preview, Problem> {
    let mut preview = empty_preview(Tool::LmEval);
    let empty = Map::new();
    let map = doc.as_object().unwrap_or(&empty);
    let results = map
        .get("results")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let parents = parents_of(map);
    let higher = map.get("higher_is_better").and_then(Value::as_object);
    let samples = map.get("n-samples").and_then(Value::as_object);
    let shots = map.get("n-shot").and_then(Value::as_object);

    preview.tool_version = Some(version_of(map, results));
    preview.model = model_of(map);
    preview.date = map.get("date").map(|d| match d {
        Value::String(s) => s.clone(),
        other => compact(other),
    });

    for (task, row) in results {
        let Some(row) = row.as_object() else {
            continue;
        };
        let n_task = samples
            .and_then(|s| s.get(task))
            .and_then(|s| s.get("effective"))
            .and_then(Value::as_u64)
            .or_else(|| row.get("sample_len").and_then(Value::as_u64));
        for (key, value) in row {
            if ROW_INFO.contains(&key.as_str()) || is_stderr_key(key) {
                continue;
            }
            let at = format!("{task}/{key}");
            let value = match number(value) {
                Ok(v) => v,
                Err(NotANumber(found)) => {
                    budget.warn(&mut preview, Some(at), "not_a_number", found)?;
                    continue;
                }
            };
            let stderr = match row.get(&stderr_key(key)) {
                None => None,
                Some(v) => match number(v) {
                    Ok(e) => Some(e),
                    // The harness writes "N/A" for metrics without a standard error.
                    Err(NotANumber(found)) if found == "N/A" => None,
                    Err(NotANumber(found)) => {
                        budget.warn(
                            &mut preview,
                            Some(at.clone()),
                            "stderr_not_a_number",
                            found,
                        )?;
                        None
                    }
                },
            };
            let n = row
                .get("sample_count")
                .and_then(|c| c.get(key))
                .and_then(Value::as_u64)
                .or(n_task);
            let bare = key.split(',').next().unwrap_or(key);
            let group = parents.get(task.as_str());
            budget.take(task.len() + key.len() + group.map_or(0, |g| g.len()))?;
            preview.metrics.push(MetricRow {
                task: task.clone(),
                metric: key.clone(),
                value,
                stderr,
                n,
                group: group.map(|p| (*p).to_owned()),
                higher_is_better: higher
                    .and_then(|h| h.get(task))
                    .and_then(|h| h.get(bare))
                    .and_then(Value::as_bool),
                model: None,
                setting: shots
                    .and_then(|s| s.get(task))
                    .and_then(Value::as_u64)
                    .map(|k| format!("{k}-shot")),
            });
        }
    }
    Ok(preview)
}

/// `acc,none` → `acc_stderr,none`; `acc` → `acc_stderr`.
fn stderr_key(metric: &str) -> String {
    match metric.split_once(',') {
        Some((name, filter)) => format!("{name}_stderr,{filter}"),
        None => format!("{metric}_stderr"),
    }
}

fn is_stderr_key(key: &str) -> bool {
    key.split(',')
        .next()
        .is_some_and(|name| name.ends_with("_stderr"))
}

/// Task → the group it belongs to, from `group_subtasks`.
fn parents_of(map: &Map<String, Value>) -> std::collections::HashMap<&str, &str> {
    let mut parents = std::collections::HashMap::new();
    if let Some(groups) = map.get("group_subtasks").and_then(Value::as_object) {
        for (group, tasks) in groups {
            for task in tasks.as_array().into_iter().flatten() {
                if let Some(task) = task.as_str() {
                    parents.insert(task, group.as_str());
                }
            }
        }
    }
    parents
}

/// The harness version, as far as the layout tells it.
fn version_of(map: &Map<String, Value>, results: &Map<String, Value>) -> String {
    if let Some(v) = map
        .get("lm_eval_version")
        .or_else(|| map.get("version"))
        .and_then(Value::as_str)
    {
        return v.to_owned();
    }
    let new_rows = results
        .values()
        .any(|r| r.get("sample_len").is_some() || r.get("name").is_some());
    let comma_keys = results
        .values()
        .filter_map(Value::as_object)
        .any(|r| r.keys().any(|k| k.contains(',')));
    match (new_rows, comma_keys) {
        (true, _) => "0.4.12+".into(),
        (false, true) => "0.4".into(),
        (false, false) => "0.3".into(),
    }
}

fn model_of(map: &Map<String, Value>) -> Option<String> {
    map.get("model_name")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            let config = map.get("config")?;
            let args = config.get("model_args")?;
            Some(match args {
                Value::String(s) => s.clone(),
                other => compact(other),
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_keys_follow_the_metric_key() {
        assert_eq!(stderr_key("acc,none"), "acc_stderr,none");
        assert_eq!(
            stderr_key("exact_match,strict-match"),
            "exact_match_stderr,strict-match"
        );
        assert_eq!(stderr_key("acc_norm"), "acc_norm_stderr");
        assert!(is_stderr_key("acc_stderr,none"));
        assert!(is_stderr_key("acc_norm_stderr"));
        assert!(!is_stderr_key("acc,none"));
    }
}
