//! lm-eval samples logs: streamed into per-metric tallies and the failing samples.

use govbench_eval_import::lm_eval_samples::summarise;
use std::path::Path;

fn open(path: &str) -> std::io::BufReader<std::fs::File> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/eval-results/lm-eval")
        .join(path);
    std::io::BufReader::new(std::fs::File::open(full).unwrap())
}

#[test]
fn a_log_with_a_metrics_list_is_tallied_and_failures_kept() {
    let s = summarise("samples.jsonl", open(
        "EleutherAI__lm-evaluation-harness/pr3936/samples_negotiationtom_belief_2026-07-08T16-04-34.219874.jsonl",
    ))
    .unwrap();
    assert_eq!(s.samples, 20);
    assert_eq!(s.bad_lines, 0);
    assert_eq!(s.filter.as_deref(), Some("none"));
    let acc = &s.metrics["acc,none"];
    assert_eq!(acc.count, 20);
    // The results file says acc,none = 0.45 for this task.
    assert!((acc.mean().unwrap() - 0.45).abs() < 1e-12);
    assert_eq!(s.failed, 11);
    assert_eq!(s.kept_failures.len(), 11);
    assert!(s.kept_failures[0].input.contains("negotiation"));
    assert!(!s.kept_failures[0].expected.is_empty());
}

#[test]
fn a_log_without_a_metrics_list_finds_the_metric_keys() {
    let s = summarise("samples.jsonl", open(
        "allenlee-37__KT-lm-evaluation-harness/output_Llama-3.1-8B-Instruct/samples_ko_winogrande_2024-11-19T15-07-36.131394.jsonl",
    ))
    .unwrap();
    assert_eq!(s.samples, 10);
    assert_eq!(s.metrics.keys().collect::<Vec<_>>(), ["exact_match"]);
    assert_eq!(s.metrics["exact_match"].count, 10);
}

#[test]
fn a_line_cut_off_at_the_end_is_counted_not_fatal() {
    let text = "{\"doc_id\": 0, \"acc\": 1.0}\n{\"doc_id\": 1, \"acc\": 0.0, \"target\": \"B\"}\n{\"doc_id\": 2, \"ac";
    let s = summarise("samples.jsonl", text.as_bytes()).unwrap();
    assert_eq!(
        (s.samples, s.bad_lines, s.first_bad_lines.clone()),
        (2, 1, vec![3])
    );
    assert_eq!(s.failed, 1);
    assert_eq!(s.kept_failures[0].expected, "B");
}

#[test]
fn the_pre_0_4_3_array_layout_is_read_too() {
    let text = "[\n  {\"doc_id\": 0, \"acc\": 1.0},\n  {\"doc_id\": 1, \"acc\": 0.0}\n]";
    let s = summarise("samples.jsonl", text.as_bytes()).unwrap();
    assert_eq!((s.samples, s.failed, s.bad_lines), (2, 1, 0));
}
