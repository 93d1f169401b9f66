use crate::entity::{EntityKind, EntityRef};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident $(=> $kind:ident)?) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map($name)
            }
        }

        $(
            impl From<$name> for EntityRef {
                fn from(id: $name) -> EntityRef {
                    EntityRef { kind: EntityKind::$kind, id: id.0 }
                }
            }
        )?
    };
}

id_type!(
    /// A user of one workspace.
    UserId => User
);
id_type!(
    /// A requirement (policy §2.1.1).
    RequirementId => Requirement
);
id_type!(
    /// A comment on any entity.
    CommentId => Comment
);
id_type!(
    /// A domain model in the inventory.
    ModelId => Model
);
id_type!(
    /// One version of a model.
    ModelVersionId => ModelVersion
);
id_type!(
    /// An evaluation report of a model version.
    EvaluationId => Evaluation
);

id_type!(
    /// An incident (policy §4.2).
    IncidentId => Incident
);
id_type!(
    /// A member of the emergency team.
    TeamMemberId => TeamMember
);
id_type!(
    /// The response rules of the fault levels (one record per workspace).
    ResponseRulesId => ResponseRules
);
id_type!(
    /// A workspace's own revision of a drill template.
    DrillTemplateId => DrillTemplate
);
id_type!(
    /// A drill plan.
    DrillPlanId => DrillPlan
);
id_type!(
    /// One run of a drill.
    DrillRunId => DrillRun
);
id_type!(
    /// A file attached to a record.
    AttachmentId => Attachment
);
id_type!(
    /// An audit event.
    EventId
);
id_type!(
    /// A workspace, the same in every copy of it.
    WorkspaceId => Workspace
);
id_type!(
    /// A quarter's assessment (policy §6).
    AssessmentId => Assessment
);
id_type!(
    /// An export of a quarter's report or audit pack.
    ExportId => ReportExport
);
