//! The role permission matrix (policy §2.2.2), kept as data in one place. The backend checks
//! it on every command and every read; the UI only uses it to hide what would be refused.
//!
//! The matrix is an exhaustive `match`: a permission without a row does not compile.

use crate::error::{Attempt, CoreError, CoreResult};
use govbench_protocol::{
    Action, AssessmentPermission as Assess, AttachmentPermission as Attach,
    AuditPermission as Audit, CommentPermission as Comment, DrillPermission as Drill,
    EvaluationPermission as Eval, IncidentPermission as Inc, ModelPermission as Model,
    Permission as P, RequirementPermission as Req, Role, UserPermission as User,
};
use Role::*;

/// Everyone who may open the workspace: reads are open to all roles (the auditor included).
const EVERYONE: &[Role] = &[Admin, ProjectManager, RnD, Operations, Business, Auditor];
/// Everyone who takes part; auditors read but never change anything.
const CONTRIBUTORS: &[Role] = &[Admin, ProjectManager, RnD, Operations, Business];

/// Who holds `permission`.
#[rustfmt::skip]
pub const fn holders(permission: P) -> &'static [Role] {
    match permission {
        P::Requirement(Req::Read)     => EVERYONE,
        P::Requirement(Req::File)     => &[Business],
        P::Requirement(Req::Edit)     => &[Business, Admin],
        P::Requirement(Req::Submit)   => &[Business, Admin],
        P::Requirement(Req::Assess)   => &[RnD],
        P::Requirement(Req::Decide)   => &[ProjectManager],
        P::Requirement(Req::Plan)     => &[ProjectManager],
        P::Requirement(Req::Develop)  => &[ProjectManager],
        P::Requirement(Req::Deliver)  => &[ProjectManager, RnD],
        P::Requirement(Req::Close)    => &[ProjectManager],
        P::User(User::Read)           => EVERYONE,
        P::User(User::Manage)         => &[Admin],
        P::User(User::OwnKeys)        => EVERYONE,
        P::Comment(Comment::Add)      => CONTRIBUTORS,
        P::Audit(Audit::Verify)       => EVERYONE,
        P::Model(Model::Read)         => EVERYONE,
        P::Model(Model::Manage)       => &[ProjectManager, RnD],
        P::Model(Model::SetPolicy)    => &[ProjectManager],
        P::Model(Model::Develop)      => &[RnD],
        P::Model(Model::Approve)      => &[ProjectManager],
        P::Model(Model::Release)      => &[ProjectManager, Operations, Admin],
        // Only an Admin overrides the gate, and only with a written justification.
        P::Model(Model::OverrideGate) => &[Admin],
        P::Evaluation(Eval::Read)     => EVERYONE,
        P::Evaluation(Eval::Record)   => &[RnD, Operations],
        P::Evaluation(Eval::Review)   => &[ProjectManager],
        P::Evaluation(Eval::Decide)   => &[ProjectManager],
        // The decision's owner (whatever their role) or a project manager; checked on the
        // record.
        P::Evaluation(Eval::CompleteDecision) => CONTRIBUTORS,
        P::Incident(Inc::Read)        => EVERYONE,
        // Anyone taking part may raise an incident (business sees problems first).
        P::Incident(Inc::Open)        => CONTRIBUTORS,
        P::Incident(Inc::Respond)     => &[Operations, RnD, ProjectManager, Admin],
        P::Incident(Inc::Review)      => &[ProjectManager, Admin],
        // The action's owner (whatever their role), a project manager or an Admin; checked
        // on the record.
        P::Incident(Inc::CompleteAction) => CONTRIBUTORS,
        P::Incident(Inc::SetRules)    => &[Admin],
        P::Incident(Inc::ManageTeam)  => &[ProjectManager, Admin],
        P::Drill(Drill::Read)         => EVERYONE,
        P::Drill(Drill::EditTemplates) => &[ProjectManager, Admin],
        P::Drill(Drill::Plan)         => &[ProjectManager, Admin],
        P::Drill(Drill::Run)          => &[Operations, RnD, ProjectManager, Admin],
        P::Drill(Drill::CompleteAction) => CONTRIBUTORS,
        // Attaching evidence also needs reading the record it goes on (checked on it).
        P::Attachment(Attach::Add)    => CONTRIBUTORS,
        P::Assessment(Assess::Read)   => EVERYONE,
        P::Assessment(Assess::Prepare) => &[ProjectManager, Admin],
        // Policy §6: the project manager signs the quarter's record, an Admin other than the
        // signer approves it (checked on the record).
        P::Assessment(Assess::Sign)   => &[ProjectManager],
        P::Assessment(Assess::Approve) => &[Admin],
        P::Assessment(Assess::CompleteAction) => CONTRIBUTORS,
        // Auditors take reports and packs away: recording that changes no governance record.
        P::Assessment(Assess::Export) => &[ProjectManager, Admin, Auditor],
    }
}

