//! A record's image, read and stored: the form its audit events carry. One arm per kind in
//! each direction, so a new kind does not compile until both are written.
//!
//! Reading (`current_image`) is what verification compares the log with; storing
//! (`put_image`) is how a copy applies a change another copy made, from the event alone,
//! through the feature's own `insert`/`update` so its derived indexes (search, open actions,
//! a model's links) follow.

use super::{assessments, drills, incidents, models, requirements};
use crate::change::Change;
use crate::error::CoreResult;
use crate::members;
use crate::shared::{attachments, comments, workspace};
use govbench_protocol::{
    AssessmentId, AttachmentId, CommentId, DrillPlanId, DrillRunId, DrillTemplateId, EntityKind,
    EntityRef, EvaluationId, ExportId, IncidentId, ModelId, ModelVersionId, RequirementId,
    TeamMemberId, UserId,
};
use rusqlite::Connection;

/// The record's complete image as stored now, in the form its audit events carry; `None`
/// when it does not exist. One arm per kind. (Replaying a log must reproduce these.)
pub fn current_image(
    conn: &Connection,
    entity: EntityRef,
) -> CoreResult<Option<serde_json::Value>> {
    fn image<T: serde::Serialize>(record: Option<T>) -> CoreResult<Option<serde_json::Value>> {
        Ok(record.map(|r| serde_json::to_value(r)).transpose()?)
    }
    match entity.kind {
        EntityKind::Requirement => image(requirements::find(conn, RequirementId(entity.id))?),
        EntityKind::User => image(members::find_any(conn, UserId(entity.id))?),
        EntityKind::Comment => image(comments::load(conn, CommentId(entity.id))?),
        EntityKind::Model => image(models::find_model(conn, ModelId(entity.id))?),
        EntityKind::ModelVersion => image(models::find_version(conn, ModelVersionId(entity.id))?),
        EntityKind::Evaluation => image(models::find_evaluation(conn, EvaluationId(entity.id))?),
        EntityKind::Incident => image(incidents::find(conn, IncidentId(entity.id))?),
        EntityKind::TeamMember => image(incidents::find_member(conn, TeamMemberId(entity.id))?),
        EntityKind::ResponseRules => {
            image(incidents::rules_record(conn)?.filter(|r| r.id.0 == entity.id))
        }
        EntityKind::DrillTemplate => {
            image(drills::find_template(conn, DrillTemplateId(entity.id))?)
        }
        EntityKind::DrillPlan => image(drills::find_plan(conn, DrillPlanId(entity.id))?),
        EntityKind::DrillRun => image(drills::find_run(conn, DrillRunId(entity.id))?),
        EntityKind::Attachment => image(attachments::find(conn, AttachmentId(entity.id))?),
        EntityKind::Assessment => image(assessments::find(conn, AssessmentId(entity.id))?),
        EntityKind::ReportExport => image(assessments::find_export(conn, ExportId(entity.id))?),
        EntityKind::Workspace => workspace::image(conn),
    }
}

/// Stores the change an event recorded, as the inverse of [`current_image`]: afterwards the
/// record's current image is the event's after-image. An update finds the record at the
/// version it was based on, or nothing is written (`Conflict`).
pub(crate) fn put_image(conn: &Connection, change: &Change) -> CoreResult<()> {
    match change.entity.kind {
        EntityKind::Requirement => requirements::put(conn, change),
        EntityKind::User => members::put(conn, change),
        EntityKind::Comment => comments::put(conn, change),
        EntityKind::Model => models::put_model(conn, change),
        EntityKind::ModelVersion => models::put_version(conn, change),
        EntityKind::Evaluation => models::put_evaluation(conn, change),
        EntityKind::Incident => incidents::put(conn, change),
        EntityKind::TeamMember => incidents::put_member(conn, change),
        EntityKind::ResponseRules => incidents::put_rules(conn, change),
        EntityKind::DrillTemplate => drills::put_template(conn, change),
        EntityKind::DrillPlan => drills::put_plan(conn, change),
        EntityKind::DrillRun => drills::put_run(conn, change),
        EntityKind::Attachment => attachments::put(conn, change),
        EntityKind::Assessment => assessments::put(conn, change),
        EntityKind::ReportExport => assessments::put_export(conn, change),
        EntityKind::Workspace => workspace::put(conn, change),
    }
}

/// Removes a record an undone event had created (a waiting edit the server refused), with
/// what its feature derives from it. One arm per kind.
pub(crate) fn drop_image(conn: &Connection, entity: EntityRef) -> CoreResult<()> {
    let id = entity.id.to_string();
    let delete = |table: &str| -> CoreResult<()> {
        conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [&id])?;
        Ok(())
    };
    match entity.kind {
        EntityKind::Requirement => {
            conn.execute(
                "DELETE FROM requirement_search
                  WHERE rowid = (SELECT local_key FROM requirements WHERE id = ?1)",
                [&id],
            )?;
            delete("requirements")
        }
        EntityKind::Model => {
            conn.execute("DELETE FROM model_requirements WHERE model_id = ?1", [&id])?;
            delete("models")
        }
        EntityKind::Incident | EntityKind::DrillRun | EntityKind::Assessment => {
            crate::shared::follow_ups::index(conn, entity, &[])?;
            delete(crate::kinds::table(entity.kind).unwrap_or_default())
        }
        EntityKind::User
        | EntityKind::Comment
        | EntityKind::ModelVersion
        | EntityKind::Evaluation
        | EntityKind::TeamMember
        | EntityKind::ResponseRules
        | EntityKind::DrillTemplate
        | EntityKind::DrillPlan
        | EntityKind::Attachment
        | EntityKind::ReportExport => delete(crate::kinds::table(entity.kind).unwrap_or_default()),
        EntityKind::Workspace => Err(crate::error::CoreError::Malformed(
            "the workspace's own record is never undone".into(),
        )),
    }
}
