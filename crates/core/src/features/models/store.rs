//! The stored model, version and evaluation: each is its own audit image (`shared::records`).

use crate::change::record_image;
use crate::error::CoreResult;
use crate::shared::records::{self, Stored};
use chrono::{DateTime, Utc};
use govbench_protocol::{
    EntityKind, EvaluationDecision, EvaluationId, EvaluationMeta, EvaluationStatus, ImportWarning,
    KpiPolicy, LivePeriod, MetricValue, ModelDraft, ModelId, ModelVersionId, RequirementLink,
    Review, SourceFile, TaskSamples, UserId, VersionDraft, VersionStage,
};
use rusqlite::{Connection, ToSql};
use serde::{Deserialize, Serialize};

/// Names compare without case and surrounding space (`GPT-Med` = `gpt-med `).
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub id: ModelId,
    pub draft: ModelDraft,
    pub policy: KpiPolicy,
    pub links: Vec<RequirementLink>,
    pub live: Option<ModelVersionId>,
    pub timeline: Vec<LivePeriod>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub id: ModelVersionId,
    pub model: ModelId,
    pub draft: VersionDraft,
    /// Never `Live`: the model holds which version is live.
    pub stage: VersionStage,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub id: EvaluationId,
    pub model: ModelId,
    pub model_version: ModelVersionId,
    pub meta: EvaluationMeta,
    pub sources: Vec<SourceFile>,
    pub metrics: Vec<MetricValue>,
    pub samples: Vec<TaskSamples>,
    pub warnings: Vec<ImportWarning>,
    pub status: EvaluationStatus,
    pub review: Option<Review>,
    pub decision: Option<EvaluationDecision>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

impl Model {
    /// The stage a version shows: `Live` when this model says so, else its stored stage.
    pub fn stage_of(&self, version: &Version) -> VersionStage {
        if self.live == Some(version.id) {
            VersionStage::Live
        } else {
            version.stage
        }
    }
}

record_image!(Model, Version, Evaluation);

impl Stored for Model {
    const KIND: EntityKind = EntityKind::Model;
    const TABLE: &'static str = "models";
    const INDEXED: &'static [&'static str] = &["name_key", "updated_at"];
    fn indexed(&self) -> Vec<Box<dyn ToSql>> {
        vec![
            Box::new(name_key(&self.draft.name)),
            Box::new(self.updated_at),
        ]
    }
}

impl Stored for Version {
    const KIND: EntityKind = EntityKind::ModelVersion;
    const TABLE: &'static str = "model_versions";
    const INDEXED: &'static [&'static str] = &["model_id", "label_key", "created_at"];
    fn indexed(&self) -> Vec<Box<dyn ToSql>> {
        vec![
            Box::new(self.model.to_string()),
            Box::new(name_key(&self.draft.label)),
            Box::new(self.created_at),
        ]
    }
}

impl Stored for Evaluation {
    const KIND: EntityKind = EntityKind::Evaluation;
    const TABLE: &'static str = "evaluations";
    const INDEXED: &'static [&'static str] = &[
        "model_id",
        "model_version_id",
        "eval_date",
        "status",
        "created_at",
        "decision_owner",
    ];
    fn indexed(&self) -> Vec<Box<dyn ToSql>> {
        let open_decision = self
            .decision
            .as_ref()
            .filter(|d| d.done.is_none())
            .map(|d| d.owner.to_string());
        vec![
            Box::new(self.model.to_string()),
            Box::new(self.model_version.to_string()),
            Box::new(self.meta.date),
            Box::new(self.status.key()),
            Box::new(self.created_at),
            Box::new(open_decision),
        ]
    }
}

/// Stores a new model and its requirement links.
pub(crate) fn insert_model(conn: &Connection, model: &Model) -> CoreResult<()> {
    records::insert(conn, model)?;
    write_links(conn, model)
}

pub(crate) fn update_model(conn: &Connection, before: &Model, after: &Model) -> CoreResult<()> {
    records::update(conn, before, after)?;
    write_links(conn, after)
}

/// `model_requirements` is derived from the model's links: "which models deliver this
/// requirement" without reading every model.
fn write_links(conn: &Connection, model: &Model) -> CoreResult<()> {
    conn.prepare_cached("DELETE FROM model_requirements WHERE model_id = ?1")?
        .execute([model.id.to_string()])?;
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO model_requirements (model_id, requirement_id, version_id)
         VALUES (?1, ?2, ?3)",
    )?;
    for link in &model.links {
        insert.execute([
            model.id.to_string(),
            link.requirement.to_string(),
            link.version.map(|v| v.to_string()).unwrap_or_default(),
        ])?;
    }
    Ok(())
}