/// Permissions that a role holds only on records its holder authored; everyone else in
/// `holders` holds them on any record. A Business user edits and submits their own drafts,
/// not a colleague's; an Admin may act on any (to tidy up after someone leaves).
#[rustfmt::skip]
pub const fn own_records_only(permission: P, role: Role) -> bool {
    matches!(
        (permission, role),
        (P::Requirement(Req::Edit | Req::Submit), Business)
    )
}

/// Checks an action on a record authored by `author` (after [`authorize`] passed).
pub fn authorize_on_record(
    actor: &govbench_protocol::UserSummary,
    action: Action,
    author: govbench_protocol::UserId,
    entity: govbench_protocol::EntityRef,
) -> CoreResult<()> {
    if own_records_only(action.permission(), actor.role) && actor.id != author {
        return Err(CoreError::NotAuthor { entity, action });
    }
    Ok(())
}

pub fn allows(role: Role, permission: P) -> bool {
    holders(permission).contains(&role)
}

/// May `role` take `action`?
pub fn allows_action(role: Role, action: Action) -> bool {
    allows(role, action.permission())
}

/// The role's row of the matrix.
pub fn permissions_of(role: Role) -> Vec<P> {
    P::all().filter(|p| allows(role, *p)).collect()
}

/// Checks a command's action against the matrix.
pub fn authorize(role: Role, action: Action) -> CoreResult<()> {
    if allows_action(role, action) {
        Ok(())
    } else {
        Err(CoreError::Forbidden {
            role,
            attempted: Attempt::Action(action),
        })
    }
}

/// Checks a read against the matrix.
pub fn authorize_read(role: Role, permission: P) -> CoreResult<()> {
    if allows(role, permission) {
        Ok(())
    } else {
        Err(CoreError::Forbidden {
            role,
            attempted: Attempt::Read(permission),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govbench_protocol::RequirementAction;

    #[test]
    fn business_files_and_auditors_never_change_anything() {
        assert_eq!(
            permissions_of(Business),
            vec![
                P::Requirement(Req::Read),
                P::Requirement(Req::File),
                P::Requirement(Req::Edit),
                P::Requirement(Req::Submit),
                P::User(User::Read),
                P::User(User::OwnKeys),
                P::Comment(Comment::Add),
                P::Audit(Audit::Verify),
                P::Model(Model::Read),
                P::Evaluation(Eval::Read),
                P::Evaluation(Eval::CompleteDecision),
                P::Incident(Inc::Read),
                P::Incident(Inc::Open),
                P::Incident(Inc::CompleteAction),
                P::Drill(Drill::Read),
                P::Drill(Drill::CompleteAction),
                P::Attachment(Attach::Add),
                P::Assessment(Assess::Read),
                P::Assessment(Assess::CompleteAction),
            ]
        );
        // Renewing one's own keys and recording an export are the things an auditor writes:
        // neither changes a governance record.
        let auditor_writes: [Action; 2] = [
            govbench_protocol::UserAction::Enroll.into(),
            govbench_protocol::AssessmentAction::Export.into(),
        ];
        for action in Action::all().filter(|a| !auditor_writes.contains(a)) {
            assert!(!allows_action(Auditor, action), "auditor may {action:?}");
        }
        assert!(allows_action(
            ProjectManager,
            RequirementAction::Approve.into()
        ));
    }

    #[test]
    fn every_permission_has_a_holder() {
        for p in P::all() {
            assert!(!holders(p).is_empty(), "{p:?} is held by nobody");
        }
    }
}
