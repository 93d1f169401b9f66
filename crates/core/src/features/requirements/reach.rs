//! What each requirement action may do to a requirement (verification judges every recorded
//! change against it; see `shared::reach`).

use crate::shared::reach::Reach;
use govbench_protocol::{EntityKind, RequirementAction as A, RequirementStatus as S};

pub(crate) fn reach(action: A) -> Reach {
    let change = |paths: &'static [&'static str]| Reach::changes(EntityKind::Requirement, paths);
    match action {
        A::File => Reach::creates(EntityKind::Requirement)
            .starts(const { &[S::Draft.key(), S::Submitted.key()] })
            .signed(&["/filed_by"]),
        A::Edit => change(&["/draft"]),
        // A resubmitted requirement starts a fresh round: its last decision goes.
        A::Submit => change(&["/decision"]),
        A::Assess => change(&["/assessment"]),
        A::Approve | A::Reject | A::Return => change(&["/decision"]),
        A::Plan => change(&["/plan"]),
        A::StartAssessment | A::StartDevelopment | A::MarkDelivered | A::Close => change(&[]),
    }
}
