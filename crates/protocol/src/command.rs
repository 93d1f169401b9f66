//! The typed write commands of every feature, the actions they are recorded as, and the
//! permissions those actions need.

use crate::assessment::{AssessmentAction, AssessmentCommand, AssessmentPermission};
use crate::attachment::{AttachmentAction, AttachmentCommand, AttachmentPermission};
use crate::audit::AuditPermission;
use crate::comment::{CommentAction, CommentCommand, CommentPermission};
use crate::drill::{DrillAction, DrillCommand, DrillPermission};
use crate::evaluation::{EvaluationAction, EvaluationCommand, EvaluationPermission};
use crate::incident::{IncidentAction, IncidentCommand, IncidentPermission};
use crate::model::{ModelAction, ModelCommand, ModelPermission};
use crate::requirement::{RequirementAction, RequirementCommand, RequirementPermission};
use crate::user::{UserAction, UserCommand, UserPermission};
use serde::{Deserialize, Serialize};

/// Every change to workspace data, as a typed value: one variant per feature, each holding that
/// feature's own command enum. The backend runs each through one write path: authorize →
/// validate → apply in one transaction → append an audit event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "feature", content = "command", rename_all = "snake_case")]
pub enum Command {
    Requirement(RequirementCommand),
    User(UserCommand),
    Comment(CommentCommand),
    Model(ModelCommand),
    Evaluation(EvaluationCommand),
    Incident(IncidentCommand),
    Drill(DrillCommand),
    Attachment(AttachmentCommand),
    Assessment(AssessmentCommand),
}

impl Command {
    /// The action this command is recorded as in the audit log.
    pub fn action(&self) -> Action {
        match self {
            Command::Requirement(c) => Action::Requirement(c.action()),
            Command::User(c) => Action::User(c.action()),
            Command::Comment(c) => Action::Comment(c.action()),
            Command::Model(c) => Action::Model(c.action()),
            Command::Evaluation(c) => Action::Evaluation(c.action()),
            Command::Incident(c) => Action::Incident(c.action()),
            Command::Drill(c) => Action::Drill(c.action()),
            Command::Attachment(c) => Action::Attachment(c.action()),
            Command::Assessment(c) => Action::Assessment(c.action()),
        }
    }
}

impl From<RequirementCommand> for Command {
    fn from(c: RequirementCommand) -> Self {
        Command::Requirement(c)
    }
}

impl From<UserCommand> for Command {
    fn from(c: UserCommand) -> Self {
        Command::User(c)
    }
}

impl From<CommentCommand> for Command {
    fn from(c: CommentCommand) -> Self {
        Command::Comment(c)
    }
}

impl From<ModelCommand> for Command {
    fn from(c: ModelCommand) -> Self {
        Command::Model(c)
    }
}

impl From<EvaluationCommand> for Command {
    fn from(c: EvaluationCommand) -> Self {
        Command::Evaluation(c)
    }
}

impl From<IncidentCommand> for Command {
    fn from(c: IncidentCommand) -> Self {
        Command::Incident(c)
    }
}

impl From<DrillCommand> for Command {
    fn from(c: DrillCommand) -> Self {
        Command::Drill(c)
    }
}

impl From<AttachmentCommand> for Command {
    fn from(c: AttachmentCommand) -> Self {
        Command::Attachment(c)
    }
}

impl From<AssessmentCommand> for Command {
    fn from(c: AssessmentCommand) -> Self {
        Command::Assessment(c)
    }
}

/// What a command does, as recorded in the audit log. Keys are namespaced by feature
/// (`requirement.start_assessment`, `user.create`), so two features can never collide; each
/// has a past-tense text `action.<key>` (history) and an infinitive `command.<key>` (errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Requirement(RequirementAction),
    User(UserAction),
    Comment(CommentAction),
    Model(ModelAction),
    Evaluation(EvaluationAction),
    Incident(IncidentAction),
    Drill(DrillAction),
    Attachment(AttachmentAction),
    Assessment(AssessmentAction),
}

impl Action {
    /// Every action of every feature.
    pub fn all() -> impl Iterator<Item = Action> {
        let requirement = RequirementAction::ALL.into_iter().map(Action::Requirement);
        let user = UserAction::ALL.into_iter().map(Action::User);
        let comment = CommentAction::ALL.into_iter().map(Action::Comment);
        let model = ModelAction::ALL.into_iter().map(Action::Model);
        let evaluation = EvaluationAction::ALL.into_iter().map(Action::Evaluation);
        let incident = IncidentAction::ALL.into_iter().map(Action::Incident);
        let drill = DrillAction::ALL.into_iter().map(Action::Drill);
        let attachment = AttachmentAction::ALL.into_iter().map(Action::Attachment);
        let assessment = AssessmentAction::ALL.into_iter().map(Action::Assessment);
        requirement
            .chain(user)
            .chain(comment)
            .chain(model)
            .chain(evaluation)
            .chain(incident)
            .chain(drill)
            .chain(attachment)
            .chain(assessment)
    }

