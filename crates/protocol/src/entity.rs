//! What a record is, independent of the feature that owns it: the shared services (history,
//! comments, later attachments) work on any [`EntityRef`].

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

keyed_enum! {
    /// Every kind of record. The key is the `entity_type` of its audit events and the
    /// translation key `entity.<key>`.
    pub enum EntityKind {
        Workspace = "workspace",
        User = "user",
        Requirement = "requirement",
        Comment = "comment",
        Model = "model",
        ModelVersion = "model_version",
        Evaluation = "evaluation",
        Incident = "incident",
        TeamMember = "team_member",
        ResponseRules = "response_rules",
        DrillTemplate = "drill_template",
        DrillPlan = "drill_plan",
        DrillRun = "drill_run",
        Attachment = "attachment",
        Assessment = "assessment",
        ReportExport = "report_export",
    }
}

impl EntityKind {
    /// Translation key of the kind's name (`entity.requirement`).
    pub fn text_key(self) -> String {
        format!("entity.{}", self.key())
    }

    /// Translation key of one of the kind's lifecycle statuses (`requirement.status.draft`).
    pub fn status_text_key(self, status: &str) -> String {
        format!("{}.status.{status}", self.key())
    }
}

/// One record of any feature: the target of a comment, a history query, an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EntityRef {
    pub kind: EntityKind,
    pub id: Uuid,
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.key(), self.id)
    }
}
