//! Reading results files for an evaluation: each source through `govbench-eval-import`
//! (samples logs streamed), every metric mapped onto a KPI of the policy, and a refusal
//! naming the file and the problem for anything that is not a results file. Used by the
//! preview (nothing stored) and by the import command (all or nothing).

use crate::shared::validate::cleaned;
use govbench_eval_import::{self as eval_import, lm_eval_samples, ImportError, Preview, Tool};
use govbench_protocol::{
    FailingSample, FilePreview, ImportSource, ImportWarning, KpiPolicy, MetricMapping,
    PreviewMetric, Refusal, SourceFile, TaskSamples,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// How many failing samples per task a report keeps.
pub const KEPT_FAILING: usize = 200;
/// Per-sample metrics summarised per task (a log has a handful; more is not a log).
const MAX_MEANS: usize = 50;

/// A file as read, before its metrics are mapped (mapping needs the policy as it is inside
/// the write transaction, reading must happen before it).
pub enum Parsed {
    Results(Box<Preview>, u64),
    Samples(Box<FilePreview>),
}

/// What the sources hold.
pub struct ReadFiles {
    pub parsed: Vec<Parsed>,
    pub refused: Vec<Refusal>,
}

impl ReadFiles {
    /// Every file with its metrics mapped: `chosen` mappings first, then the policy's, then
    /// those `remembered` from the model's earlier imports, then the built-in name rules.
    pub fn previews(
        &self,
        policy: &KpiPolicy,
        chosen: &[MetricMapping],
        remembered: &[MetricMapping],
    ) -> Vec<FilePreview> {
        // Indexed once for all files of the import.
        let mapper = Mapper {
            policy,
            chosen: Mappings::new(chosen),
            by_policy: Mappings::new(&policy.mappings),
            remembered: Mappings::new(remembered),
        };
        self.parsed
            .iter()
            .map(|p| match p {
                Parsed::Results(preview, bytes) => file_preview(preview, *bytes, &mapper),
                Parsed::Samples(file) => (**file).clone(),
            })
            .collect()
    }
}

/// The mappings a model's earlier imports used (the latest import's rows that counted for a
/// KPI): a model remembers how its files map without anyone editing its policy.
pub fn remembered(latest_import: Option<&super::store::Evaluation>) -> Vec<MetricMapping> {
    latest_import
        .map(|e| {
            e.metrics
                .iter()
                .filter_map(|m| {
                    Some(MetricMapping {
                        task: m.task.clone(),
                        metric: m.metric.clone(),
                        kpi: m.kpi.clone()?,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Reads every source; nothing is mapped or stored.
pub fn read_sources(sources: &[ImportSource]) -> ReadFiles {
    let mut read = ReadFiles {
        parsed: Vec::new(),
        refused: Vec::new(),
    };
    for source in sources {
        match read_one(source) {
            Ok(file) => read.parsed.push(file),
            Err(refusal) => read.refused.push(refusal),
        }
    }
    read
}

fn refusal(file: &str, problem: &str, detail: String) -> Refusal {
    Refusal {
        file: file.to_owned(),
        problem: problem.to_owned(),
        detail,
    }
}

/// The problem's particulars (where, what was found); its kind is translated from its key.
fn from_import_error(e: ImportError) -> Refusal {
    use eval_import::Problem as P;
    let detail = match &e.problem {
        P::TooLarge { bytes } => format!("{bytes} B"),
        P::Truncated { line } => format!("line {line}"),
        P::NotJson { line, column } => format!("line {line}, column {column}"),
        P::Foreign { found } => found.clone(),
        P::Csv { line, reason } => format!("line {line}: {reason}"),
        P::TooManyValues { limit }
        | P::TooManyObjects { limit }
        | P::TooManyRows { limit }
        | P::TooManyMetrics { limit } => format!("> {limit}"),
        P::TooMuchText { limit } => format!("> {limit} B"),
        P::TooManyColumns { line, limit } => format!("line {line}: > {limit}"),
        P::LineTooLong { line, limit } => format!("line {line}: > {limit} B"),
        P::Unreadable { reason } => reason.clone(),
        P::Empty | P::NotText | P::Html | P::NoMetrics => String::new(),
    };
    refusal(&e.file, e.problem.key(), detail)
}

fn is_samples_log(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".jsonl")
}

/// Opens a file to read, refusing anything but a regular file without waiting on it: opening
/// a FIFO for reading blocks until something writes to it (forever, for an import), and a
/// device can be read without end.
fn open_regular(name: &str, path: &Path) -> Result<File, Refusal> {
    crate::regular::open(path)
        .map(|(file, _)| file)
        .map_err(|refused| match refused {
            crate::regular::Refused::NotAFile => refusal(name, "not_a_file", String::new()),
            crate::regular::Refused::Io(e) => refusal(name, "unreadable", e.to_string()),
        })
}

fn read_one(source: &ImportSource) -> Result<Parsed, Refusal> {
    let name = source.name().to_owned();
    match source {
        ImportSource::Path { path } => {
            let file = open_regular(&name, Path::new(path))?;
            if is_samples_log(&name) {
                samples(&name, file)
            } else {
                let mut bytes = Vec::new();
                file.take(eval_import::MAX_RESULTS_BYTES as u64 + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| refusal(&name, "unreadable", e.to_string()))?;
                results(&name, &bytes)
            }
        }
        ImportSource::Text { text, .. } if is_samples_log(&name) => samples(&name, text.as_bytes()),
        ImportSource::Text { text, .. } => results(&name, text.as_bytes()),
    }
}

fn results(name: &str, bytes: &[u8]) -> Result<Parsed, Refusal> {
    let preview = eval_import::read(name, bytes).map_err(from_import_error)?;
    Ok(Parsed::Results(Box::new(preview), bytes.len() as u64))
}

/// Values beyond this are not measurements (and would overflow the comparisons).
const VALUE_LIMIT: f64 = 1e12;
/// More warnings than this per file are summarised in one.
const MAX_WARNINGS: usize = 200;

fn clean(text: &str) -> String {
    cleaned(text, 200, false)
}

fn warning(file: &str, at: Option<String>, key: &str, detail: String) -> ImportWarning {
    ImportWarning {
        file: clean(file),
        at: at.map(|a| clean(&a)),
        key: key.to_owned(),
        detail: cleaned(&detail, 500, false),
    }
}

fn file_preview(p: &Preview, bytes: u64, mapper: &Mapper<'_>) -> FilePreview {
    let population_groups = p.tool == Tool::GenericCsv;
    let models: std::collections::BTreeSet<&str> = p
        .metrics
        .iter()
        .filter_map(|m| m.model.as_deref())
        .collect();
    let mut warnings: Vec<ImportWarning> = p
        .warnings
        .iter()
        .map(|w| warning(&p.file, w.at.clone(), w.key, w.detail.clone()))
        .collect();
    let several_models = models.len() > 1;
    if several_models {
        let names: Vec<&str> = models.into_iter().collect();
        warnings.push(warning(&p.file, None, "several_models", names.join(", ")));
    }
    // Only measurements: a value no metric can have is named and left out.
    let rows: Vec<&eval_import::MetricRow> = p
        .metrics
        .iter()
        .filter(|m| {
            let ok = m.value.is_finite() && m.value.abs() <= VALUE_LIMIT;
            if !ok {
                let at = format!("{}/{}", m.task, m.metric);
                warnings.push(warning(
                    &p.file,
                    Some(at),
                    "out_of_range",
                    m.value.to_string(),
                ));
            }
            ok
        })
        .collect();
    let (kpis, mapping_warnings) = mapper.kpis(&rows, p.tool, several_models);
    warnings.extend(
        mapping_warnings
            .into_iter()
            .map(|(at, key, detail)| warning(&p.file, Some(at), key, detail)),
    );
    if warnings.len() > MAX_WARNINGS {
        let more = warnings.len() - MAX_WARNINGS;
        warnings.truncate(MAX_WARNINGS);
        warnings.push(warning(&p.file, None, "more_warnings", more.to_string()));
    }
    FilePreview {
        source: SourceFile {
            name: clean(&p.file),
            sha256: p.sha256.clone(),
            bytes,
            tool: p.tool.key().to_owned(),
            tool_version: p.tool_version.as_deref().map(clean),
            model: p.model.as_deref().map(clean),
            date: p.date.as_deref().map(clean),
        },
        metrics: rows
            .iter()
            .zip(kpis)
            .map(|(m, kpi)| PreviewMetric {
                task: clean(&m.task),
                metric: clean(&m.metric),
                value: m.value,
                stderr: m
                    .stderr
                    .filter(|s| s.is_finite() && *s >= 0.0 && *s <= VALUE_LIMIT),
                n: m.n.filter(|n| *n as f64 <= VALUE_LIMIT),
                // lm-eval's and OpenCompass's groups are groups of tasks; only the generic
                // CSV's are population groups (fairness).
                group: if population_groups {
                    m.group.as_deref().map(clean)
                } else {
                    None
                },
                kpi,
            })
            .collect(),
        samples: None,
        warnings,
    }
}

/// `samples_<task>_<date>.jsonl` → `<task>` (the harness's own naming); anything else → its
/// stem.
pub fn task_of_samples_file(name: &str) -> String {
    let stem = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .trim_end_matches(".jsonl")
        .trim_end_matches(".JSONL");
    let stem = stem.strip_prefix("samples_").unwrap_or(stem);
    match stem.rsplit_once('_') {
        Some((task, date))
            if date.len() >= 10
                && date.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                && date.contains('T') =>
        {
            task.to_owned()
        }
        _ => stem.to_owned(),
    }
}

/// Hashes what passes through, so a streamed file's SHA-256 costs no second read.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

fn samples(name: &str, reader: impl Read) -> Result<Parsed, Refusal> {
    let mut hashing = Hashing {
        inner: reader,
        hash: Sha256::new(),
        bytes: 0,
    };
    let summary = lm_eval_samples::summarise(name, BufReader::with_capacity(1 << 20, &mut hashing))
        .map_err(from_import_error)?;
    // Drain what the summary did not need (an over-long array), so the hash is the file's.
    std::io::copy(&mut hashing, &mut std::io::sink())
        .map_err(|e| refusal(name, "unreadable", e.to_string()))?;
    if hashing.bytes == 0 {
        return Err(refusal(name, "empty", String::new()));
    }
    if summary.samples == 0 {
        return Err(refusal(
            name,
            "not_samples",
            format!("{} lines that are not samples", summary.bad_lines),
        ));
    }
    let task = clean(&task_of_samples_file(name));
    let mut warnings = Vec::new();
    if summary.bad_lines > 0 {
        let lines: Vec<String> = summary.first_bad_lines.iter().map(u64::to_string).collect();
        let detail = format!("{} ({})", summary.bad_lines, lines.join(", "));
        warnings.push(warning(name, None, "bad_sample_lines", detail));
    }
    let text = |t: String| cleaned(&t, lm_eval_samples::KEPT_TEXT_CHARS + 1, true);
    Ok(Parsed::Samples(Box::new(FilePreview {
        source: SourceFile {
            name: clean(name),
            sha256: hex::encode(hashing.hash.finalize()),
            bytes: hashing.bytes,
            tool: "lm_eval_samples".into(),
            tool_version: None,
            model: None,
            date: None,
        },
        metrics: Vec::new(),
        samples: Some(TaskSamples {
            task,
            source: 0,
            samples: summary.samples,
            failed: summary.failed,
            // A mean that overflowed is no measurement (and JSON has no infinity).
            means: summary
                .metrics
                .iter()
                .filter_map(|(k, t)| Some((clean(k), t.mean().filter(|m| m.is_finite())?)))
                .take(MAX_MEANS)
                .collect(),
            failing: summary
                .kept_failures
                .into_iter()
                .take(KEPT_FAILING)
                .map(|f| FailingSample {
                    doc_id: clean(&f.doc_id),
                    input: text(f.input),
                    expected: text(f.expected),
                    produced: text(f.produced),
                })
                .collect(),
            bad_lines: summary.bad_lines,
        }),
        warnings,
    })))
}

/// The metric's name without its filter (`acc,none` → `acc`), lower-case.
fn base_name(metric: &str) -> String {
    metric
        .split(',')
        .next()
        .unwrap_or(metric)
        .trim()
        .to_lowercase()
}

/// Names that mean a default KPI when nothing else maps them.
fn aliases(kpi: &str) -> &'static [&'static str] {
    match kpi {
        "accuracy" => &["acc", "accuracy"],
        "recall" => &["recall"],
        "response_time_p95" => &[
            "response_time_p95",
            "response_time_p95_ms",
            "latency_p95",
            "latency_p95_ms",
            "p95_latency",
            "p95_latency_ms",
        ],
        _ => &[],
    }
}

/// Mappings looked up by (task, metric), then by metric for those that name no task: a file
/// of thirty thousand rows against as many remembered mappings stays linear.
struct Mappings<'a> {
    exact: HashMap<(&'a str, &'a str), &'a str>,
    any_task: HashMap<&'a str, &'a str>,
}

impl<'a> Mappings<'a> {
    fn new(list: &'a [MetricMapping]) -> Mappings<'a> {
        let mut exact = HashMap::new();
        let mut any_task = HashMap::new();
        for m in list {
            if m.task.is_empty() {
                any_task.entry(m.metric.as_str()).or_insert(m.kpi.as_str());
            } else {
                exact
                    .entry((m.task.as_str(), m.metric.as_str()))
                    .or_insert(m.kpi.as_str());
            }
        }
        Mappings { exact, any_task }
    }

    /// The KPI for a row: a mapping of its task wins over one for any task.
    fn get(&self, task: &str, metric: &str) -> Option<String> {
        self.exact
            .get(&(task, metric))
            .or_else(|| self.any_task.get(metric))
            .map(|k| (*k).to_owned())
    }
}

#[cfg(test)]
fn by_mapping(mappings: &[MetricMapping], task: &str, metric: &str) -> Option<String> {
    Mappings::new(mappings).get(task, metric)
}

fn by_name(policy: &KpiPolicy, metric: &str) -> Option<String> {
    let base = base_name(metric);
    policy
        .kpis
        .iter()
        .find(|k| {
            k.key == base
                || k.name.to_lowercase() == base
                || aliases(&k.key).contains(&base.as_str())
        })
        .map(|k| k.key.clone())
}

struct Mapper<'a> {
    policy: &'a KpiPolicy,
    chosen: Mappings<'a>,
    by_policy: Mappings<'a>,
    remembered: Mappings<'a>,
}

/// (where, warning key, detail) of a mapping the name rules declined.
type MappingWarning = (String, &'static str, String);

impl Mapper<'_> {
    fn known(&self, kpi: String) -> Option<String> {
        self.policy.kpi(&kpi).is_some().then_some(kpi)
    }

    /// The KPI of every row of a file. The user's choice decides (a choice of no known KPI
    /// means "not a KPI"); then the policy's mappings, then what the model remembers, each
    /// only if it names a KPI the policy still has; then the built-in name rules. What the
    /// model remembers and the name rules are not used for a file of several models (two
    /// models' rows are never averaged into one KPI); the name rules prefer top-level rows
    /// (a group's aggregate over its subtasks, which would count twice) and decline a value
    /// whose scale cannot be the KPI's (a percentage for a KPI kept as a fraction).
    fn kpis(
        &self,
        rows: &[&eval_import::MetricRow],
        tool: Tool,
        several_models: bool,
    ) -> (Vec<Option<String>>, Vec<MappingWarning>) {
        let top_level = |m: &eval_import::MetricRow| m.group.is_none() || tool == Tool::GenericCsv;
        let mut warnings = Vec::new();
        let (chosen, policy, remembered) = (&self.chosen, &self.by_policy, &self.remembered);
        let explicit: Vec<Option<Option<String>>> = rows
            .iter()
            .map(|m| {
                if let Some(kpi) = chosen.get(&m.task, &m.metric) {
                    return Some(self.known(kpi));
                }
                policy
                    .get(&m.task, &m.metric)
                    .and_then(|k| self.known(k))
                    .or_else(|| {
                        (!several_models)
                            .then(|| remembered.get(&m.task, &m.metric))
                            .flatten()
                            .and_then(|k| self.known(k))
                    })
                    .map(Some)
            })
            .collect();
        let named: Vec<Option<String>> = rows
            .iter()
            .zip(&explicit)
            .map(|(m, decided)| {
                if decided.is_some() || several_models {
                    return None;
                }
                let kpi = by_name(self.policy, &m.metric)?;
                let rule = self.policy.kpi(&kpi)?;
                let fraction_kpi = (0.0..=1.0).contains(&rule.threshold);
                if fraction_kpi && !(0.0..=1.0).contains(&m.value) {
                    warnings.push((
                        format!("{}/{}", m.task, m.metric),
                        "scale_mismatch",
                        format!("{} → {}", m.value, rule.name),
                    ));
                    return None;
                }
                Some(kpi)
            })
            .collect();
        let covered_at_top: std::collections::BTreeSet<String> = rows
            .iter()
            .zip(explicit.iter().zip(&named))
            .filter(|(m, _)| top_level(m))
            .filter_map(|(_, (e, n))| e.clone().flatten().or_else(|| n.clone()))
            .collect();
        let kpis = rows
            .iter()
            .zip(explicit.into_iter().zip(named))
            .map(|(m, (decided, named))| match decided {
                Some(kpi) => kpi,
                None => named.filter(|k| top_level(m) || !covered_at_top.contains(k)),
            })
            .collect();
        (kpis, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FIFO in place of a results file is refused at once, not waited on (opening one for
    /// reading blocks until a writer comes).
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("results.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.as_ref().is_ok_and(|s| s.success()), "mkfifo: {made:?}");
        let path = fifo.clone();
        let (done, wait) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let read = read_sources(&[ImportSource::Path {
                path: path.to_string_lossy().into_owned(),
            }]);
            // The open itself, past the look at the path: what a FIFO swapped in after the
            // look would meet.
            let opened = crate::regular::open_without_waiting(&path)
                .map(|f| f.metadata().map(|m| m.is_file()));
            let _ = done.send((read.refused, opened.ok().and_then(Result::ok)));
        });
        let (refused, is_file) = wait
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("reading a FIFO blocked");
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].problem, "not_a_file");
        assert_eq!(is_file, Some(false));
        // A regular file is read as before.
        let file = dir.path().join("metrics.csv");
        std::fs::write(&file, "metric,value\naccuracy,0.9\n").unwrap();
        let read = read_sources(&[ImportSource::Path {
            path: file.to_string_lossy().into_owned(),
        }]);
        assert!(read.refused.is_empty(), "{:?}", read.refused);
        assert_eq!(read.parsed.len(), 1);
        // ...and read as any file is: without O_NONBLOCK.
        let opened = open_regular("metrics.csv", &file).unwrap();
        let flags = rustix::fs::fcntl_getfl(&opened).unwrap();
        assert!(!flags.contains(rustix::fs::OFlags::NONBLOCK));
    }

    #[test]
    fn refusals_for_limits_name_the_limit() {
        let text = |text: String, name: &str| {
            read_sources(&[ImportSource::Text {
                name: name.into(),
                text,
            }])
            .refused
        };
        let keys: Vec<String> = (0..=eval_import::MAX_JSON_VALUES)
            .map(|i| format!("\"m{i}\": 1"))
            .collect();
        let refused = text(
            format!("{{\"results\": {{\"t\": {{{}}}}}}}", keys.join(",")),
            "results.json",
        );
        assert_eq!(refused[0].problem, "too_many_values");
        assert_eq!(
            refused[0].detail,
            format!("> {}", eval_import::MAX_JSON_VALUES)
        );
        let line = format!(
            "{{\"doc_id\": 0, \"doc\": \"{}\"}}\n",
            "x".repeat(lm_eval_samples::MAX_LINE_BYTES)
        );
        let refused = text(line, "samples_t_2024-01-01T00-00-00.jsonl");
        assert_eq!(refused[0].problem, "line_too_long");
        assert!(
            refused[0].detail.starts_with("line 1: "),
            "{}",
            refused[0].detail
        );
    }

    #[test]
    fn samples_file_names_give_the_task() {
        assert_eq!(
            task_of_samples_file("samples_arc_easy_2024-05-13T16-49-14.347213.jsonl"),
            "arc_easy"
        );
        assert_eq!(
            task_of_samples_file("dir/samples_mmlu_abstract_algebra_2025-01-01T00-00-00.jsonl"),
            "mmlu_abstract_algebra"
        );
        assert_eq!(task_of_samples_file("my_task.jsonl"), "my_task");
    }

    #[test]
    fn names_map_onto_default_kpis_and_mappings_win() {
        let policy = KpiPolicy::defaults();
        assert_eq!(by_name(&policy, "acc,none").as_deref(), Some("accuracy"));
        assert_eq!(by_name(&policy, "acc_norm,none"), None);
        assert_eq!(
            by_name(&policy, "latency_p95_ms").as_deref(),
            Some("response_time_p95")
        );
        let chosen = vec![MetricMapping {
            task: "medqa".into(),
            metric: "acc_norm,none".into(),
            kpi: "accuracy".into(),
        }];
        assert_eq!(
            by_mapping(&chosen, "medqa", "acc_norm,none").as_deref(),
            Some("accuracy")
        );
        assert_eq!(by_mapping(&chosen, "other", "acc_norm,none"), None);
    }
}