    pub const fn key(self) -> &'static str {
        match self {
            Action::Requirement(a) => a.key(),
            Action::User(a) => a.key(),
            Action::Comment(a) => a.key(),
            Action::Model(a) => a.key(),
            Action::Evaluation(a) => a.key(),
            Action::Incident(a) => a.key(),
            Action::Drill(a) => a.key(),
            Action::Attachment(a) => a.key(),
            Action::Assessment(a) => a.key(),
        }
    }

    pub fn from_key(key: &str) -> Option<Action> {
        Action::all().find(|a| a.key() == key)
    }

    /// The permission of the role matrix this action needs.
    pub const fn permission(self) -> Permission {
        match self {
            Action::Requirement(a) => Permission::Requirement(a.permission()),
            Action::User(a) => Permission::User(a.permission()),
            Action::Comment(a) => Permission::Comment(a.permission()),
            Action::Model(a) => Permission::Model(a.permission()),
            Action::Evaluation(a) => Permission::Evaluation(a.permission()),
            Action::Incident(a) => Permission::Incident(a.permission()),
            Action::Drill(a) => Permission::Drill(a.permission()),
            Action::Attachment(a) => Permission::Attachment(a.permission()),
            Action::Assessment(a) => Permission::Assessment(a.permission()),
        }
    }

    /// Translation key of the infinitive ("approve a requirement"), used in error messages.
    pub fn command_text_key(self) -> String {
        format!("command.{}", self.key())
    }

    /// Translation key of the past tense ("Approved"), used in history.
    pub fn history_text_key(self) -> String {
        format!("action.{}", self.key())
    }
}

serde_by_key!(Action, "action");

impl From<RequirementAction> for Action {
    fn from(a: RequirementAction) -> Self {
        Action::Requirement(a)
    }
}

impl From<UserAction> for Action {
    fn from(a: UserAction) -> Self {
        Action::User(a)
    }
}

impl From<CommentAction> for Action {
    fn from(a: CommentAction) -> Self {
        Action::Comment(a)
    }
}

impl From<ModelAction> for Action {
    fn from(a: ModelAction) -> Self {
        Action::Model(a)
    }
}

impl From<EvaluationAction> for Action {
    fn from(a: EvaluationAction) -> Self {
        Action::Evaluation(a)
    }
}

impl From<IncidentAction> for Action {
    fn from(a: IncidentAction) -> Self {
        Action::Incident(a)
    }
}

impl From<DrillAction> for Action {
    fn from(a: DrillAction) -> Self {
        Action::Drill(a)
    }
}

impl From<AttachmentAction> for Action {
    fn from(a: AttachmentAction) -> Self {
        Action::Attachment(a)
    }
}

impl From<AssessmentAction> for Action {
    fn from(a: AssessmentAction) -> Self {
        Action::Assessment(a)
    }
}

/// A row of the role matrix (policy §2.2.2): what a role may read or do. Reads are permissions
/// too, so a feature whose data only some roles may see can say so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    Requirement(RequirementPermission),
    User(UserPermission),
    Comment(CommentPermission),
    Audit(AuditPermission),
    Model(ModelPermission),
    Evaluation(EvaluationPermission),
    Incident(IncidentPermission),
    Drill(DrillPermission),
    Attachment(AttachmentPermission),
    Assessment(AssessmentPermission),
}

impl Permission {
    /// Every permission of every feature.
    pub fn all() -> impl Iterator<Item = Permission> {
        let requirement = RequirementPermission::ALL
            .into_iter()
            .map(Permission::Requirement);
        let user = UserPermission::ALL.into_iter().map(Permission::User);
        let comment = CommentPermission::ALL.into_iter().map(Permission::Comment);
        let audit = AuditPermission::ALL.into_iter().map(Permission::Audit);
        let model = ModelPermission::ALL.into_iter().map(Permission::Model);
        let evaluation = EvaluationPermission::ALL
            .into_iter()
            .map(Permission::Evaluation);
        let incident = IncidentPermission::ALL
            .into_iter()
            .map(Permission::Incident);
        let drill = DrillPermission::ALL.into_iter().map(Permission::Drill);
        let attachment = AttachmentPermission::ALL
            .into_iter()
            .map(Permission::Attachment);
        let assessment = AssessmentPermission::ALL
            .into_iter()
            .map(Permission::Assessment);
        requirement
            .chain(user)
            .chain(comment)
            .chain(audit)
            .chain(model)
            .chain(evaluation)
            .chain(incident)
            .chain(drill)
            .chain(attachment)
            .chain(assessment)
    }

