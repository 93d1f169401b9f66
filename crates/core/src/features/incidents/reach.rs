//! What each incident action may do to its record (verification judges every recorded change
//! against it; see `shared::reach`). Every change of an incident may add to its timeline, in
//! the name of whoever acts.

use crate::shared::reach::Reach;
use govbench_protocol::{EntityKind, IncidentAction as A, IncidentStatus as S};

pub(crate) fn reach(action: A) -> Reach {
    let change = |paths: &'static [&'static str]| {
        Reach::changes(EntityKind::Incident, paths)
            .appends(&["/timeline"])
            .signed(&["/timeline/*/by"])
    };
    let member = |paths: &'static [&'static str]| Reach::changes(EntityKind::TeamMember, paths);
    match action {
        A::Open => Reach::creates(EntityKind::Incident)
            .starts(const { &[S::Open.key()] })
            .signed(&["/opened_by", "/timeline/*/by"]),
        // A new severity follows the rules' flow for it.
        A::Edit => change(&["/draft", "/flow", "/rules_revision"]),
        A::Acknowledge => change(&["/reached/acknowledged"]),
        A::Mitigate => change(&["/reached/acknowledged", "/reached/mitigated"]),
        A::Resolve => change(&[
            "/reached/acknowledged",
            "/reached/mitigated",
            "/reached/resolved",
        ]),
        A::InformManagement => change(&["/reached/management"]),
        A::ReportExternally => change(&["/reached/external"]),
        A::Review => change(&["/review"]).signed(&["/timeline/*/by", "/review/by"]),
        A::CompleteAction => change(&["/review/actions/*/done"])
            .signed(&["/timeline/*/by", "/review/actions/*/done/by"]),
        A::AddNote | A::Close => change(&[]),
        A::SetRules => Reach::changes(EntityKind::ResponseRules, &["/rules", "/updated_by"])
            .or_creates()
            .signed(&["/updated_by"]),
        A::AddMember => Reach::creates(EntityKind::TeamMember).signed(&["/created_by"]),
        A::EditMember => member(&["/draft"]),
        A::RemoveMember => member(&["/removed"]),
    }
}
