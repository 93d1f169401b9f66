use crate::shared::lifecycle::{Lifecycle, Status, Step};
use govbench_protocol::{AssessmentAction as A, AssessmentStatus as S, EntityKind};

impl Status for S {
    fn key(self) -> &'static str {
        S::key(self)
    }
}

/// draft → signed (the project manager; the scorecard freezes) → approved (an Admin other
/// than the signer), or back to draft with a reason. Adjustments are completed at any stage.
#[rustfmt::skip]
pub const ASSESSMENT: Lifecycle<S, A> = Lifecycle {
    entity: EntityKind::Assessment,
    steps: &[
        Step { action: A::SaveMeeting,    from: &[S::Draft],                          to: None },
        Step { action: A::Sign,           from: &[S::Draft],                          to: Some(S::Signed) },
        Step { action: A::Approve,        from: &[S::Signed],                         to: Some(S::Approved) },
        Step { action: A::Return,         from: &[S::Signed],                         to: Some(S::Draft) },
        Step { action: A::CompleteAction, from: &[S::Draft, S::Signed, S::Approved],  to: None },
    ],
};
