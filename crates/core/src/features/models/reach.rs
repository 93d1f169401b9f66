//! What each model, version and evaluation action may do to its record (verification judges
//! every recorded change against it; see `shared::reach`).

use crate::shared::reach::Reach;
use govbench_protocol::{
    EntityKind, EvaluationAction as E, EvaluationStatus, ModelAction as A, VersionStage,
};

pub(crate) fn reach(action: A) -> Reach {
    let model = |paths: &'static [&'static str]| Reach::changes(EntityKind::Model, paths);
    let version = |paths: &'static [&'static str]| Reach::changes(EntityKind::ModelVersion, paths);
    match action {
        A::Register => Reach::creates(EntityKind::Model).signed(&["/created_by"]),
        A::Edit => model(&["/draft"]),
        A::SetPolicy => model(&["/policy"]),
        A::LinkRequirements => model(&["/links"]),
        A::AddVersion => Reach::creates(EntityKind::ModelVersion)
            .starts(const { &[VersionStage::Development.key()] })
            .signed(&["/created_by"]),
        A::EditVersion => version(&["/draft"]),
        A::StartTesting | A::ApproveVersion | A::RetireVersion => version(&[]),
        // Moving the live version closes the open period and opens one in the mover's name.
        A::GoLive | A::OverrideGate | A::Rollback => model(&["/live", "/timeline/*/to"])
            .appends(&["/timeline"])
            .signed(&["/timeline/*/by"]),
    }
}

pub(crate) fn evaluation_reach(action: E) -> Reach {
    let change = |paths: &'static [&'static str]| Reach::changes(EntityKind::Evaluation, paths);
    match action {
        E::Import | E::RecordManual => Reach::creates(EntityKind::Evaluation)
            .starts(const { &[EvaluationStatus::Submitted.key()] })
            .signed(&["/created_by"]),
        // Whoever recorded the results does not accept them.
        E::SignOff | E::Reject => change(&["/review"])
            .signed(&["/review/by"])
            .not_by(&["/created_by"]),
        E::Decide => change(&["/decision"]),
        E::CompleteDecision => change(&["/decision/done"]).signed(&["/decision/done/by"]),
    }
}
