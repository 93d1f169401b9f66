//! Every lm-eval fixture: read with values asserted against the file, or refused.

use govbench_eval_import::{read, MetricRow, Problem, Tool};
use std::path::Path;

fn fixture(path: &str) -> (String, Vec<u8>) {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/eval-results/lm-eval")
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

#[test]
fn filters_groups_counts_and_direction_are_read_as_the_file_gives_them() {
    let (name, bytes) =
        fixture("EleutherAI__lm-evaluation-harness/pr2809/results_2025-03-02T23-31-03.189087.json");
    let p = read(&name, &bytes).unwrap();
    let glue = row(&p.metrics, "glue", "acc,none");
    assert_eq!(
        (glue.value, glue.stderr, glue.n),
        (0.38908408766079083, Some(0.001872903043904491), None)
    );
    let cola = row(&p.metrics, "cola", "mcc,none");
    assert_eq!(
        (cola.value, cola.n, cola.group.as_deref()),
        (0.0, Some(1043), Some("glue"))
    );
    let ppl = row(&p.metrics, "lambada_openai", "perplexity,none");
    assert_eq!(
        (ppl.value, ppl.n, ppl.higher_is_better),
        (7.994806427824196, Some(5153), Some(false))
    );

    let (name, bytes) = fixture("saucam__model_evals/openllm/gsm8k.json");
    let p = read(&name, &bytes).unwrap();
    assert_eq!(
        row(&p.metrics, "gsm8k", "exact_match,strict-match").value,
        0.2441243366186505
    );
    assert_eq!(
        row(&p.metrics, "gsm8k", "exact_match,flexible-extract").stderr,
        Some(0.011832404674077594)
    );

    let (name, bytes) = fixture("saucam__model_evals/openllm/mmlu.json");
    let p = read(&name, &bytes).unwrap();
    assert_eq!(
        row(&p.metrics, "mmlu", "acc,none").value,
        0.5242842899871814
    );
    let logic = row(&p.metrics, "mmlu_formal_logic", "acc,none");
    assert_eq!(
        (logic.value, logic.group.as_deref()),
        (0.30952380952380953, Some("mmlu_humanities"))
    );

    let (name, bytes) = fixture(
        "bigscience-workshop__bigscience/tr11-1b3-ml-evalharness-results_lm-eval_global_step340500_2022-07-13-11-29-13.json",
    );
    let p = read(&name, &bytes).unwrap();
    assert_eq!(
        row(&p.metrics, "lambada", "ppl").stderr,
        Some(0.4021518609838198)
    );
    assert!(!p.metrics.iter().any(|r| r.metric == "version"));

    let (name, bytes) = fixture("bigscience-workshop__bigscience/Tr1-13B-harness-eval.json");
    let p = read(&name, &bytes).unwrap();
    assert_eq!(row(&p.metrics, "mc_taco", "em").stderr, None);
    assert_eq!(row(&p.metrics, "cola", "mcc").value, 0.05586916675965605);
}

#[test]
fn non_finite_values_and_placeholders_are_named_not_guessed() {
    let text =
        br#"{"results": {"wikitext": {"perplexity,none": NaN, "perplexity_stderr,none": "N/A",
        "alias": "wikitext"}, "group": {" ": " ", "alias": "group"},
        "t": {"acc,none": 0.5, "acc_stderr,none": Infinity, "f1,none": [1, 2]}},
        "configs": {}, "versions": {}}"#;
    let p = read("synthetic.json", text).unwrap();
    assert_eq!(p.metrics.len(), 1);
    assert_eq!(p.metrics[0].stderr, None);
    let keys: Vec<(&str, &str)> = p
        .warnings
        .iter()
        .map(|w| (w.at.as_deref().unwrap_or_default(), w.key))
        .collect();
    assert!(
        keys.contains(&("wikitext/perplexity,none", "not_a_number")),
        "{keys:?}"
    );
    assert!(
        keys.contains(&("t/acc,none", "stderr_not_a_number")),
        "{keys:?}"
    );
    assert!(keys.contains(&("t/f1,none", "not_a_number")), "{keys:?}");
    assert!(
        !keys.iter().any(|(at, _)| at.starts_with("group/")),
        "{keys:?}"
    );
}
