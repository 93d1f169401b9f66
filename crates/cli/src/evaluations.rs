//! `govbench eval …`: results files imported as an evaluation of a model version, and a
//! model's evaluations with their verdicts, through the same `Session` use cases as the app.

use crate::models::{model_id, not_found, print_json, version_id};
use crate::{for_terminal, login, Failure, Format};
use clap::{Args, Subcommand};
use govbench_i18n::{number, Locale};
use govbench_protocol::{
    EvaluationCommand, EvaluationDetail, EvaluationId, EvaluationMeta, EvaluationQuery, Evaluator,
    FilePreview, ImportPreview, ImportSource, MetricMapping, PreviewRequest, Refusal,
};
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Import results files (lm-evaluation-harness results JSON and samples JSONL, promptfoo
    /// JSON/CSV, OpenCompass summary CSV, Govbench's generic CSV) as one evaluation of a
    /// version. With --dry-run, print what would be stored and store nothing.
    Import(ImportArgs),
    /// A model's evaluations, newest first, with their verdicts.
    List {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
        #[arg(long)]
        model: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

// The import's options, as one value its steps below can share (the variant's comment is
// the subcommand's help).
#[derive(Args)]
pub struct ImportArgs {
    #[arg(long)]
    workspace: PathBuf,
    #[arg(long)]
    user: String,
    #[arg(long)]
    model: String,
    #[arg(long)]
    version: String,
    #[arg(long)]
    dry_run: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// The evaluation's date (YYYY-MM-DD; default: today).
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
    /// The evaluation data set (default: the tasks the files name).
    #[arg(long)]
    dataset: Option<String>,
    /// The model revision evaluated (default: what the files name).
    #[arg(long, default_value = "")]
    revision: String,
    /// A third-party assessor's organisation (with --assessor and --report).
    #[arg(long)]
    third_party: Option<String>,
    #[arg(long, default_value = "")]
    assessor: String,
    #[arg(long, default_value = "")]
    report: String,
    /// Map a metric onto a KPI: `METRIC=KPI` or `TASK/METRIC=KPI` (repeatable).
    #[arg(long = "map")]
    mappings: Vec<String>,
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub fn run(command: EvalCommand, locale: Locale) -> Result<(), Failure> {
    match command {
        EvalCommand::Import(args) => import(args, locale),
        EvalCommand::List {
            workspace,
            user,
            model,
            format,
        } => list(&workspace, &user, &model, format, locale),
    }
}

/// Previews the files against the model's policy (or the default one, for a model or
/// version not registered yet); stores them as one evaluation unless it is a dry run or a
/// file was refused.
fn import(args: ImportArgs, locale: Locale) -> Result<(), Failure> {
    let mappings = parse_mappings(&args.mappings, locale)?;
    let mut session = login(&args.workspace, &args.user, locale)?;
    let model_id = session.model_named(&args.model)?;
    let version_id = match model_id {
        Some(id) => version_id(&session, id, &args.version)?,
        None => None,
    };
    let sources: Vec<ImportSource> = args
        .files
        .iter()
        .map(|f| ImportSource::Path {
            path: f.to_string_lossy().into_owned(),
        })
        .collect();
    // A model or version not registered yet is previewed against the default policy.
    let preview = session.preview_import(&PreviewRequest {
        model: model_id,
        sources: sources.clone(),
    })?;
    print_refusals(&preview.refused, locale);
    if args.dry_run || !preview.refused.is_empty() {
        for file in &with_chosen_kpis(&preview, &mappings) {
            match args.format {
                Format::Json => print_json(&preview_json(file, locale), false)?,
                Format::Table => print_preview_table(file, locale),
            }
        }
        if !preview.refused.is_empty() {
            return Err(Failure::Refused);
        }
        if args.dry_run {
            if matches!(args.format, Format::Table) {
                out!("{}", locale.t("cli.dry_run_nothing_stored"));
            }
            return Ok(());
        }
    }
    if model_id.is_none() {
        return Err(not_found(locale, &locale.t("entity.model"), &args.model));
    }
    let Some(version_id) = version_id else {
        return Err(not_found(
            locale,
            &locale.t("entity.model_version"),
            &args.version,
        ));
    };
    let evaluator = match args.third_party {
        Some(organisation) => Evaluator::ThirdParty {
            organisation,
            assessor: args.assessor,
            report: args.report,
        },
        None => Evaluator::Internal,
    };
    let outcome = session.execute(EvaluationCommand::Import {
        model_version: version_id,
        meta: EvaluationMeta {
            date: args
                .date
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
            evaluator,
            dataset: args
                .dataset
                .unwrap_or_else(|| dataset_named_by(&preview.files)),
            model_revision: args.revision,
            notes: String::new(),
        },
        sources,
        expected: preview
            .files
            .iter()
            .map(|f| (f.source.name.clone(), f.source.sha256.clone()))
            .collect(),
        mappings,
    })?;
    let id = EvaluationId(outcome.entity.id);
    let detail = session.evaluation(id)?;
    let (model, version) = (args.model.as_str(), args.version.as_str());
    print_imported(
        &detail,
        &preview.files,
        (model, version),
        args.format,
        locale,
    )
}

fn parse_mappings(texts: &[String], locale: Locale) -> Result<Vec<MetricMapping>, Failure> {
    texts
        .iter()
        .map(|m| {
            mapping(m).ok_or_else(|| {
                Failure::Usage(locale.format(
                    "cli.invalid_value",
                    [
                        ("option", "--map"),
                        ("value", m.as_str()),
                        ("allowed", "METRIC=KPI, TASK/METRIC=KPI"),
                    ],
                ))
            })
        })
        .collect()
}

/// The previewed files with the KPIs the `--map` options choose, as the import will map them.
fn with_chosen_kpis(preview: &ImportPreview, mappings: &[MetricMapping]) -> Vec<FilePreview> {
    let mut files = preview.files.clone();
    if mappings.is_empty() {
        return files;
    }
    for file in &mut files {
        for m in &mut file.metrics {
            if let Some(chosen) = mappings
                .iter()
                .find(|c| c.metric == m.metric && (c.task.is_empty() || c.task == m.task))
            {
                // As the import will: a KPI the policy does not have is none.
                m.kpi = preview.policy.kpi(&chosen.kpi).map(|k| k.key.clone());
            }
        }
    }
    files
}

fn print_refusals(refused: &[Refusal], locale: Locale) {
    for refusal in refused {
        eprintln!(
            "govbench: {}",
            for_terminal(
                &locale.format(
                    if refusal.detail.is_empty() {
                        "error.import_refused_plain"
                    } else {
                        "error.import_refused"
                    },
                    [
                        ("file", refusal.file.as_str()),
                        (
                            "problem",
                            locale
                                .t(&format!("import.problem.{}", refusal.problem))
                                .as_str()
                        ),
                        ("detail", refusal.detail.as_str()),
                    ]
                )
            )
        );
    }
}

/// The data set when `--dataset` is not given: the tasks the files name (up to eight), or
/// else the files' names.
fn dataset_named_by(files: &[FilePreview]) -> String {
    let mut tasks: Vec<&str> = files
        .iter()
        .flat_map(|f| {
            f.metrics
                .iter()
                .map(|m| m.task.as_str())
                .chain(f.samples.as_ref().map(|s| s.task.as_str()))
        })
        .filter(|t| !t.is_empty())
        .collect();
    tasks.dedup();
    tasks.sort_unstable();
    tasks.dedup();
    let mut text = tasks.iter().take(8).copied().collect::<Vec<_>>().join(", ");
    if tasks.len() > 8 {
        text.push_str(", …");
    }
    if text.is_empty() {
        text = files
            .iter()
            .map(|f| f.source.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
    }
    text.chars().take(200).collect()
}

/// The closing report: the evaluation stored, and each KPI's verdict.
fn print_imported(
    detail: &EvaluationDetail,
    files: &[FilePreview],
    (model, version): (&str, &str),
    format: Format,
    locale: Locale,
) -> Result<(), Failure> {
    match format {
        Format::Json => print_json(
            &json!({
                "evaluation": detail.evaluation.id,
                "files": files.iter().map(|f| preview_json(f, locale)).collect::<Vec<_>>(),
                "verdicts": detail.verdicts,
                "go_live_blocked_by": detail.gate.iter().map(|g| locale.gate_gap(g)).collect::<Vec<_>>(),
            }),
            true,
        )?,
        Format::Table => {
            out!(
                "{}",
                locale.format(
                    "cli.evaluation_imported",
                    [
                        ("files", files.len().to_string().as_str()),
                        ("model", model),
                        ("version", version),
                    ]
                )
            );
            for v in &detail.verdicts {
                let mark = if v.passes { "✓" } else { "✗" };
                out!("  {mark} {}", for_terminal(&locale.verdict_sentence(v)));
            }
        }
    }
    Ok(())
}

fn list(
    workspace: &std::path::Path,
    user: &str,
    model: &str,
    format: Format,
    locale: Locale,
) -> Result<(), Failure> {
    let session = login(workspace, user, locale)?;
    let id = model_id(&session, model, locale)?;
    let list = session.evaluations(&EvaluationQuery {
        model: Some(id),
        model_version: None,
    })?;
    match format {
        Format::Json => {
            let mut out = Vec::new();
            for e in &list {
                let detail = session.evaluation(e.id)?;
                out.push(json!({
                    "id": e.id,
                    "date": e.date,
                    "version": e.version_label,
                    "status": e.status,
                    "tools": e.tools,
                    "third_party": e.third_party,
                    "kpis_passed": e.kpis_passed,
                    "kpis_total": e.kpis_total,
                    "significant_degradations": e.significant_degradations,
                    "verdicts": detail.verdicts,
                }));
            }
            print_json(&out, true)?;
        }
        Format::Table => {
            if list.is_empty() {
                out!("{}", locale.t("cli.no_evaluations"));
            }
            for e in &list {
                out!(
                    "{}  {:<10} {:<14} {}/{} {}{}",
                    e.date,
                    for_terminal(&e.version_label),
                    locale.t(&e.status.text_key()),
                    e.kpis_passed,
                    e.kpis_total,
                    locale.t("cli.kpis_passed"),
                    if e.significant_degradations > 0 {
                        format!(
                            " · {}",
                            locale.format(
                                "cli.significant",
                                [("count", e.significant_degradations.to_string().as_str())]
                            )
                        )
                    } else {
                        String::new()
                    }
                );
            }
        }
    }
    Ok(())
}

/// `METRIC=KPI` or `TASK/METRIC=KPI`.
fn mapping(text: &str) -> Option<MetricMapping> {
    let (left, kpi) = text.rsplit_once('=')?;
    let (task, metric) = match left.split_once('/') {
        Some((task, metric)) => (task, metric),
        None => ("", left),
    };
    (!metric.is_empty() && !kpi.is_empty()).then(|| MetricMapping {
        task: task.into(),
        metric: metric.into(),
        kpi: kpi.into(),
    })
}

fn preview_json(file: &FilePreview, locale: Locale) -> serde_json::Value {
    json!({
        "file": file.source.name,
        "sha256": file.source.sha256,
        "tool": file.source.tool,
        "tool_version": file.source.tool_version,
        "metrics": file.metrics.iter().map(|m| json!({
            "task": m.task,
            "metric": m.metric,
            "value": m.value,
            "stderr": m.stderr,
            "n": m.n,
            "kpi": m.kpi,
        })).collect::<Vec<_>>(),
        "samples": file.samples.as_ref().map(|s| json!({
            "task": s.task,
            "samples": s.samples,
            "failed": s.failed,
            "failing_kept": s.failing.len(),
        })),
        "warnings": file.warnings.iter().map(|w| json!({
            "at": w.at,
            "key": w.key,
            "detail": w.detail,
            "message": locale.t(&format!("import.warning.{}", w.key)),
        })).collect::<Vec<_>>(),
    })
}

fn print_preview_table(file: &FilePreview, locale: Locale) {
    let version = file.source.tool_version.as_deref().unwrap_or("—");
    out!(
        "{} · {} {} · sha256 {}",
        for_terminal(&file.source.name),
        file.source.tool,
        for_terminal(version),
        file.source.sha256
    );
    for m in &file.metrics {
        out!(
            "  {:<32} {:<28} {:>12} {:>10} {:>8}  {}",
            for_terminal(&m.task),
            for_terminal(&m.metric),
            number(m.value),
            m.stderr.map(number).unwrap_or_else(|| "—".into()),
            m.n.map(|n| n.to_string()).unwrap_or_else(|| "—".into()),
            m.kpi
                .as_deref()
                .map(|k| format!("→ {k}"))
                .unwrap_or_default()
        );
    }
    if let Some(s) = &file.samples {
        out!(
            "  {}",
            locale.format(
                "cli.samples_line",
                [
                    ("task", for_terminal(&s.task).as_ref()),
                    ("samples", s.samples.to_string().as_str()),
                    ("failed", s.failed.to_string().as_str()),
                ]
            )
        );
    }
    for w in &file.warnings {
        out!(
            "  ⚠ {}{}: {}",
            w.at.as_deref()
                .map(|a| format!("{} — ", for_terminal(a)))
                .unwrap_or_default(),
            locale.t(&format!("import.warning.{}", w.key)),
            for_terminal(&w.detail)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_are_parsed_as_documented() {
        let m = mapping("acc,none=accuracy").unwrap();
        assert_eq!(
            (m.task.as_str(), m.metric.as_str(), m.kpi.as_str()),
            ("", "acc,none", "accuracy")
        );
        let m = mapping("medqa/acc_norm,none=accuracy").unwrap();
        assert_eq!(m.task, "medqa");
        assert!(mapping("accuracy").is_none());
        assert!(mapping("=x").is_none());
    }
}
