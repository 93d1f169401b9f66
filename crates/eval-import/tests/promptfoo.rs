//! promptfoo fixtures: per-column counts, scores, latency, cost and tokens asserted against
//! the files; the HTML report refused.

use govbench_eval_import::{read, MetricRow, Problem, Tool};
use std::path::Path;

fn fixture(path: &str) -> (String, Vec<u8>) {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/eval-results/promptfoo")
        .join(path);
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    (path.to_owned(), bytes)
}

fn value(rows: &[MetricRow], provider: &str, metric: &str) -> f64 {
    rows.iter()
        .find(|r| r.model.as_deref() == Some(provider) && r.metric == metric)
        .unwrap_or_else(|| panic!("no {provider}/{metric} in {rows:#?}"))
        .value
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn a_v3_file_gives_counts_scores_latency_cost_and_tokens() {
    let (name, bytes) = fixture("krystianbergmann__prompt-eval-workbench/promptfoo-results.json");
    let p = read(&name, &bytes).unwrap();
    assert_eq!(p.tool, Tool::Promptfoo);
    let m = &p.metrics;
    let gpt = "openai:chat:gpt-4o-mini";
    assert_eq!(value(m, gpt, "pass_count"), 2.0);
    assert_eq!(value(m, gpt, "fail_count"), 1.0);
    assert_eq!(value(m, gpt, "error_count"), 0.0);
    assert!(close(value(m, gpt, "mean_score"), 2.0 / 3.0));
    assert!(close(value(m, gpt, "latency_mean_ms"), 2339.0 / 3.0));
    assert_eq!(value(m, gpt, "latency_p95_ms"), 907.0);
    assert!(close(value(m, gpt, "cost"), 2.07e-05));
    assert_eq!(value(m, gpt, "tokens_total"), 129.0);
    assert!(m.iter().all(|r| r.n == Some(3)));
}

#[test]
fn two_providers_on_one_prompt_are_two_columns() {
    let (name, bytes) = fixture("dewanggandhi01__TDS-Project-1/promptfoo_results.json");
    let p = read(&name, &bytes).unwrap();
    let http = "https://tds-project-1-ruby-one.vercel.app/query";
    let mini = "openai:chat:gpt-4o-mini";
    assert_eq!(
        (
            value(&p.metrics, http, "pass_count"),
            value(&p.metrics, http, "fail_count")
        ),
        (3.0, 2.0)
    );
    assert!(close(value(&p.metrics, http, "mean_score"), 0.6));
    assert_eq!(value(&p.metrics, http, "latency_p95_ms"), 2162.0);
    assert_eq!(
        (
            value(&p.metrics, mini, "pass_count"),
            value(&p.metrics, mini, "fail_count")
        ),
        (4.0, 1.0)
    );
    assert!(close(value(&p.metrics, mini, "latency_mean_ms"), 3114.8));
    assert!(close(value(&p.metrics, mini, "cost"), 0.00030375));
}

#[test]
fn named_scores_are_averaged_per_metric() {
    let (name, bytes) = fixture("reDreamAI__measure-ai-drift/promptfoo-results.json");
    let p = read(&name, &bytes).unwrap();
    let provider = "python:prompts/patient_provider.py";
    assert_eq!(value(&p.metrics, provider, "pass_count"), 8.0);
    assert_eq!(value(&p.metrics, provider, "named:NoBulletPoints"), 1.0);
    let named = p
        .metrics
        .iter()
        .filter(|r| r.metric.starts_with("named:"))
        .count();
    assert_eq!(named, 18);
    assert_eq!(value(&p.metrics, provider, "latency_mean_ms"), 6142.0);
    assert_eq!(value(&p.metrics, provider, "latency_p95_ms"), 8096.0);
    assert!(p
        .tool_version
        .as_deref()
        .is_some_and(|v| v.starts_with("0.120.19")));
}

#[test]
fn a_2023_v2_file_takes_its_provider_from_the_config() {
    let (name, bytes) = fixture("MohdumaR125__Promptfoo/promptfoo-jsConfig/output.json");
    let p = read(&name, &bytes).unwrap();
    let provider = "openai:gpt-3.5-turbo";
    assert_eq!(value(&p.metrics, provider, "pass_count"), 3.0);
    assert!(close(
        value(&p.metrics, provider, "mean_score"),
        2.8182000159808265 / 3.0
    ));
    assert_eq!(value(&p.metrics, provider, "latency_p95_ms"), 18.0);
    let (name, bytes) = fixture("MohdumaR125__Promptfoo/promptTemp/output.json");
    let p = read(&name, &bytes).unwrap();
    assert_eq!(
        value(&p.metrics, "openai:gpt-3.5-turbo-0613", "fail_count"),
        1.0
    );
    assert_eq!(p.date, None);
}

#[test]
fn labels_tell_columns_apart_when_providers_share_an_id() {
    let (name, bytes) = fixture("pen-drop__designbook/test-chat.json");
    let p = read(&name, &bytes).unwrap();
    assert_eq!(value(&p.metrics, "gemini-3-pro", "pass_count"), 1.0);
    assert_eq!(value(&p.metrics, "claude-opus-4-6", "fail_count"), 1.0);
    assert_eq!(value(&p.metrics, "gemini-3-pro", "tokens_total"), 11864.0);
}

#[test]
fn a_file_without_failure_reasons_counts_every_non_pass_as_a_fail() {
    let (name, bytes) = fixture("Kacper-Hernacki__aiDevs3/promptfoo_results.json");
    let p = read(&name, &bytes).unwrap();
    assert_eq!(value(&p.metrics, "openai:gpt-4o", "pass_count"), 6.0);
    assert_eq!(value(&p.metrics, "openai:gpt-4o", "latency_p95_ms"), 1984.0);
    assert!(close(value(&p.metrics, "openai:gpt-4o", "cost"), 0.03908));
}

#[test]
fn the_html_report_is_refused() {
    let (name, bytes) = fixture("MohdumaR125__Promptfoo/promptfoo-jsConfig/output.html");
    let err = read(&name, &bytes).unwrap_err();
    assert_eq!(
        (err.file.as_str(), err.problem),
        (name.as_str(), Problem::Html)
    );
}

#[test]
fn layout_a_csv_files_are_read_and_a_trailing_empty_record_skipped() {
    let (name, bytes) = fixture("MohdumaR125__Promptfoo/promptfoo-jsConfig/output.csv");
    let p = read(&name, &bytes).unwrap();
    let get = |m: &str| p.metrics.iter().find(|r| r.metric == m).unwrap().value;
    assert_eq!((get("pass_count"), get("fail_count")), (3.0, 0.0));
    assert!((get("mean_score") - (1.0 + 0.99 + 0.97) / 3.0).abs() < 1e-9);
    let (name, bytes) = fixture("MohdumaR125__Promptfoo/promptfoo/output.csv");
    let p = read(&name, &bytes).unwrap();
    let get = |m: &str| p.metrics.iter().find(|r| r.metric == m).unwrap().value;
    assert_eq!(
        (get("pass_count"), get("fail_count"), get("mean_score")),
        (0.0, 1.0, 0.0)
    );
}
