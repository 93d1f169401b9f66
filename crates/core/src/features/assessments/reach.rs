//! What each quarterly-assessment action may do to its record (verification judges every
//! recorded change against it; see `shared::reach`).

use crate::shared::reach::Reach;
use govbench_protocol::{AssessmentAction as A, AssessmentStatus as S, EntityKind};

pub(crate) fn reach(action: A) -> Reach {
    let change = |paths: &'static [&'static str]| Reach::changes(EntityKind::Assessment, paths);
    match action {
        A::Open => Reach::creates(EntityKind::Assessment)
            .starts(const { &[S::Draft.key()] })
            .signed(&["/created_by"]),
        A::SaveMeeting => change(&["/meeting"]),
        A::Sign => change(&["/frozen", "/signed"]).signed(&["/signed/by"]),
        // Who signed does not approve.
        A::Approve => change(&["/approved"])
            .signed(&["/approved/by"])
            .not_by(&["/signed/by"]),
        A::Return => change(&["/returned_because", "/frozen", "/signed"]),
        A::CompleteAction => {
            change(&["/meeting/adjustments/*/done"]).signed(&["/meeting/adjustments/*/done/by"])
        }
        A::Export => Reach::creates(EntityKind::ReportExport).signed(&["/exported_by"]),
    }
}
