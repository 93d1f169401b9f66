//! OpenCompass fixtures: values asserted against the files; other layouts refused.

use govbench_eval_import::{read, MetricRow, Problem, Tool};
use std::path::Path;

fn fixture(path: &str) -> (String, Vec<u8>) {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/eval-results")
        .join(path);
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    (path.to_owned(), bytes)
}

fn value(rows: &[MetricRow], task: &str, metric: &str) -> f64 {
    let found: Vec<&MetricRow> = rows
        .iter()
        .filter(|r| r.task == task && r.metric == metric)
        .collect();
    assert_eq!(found.len(), 1, "{task}/{metric}: {found:?}");
    found[0].value
}

#[test]
fn a_partial_run_reads_its_23_values_and_keeps_versions_as_text() {
    let (name, bytes) = fixture("opencompass/HKGAI__opencompass_new/summary_20231113_164612.csv");
    let p = read(&name, &bytes).unwrap();
    assert_eq!(p.tool, Tool::OpenCompass);
    assert_eq!(p.metrics.len(), 23);
    assert_eq!(value(&p.metrics, "BoolQ", "accuracy"), 75.5);
    assert_eq!(value(&p.metrics, "mbpp", "score"), 17.2);
    assert_eq!(value(&p.metrics, "mmlu-stem", "naive_average"), 31.12);
    assert_eq!(value(&p.metrics, "TheoremQA", "accuracy"), 1.25);
    let mbpp = p.metrics.iter().find(|r| r.task == "mbpp").unwrap();
    assert_eq!(mbpp.setting.as_deref(), Some("prompt config 1e1056 · gen"));
    assert_eq!(mbpp.model.as_deref(), Some("hf_llama-7b"));
    assert!(!p
        .metrics
        .iter()
        .any(|r| r.task == "piqa" || r.task == "mmlu"));
}

#[test]
fn a_dataset_listed_twice_is_kept_once() {
    let (name, bytes) = fixture("opencompass/HKGAI__opencompass_new/summary_20231129_192818.csv");
    let p = read(&name, &bytes).unwrap();
    assert_eq!(p.metrics.len(), 32);
    assert_eq!(value(&p.metrics, "mmlu", "naive_average"), 35.57);
    assert_eq!(
        value(&p.metrics, "openai_humaneval", "humaneval_pass@1"),
        12.8
    );
    assert_eq!(value(&p.metrics, "piqa", "accuracy"), 78.56);
    assert_eq!(
        value(&p.metrics, "cmmlu-china-specific", "naive_average"),
        25.62
    );
}

#[test]
fn other_layouts_and_tools_are_refused_by_name() {
    for path in [
        "opencompass/open-compass__opencompass/pr680_corev2_subjective_report.csv",
        "other/vlmevalkit/InternVL-Chat-V1-5_MTVQA_TEST_acc.csv",
        "other/vlmevalkit/vila_13b_HallusionBench_score.csv",
        "other/vlmevalkit/vila_13b_TextVQA_VAL_acc.csv",
        "other/opsqa/network_gpt_results.csv",
        "other/opsqa/sub_zh.csv",
        "other/hf-model-cards/phi-2-dpo_README.md",
    ] {
        let (name, bytes) = fixture(path);
        let err = read(&name, &bytes).unwrap_err();
        assert_eq!(err.file, name);
        assert!(
            matches!(err.problem, Problem::Foreign { .. }),
            "{path}: {err:?}"
        );
    }
}

#[test]
fn shifted_columns_and_conflicting_duplicates_are_refused_with_the_line() {
    let shifted = "dataset,version,metric,mode,m1\nBoolQ,314797,accuracy,ppl,75.50\nnq,a,b,accuracy,gen,1.0\n";
    let err = read("s.csv", shifted.as_bytes()).unwrap_err();
    assert!(
        matches!(err.problem, Problem::Csv { line: 3, .. }),
        "{err:?}"
    );
    let twice =
        "dataset,version,metric,mode,m1\nx,-,naive_average,ppl,1.00\nx,-,naive_average,ppl,2.00\n";
    let err = read("t.csv", twice.as_bytes()).unwrap_err();
    assert!(
        matches!(err.problem, Problem::Csv { line: 3, .. }),
        "{err:?}"
    );
    let text =
        "dataset,version,metric,mode,m1\nx,abc123,accuracy,gen,nan\ny,abc123,accuracy,gen,3.00\n";
    let p = read("n.csv", text.as_bytes()).unwrap();
    assert_eq!(p.metrics.len(), 1);
    assert_eq!(p.warnings[0].key, "not_a_number");
}
