use super::import::{self, ReadFiles};
use super::lifecycle::{EVALUATION, VERSION};
use super::store::{self, Evaluation, Model, Version};
use super::{validate, verdicts};
use crate::access::Reader;
use crate::change::{Change, Context};
use crate::error::{CoreError, CoreResult};
use crate::shared::records;
use govbench_protocol::{
    EvaluationCommand as E, EvaluationDecision, EvaluationId, EvaluationStatus as ES, GateOverride,
    LiveChange, LivePeriod, MetricValue, ModelAction, ModelCommand as C, ModelDraft, ModelId,
    ModelVersionId, Refusal, Review, Role, SourceFile, VersionDraft, VersionStage as S,
};
use rusqlite::Transaction;
use uuid::Uuid;

/// At most this many values in one evaluation (a thousand results files of sixty metrics
/// each fit); each is carried in its audit image.
pub const MAX_VALUES: usize = 100_000;

/// Reads the files of an import before the write transaction (they may be large).
pub fn prepare(_reader: &Reader<'_>, command: &E) -> CoreResult<Option<ReadFiles>> {
    Ok(match command {
        E::Import { sources, .. } => Some(import::read_sources(sources)),
        E::RecordManual { .. }
        | E::SignOff { .. }
        | E::Reject { .. }
        | E::Decide { .. }
        | E::CompleteDecision { .. } => None,
    })
}

/// Applies one model or version command inside the write path's transaction.
pub fn apply(tx: &Transaction<'_>, ctx: &Context<'_>, command: &C) -> CoreResult<Change> {
    match command {
        C::Register { draft } => {
            validate::model(tx, draft, None)?;
            let model = Model {
                id: ModelId(Uuid::now_v7()),
                draft: normalised_model(draft),
                policy: govbench_protocol::KpiPolicy::defaults(),
                links: Vec::new(),
                live: None,
                timeline: Vec::new(),
                created_by: ctx.actor.id,
                created_at: ctx.now,
                updated_at: ctx.now,
                version: 1,
            };
            store::insert_model(tx, &model)?;
            Change::created(&model)
        }
        C::Edit { id, draft } => change_model(tx, ctx, *id, |tx, m| {
            validate::model(tx, draft, Some(m.id))?;
            m.draft = normalised_model(draft);
            Ok(())
        }),
        C::SetPolicy { id, policy } => change_model(tx, ctx, *id, |_, m| {
            validate::policy(policy)?;
            m.policy = policy.clone();
            Ok(())
        }),
        C::LinkRequirements { id, links } => change_model(tx, ctx, *id, |tx, m| {
            validate::links(tx, m.id, links)?;
            m.links = links.clone();
            Ok(())
        }),
        C::AddVersion { model, draft } => {
            store::load_model(tx, *model)?;
            validate::version(tx, *model, draft, None)?;
            let version = Version {
                id: ModelVersionId(Uuid::now_v7()),
                model: *model,
                draft: normalised_version(draft),
                stage: S::Development,
                created_by: ctx.actor.id,
                created_at: ctx.now,
                updated_at: ctx.now,
                version: 1,
            };
            records::insert(tx, &version)?;
            Change::created(&version)
        }
        C::EditVersion { id, .. }
        | C::StartTesting { id }
        | C::ApproveVersion { id }
        | C::RetireVersion { id } => change_version(tx, ctx, command, *id),
        C::GoLive {
            version,
            justification,
        } => go_live(tx, ctx, command, *version, justification.as_deref()),
        C::Rollback { version, reason } => rollback(tx, ctx, command, *version, reason),
    }
}

