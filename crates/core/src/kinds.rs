//! Facts about each kind of record that every layer above needs and none of them owns: who may
//! read it, whether it takes comments and evidence, its table, its status field. One exhaustive
//! `match` per fact, so a new kind is added here once (the compiler names every place).

use crate::error::CoreResult;
use govbench_protocol::{
    AssessmentPermission, AuditPermission, DrillPermission, EntityKind, EntityRef,
    EvaluationPermission, IncidentPermission, ModelPermission, Permission, RequirementPermission,
    UserPermission,
};
use rusqlite::{Connection, OptionalExtension};

/// Kinds of record that carry a comment thread, with the permission needed to read them (and
/// so to comment on them). One arm per kind.
pub(crate) fn comment_thread(kind: EntityKind) -> Option<Permission> {
    match kind {
        EntityKind::Requirement => Some(RequirementPermission::Read.into()),
        EntityKind::Model | EntityKind::ModelVersion => Some(ModelPermission::Read.into()),
        EntityKind::Evaluation => Some(EvaluationPermission::Read.into()),
        EntityKind::Incident => Some(IncidentPermission::Read.into()),
        EntityKind::DrillRun => Some(DrillPermission::Read.into()),
        EntityKind::Workspace
        | EntityKind::User
        | EntityKind::Comment
        | EntityKind::TeamMember
        | EntityKind::ResponseRules
        | EntityKind::DrillTemplate
        | EntityKind::DrillPlan
        | EntityKind::Attachment
        | EntityKind::ReportExport => None,
        EntityKind::Assessment => Some(AssessmentPermission::Read.into()),
    }
}

/// Kinds of record that take attachments (evidence), with the permission needed to read
/// them (and so to attach to them). One arm per kind.
pub(crate) fn attachable(kind: EntityKind) -> Option<Permission> {
    match kind {
        EntityKind::Incident => Some(IncidentPermission::Read.into()),
        EntityKind::DrillRun => Some(DrillPermission::Read.into()),
        EntityKind::Workspace
        | EntityKind::User
        | EntityKind::Comment
        | EntityKind::Requirement
        | EntityKind::Model
        | EntityKind::ModelVersion
        | EntityKind::Evaluation
        | EntityKind::TeamMember
        | EntityKind::ResponseRules
        | EntityKind::DrillTemplate
        | EntityKind::DrillPlan
        | EntityKind::Attachment
        | EntityKind::Assessment
        | EntityKind::ReportExport => None,
    }
}

/// Who may read a record of `kind` (and so its history). One arm per kind.
pub(crate) fn read_permission(kind: EntityKind) -> Permission {
    match kind {
        EntityKind::Requirement => RequirementPermission::Read.into(),
        EntityKind::User => UserPermission::Read.into(),
        EntityKind::Model | EntityKind::ModelVersion => ModelPermission::Read.into(),
        EntityKind::Evaluation => EvaluationPermission::Read.into(),
        EntityKind::Incident | EntityKind::TeamMember | EntityKind::ResponseRules => {
            IncidentPermission::Read.into()
        }
        EntityKind::DrillTemplate | EntityKind::DrillPlan | EntityKind::DrillRun => {
            DrillPermission::Read.into()
        }
        EntityKind::Assessment | EntityKind::ReportExport => AssessmentPermission::Read.into(),
        // An attachment: whoever may read what it is on (checked when it is read).
        EntityKind::Attachment => AuditPermission::Verify.into(),
        // A comment, or the workspace itself: whoever may read the workspace at all.
        EntityKind::Comment | EntityKind::Workspace => AuditPermission::Verify.into(),
    }
}

/// The field of a record's image that holds its lifecycle status.
pub(crate) fn status_field(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::ModelVersion => "stage",
        EntityKind::Workspace
        | EntityKind::User
        | EntityKind::Requirement
        | EntityKind::Comment
        | EntityKind::Model
        | EntityKind::Evaluation
        | EntityKind::Incident
        | EntityKind::TeamMember
        | EntityKind::ResponseRules
        | EntityKind::DrillTemplate
        | EntityKind::DrillPlan
        | EntityKind::DrillRun
        | EntityKind::Attachment
        | EntityKind::Assessment
        | EntityKind::ReportExport => "status",
    }
}

/// The table holding records of `kind`, keyed by `id` (deep verification compares every row
/// with the log). One arm per kind.
pub(crate) fn table(kind: EntityKind) -> Option<&'static str> {
    match kind {
        EntityKind::Requirement => Some("requirements"),
        EntityKind::User => Some("users"),
        EntityKind::Comment => Some("comments"),
        EntityKind::Model => Some("models"),
        EntityKind::ModelVersion => Some("model_versions"),
        EntityKind::Evaluation => Some("evaluations"),
        EntityKind::Incident => Some("incidents"),
        EntityKind::TeamMember => Some("team_members"),
        EntityKind::ResponseRules => Some("response_rules"),
        EntityKind::DrillTemplate => Some("drill_templates"),
        EntityKind::DrillPlan => Some("drill_plans"),
        EntityKind::DrillRun => Some("drill_runs"),
        EntityKind::Attachment => Some("attachments"),
        EntityKind::Assessment => Some("assessments"),
        EntityKind::ReportExport => Some("report_exports"),
        EntityKind::Workspace => None,
    }
}

/// Does the record exist?
pub(crate) fn exists(conn: &Connection, entity: EntityRef) -> CoreResult<bool> {
    let Some(table) = table(entity.kind) else {
        return Ok(false);
    };
    // `table` is one of the fixed names above, never input.
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
        .query_row([entity.id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The column of `kind`'s table that holds the record's status, where lists read it from
/// one. One arm per kind.
fn status_column(kind: EntityKind) -> Option<&'static str> {
    match kind {
        EntityKind::Requirement
        | EntityKind::Evaluation
        | EntityKind::Incident
        | EntityKind::DrillRun
        | EntityKind::Assessment => Some("status"),
        EntityKind::Workspace
        | EntityKind::User
        | EntityKind::Comment
        | EntityKind::Model
        | EntityKind::ModelVersion
        | EntityKind::TeamMember
        | EntityKind::ResponseRules
        | EntityKind::DrillTemplate
        | EntityKind::DrillPlan
        | EntityKind::Attachment
        | EntityKind::ReportExport => None,
    }
}

/// The status key of a record (`None` if there is no such record or its kind keeps no
/// status column): how a feature learns the state of another's record without reaching into
/// it (an incident opened in a drill needs the run to be running).
pub(crate) fn status(conn: &Connection, entity: EntityRef) -> CoreResult<Option<String>> {
    let (Some(table), Some(column)) = (table(entity.kind), status_column(entity.kind)) else {
        return Ok(None);
    };
    // Both names are fixed above, never input.
    Ok(conn
        .prepare_cached(&format!("SELECT {column} FROM {table} WHERE id = ?1"))?
        .query_row([entity.id.to_string()], |r| r.get(0))
        .optional()?)
}
