//! Every lm-eval fixture: read with values asserted against the file, or refused.

use govbench_eval_import::{read, MetricRow, Problem, Tool};
use std::path::Path;

fn fixture(path: &str) -> (String, Vec<u8>) {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/eval-results/lm-eval")
        .join(path);
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    (path.to_owned(), bytes)
}

fn row<'a>(rows: &'a [MetricRow], task: &str, metric: &str) -> &'a MetricRow {
    rows.iter()
        .find(|r| r.task == task && r.metric == metric)
        .unwrap_or_else(|| panic!("no {task}/{metric}"))
}

#[test]
fn a_0_3_file_reads_bare_metric_names_with_their_stderr() {
    let (name, bytes) = fixture("EleutherAI__lm-evaluation-harness/arc_easy-v0-res.json");
    let p = read(&name, &bytes).unwrap();
    assert_eq!(p.tool, Tool::LmEval);
    assert_eq!(p.tool_version.as_deref(), Some("0.3"));
    let acc = row(&p.metrics, "arc_easy", "acc");
    assert_eq!(acc.value, 0.2474747474747475);
    assert_eq!(acc.stderr, Some(0.008855114414834707));
    assert_eq!(acc.n, None);
    assert_eq!(p.metrics.len(), 2);
}

#[test]
fn a_0_4_12_file_reads_sample_len_na_stderr_and_group_counts() {
    let (name, bytes) =
        fixture("EleutherAI__lm-evaluation-harness/pr3936/results_2026-07-08T16-04-34.219874.json");
    let p = read(&name, &bytes).unwrap();
    assert_eq!(p.tool_version.as_deref(), Some("0.4.13.dev0"));
    let belief = row(&p.metrics, "negotiationtom_belief", "acc,none");
    assert_eq!(
        (belief.value, belief.stderr, belief.n),
        (0.45, Some(0.11413288653790232), Some(20))
    );
    assert_eq!(belief.group.as_deref(), Some("negotiationtom"));
    let micro = row(&p.metrics, "negotiationtom_intention", "micro_f1,none");
    assert_eq!((micro.value, micro.stderr), (0.30188679245283023, None));
    let group = row(&p.metrics, "negotiationtom", "acc,none");
    assert_eq!((group.value, group.n), (0.525, Some(40)));
}

#[test]
fn a_truncated_file_is_refused_as_cut_off() {
    let (name, bytes) = fixture(
        "allenlee-37__KT-lm-evaluation-harness/deprecated/results_2024-11-21T15-56-56.979317.json",
    );
    let err = read(&name, &bytes).unwrap_err();
    assert_eq!(err.file, name);
    assert_eq!(err.problem, Problem::Truncated { line: 1 });
}
