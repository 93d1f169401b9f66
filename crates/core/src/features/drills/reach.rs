//! What each drill action may do to its record (verification judges every recorded change
//! against it; see `shared::reach`).

use crate::shared::reach::Reach;
use govbench_protocol::{DrillAction as A, DrillRunStatus as S, EntityKind};

pub(crate) fn reach(action: A) -> Reach {
    let run = |paths: &'static [&'static str]| Reach::changes(EntityKind::DrillRun, paths);
    match action {
        A::SaveTemplate => Reach::changes(EntityKind::DrillTemplate, &["/template", "/updated_by"])
            .or_creates()
            .signed(&["/created_by", "/updated_by"]),
        A::AddPlan => Reach::creates(EntityKind::DrillPlan).signed(&["/created_by"]),
        A::EditPlan => Reach::changes(EntityKind::DrillPlan, &["/draft", "/active"]),
        A::Start => Reach::creates(EntityKind::DrillRun)
            .starts(const { &[S::Running.key()] })
            .signed(&["/started_by"]),
        A::CheckStep => run(&["/steps/*"]).signed(&["/steps/*/by"]),
        A::Finish => run(&["/evaluation", "/findings", "/finished_at"]),
        A::CompleteAction => run(&["/findings/*/done"]).signed(&["/findings/*/done/by"]),
    }
}