fn change_model(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    id: ModelId,
    change: impl FnOnce(&Transaction<'_>, &mut Model) -> CoreResult<()>,
) -> CoreResult<Change> {
    let before = store::load_model(tx, id)?;
    let mut after = before.clone();
    change(tx, &mut after)?;
    after.updated_at = ctx.now;
    after.version = before.version + 1;
    store::update_model(tx, &before, &after)?;
    Change::updated(&before, &after)
}

fn change_version(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &C,
    id: ModelVersionId,
) -> CoreResult<Change> {
    let action = command.action();
    let before = store::load_version(tx, id)?;
    let model = store::load_model(tx, before.model)?;
    if model.live == Some(id) && action != govbench_protocol::ModelAction::EditVersion {
        // The live version keeps its stage until another one replaces it.
        return Err(CoreError::IllegalTransition {
            entity: govbench_protocol::EntityKind::ModelVersion,
            action: action.into(),
            from: S::Live.key(),
        });
    }
    let mut after = before.clone();
    after.stage = VERSION.next(action, model.stage_of(&before))?;
    if let C::EditVersion { draft, .. } = command {
        validate::version(tx, before.model, draft, Some(id))?;
        after.draft = normalised_version(draft);
        // What was evaluated is what goes live: once evaluated, code and configuration
        // stay as they were (a new commit is a new version).
        let pinned = |d: &VersionDraft| {
            (
                d.code_repo.clone(),
                d.code_commit.clone(),
                d.config_repo.clone(),
                d.config_commit.clone(),
            )
        };
        let evaluated = store::evaluations_of(tx, before.model)?
            .iter()
            .any(|e| e.model_version == id);
        if evaluated && pinned(&after.draft) != pinned(&before.draft) {
            return Err(CoreError::invalid("code_commit", "evaluated_commit"));
        }
    }
    after.updated_at = ctx.now;
    after.version = before.version + 1;
    records::update(tx, &before, &after)?;
    Change::updated(&before, &after)
}

/// What the gate misses for `version` now (inside the transaction, so nothing can change
/// between the check and the move).
fn gate_now(
    tx: &rusqlite::Connection,
    model: &Model,
    version: &Version,
) -> CoreResult<Vec<govbench_protocol::GateGap>> {
    let evaluations = store::evaluations_of(tx, model.id)?;
    Ok(verdicts::gate_for(&model.policy, version, &evaluations))
}

fn go_live(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &C,
    id: ModelVersionId,
    justification: Option<&str>,
) -> CoreResult<Change> {
    let version = store::load_version(tx, id)?;
    let before = store::load_model(tx, version.model)?;
    VERSION.next(command.action(), before.stage_of(&version))?;
    let gaps = gate_now(tx, &before, &version)?;
    let gate_override = match justification {
        None if gaps.is_empty() => None,
        None => return Err(CoreError::GateClosed(gaps)),
        Some(text) => {
            validate::justification(text)?;
            // With the gate open there is nothing to override: no flag.
            (!gaps.is_empty()).then(|| GateOverride {
                justification: text.trim().to_owned(),
                gaps,
            })
        }
    };
    move_live(tx, ctx, before, id, LiveChange::GoLive, None, gate_override)
}

fn rollback(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &C,
    id: ModelVersionId,
    reason: &str,
) -> CoreResult<Change> {
    let version = store::load_version(tx, id)?;
    let before = store::load_model(tx, version.model)?;
    VERSION.next(command.action(), before.stage_of(&version))?;
    validate::reason("reason", reason, true)?;
    if !before.timeline.iter().any(|p| p.version == id) {
        return Err(CoreError::invalid("version", "never_live"));
    }
    // Back to a version whose gate is open: anyone who may release. Otherwise only who may
    // override, and the rollback is recorded as an override with the reason.
    let gaps = gate_now(tx, &before, &version)?;
    let gate_override = if gaps.is_empty() {
        None
    } else if crate::authz::allows_action(ctx.actor.role, ModelAction::OverrideGate.into()) {
        Some(GateOverride {
            justification: reason.trim().to_owned(),
            gaps,
        })
    } else {
        return Err(CoreError::GateClosed(gaps));
    };
    move_live(
        tx,
        ctx,
        before,
        id,
        LiveChange::Rollback,
        Some(reason.trim().to_owned()),
        gate_override,
    )
}

fn move_live(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    before: Model,
    id: ModelVersionId,
    change: LiveChange,
    reason: Option<String>,
    gate_override: Option<GateOverride>,
) -> CoreResult<Change> {
    let mut after = before.clone();
    if let Some(open) = after.timeline.iter_mut().rev().find(|p| p.to.is_none()) {
        open.to = Some(ctx.now);
    }
    after.timeline.push(LivePeriod {
        version: id,
        from: ctx.now,
        to: None,
        by: ctx.actor.id,
        change,
        reason,
        gate_override,
    });
    after.live = Some(id);
    after.updated_at = ctx.now;
    after.version = before.version + 1;
    store::update_model(tx, &before, &after)?;
    Change::updated(&before, &after)
}

fn normalised_model(d: &ModelDraft) -> ModelDraft {
    let mut d = d.clone();
    d.name = d.name.trim().to_owned();
    d.domain = d.domain.trim().to_owned();
    d.business_department = d.business_department.trim().to_owned();
    d
}

fn normalised_version(d: &VersionDraft) -> VersionDraft {
    let mut d = d.clone();
    for field in [
        &mut d.label,
        &mut d.code_repo,
        &mut d.code_commit,
        &mut d.config_repo,
        &mut d.config_commit,
        &mut d.base_model,
    ] {
        *field = field.trim().to_owned();
    }
    d.code_commit = d.code_commit.to_ascii_lowercase();
    d.config_commit = d.config_commit.to_ascii_lowercase();
    d
}

/// Applies one evaluation command inside the write path's transaction.
pub fn apply_evaluation(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &E,
    imported: Option<ReadFiles>,
) -> CoreResult<Change> {
    match command {
        E::Import {
            model_version,
            meta,
            sources,
            expected,
            mappings,
        } => {
            let read = imported.ok_or(CoreError::Malformed("import without files".into()))?;
            let (version, model) = evaluated(tx, *model_version)?;
            validate::meta(meta, ctx.now)?;
            validate::import_size(sources, mappings)?;
            let remembered = import::remembered(store::latest_imported(tx, model.id)?.as_ref());
            let mapped = read.previews(&model.policy, mappings, &remembered);
            let evaluation = from_files(ctx, &model, &version, meta, &read, mapped, expected)?;
            records::insert(tx, &evaluation)?;
            Change::created(&evaluation)
        }
        E::RecordManual {
            model_version,
            meta,
            values,
        } => {
            let (version, model) = evaluated(tx, *model_version)?;
            validate::meta(meta, ctx.now)?;
            validate::manual(&model.policy, values)?;
            let mut evaluation = new_evaluation(ctx, &model, &version, meta);
            evaluation.sources = vec![SourceFile {
                name: String::new(),
                sha256: String::new(),
                bytes: 0,
                tool: "manual".into(),
                tool_version: None,
                model: None,
                date: None,
            }];
            evaluation.metrics = values
                .iter()
                .map(|v| MetricValue {
                    task: String::new(),
                    metric: v.kpi.clone(),
                    value: v.value,
                    stderr: v.stderr,
                    n: v.n,
                    group: v.group.as_ref().map(|g| g.trim().to_owned()),
                    kpi: Some(v.kpi.clone()),
                    source: 0,
                })
                .collect();
            records::insert(tx, &evaluation)?;
            Change::created(&evaluation)
        }
        E::SignOff { id, comment } | E::Reject { id, comment } => {
            let signed_off = matches!(command, E::SignOff { .. });
            change_evaluation(tx, ctx, command, *id, |tx, e| {
                let policy = store::load_model(tx, e.model)?.policy;
                validate::reason("comment", comment, !signed_off)?;
                if e.created_by == ctx.actor.id {
                    // Separation of duties: whoever recorded the results does not accept them.
                    return Err(CoreError::OwnWork {
                        entity: e.id.into(),
                        action: command.action().into(),
                    });
                }
                e.review = Some(Review {
                    by: ctx.actor.id,
                    at: ctx.now,
                    signed_off,
                    comment: comment.trim().to_owned(),
                    policy: signed_off.then_some(policy),
                });
                Ok(())
            })
        }
        E::Decide {
            id,
            kind,
            rationale,
            owner,
            due,
        } => change_evaluation(tx, ctx, command, *id, |tx, e| {
            validate::decision(tx, rationale, *owner, *due)?;
            if e.decision.as_ref().is_some_and(|d| d.done.is_none()) {
                return Err(CoreError::invalid("decision", "decision_open"));
            }
            e.decision = Some(EvaluationDecision {
                kind: *kind,
                rationale: rationale.trim().to_owned(),
                owner: *owner,
                due: *due,
                done: None,
            });
            Ok(())
        }),
        E::CompleteDecision { id, note } => change_evaluation(tx, ctx, command, *id, |_, e| {
            validate::reason("note", note, false)?;
            let Some(decision) = e.decision.as_mut().filter(|d| d.done.is_none()) else {
                return Err(CoreError::invalid("decision", "no_open_decision"));
            };
            let may = decision.owner == ctx.actor.id
                || matches!(ctx.actor.role, Role::ProjectManager | Role::Admin);
            if !may {
                return Err(CoreError::NotAuthor {
                    entity: e.id.into(),
                    action: command.action().into(),
                });
            }
            decision.done = Some(govbench_protocol::DecisionDone {
                by: ctx.actor.id,
                at: ctx.now,
                note: note.trim().to_owned(),
            });
            Ok(())
        }),
    }
}

/// The version an evaluation is about, and its model. A retired version is not evaluated.
fn evaluated(tx: &Transaction<'_>, id: ModelVersionId) -> CoreResult<(Version, Model)> {
    let version = store::load_version(tx, id)?;
    if version.stage == S::Retired {
        return Err(CoreError::invalid("model_version", "retired"));
    }
    let model = store::load_model(tx, version.model)?;
    Ok((version, model))
}

fn new_evaluation(
    ctx: &Context<'_>,
    model: &Model,
    version: &Version,
    meta: &govbench_protocol::EvaluationMeta,
) -> Evaluation {
    let mut meta = meta.clone();
    meta.dataset = meta.dataset.trim().to_owned();
    meta.model_revision = meta.model_revision.trim().to_owned();
    Evaluation {
        id: EvaluationId(Uuid::now_v7()),
        model: model.id,
        model_version: version.id,
        meta,
        sources: Vec::new(),
        metrics: Vec::new(),
        samples: Vec::new(),
        warnings: Vec::new(),
        status: ES::Submitted,
        review: None,
        decision: None,
        created_by: ctx.actor.id,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    }
}

fn from_files(
    ctx: &Context<'_>,
    model: &Model,
    version: &Version,
    meta: &govbench_protocol::EvaluationMeta,
    read: &ReadFiles,
    files: Vec<govbench_protocol::FilePreview>,
    expected: &[(String, String)],
) -> CoreResult<Evaluation> {
    if let Some(refused) = read.refused.first() {
        return Err(CoreError::ImportRefused(refused.clone()));
    }
    if files.is_empty() {
        return Err(CoreError::invalid("sources", "no_files"));
    }
    // What the user saw, file by file (none: no preview was shown, as from the API).
    if !expected.is_empty() {
        if expected.len() != files.len() {
            return Err(CoreError::invalid("expected", "preview_mismatch"));
        }
        for (file, (_, sha)) in files.iter().zip(expected) {
            if *sha != file.source.sha256 {
                return Err(CoreError::ImportRefused(Refusal {
                    file: file.source.name.clone(),
                    problem: "changed".into(),
                    detail: file.source.sha256.clone(),
                }));
            }
        }
    }
    let mut evaluation = new_evaluation(ctx, model, version, meta);
    if evaluation.meta.model_revision.is_empty() {
        if let Some(named) = files.iter().find_map(|f| f.source.model.clone()) {
            evaluation.meta.model_revision = crate::shared::validate::cleaned(&named, 200, false);
        }
    }
    for (index, file) in files.into_iter().enumerate() {
        let source = index as u32;
        evaluation
            .metrics
            .extend(file.metrics.into_iter().map(|m| MetricValue {
                task: m.task,
                metric: m.metric,
                value: m.value,
                stderr: m.stderr,
                n: m.n,
                group: m.group,
                kpi: m.kpi,
                source,
            }));
        if let Some(mut samples) = file.samples {
            samples.source = source;
            evaluation.samples.push(samples);
        }
        evaluation.warnings.extend(file.warnings);
        evaluation.sources.push(file.source);
    }
    if evaluation.metrics.len() > MAX_VALUES {
        return Err(CoreError::invalid("sources", "too_many_values"));
    }
    Ok(evaluation)
}

fn change_evaluation(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &E,
    id: EvaluationId,
    change: impl FnOnce(&Transaction<'_>, &mut Evaluation) -> CoreResult<()>,
) -> CoreResult<Change> {
    let before = store::load_evaluation(tx, id)?;
    let mut after = before.clone();
    after.status = EVALUATION.next(command.action(), before.status)?;
    change(tx, &mut after)?;
    after.updated_at = ctx.now;
    after.version = before.version + 1;
    records::update(tx, &before, &after)?;
    Change::updated(&before, &after)
}
