//! The feature modules, and the few places where every feature is listed once: what the
//! shared services need to know about each kind of record, the dashboard's sections, and the
//! samples the role-matrix tests run. (The write path's dispatch lives in `write`.)

pub mod assessments;
pub mod drills;
pub mod incidents;
pub mod models;
pub mod requirements;
pub mod users;

mod images;
pub use images::current_image;
pub(crate) use images::{drop_image, put_image};

use crate::access::Session;
use crate::error::{ApiResult, CoreError};
use crate::shared::history::RECENT;
use crate::shared::lifecycle::StepVerdict;
use crate::shared::{attachments, comments, history};
use govbench_protocol::{
    Action, AttachmentId, AttachmentInfo, AttachmentPreview, AuditPermission, Comment, Dashboard,
    EntityKind, EntityRef, HistoryEntry, RecentPage, RecentRequest,
};

/// Judges a recorded change of a record's status against the lifecycle of its kind: `None`
/// for kinds without one. Reads the status field of the images (`stage` for a model version).
/// One arm per kind.
pub(crate) fn judge_step(
    kind: EntityKind,
    action: Action,
    from: &str,
    to: &str,
) -> Option<StepVerdict> {
    match kind {
        EntityKind::Requirement => Some(requirements::lifecycle::LIFECYCLE.judge(action, from, to)),
        EntityKind::ModelVersion => Some(models::lifecycle::VERSION.judge(action, from, to)),
        EntityKind::Evaluation => Some(models::lifecycle::EVALUATION.judge(action, from, to)),
        EntityKind::Incident => Some(incidents::lifecycle::INCIDENT.judge(action, from, to)),
        EntityKind::DrillRun => Some(drills::lifecycle::RUN.judge(action, from, to)),
        EntityKind::Assessment => Some(assessments::lifecycle::ASSESSMENT.judge(action, from, to)),
        EntityKind::Workspace
        | EntityKind::User
        | EntityKind::Comment
        | EntityKind::Model
        | EntityKind::TeamMember
        | EntityKind::ResponseRules
        | EntityKind::DrillTemplate
        | EntityKind::DrillPlan
        | EntityKind::Attachment
        | EntityKind::ReportExport => None,
    }
}

/// What the write path judged on its tables and the images cannot show, judged again on a
/// copy taking in another copy's event (its tables are the log's state just before it):
/// `Err` names the problem by its `audit.problem.*` key. `may_override` says whether the
/// event's author may override the go-live gate. One arm per kind.
pub(crate) fn recheck(
    conn: &rusqlite::Connection,
    action: &str,
    change: &crate::change::Change,
    may_override: bool,
) -> crate::error::CoreResult<Result<(), &'static str>> {
    match change.entity.kind {
        EntityKind::Model => models::recheck::release(conn, action, change, may_override),
        EntityKind::Workspace
        | EntityKind::User
        | EntityKind::Requirement
        | EntityKind::Comment
        | EntityKind::ModelVersion
        | EntityKind::Evaluation
        | EntityKind::Incident
        | EntityKind::TeamMember
        | EntityKind::ResponseRules
        | EntityKind::DrillTemplate
        | EntityKind::DrillPlan
        | EntityKind::DrillRun
        | EntityKind::Attachment
        | EntityKind::Assessment
        | EntityKind::ReportExport => Ok(Ok(())),
    }
}

