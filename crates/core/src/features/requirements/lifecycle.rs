use crate::shared::lifecycle::{Lifecycle, Status, Step};
use govbench_protocol::{RequirementAction as A, RequirementStatus as S};

impl Status for S {
    fn key(self) -> &'static str {
        S::key(self)
    }
}

#[rustfmt::skip]
pub const LIFECYCLE: Lifecycle<S, A> = Lifecycle {
    entity: super::ENTITY,
    steps: &[
        Step { action: A::Edit,             from: &[S::Draft, S::Returned],         to: None },
        Step { action: A::Submit,           from: &[S::Draft, S::Returned],         to: Some(S::Submitted) },
        Step { action: A::StartAssessment,  from: &[S::Submitted],                  to: Some(S::UnderAssessment) },
        Step { action: A::Assess,           from: &[S::UnderAssessment],            to: Some(S::Assessed) },
        Step { action: A::Approve,          from: &[S::Assessed],                   to: Some(S::Approved) },
        Step { action: A::Reject,           from: &[S::Assessed],                   to: Some(S::Rejected) },
        Step { action: A::Return,           from: &[S::Assessed],                   to: Some(S::Returned) },
        Step { action: A::Plan,             from: &[S::Approved, S::InDevelopment], to: None },
        Step { action: A::StartDevelopment, from: &[S::Approved],                   to: Some(S::InDevelopment) },
        Step { action: A::MarkDelivered,    from: &[S::InDevelopment],              to: Some(S::Delivered) },
        Step { action: A::Close,            from: &[S::Delivered, S::Rejected],     to: Some(S::Closed) },
    ],
};
