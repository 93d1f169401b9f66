//! The emergency team's member form, and the team as the page shows it.

use govbench_protocol::{TeamFunction, TeamMemberDraft, TeamMemberRow, TeamRole, UserId};

use crate::state::FieldErrors;

#[derive(Clone, Debug, PartialEq)]
pub struct MemberForm {
    pub user: String,
    pub function: TeamFunction,
    pub team_role: TeamRole,
    pub contact: String,
    pub backup: String,
    pub errors: FieldErrors,
}

impl Default for MemberForm {
    fn default() -> Self {
        MemberForm {
            user: String::new(),
            function: TeamFunction::Operations,
            team_role: TeamRole::Technical,
            contact: String::new(),
            backup: String::new(),
            errors: FieldErrors::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum MemberAction {
    User(String),
    Function(String),
    TeamRole(String),
    Contact(String),
    Backup(String),
    Errors(FieldErrors),
}

impl MemberForm {
    pub fn from_draft(d: &TeamMemberDraft) -> MemberForm {
        MemberForm {
            user: d.user.to_string(),
            function: d.function,
            team_role: d.team_role,
            contact: d.contact.clone(),
            backup: d.backup.map(|b| b.to_string()).unwrap_or_default(),
            errors: FieldErrors::new(),
        }
    }

    pub fn apply(&mut self, action: MemberAction) {
        let field = match action {
            MemberAction::User(v) => {
                self.user = v;
                "user"
            }
            MemberAction::Function(v) => {
                if let Some(f) = TeamFunction::from_key(&v) {
                    self.function = f;
                }
                "function"
            }
            MemberAction::TeamRole(v) => {
                if let Some(r) = TeamRole::from_key(&v) {
                    self.team_role = r;
                }
                "team_role"
            }
            MemberAction::Contact(v) => {
                self.contact = v;
                "contact"
            }
            MemberAction::Backup(v) => {
                self.backup = v;
                "backup"
            }
            MemberAction::Errors(e) => {
                self.errors = e;
                return;
            }
        };
        self.errors.remove(field);
    }

    pub fn draft(&self) -> Result<TeamMemberDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let user = self.user.trim().parse::<UserId>().ok();
        if user.is_none() {
            errors.insert("user".into(), "rule.required".into());
        }
        if self.contact.trim().is_empty() {
            errors.insert("contact".into(), "rule.required".into());
        }
        let backup = match self.backup.trim() {
            "" => None,
            text => text.parse::<UserId>().ok(),
        };
        if backup.is_some() && backup == user {
            errors.insert("backup".into(), "team.rule.backup_self".into());
        }
        match user {
            Some(user) if errors.is_empty() => Ok(TeamMemberDraft {
                user,
                function: self.function,
                team_role: self.team_role,
                contact: self.contact.trim().to_owned(),
                backup,
            }),
            _ => Err(errors),
        }
    }
}

/// The team in the order the table shows it: by function, then by team role, each in the
/// order the protocol lists them (the lead before the deputy).
pub fn roster_order(members: &[TeamMemberRow]) -> Vec<&TeamMemberRow> {
    let mut rows: Vec<&TeamMemberRow> = members.iter().collect();
    rows.sort_by_key(|r| {
        (
            TeamFunction::ALL
                .iter()
                .position(|f| *f == r.member.draft.function),
            TeamRole::ALL
                .iter()
                .position(|x| *x == r.member.draft.team_role),
        )
    });
    rows
}

/// How many members serve `function` whose account is still in the workspace.
pub fn active_in(members: &[TeamMemberRow], function: TeamFunction) -> usize {
    members
        .iter()
        .filter(|r| r.member.draft.function == function && !r.inactive)
        .count()
}