/// What an action may do to a record (verification judges every recorded change against it).
/// One arm per feature; each feature's `reach` has one arm per action.
/// What an event reads and touches beyond its own record (see `shared::scopes`), from its
/// images. One arm per kind: a kind whose decisions judge other records names them here.
pub(crate) fn scopes(
    kind: EntityKind,
    action: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> crate::shared::scopes::Scopes {
    use crate::shared::scopes::Scopes;
    match kind {
        EntityKind::Evaluation => models::scopes::evaluation(before, after),
        EntityKind::Model => models::scopes::model(action, after),
        EntityKind::Assessment => assessments::scopes::assessment(action, after),
        EntityKind::Workspace
        | EntityKind::User
        | EntityKind::Requirement
        | EntityKind::Comment
        | EntityKind::ModelVersion
        | EntityKind::Incident
        | EntityKind::TeamMember
        | EntityKind::ResponseRules
        | EntityKind::DrillTemplate
        | EntityKind::DrillPlan
        | EntityKind::DrillRun
        | EntityKind::Attachment
        | EntityKind::ReportExport => Scopes::default(),
    }
}

pub(crate) fn reach(action: Action) -> crate::shared::reach::Reach {
    match action {
        Action::Requirement(a) => requirements::reach::reach(a),
        Action::User(a) => users::reach::reach(a),
        Action::Comment(a) => comments::reach(a),
        Action::Model(a) => models::reach::reach(a),
        Action::Evaluation(a) => models::reach::evaluation_reach(a),
        Action::Incident(a) => incidents::reach::reach(a),
        Action::Drill(a) => drills::reach::reach(a),
        Action::Attachment(a) => attachments::reach(a),
        Action::Assessment(a) => assessments::reach::reach(a),
    }
}

impl Session {
    /// A page of the comment thread on `request.of` (most recent first page).
    pub fn comments(&self, request: &RecentRequest) -> ApiResult<RecentPage<Comment>> {
        let read = crate::kinds::comment_thread(request.of.kind)
            .ok_or_else(|| CoreError::invalid("on", "not_commentable"))?;
        self.read(read, |r| {
            comments::recent(r.conn, request.of, request.before.as_deref(), RECENT)
        })
    }

    /// A page of the history of `request.of`.
    pub fn history(&self, request: &RecentRequest) -> ApiResult<RecentPage<HistoryEntry>> {
        self.read(crate::kinds::read_permission(request.of.kind), |r| {
            history::recent(r.conn, request.of, request.before.as_deref(), RECENT)
        })
    }

    /// The attachments on `on` (whoever may read `on` may see them).
    pub fn attachments(&self, on: EntityRef) -> ApiResult<Vec<AttachmentInfo>> {
        let read = crate::kinds::attachable(on.kind)
            .ok_or_else(|| CoreError::invalid("on", "not_attachable"))?;
        self.read(read, |r| attachments::on(r.conn, on))
    }

    /// An attachment with its bytes (checked against its SHA-256), for whoever may read the
    /// record it is on.
    pub fn attachment(
        &self,
        id: AttachmentId,
    ) -> ApiResult<(govbench_protocol::Attachment, Vec<u8>)> {
        let attachment = self.read(AuditPermission::Verify, |r| {
            attachments::find(r.conn, id)?.ok_or(CoreError::NotFound(id.into()))
        })?;
        let read = crate::kinds::attachable(attachment.on.kind)
            .ok_or_else(|| CoreError::invalid("on", "not_attachable"))?;
        self.read(read, |r| {
            let bytes = attachments::bytes(r.conn, &attachment)?;
            Ok((attachment.clone(), bytes))
        })
    }

    /// An image attachment's bytes, to show it in the app.
    pub fn attachment_preview(&self, id: AttachmentId) -> ApiResult<AttachmentPreview> {
        use base64::Engine;
        let (attachment, bytes) = self.attachment(id)?;
        if !attachment.media_type.starts_with("image/") {
            return Err(CoreError::invalid("attachment", "not_an_image").into());
        }
        Ok(AttachmentPreview {
            media_type: attachment.media_type,
            base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        })
    }

    /// The start page: one card per feature the user may read. A feature adds its card here.
    pub fn dashboard(&self) -> ApiResult<Dashboard> {
        let mut sections = Vec::new();
        sections.extend(self.requirements_dashboard()?);
        sections.extend(self.models_dashboard()?);
        sections.extend(self.incidents_dashboard()?);
        sections.extend(self.drills_dashboard()?);
        sections.extend(self.assessments_dashboard()?);
        Ok(Dashboard { sections })
    }
}

/// Samples of every command and read of every feature, made on a real workspace, so the
/// role × command matrix test covers a new feature without being edited. Not used by the
/// application.
#[cfg(test)]
mod replication_tests;

#[doc(hidden)]
pub mod samples {
    use super::*;
    use govbench_protocol::{Command, CommentCommand};

    pub use crate::shared::samples::{Login, SampleRead};

    /// One instance of every command; targets are real records, so an allowed command can
    /// fail only for workflow reasons, never for permission. One line per feature.
    pub fn commands(login: &Login<'_>) -> ApiResult<Vec<Command>> {
        let mut all = Vec::new();
        all.extend(requirements::samples::commands(login)?);
        all.extend(users::samples::commands(login)?);
        all.extend(models::samples::commands(login)?);
        all.extend(incidents::samples::commands(login)?);
        all.extend(drills::samples::commands(login)?);
        all.extend(assessments::samples::commands(login)?);
        all.push(
            govbench_protocol::AttachmentCommand::Add {
                on: incidents::samples::incident(login)?.into(),
                path: concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../assets/drills/harmful-output.json"
                )
                .into(),
            }
            .into(),
        );
        let on = requirements::samples::target(login)?.into();
        all.push(
            CommentCommand::Add {
                on,
                body: "评论 comment".into(),
            }
            .into(),
        );
        Ok(all)
    }

    /// One instance of every read. One line per feature.
    pub fn reads(login: &Login<'_>) -> ApiResult<Vec<SampleRead>> {
        let mut all = Vec::new();
        all.extend(requirements::samples::reads(login)?);
        all.extend(users::samples::reads(login)?);
        all.extend(models::samples::reads(login)?);
        all.extend(incidents::samples::reads(login)?);
        all.extend(drills::samples::reads(login)?);
        all.extend(assessments::samples::reads(login)?);
        all.push(SampleRead::new(
            govbench_protocol::AuditPermission::Verify.into(),
            |s: &Session| s.verify_audit(),
        ));
        Ok(all)
    }
}