pub(crate) fn find_model(conn: &Connection, id: ModelId) -> CoreResult<Option<Model>> {
    records::find(conn, id.0)
}

pub(crate) fn load_model(conn: &Connection, id: ModelId) -> CoreResult<Model> {
    records::load(conn, id.0)
}

pub(crate) fn find_version(conn: &Connection, id: ModelVersionId) -> CoreResult<Option<Version>> {
    records::find(conn, id.0)
}

pub(crate) fn load_version(conn: &Connection, id: ModelVersionId) -> CoreResult<Version> {
    records::load(conn, id.0)
}

pub(crate) fn find_evaluation(
    conn: &Connection,
    id: EvaluationId,
) -> CoreResult<Option<Evaluation>> {
    records::find(conn, id.0)
}

pub(crate) fn load_evaluation(conn: &Connection, id: EvaluationId) -> CoreResult<Evaluation> {
    records::load(conn, id.0)
}

pub(crate) fn all_models(conn: &Connection) -> CoreResult<Vec<Model>> {
    records::select(conn, "1", "name_key, local_key", &[])
}

pub(crate) fn models_named(conn: &Connection, name: &str) -> CoreResult<Vec<Model>> {
    records::select(conn, "name_key = ?1", "local_key", &[&name_key(name)])
}

pub(crate) fn versions_of(conn: &Connection, model: ModelId) -> CoreResult<Vec<Version>> {
    records::select(
        conn,
        "model_id = ?1",
        "created_at, local_key",
        &[&model.to_string()],
    )
}

/// A model's evaluations, oldest first (by evaluation date, then when they were recorded).
pub(crate) fn evaluations_of(conn: &Connection, model: ModelId) -> CoreResult<Vec<Evaluation>> {
    records::select(
        conn,
        "model_id = ?1",
        "eval_date, created_at, local_key",
        &[&model.to_string()],
    )
}

/// The model's latest evaluation read from files (not typed in), decoding only as many
/// records as it takes to find it.
pub(crate) fn latest_imported(conn: &Connection, model: ModelId) -> CoreResult<Option<Evaluation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT body FROM evaluations WHERE model_id = ?1
         ORDER BY eval_date DESC, created_at DESC, local_key DESC",
    )?;
    let mut rows = stmt.query([model.to_string()])?;
    while let Some(row) = rows.next()? {
        let body: String = row.get(0)?;
        let e: Evaluation = serde_json::from_str(&body)
            .map_err(|e| crate::error::CoreError::Malformed(format!("evaluation record: {e}")))?;
        if e.sources.iter().any(|s| s.tool != "manual") {
            return Ok(Some(e));
        }
    }
    Ok(None)
}

pub(crate) fn evaluations_with_status(
    conn: &Connection,
    status: EvaluationStatus,
) -> CoreResult<Vec<Evaluation>> {
    records::select(
        conn,
        "status = ?1",
        "eval_date DESC, created_at DESC",
        &[&status.key()],
    )
}

pub(crate) fn open_decisions_of(conn: &Connection, owner: UserId) -> CoreResult<Vec<Evaluation>> {
    records::select(
        conn,
        "decision_owner = ?1",
        "eval_date DESC, created_at DESC",
        &[&owner.to_string()],
    )
}

/// Models linked to a requirement, with the version named by the link, if any.
pub(crate) fn linked_to(
    conn: &Connection,
    requirement: govbench_protocol::RequirementId,
) -> CoreResult<Vec<(ModelId, Option<ModelVersionId>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT model_id, version_id FROM model_requirements WHERE requirement_id = ?1",
    )?;
    let rows = stmt
        .query_map([requirement.to_string()], |row| {
            let model: String = row.get(0)?;
            let version: String = row.get(1)?;
            Ok((model, version))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, v)| {
            let model = m.parse().ok()?;
            Some((model, v.parse().ok()))
        })
        .collect())
}

/// Stores a change another copy made to a model (its links re-derived; see `Change::put`).
pub(crate) fn put_model(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    change.put(|m| insert_model(conn, m), |b, a| update_model(conn, b, a))
}

pub(crate) fn put_version(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    records::put::<Version>(conn, change)
}

pub(crate) fn put_evaluation(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    records::put::<Evaluation>(conn, change)
}
