//! The emergency team (policy §4.2): who answers incidents, in which function and role, and
//! who stands in for them.

use crate::{TeamMemberId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

keyed_enum! {
    /// The three functions the policy requires on the emergency team.
    pub enum TeamFunction {
        RnD = "rnd",
        Operations = "operations",
        Business = "business",
    }
}

keyed_enum! {
    pub enum TeamRole {
        Lead = "lead",
        Deputy = "deputy",
        Communications = "communications",
        Technical = "technical",
        Liaison = "liaison",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMemberDraft {
    pub user: UserId,
    pub function: TeamFunction,
    pub team_role: TeamRole,
    /// Phone, instant messaging handle…: how to reach them out of hours.
    pub contact: String,
    /// Who stands in when they cannot be reached.
    pub backup: Option<UserId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub id: TeamMemberId,
    pub draft: TeamMemberDraft,
    /// Taken off the roster (the record stays, for the history).
    pub removed: bool,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

/// The roster as shown: members with names, and the functions nobody covers yet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub members: Vec<TeamMemberRow>,
    pub missing: Vec<TeamFunction>,
    pub can_manage: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamMemberRow {
    pub member: TeamMember,
    pub name: String,
    pub backup_name: Option<String>,
    /// The member's account was removed from the workspace.
    pub inactive: bool,
}
