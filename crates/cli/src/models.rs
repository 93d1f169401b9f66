//! `govbench models …` and `govbench eval …`: the model inventory and evaluation imports,
//! through the same `Session` use cases as the app.

use crate::{for_terminal, keyed, login, Failure, Format};
use clap::Subcommand;
use govbench_i18n::{number, Locale};
use govbench_protocol::{
    ApiError, ErrorCode, EvaluationCommand, EvaluationMeta, EvaluationQuery, Evaluator,
    FilePreview, ImportSource, MetricMapping, ModelCommand, ModelDraft, ModelId, ModelVersionId,
    PreviewRequest, RiskTier, VersionDraft,
};
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ModelsCommand {
    /// Register a model in the inventory (with the default KPI policy).
    Add {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
        #[arg(long)]
        name: String,
        /// medical, finance, manufacturing, legal, … or any domain the workspace uses.
        #[arg(long, default_value = "medical")]
        domain: String,
        /// The business department that owns it.
        #[arg(long, default_value = "")]
        department: String,
        /// low, medium, high, critical
        #[arg(long, default_value = "medium")]
        risk: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Add a version of a model: the Git repository and commit of its code (and config).
    AddVersion {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
        #[arg(long)]
        model: String,
        #[arg(long)]
        version: String,
        #[arg(long)]
        repo: String,
        #[arg(long)]
        commit: String,
        #[arg(long, default_value = "")]
        config_repo: String,
        #[arg(long, default_value = "")]
        config_commit: String,
        #[arg(long, default_value = "")]
        base_model: String,
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// Every model with its versions, their stages and the verdict of their latest evaluation.
    List {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Import results files (lm-evaluation-harness results JSON and samples JSONL, promptfoo
    /// JSON/CSV, OpenCompass summary CSV, Govbench's generic CSV) as one evaluation of a
    /// version. With --dry-run, print what would be stored and store nothing.
    Import {
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
    },
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

fn print_json(value: &impl serde::Serialize, pretty: bool) -> Result<(), Failure> {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .map_err(|e| ApiError::new(ErrorCode::Internal).with("reason", e.to_string()))?;
    out!("{}", for_terminal(&text));
    Ok(())
}

fn not_found(locale: Locale, what: &str, name: &str) -> Failure {
    Failure::Usage(locale.format("cli.not_found", [("what", what), ("name", name)]))
}

fn model_id(
    session: &govbench_core::Session,
    name: &str,
    locale: Locale,
) -> Result<ModelId, Failure> {
    session
        .model_named(name)?
        .ok_or_else(|| not_found(locale, &locale.t("entity.model"), name))
}

fn version_id(
    session: &govbench_core::Session,
    model: ModelId,
    label: &str,
) -> Result<Option<ModelVersionId>, Failure> {
    let detail = session.model(model)?;
    Ok(detail
        .versions
        .iter()
        .find(|v| {
            v.version
                .draft
                .label
                .trim()
                .eq_ignore_ascii_case(label.trim())
        })
        .map(|v| v.version.id))
}

pub fn run_models(command: ModelsCommand, locale: Locale) -> Result<(), Failure> {
    match command {
        ModelsCommand::Add {
            workspace,
            user,
            name,
            domain,
            department,
            risk,
            description,
        } => {
            let risk = keyed(locale, "--risk", Some(risk), &RiskTier::ALL, RiskTier::key)?
                .unwrap_or(RiskTier::Medium);
            let mut session = login(&workspace, &user, locale)?;
            session.execute(ModelCommand::Register {
                draft: ModelDraft {
                    name: name.clone(),
                    domain,
                    business_department: department,
                    rnd_owner: None,
                    risk_tier: risk,
                    description,
                },
            })?;
            out!(
                "{}",
                locale.format("cli.model_added", [("name", name.as_str())])
            );
        }
        ModelsCommand::AddVersion {
            workspace,
            user,
            model,
            version,
            repo,
            commit,
            config_repo,
            config_commit,
            base_model,
            notes,
        } => {
            let mut session = login(&workspace, &user, locale)?;
            let id = model_id(&session, &model, locale)?;
            session.execute(ModelCommand::AddVersion {
                model: id,
                draft: VersionDraft {
                    label: version.clone(),
                    code_repo: repo,
                    code_commit: commit,
                    config_repo,
                    config_commit,
                    base_model,
                    training_data: String::new(),
                    release_notes: notes,
                },
            })?;
            out!(
                "{}",
                locale.format(
                    "cli.version_added",
                    [("model", model.as_str()), ("version", version.as_str())]
                )
            );
        }
        ModelsCommand::List {
            workspace,
            user,
            format,
        } => {
            let session = login(&workspace, &user, locale)?;
            let mut models = Vec::new();
            for summary in session.models()? {
                models.push(session.model(summary.id)?);
            }
            match format {
                Format::Json => {
                    let list: Vec<_> = models
                        .iter()
                        .map(|m| {
                            json!({
                                "name": m.model.draft.name,
                                "domain": m.model.draft.domain,
                                "risk_tier": m.model.draft.risk_tier,
                                "live": m.versions.iter().find(|v| v.version.stage == govbench_protocol::VersionStage::Live).map(|v| &v.version.draft.label),
                                "months_missing": m.months_missing,
                                "versions": m.versions.iter().map(|v| json!({
                                    "version": v.version.draft.label,
                                    "stage": v.version.stage,
                                    "commit": v.version.draft.code_commit,
                                    "gate_override": v.version.gate_override.is_some(),
                                    "latest_evaluation": v.latest.as_ref().map(|e| json!({
                                        "date": e.date,
                                        "status": e.status,
                                        "kpis_passed": e.kpis_passed,
                                        "kpis_total": e.kpis_total,
                                        "significant_degradations": e.significant_degradations,
                                    })),
                                    "go_live_blocked_by": v.gate.iter().map(|g| locale.gate_gap(g)).collect::<Vec<_>>(),
                                })).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    print_json(&list, true)?;
                }
                Format::Table => {
                    if models.is_empty() {
                        out!("{}", locale.t("cli.no_models"));
                    }
                    for m in &models {
                        let domain = locale
                            .catalogue()
                            .get(&format!("domain.{}", m.model.draft.domain))
                            .cloned()
                            .unwrap_or_else(|| m.model.draft.domain.clone());
                        out!(
                            "{} · {} · {}",
                            for_terminal(&m.model.draft.name),
                            for_terminal(&domain),
                            locale.t(&format!("risk.{}", m.model.draft.risk_tier.key()))
                        );
                        for v in &m.versions {
                            let verdict = match &v.latest {
                                Some(e) => locale.format(
                                    "cli.latest_verdict",
                                    [
                                        ("date", e.date.to_string().as_str()),
                                        ("passed", e.kpis_passed.to_string().as_str()),
                                        ("total", e.kpis_total.to_string().as_str()),
                                        ("status", locale.t(&e.status.text_key()).as_str()),
                                    ],
                                ),
                                None => locale.t("cli.no_evaluation"),
                            };
                            let flag = if v.version.gate_override.is_some() {
                                format!(" ⚠ {}", locale.t("models.overridden"))
                            } else {
                                String::new()
                            };
                            out!(
                                "  {:<12} {:<10} {}{}",
                                for_terminal(&v.version.draft.label),
                                locale.t(&v.version.stage.text_key()),
                                verdict,
                                flag
                            );
                        }
                    }
                }
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

pub fn run_eval(command: EvalCommand, locale: Locale) -> Result<(), Failure> {
    match command {
        EvalCommand::Import {
            workspace,
            user,
            model,
            version,
            dry_run,
            format,
            date,
            dataset,
            revision,
            third_party,
            assessor,
            report,
            mappings,
            files,
        } => {
            let mappings = mappings
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
                .collect::<Result<Vec<_>, _>>()?;
            let mut session = login(&workspace, &user, locale)?;
            let model_id = session.model_named(&model)?;
            let version_id = match model_id {
                Some(id) => version_id(&session, id, &version)?,
                None => None,
            };
            let sources: Vec<ImportSource> = files
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
            let mut files_shown = preview.files.clone();
            if !mappings.is_empty() {
                for file in &mut files_shown {
                    for m in &mut file.metrics {
                        if let Some(chosen) = mappings.iter().find(|c| {
                            c.metric == m.metric && (c.task.is_empty() || c.task == m.task)
                        }) {
                            // As the import will: a KPI the policy does not have is none.
                            m.kpi = preview.policy.kpi(&chosen.kpi).map(|k| k.key.clone());
                        }
                    }
                }
            }
            for refusal in &preview.refused {
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
            if dry_run || !preview.refused.is_empty() {
                for file in &files_shown {
                    match format {
                        Format::Json => print_json(&preview_json(file, locale), false)?,
                        Format::Table => print_preview_table(file, locale),
                    }
                }
                if !preview.refused.is_empty() {
                    return Err(Failure::Refused);
                }
                if dry_run {
                    if matches!(format, Format::Table) {
                        out!("{}", locale.t("cli.dry_run_nothing_stored"));
                    }
                    return Ok(());
                }
            }
            if model_id.is_none() {
                return Err(not_found(locale, &locale.t("entity.model"), &model));
            }
            let Some(version_id) = version_id else {
                return Err(not_found(
                    locale,
                    &locale.t("entity.model_version"),
                    &version,
                ));
            };
            let dataset = dataset.unwrap_or_else(|| {
                let mut tasks: Vec<&str> = preview
                    .files
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
                    text = preview
                        .files
                        .iter()
                        .map(|f| f.source.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                }
                text.chars().take(200).collect()
            });
            let evaluator = match third_party {
                Some(organisation) => Evaluator::ThirdParty {
                    organisation,
                    assessor,
                    report,
                },
                None => Evaluator::Internal,
            };
            let outcome = session.execute(EvaluationCommand::Import {
                model_version: version_id,
                meta: EvaluationMeta {
                    date: date.unwrap_or_else(|| chrono::Local::now().date_naive()),
                    evaluator,
                    dataset,
                    model_revision: revision,
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
            let detail = session.evaluation(govbench_protocol::EvaluationId(outcome.entity.id))?;
            match format {
                Format::Json => print_json(
                    &json!({
                        "evaluation": detail.evaluation.id,
                        "files": preview.files.iter().map(|f| preview_json(f, locale)).collect::<Vec<_>>(),
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
                                ("files", preview.files.len().to_string().as_str()),
                                ("model", model.as_str()),
                                ("version", version.as_str()),
                            ]
                        )
                    );
                    for v in &detail.verdicts {
                        let mark = if v.passes { "✓" } else { "✗" };
                        out!("  {mark} {}", for_terminal(&locale.verdict_sentence(v)));
                    }
                }
            }
        }
        EvalCommand::List {
            workspace,
            user,
            model,
            format,
        } => {
            let session = login(&workspace, &user, locale)?;
            let id = model_id(&session, &model, locale)?;
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
                                        [(
                                            "count",
                                            e.significant_degradations.to_string().as_str()
                                        )]
                                    )
                                )
                            } else {
                                String::new()
                            }
                        );
                    }
                }
            }
        }
    }
    Ok(())
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
