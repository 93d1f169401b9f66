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

/// Generates the three per-feature wrapper enums from one list of features. Each of them needs
/// the same variant, `From`, `all()` and `key()` arm per feature; written out by hand that was
/// 28 `From` impls and six parallel matches, and a new feature had to be added to every one in
/// the same place. A feature that only guards reads (`Audit`) names a permission alone.
/// Variant order is the list's order, and so is the derived `Ord` and the order of `all()`:
/// moving a line changes both.
macro_rules! features {
    ($(
        $feature:ident {
            $(command: $command:ident, action: $action:ident,)?
            permission: $permission:ident
        }
    ),+ $(,)?) => {
        /// Every change to workspace data, as a typed value: one variant per feature, each
        /// holding that feature's own command enum. The backend runs each through one write
        /// path: authorize → validate → apply in one transaction → append an audit event.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "feature", content = "command", rename_all = "snake_case")]
        pub enum Command {
            $($( $feature($command), )?)+
        }

        impl Command {
            /// The action this command is recorded as in the audit log.
            pub fn action(&self) -> Action {
                match self {
                    $($( Command::$feature(c) => Action::$feature($command::action(c)), )?)+
                }
            }
        }

        /// What a command does, as recorded in the audit log. Keys are namespaced by feature
        /// (`requirement.start_assessment`, `user.create`), so two features can never collide;
        /// each has a past-tense text `action.<key>` (history) and an infinitive
        /// `command.<key>` (errors).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $($( $feature($action), )?)+
        }

        impl Action {
            /// Every action of every feature.
            pub fn all() -> impl Iterator<Item = Action> {
                std::iter::empty()
                    $($( .chain($action::ALL.into_iter().map(Action::$feature)) )?)+
            }

            pub const fn key(self) -> &'static str {
                match self {
                    $($( Action::$feature(a) => $action::key(a), )?)+
                }
            }

            /// The permission of the role matrix this action needs.
            pub const fn permission(self) -> Permission {
                match self {
                    $($( Action::$feature(a) => Permission::$feature($action::permission(a)), )?)+
                }
            }
        }

        /// A row of the role matrix (policy §2.2.2): what a role may read or do. Reads are
        /// permissions too, so a feature whose data only some roles may see can say so.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Permission {
            $( $feature($permission), )+
        }

        impl Permission {
            /// Every permission of every feature.
            pub fn all() -> impl Iterator<Item = Permission> {
                std::iter::empty()
                    $( .chain($permission::ALL.into_iter().map(Permission::$feature)) )+
            }

            pub const fn key(self) -> &'static str {
                match self {
                    $( Permission::$feature(p) => $permission::key(p), )+
                }
            }
        }

        $($(
            impl From<$command> for Command {
                fn from(c: $command) -> Self {
                    Command::$feature(c)
                }
            }

            impl From<$action> for Action {
                fn from(a: $action) -> Self {
                    Action::$feature(a)
                }
            }
        )?)+

        $(
            impl From<$permission> for Permission {
                fn from(p: $permission) -> Self {
                    Permission::$feature(p)
                }
            }
        )+
    };
}

features! {
    Requirement {
        command: RequirementCommand,
        action: RequirementAction,
        permission: RequirementPermission
    },
    User { command: UserCommand, action: UserAction, permission: UserPermission },
    Comment { command: CommentCommand, action: CommentAction, permission: CommentPermission },
    Audit { permission: AuditPermission },
    Model { command: ModelCommand, action: ModelAction, permission: ModelPermission },
    Evaluation {
        command: EvaluationCommand,
        action: EvaluationAction,
        permission: EvaluationPermission
    },
    Incident { command: IncidentCommand, action: IncidentAction, permission: IncidentPermission },
    Drill { command: DrillCommand, action: DrillAction, permission: DrillPermission },
    Attachment {
        command: AttachmentCommand,
        action: AttachmentAction,
        permission: AttachmentPermission
    },
    Assessment {
        command: AssessmentCommand,
        action: AssessmentAction,
        permission: AssessmentPermission
    },
}

impl Action {
    pub fn from_key(key: &str) -> Option<Action> {
        Action::all().find(|a| a.key() == key)
    }

    /// Translation key of the infinitive ("approve a requirement"), used in error messages.
    pub fn command_text_key(self) -> String {
        format!("command.{}", self.key())
    }

    /// Translation key of the past tense ("Approved"), used in history.
    pub fn history_text_key(self) -> String {
        format!("action.{}", self.key())
    }

    /// A decision needs the shared workspace's server: two people must never take
    /// contradictory decisions on two copies that could not see each other. Ordinary edits
    /// (drafts, comments, notes, evidence, timeline entries, drill steps, imports) may be
    /// made offline and shared later. One arm per action.
    pub fn is_decision(self) -> bool {
        use AssessmentAction as As;
        use EvaluationAction as E;
        use IncidentAction as I;
        use ModelAction as M;
        use RequirementAction as R;
        match self {
            Action::Requirement(a) => match a {
                R::Approve | R::Reject | R::Return => true,
                R::File
                | R::Edit
                | R::Submit
                | R::StartAssessment
                | R::Assess
                | R::Plan
                | R::StartDevelopment
                | R::MarkDelivered
                | R::Close => false,
            },
            // Who is a member, with which keys and role.
            Action::User(_) => true,
            Action::Comment(CommentAction::Add) => false,
            Action::Model(a) => match a {
                M::SetPolicy
                | M::ApproveVersion
                | M::GoLive
                | M::OverrideGate
                | M::Rollback
                | M::RetireVersion => true,
                M::Register
                | M::Edit
                | M::LinkRequirements
                | M::AddVersion
                | M::EditVersion
                | M::StartTesting => false,
            },
            Action::Evaluation(a) => match a {
                E::SignOff | E::Reject | E::Decide | E::CompleteDecision => true,
                E::Import | E::RecordManual => false,
            },
            Action::Incident(a) => match a {
                I::SetRules => true,
                I::Open
                | I::Edit
                | I::Acknowledge
                | I::Mitigate
                | I::Resolve
                | I::AddNote
                | I::InformManagement
                | I::ReportExternally
                | I::Review
                | I::Close
                | I::CompleteAction
                | I::AddMember
                | I::EditMember
                | I::RemoveMember => false,
            },
            Action::Drill(a) => match a {
                DrillAction::SaveTemplate
                | DrillAction::AddPlan
                | DrillAction::EditPlan
                | DrillAction::Start
                | DrillAction::CheckStep
                | DrillAction::Finish
                | DrillAction::CompleteAction => false,
            },
            Action::Attachment(AttachmentAction::Add) => false,
            // One assessment per quarter: opening one is a decision too.
            Action::Assessment(a) => match a {
                As::Open | As::Sign | As::Approve | As::Return => true,
                As::SaveMeeting | As::CompleteAction | As::Export => false,
            },
        }
    }
}

serde_by_key!(Action, "action");

impl Permission {
    pub fn from_key(key: &str) -> Option<Permission> {
        Permission::all().find(|p| p.key() == key)
    }

    /// Translation key of what the permission allows ("read requirements").
    pub fn text_key(self) -> String {
        format!("permission.{}", self.key())
    }
}

serde_by_key!(Permission, "permission");

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
