//! Hostile files are refused, naming the limit, before they take the memory they ask for.
//! (How long each takes and its peak memory, in a process of its own: `benches/limits.rs`.)

use govbench_eval_import::lm_eval_samples::{summarise, MAX_LINE_BYTES};
use govbench_eval_import::{
    read, Problem, MAX_COLUMNS, MAX_JSON_OBJECTS, MAX_JSON_VALUES, MAX_PREVIEW_ROWS,
    MAX_PREVIEW_TEXT_BYTES, MAX_RESULTS_BYTES, MAX_ROWS,
};
use std::io::{BufReader, Read};
use std::time::{Duration, Instant};

/// The reported attack: an lm-eval results file of 59 MB with 2.15 million keys, within the
/// file-size limit, took 5 GB. Its keys are in a million objects (a task and its metric each):
/// it is refused once the limit's worth of objects is counted.
#[test]
fn a_results_file_of_two_million_keys_is_refused_at_the_limit() {
    let mut text = String::with_capacity(60_000_000);
    text.push_str("{\"results\": {");
    for i in 0..1_075_000u32 {
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(&format!(
            "\"hostile_task_{i:07}_padding_xyz\": {{\"acc,none\": 0.5}}"
        ));
    }
    text.push_str("}, \"versions\": {}}");
    assert!(
        text.len() > 58_000_000 && text.len() <= MAX_RESULTS_BYTES,
        "{}",
        text.len()
    );
    let started = Instant::now();
    let refused = read("results_hostile.json", text.as_bytes()).unwrap_err();
    assert_eq!(refused.file, "results_hostile.json");
    assert_eq!(
        refused.problem,
        Problem::TooManyObjects {
            limit: MAX_JSON_OBJECTS
        }
    );
    assert_eq!(refused.problem.key(), "too_many_objects");
    assert!(refused.to_string().starts_with("results_hostile.json: "));
    // The whole file took 5 s to read optimised; this is unoptimised, on a shared machine.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

/// The same number of keys in one object: refused once the limit's worth of keys is counted.
#[test]
fn a_results_file_of_two_million_keys_in_one_object_is_refused_at_the_limit() {
    let mut text = String::with_capacity(60_000_000);
    text.push_str("{\"versions\": {}, \"results\": {\"task\": {");
    for i in 0..2_150_000u32 {
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(&format!("\"acc_{i:07}_xy,none\": 0.5"));
    }
    text.push_str("}}}");
    assert!(
        text.len() > 58_000_000 && text.len() <= MAX_RESULTS_BYTES,
        "{}",
        text.len()
    );
    let refused = read("results_hostile.json", text.as_bytes()).unwrap_err();
    assert_eq!(
        refused.problem,
        Problem::TooManyValues {
            limit: MAX_JSON_VALUES
        }
    );
    assert_eq!(refused.problem.key(), "too_many_values");
}

/// A samples line of `len` bytes (`x`s inside a sample), streamed: never held by the test.
fn one_line(len: u64, end: &'static [u8]) -> impl std::io::BufRead {
    let head: &[u8] = b"{\"doc_id\": 0, \"acc\": 0, \"doc\": \"";
    let tail: &[u8] = b"\"}";
    let filler = len - (head.len() + tail.len()) as u64;
    BufReader::with_capacity(
        1 << 20,
        head.chain(std::io::repeat(b'x').take(filler))
            .chain(tail)
            .chain(end),
    )
}

/// The other reported attack: a samples log that is one line of 1 GiB took 1.07 GB. It is
/// refused once the limit is read, without reading on.
#[test]
fn a_samples_line_of_a_gigabyte_is_refused_at_the_limit() {
    let started = Instant::now();
    let refused = summarise("samples_hostile.jsonl", one_line(1 << 30, b"\n")).unwrap_err();
    assert_eq!(refused.file, "samples_hostile.jsonl");
    assert_eq!(
        refused.problem,
        Problem::LineTooLong {
            line: 1,
            limit: MAX_LINE_BYTES
        }
    );
    assert_eq!(refused.problem.key(), "line_too_long");
    // Reading the whole gigabyte would take far longer than the limit's 32 MiB.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_samples_line_at_the_limit_is_read_and_one_byte_more_is_not() {
    let at_limit = MAX_LINE_BYTES as u64;
    let s = summarise("samples.jsonl", one_line(at_limit, b"\n")).unwrap();
    assert_eq!((s.samples, s.failed, s.bad_lines), (1, 1, 0));
    // The failing sample's document is shown cut, as any other.
    let s = summarise("samples.jsonl", one_line(at_limit, b"")).unwrap();
    assert_eq!(s.samples, 1);
    let refused = summarise("samples.jsonl", one_line(at_limit + 1, b"\n")).unwrap_err();
    assert!(matches!(
        refused.problem,
        Problem::LineTooLong { line: 1, .. }
    ));
    // A later line is named by its number.
    let two = b"{\"doc_id\": 0, \"acc\": 1}\n".chain(one_line(at_limit + 1, b"\n"));
    let refused = summarise("samples.jsonl", BufReader::new(two)).unwrap_err();
    assert!(matches!(
        refused.problem,
        Problem::LineTooLong { line: 2, .. }
    ));
}

#[test]
fn a_sample_of_too_many_keys_is_a_bad_line_and_metrics_stop_at_their_limit() {
    let keys: Vec<String> = (0..20_000).map(|i| format!("\"m{i}\": 1")).collect();
    let text = format!(
        "{{\"doc_id\": 0, {}}}\n{{\"doc_id\": 1, \"acc\": 1}}\n",
        keys.join(", ")
    );
    let s = summarise("samples.jsonl", text.as_bytes()).unwrap();
    assert_eq!(
        (s.samples, s.bad_lines, s.first_bad_lines.clone()),
        (1, 1, vec![1])
    );
    // Many distinct metrics over many lines: the first are tallied, later names are not.
    let text: String = (0..3_000)
        .map(|i| format!("{{\"doc_id\": {i}, \"metric_{i}\": 1}}\n"))
        .collect();
    let s = summarise("samples.jsonl", text.as_bytes()).unwrap();
    assert_eq!(s.samples, 3_000);
    assert_eq!(
        s.metrics.len(),
        govbench_eval_import::lm_eval_samples::MAX_SAMPLE_METRICS
    );
}

#[test]
fn csv_files_are_limited_in_lines_and_cells() {
    let rows = |n: usize| format!("metric,value\n{}", "acc,1\n".repeat(n));
    assert!(read("ok.csv", rows(MAX_ROWS).as_bytes()).is_ok());
    assert_eq!(
        read("many.csv", rows(MAX_ROWS + 1).as_bytes())
            .unwrap_err()
            .problem,
        Problem::TooManyRows { limit: MAX_ROWS }
    );
    // Without a last line end, the last line counts too.
    let text = rows(MAX_ROWS) + "acc,1";
    assert!(matches!(
        read("many.csv", text.as_bytes()).unwrap_err().problem,
        Problem::TooManyRows { .. }
    ));
    let wide = format!("metric,value\nacc,1{}\n", ",".repeat(MAX_COLUMNS));
    assert_eq!(
        read("wide.csv", wide.as_bytes()).unwrap_err().problem,
        Problem::TooManyColumns {
            line: 2,
            limit: MAX_COLUMNS
        }
    );
    // Commas inside a quoted cell are not cells, nor are line ends inside one lines.
    let quoted = format!(
        "metric,value\n\"acc{}\",1\n",
        ",\n".repeat(MAX_COLUMNS.max(MAX_ROWS))
    );
    assert!(read("quoted.csv", quoted.as_bytes()).is_ok());
    // A quote inside an unquoted cell opens nothing (as the CSV parser reads it).
    let sly = format!("metric,value\nac\"c,1{}\n", ",".repeat(MAX_COLUMNS));
    assert!(matches!(
        read("sly.csv", sly.as_bytes()).unwrap_err().problem,
        Problem::TooManyColumns { .. }
    ));
    // OpenCompass splits on every comma, quoted or not (and refuses quotes after its header).
    let open = format!(
        "dataset,version,metric,mode,\"m{}\"\nmmlu,-,-,-,-\n",
        ",".repeat(MAX_COLUMNS)
    );
    assert!(matches!(
        read("summary.csv", open.as_bytes()).unwrap_err().problem,
        Problem::TooManyColumns { line: 1, .. }
    ));
}

#[test]
fn a_preview_is_limited_in_rows_and_text() {
    // Three rows of the preview per line: a metric and two warnings.
    let lines = MAX_PREVIEW_ROWS / 3 + 1;
    let text = format!("metric,value,stderr,n\n{}", "acc,1,x,y\n".repeat(lines));
    assert_eq!(
        read("generic.csv", text.as_bytes()).unwrap_err().problem,
        Problem::TooManyMetrics {
            limit: MAX_PREVIEW_ROWS
        }
    );
    // One long task name copied into every metric of the task.
    let task = "t".repeat(60_000);
    let metrics: Vec<String> = (0..MAX_PREVIEW_TEXT_BYTES / 60_000 + 1)
        .map(|i| format!("\"m{i}\": 0.5"))
        .collect();
    let text = format!(
        "{{\"results\": {{\"{task}\": {{{}}}}}, \"versions\": {{}}}}",
        metrics.join(", ")
    );
    assert!(text.len() < 1_000_000);
    assert_eq!(
        read("results.json", text.as_bytes()).unwrap_err().problem,
        Problem::TooMuchText {
            limit: MAX_PREVIEW_TEXT_BYTES
        }
    );
}

/// Every refusal has its text in both catalogues (`import.problem.<key>`).
#[test]
fn every_problem_is_translated() {
    let problems = [
        Problem::Empty,
        Problem::TooLarge { bytes: 0 },
        Problem::NotText,
        Problem::Html,
        Problem::Truncated { line: 0 },
        Problem::NotJson { line: 0, column: 0 },
        Problem::Foreign {
            found: String::new(),
        },
        Problem::NoMetrics,
        Problem::Csv {
            line: 0,
            reason: String::new(),
        },
        Problem::TooManyValues { limit: 0 },
        Problem::TooManyObjects { limit: 0 },
        Problem::TooManyRows { limit: 0 },
        Problem::TooManyColumns { line: 0, limit: 0 },
        Problem::TooManyMetrics { limit: 0 },
        Problem::TooMuchText { limit: 0 },
        Problem::LineTooLong { line: 0, limit: 0 },
        Problem::Unreadable {
            reason: String::new(),
        },
    ];
    for locale in ["en", "zh-CN"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../assets/i18n/{locale}.json"));
        let catalogue: std::collections::HashMap<String, String> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for p in &problems {
            let key = format!("import.problem.{}", p.key());
            assert!(catalogue.contains_key(&key), "{locale}: {key}");
        }
    }
}
