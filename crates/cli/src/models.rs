//! `govbench models …`: the model inventory, through the same `Session` use cases as the app.

use crate::{for_terminal, keyed, login, Failure, Format};
use clap::Subcommand;
use govbench_core::Session;
use govbench_i18n::Locale;
use govbench_protocol::{
    ApiError, ErrorCode, ModelCommand, ModelDetail, ModelDraft, ModelId, ModelVersionId, RiskTier,
    VersionDraft,
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

pub(crate) fn print_json(value: &impl serde::Serialize, pretty: bool) -> Result<(), Failure> {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .map_err(|e| ApiError::new(ErrorCode::Internal).with("reason", e.to_string()))?;
    out!("{}", for_terminal(&text));
    Ok(())
}

pub(crate) fn not_found(locale: Locale, what: &str, name: &str) -> Failure {
    Failure::Usage(locale.format("cli.not_found", [("what", what), ("name", name)]))
}

pub(crate) fn model_id(session: &Session, name: &str, locale: Locale) -> Result<ModelId, Failure> {
    session
        .model_named(name)?
        .ok_or_else(|| not_found(locale, &locale.t("entity.model"), name))
}

pub(crate) fn version_id(
    session: &Session,
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
                Format::Json => print_json(&models_json(&models, locale), true)?,
                Format::Table => print_models_table(&models, locale),
            }
        }
    }
    Ok(())
}

/// `models list --format json`: each model with its versions and what blocks going live.
fn models_json(models: &[ModelDetail], locale: Locale) -> Vec<serde_json::Value> {
    models
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
        .collect()
}

fn print_models_table(models: &[ModelDetail], locale: Locale) {
    if models.is_empty() {
        out!("{}", locale.t("cli.no_models"));
    }
    for m in models {
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