    pub const fn key(self) -> &'static str {
        match self {
            Permission::Requirement(p) => p.key(),
            Permission::User(p) => p.key(),
            Permission::Comment(p) => p.key(),
            Permission::Audit(p) => p.key(),
            Permission::Model(p) => p.key(),
            Permission::Evaluation(p) => p.key(),
            Permission::Incident(p) => p.key(),
            Permission::Drill(p) => p.key(),
            Permission::Attachment(p) => p.key(),
            Permission::Assessment(p) => p.key(),
        }
    }

    pub fn from_key(key: &str) -> Option<Permission> {
        Permission::all().find(|p| p.key() == key)
    }

    /// Translation key of what the permission allows ("read requirements").
    pub fn text_key(self) -> String {
        format!("permission.{}", self.key())
    }
}

serde_by_key!(Permission, "permission");

impl From<RequirementPermission> for Permission {
    fn from(p: RequirementPermission) -> Self {
        Permission::Requirement(p)
    }
}

impl From<UserPermission> for Permission {
    fn from(p: UserPermission) -> Self {
        Permission::User(p)
    }
}

impl From<CommentPermission> for Permission {
    fn from(p: CommentPermission) -> Self {
        Permission::Comment(p)
    }
}

impl From<AuditPermission> for Permission {
    fn from(p: AuditPermission) -> Self {
        Permission::Audit(p)
    }
}

impl From<ModelPermission> for Permission {
    fn from(p: ModelPermission) -> Self {
        Permission::Model(p)
    }
}

impl From<EvaluationPermission> for Permission {
    fn from(p: EvaluationPermission) -> Self {
        Permission::Evaluation(p)
    }
}

impl From<IncidentPermission> for Permission {
    fn from(p: IncidentPermission) -> Self {
        Permission::Incident(p)
    }
}

impl From<DrillPermission> for Permission {
    fn from(p: DrillPermission) -> Self {
        Permission::Drill(p)
    }
}

impl From<AttachmentPermission> for Permission {
    fn from(p: AttachmentPermission) -> Self {
        Permission::Attachment(p)
    }
}

impl From<AssessmentPermission> for Permission {
    fn from(p: AssessmentPermission) -> Self {
        Permission::Assessment(p)
    }
}

/// What a successful command produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandOutcome {
    pub entity: crate::EntityRef,
    /// Row version after the change (1 for a new record).
    pub version: u64,
    /// Sequence number of the audit event this command appended.
    pub audit_seq: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn action_and_permission_keys_are_unique_namespaced_and_round_trip() {
        let actions: Vec<Action> = Action::all().collect();
        let keys: BTreeSet<&str> = actions.iter().map(|a| a.key()).collect();
        assert_eq!(keys.len(), actions.len(), "duplicate action key");
        for a in &actions {
            assert!(a.key().contains('.'), "{} is not namespaced", a.key());
            assert_eq!(Action::from_key(a.key()), Some(*a));
            let json = serde_json::to_string(a).unwrap();
            assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), *a);
        }
        let permissions: Vec<Permission> = Permission::all().collect();
        let keys: BTreeSet<&str> = permissions.iter().map(|p| p.key()).collect();
        assert_eq!(keys.len(), permissions.len(), "duplicate permission key");
        for p in &permissions {
            assert_eq!(Permission::from_key(p.key()), Some(*p));
        }
    }

    #[test]
    fn each_action_is_namespaced_by_its_own_feature() {
        for a in Action::all() {
            let feature = match a {
                Action::Requirement(_) => "requirement.",
                Action::User(_) => "user.",
                Action::Comment(_) => "comment.",
                Action::Model(_) => "model.",
                Action::Evaluation(_) => "evaluation.",
                Action::Incident(_) => "incident.",
                Action::Drill(_) => "drill.",
                Action::Attachment(_) => "attachment.",
                Action::Assessment(_) => "assessment.",
            };
            assert!(a.key().starts_with(feature), "{}", a.key());
        }
    }
}
