//! The role permission matrix (policy §2.2.2), kept as data in one place. The backend checks
//! it on every command and query; the UI only uses it to hide what would be refused anyway.

use crate::error::{CoreError, CoreResult};
use govbench_protocol::{Command, Role};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read every record of the workspace (lists, details, dashboard, users, audit check).
    Read,
    FileRequirement,
    EditRequirement,
    SubmitRequirement,
    AssessRequirement,
    DecideRequirement,
    PlanRequirement,
    DevelopRequirement,
    DeliverRequirement,
    CloseRequirement,
    Comment,
    ManageUsers,
}

use Permission as P;
use Role::*;

/// Who may do what. Auditors read; they never change anything.
#[rustfmt::skip]
pub const MATRIX: &[(Permission, &[Role])] = &[
    (P::Read,               &[Admin, ProjectManager, RnD, Operations, Business, Auditor]),
    (P::FileRequirement,    &[Business]),
    (P::EditRequirement,    &[Business]),
    (P::SubmitRequirement,  &[Business]),
    (P::AssessRequirement,  &[RnD]),
    (P::DecideRequirement,  &[ProjectManager]),
    (P::PlanRequirement,    &[ProjectManager]),
    (P::DevelopRequirement, &[ProjectManager]),
    (P::DeliverRequirement, &[ProjectManager, RnD]),
    (P::CloseRequirement,   &[ProjectManager]),
    (P::Comment,            &[Admin, ProjectManager, RnD, Operations, Business]),
    (P::ManageUsers,        &[Admin]),
];

pub fn allows(role: Role, permission: Permission) -> bool {
    MATRIX
        .iter()
        .any(|(p, roles)| *p == permission && roles.contains(&role))
}

/// The permission an action (a command's audit name) needs.
pub fn permission_for_action(action: &str) -> Option<Permission> {
    Some(match action {
        "file_requirement" => P::FileRequirement,
        "edit_requirement" => P::EditRequirement,
        "submit_requirement" => P::SubmitRequirement,
        "start_assessment" | "assess_requirement" => P::AssessRequirement,
        "approve_requirement" | "reject_requirement" | "return_requirement" => P::DecideRequirement,
        "plan_requirement" => P::PlanRequirement,
        "start_development" => P::DevelopRequirement,
        "mark_delivered" => P::DeliverRequirement,
        "close_requirement" => P::CloseRequirement,
        "add_comment" => P::Comment,
        "create_user" | "remove_user" => P::ManageUsers,
        _ => return None,
    })
}

/// Every write action, in the order of the `Command` enum.
pub const ACTIONS: &[&str] = &[
    "file_requirement",
    "edit_requirement",
    "submit_requirement",
    "start_assessment",
    "assess_requirement",
    "approve_requirement",
    "reject_requirement",
    "return_requirement",
    "plan_requirement",
    "start_development",
    "mark_delivered",
    "close_requirement",
    "add_comment",
    "create_user",
    "remove_user",
];

/// The actions `role` may take (its row of the matrix).
pub fn actions_of(role: Role) -> Vec<String> {
    ACTIONS
        .iter()
        .filter(|a| allows_action(role, a))
        .map(|a| (*a).to_owned())
        .collect()
}

/// May `role` take `action`? Unknown actions are refused.
pub fn allows_action(role: Role, action: &str) -> bool {
    permission_for_action(action).is_some_and(|p| allows(role, p))
}

/// Checks `command` against the matrix.
pub fn authorize(role: Role, command: &Command) -> CoreResult<()> {
    let action = command.action();
    if allows_action(role, action) {
        Ok(())
    } else {
        Err(CoreError::Forbidden { role, action })
    }
}

/// Checks a read against the matrix.
pub fn authorize_read(role: Role, action: &'static str) -> CoreResult<()> {
    if allows(role, P::Read) {
        Ok(())
    } else {
        Err(CoreError::Forbidden { role, action })
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_is_in_the_matrix_once() {
        let all = [
            P::Read,
            P::FileRequirement,
            P::EditRequirement,
            P::SubmitRequirement,
            P::AssessRequirement,
            P::DecideRequirement,
            P::PlanRequirement,
            P::DevelopRequirement,
            P::DeliverRequirement,
            P::CloseRequirement,
            P::Comment,
            P::ManageUsers,
        ];
        for p in all {
            assert_eq!(MATRIX.iter().filter(|(q, _)| *q == p).count(), 1, "{p:?}");
        }
    }

    #[test]
    fn every_listed_action_has_a_permission() {
        for action in ACTIONS {
            assert!(permission_for_action(action).is_some(), "{action}");
        }
        assert!(actions_of(Auditor).is_empty());
        assert_eq!(
            actions_of(Business),
            [
                "file_requirement",
                "edit_requirement",
                "submit_requirement",
                "add_comment"
            ]
        );
    }

    #[test]
    fn auditor_only_reads() {
        for (p, roles) in MATRIX {
            assert_eq!(roles.contains(&Auditor), *p == P::Read, "{p:?}");
        }
    }
}
