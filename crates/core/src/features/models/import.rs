//! Reading results files for an evaluation: each source through `govbench-eval-import`
//! (samples logs streamed), every metric mapped onto a KPI of the policy, and a refusal
//! naming the file and the problem for anything that is not a results file. Used by the
//! preview (nothing stored) and by the import command (all or nothing).

use govbench_eval_import::{self as eval_import, lm_eval_samples, ImportError, Preview, Tool};
use govbench_protocol::{
    FailingSample, FilePreview, ImportSource, ImportWarning, KpiPolicy, MetricMapping,
    PreviewMetric, Refusal, SourceFile, TaskSamples,
};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// How many failing samples per task a report keeps.
pub const KEPT_FAILING: usize = 200;

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
        let mapper = Mapper {
            policy,
            chosen,
            remembered,
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
pub fn remembered(evaluations: &[super::store::Evaluation]) -> Vec<MetricMapping> {
    let imported = evaluations
        .iter()
        .filter(|e| e.sources.iter().any(|s| s.tool != "manual"))
        .max_by_key(|e| (e.meta.date, e.created_at));
    imported
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
        P::Empty | P::NotText | P::Html | P::NoMetrics => String::new(),
    };
    refusal(&e.file, e.problem.key(), detail)
}

fn is_samples_log(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".jsonl")
}

fn read_one(source: &ImportSource) -> Result<Parsed, Refusal> {
    let name = source.name().to_owned();
    match source {
        ImportSource::Path { path } => {
            let path = Path::new(path);
            let meta =
                std::fs::metadata(path).map_err(|e| refusal(&name, "unreadable", e.to_string()))?;
            if !meta.is_file() {
                return Err(refusal(&name, "not_a_file", String::new()));
            }
            let file = File::open(path).map_err(|e| refusal(&name, "unreadable", e.to_string()))?;
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
        .map(|w| ImportWarning {
            file: p.file.clone(),
            at: w.at.clone(),
            key: w.key.to_owned(),
            detail: w.detail.clone(),
        })
        .collect();
    let several_models = models.len() > 1;
    if several_models {
        warnings.push(ImportWarning {
            file: p.file.clone(),
            at: None,
            key: "several_models".into(),
            detail: models.into_iter().collect::<Vec<_>>().join(", "),
        });
    }
    let kpis = mapper.kpis(p, several_models);
    FilePreview {
        source: SourceFile {
            name: p.file.clone(),
            sha256: p.sha256.clone(),
            bytes,
            tool: p.tool.key().to_owned(),
            tool_version: p.tool_version.clone(),
            model: p.model.clone(),
            date: p.date.clone(),
        },
        metrics: p
            .metrics
            .iter()
            .zip(kpis)
            .map(|(m, kpi)| PreviewMetric {
                task: m.task.clone(),
                metric: m.metric.clone(),
                value: m.value,
                stderr: m.stderr,
                n: m.n,
                // lm-eval's and OpenCompass's groups are groups of tasks; only the generic
                // CSV's are population groups (fairness).
                group: if population_groups {
                    m.group.clone()
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
    let summary = lm_eval_samples::summarise(BufReader::with_capacity(1 << 20, &mut hashing))
        .map_err(|e| refusal(name, "unreadable", e.to_string()))?;
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
    let task = task_of_samples_file(name);
    let mut warnings = Vec::new();
    if summary.bad_lines > 0 {
        warnings.push(ImportWarning {
            file: name.to_owned(),
            at: None,
            key: "bad_sample_lines".into(),
            detail: format!(
                "{} ({})",
                summary.bad_lines,
                summary
                    .first_bad_lines
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    Ok(Parsed::Samples(Box::new(FilePreview {
        source: SourceFile {
            name: name.to_owned(),
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
            means: summary
                .metrics
                .iter()
                .filter_map(|(k, t)| Some((k.clone(), t.mean()?)))
                .collect(),
            failing: summary
                .kept_failures
                .into_iter()
                .take(KEPT_FAILING)
                .map(|f| FailingSample {
                    doc_id: f.doc_id,
                    input: f.input,
                    expected: f.expected,
                    produced: f.produced,
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

fn by_mapping(mappings: &[MetricMapping], task: &str, metric: &str) -> Option<String> {
    mappings
        .iter()
        .find(|m| m.metric == metric && (m.task.is_empty() || m.task == task))
        .map(|m| m.kpi.clone())
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
    chosen: &'a [MetricMapping],
    remembered: &'a [MetricMapping],
}

impl Mapper<'_> {
    /// The KPI of every row of a file. Explicit mappings win. The name rules map only
    /// single-model files (two models' rows are never averaged into one KPI), and prefer
    /// top-level rows: a group's aggregate over its subtasks, which would count twice.
    fn kpis(&self, p: &Preview, several_models: bool) -> Vec<Option<String>> {
        let top_level =
            |m: &eval_import::MetricRow| m.group.is_none() || p.tool == Tool::GenericCsv;
        let named: Vec<Option<String>> = p
            .metrics
            .iter()
            .map(|m| {
                (!several_models)
                    .then(|| by_name(self.policy, &m.metric))
                    .flatten()
            })
            .collect();
        let named_at_top: std::collections::BTreeSet<&String> = p
            .metrics
            .iter()
            .zip(&named)
            .filter(|(m, _)| top_level(m))
            .filter_map(|(_, k)| k.as_ref())
            .collect();
        p.metrics
            .iter()
            .zip(&named)
            .map(|(m, named)| {
                by_mapping(self.chosen, &m.task, &m.metric)
                    .or_else(|| by_mapping(&self.policy.mappings, &m.task, &m.metric))
                    .or_else(|| by_mapping(self.remembered, &m.task, &m.metric))
                    .or_else(|| {
                        named
                            .clone()
                            .filter(|k| top_level(m) || !named_at_top.contains(k))
                    })
                    .filter(|k| self.policy.kpi(k).is_some())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
