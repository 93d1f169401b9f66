use crate::shared::lifecycle::{Lifecycle, Status, Step};
use govbench_protocol::{
    EntityKind, EvaluationAction as E, EvaluationStatus as ES, ModelAction as A, VersionStage as S,
};

impl Status for S {
    fn key(self) -> &'static str {
        S::key(self)
    }
}

impl Status for ES {
    fn key(self) -> &'static str {
        ES::key(self)
    }
}

/// A version's stored stages. Going live and rolling back change the model (which version is
/// live), so they are checked there, against the gate.
#[rustfmt::skip]
pub const VERSION: Lifecycle<S, A> = Lifecycle {
    entity: EntityKind::ModelVersion,
    steps: &[
        Step { action: A::EditVersion,    from: &[S::Development, S::Testing],              to: None },
        Step { action: A::StartTesting,   from: &[S::Development],                          to: Some(S::Testing) },
        Step { action: A::ApproveVersion, from: &[S::Testing],                              to: Some(S::Approved) },
        Step { action: A::GoLive,         from: &[S::Approved],                             to: None },
        Step { action: A::OverrideGate,   from: &[S::Development, S::Testing, S::Approved], to: None },
        Step { action: A::Rollback,       from: &[S::Approved],                             to: None },
        Step { action: A::RetireVersion,  from: &[S::Development, S::Testing, S::Approved], to: Some(S::Retired) },
    ],
};

/// submitted → signed off | rejected; a decision (and its completion) at any point after.
#[rustfmt::skip]
pub const EVALUATION: Lifecycle<ES, E> = Lifecycle {
    entity: EntityKind::Evaluation,
    steps: &[
        Step { action: E::SignOff,          from: &[ES::Submitted],                                to: Some(ES::SignedOff) },
        Step { action: E::Reject,           from: &[ES::Submitted],                                to: Some(ES::Rejected) },
        Step { action: E::Decide,           from: &[ES::Submitted, ES::SignedOff, ES::Rejected],   to: None },
        Step { action: E::CompleteDecision, from: &[ES::Submitted, ES::SignedOff, ES::Rejected],   to: None },
    ],
};
