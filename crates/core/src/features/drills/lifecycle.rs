use crate::shared::lifecycle::{Lifecycle, Status, Step};
use govbench_protocol::{DrillAction as A, DrillRunStatus as S, EntityKind};

impl Status for S {
    fn key(self) -> &'static str {
        S::key(self)
    }
}

/// running → finished; steps are checked off (and re-checked, to correct a slip) while it
/// runs, findings completed after.
#[rustfmt::skip]
pub const RUN: Lifecycle<S, A> = Lifecycle {
    entity: EntityKind::DrillRun,
    steps: &[
        Step { action: A::CheckStep,      from: &[S::Running],  to: None },
        Step { action: A::Finish,         from: &[S::Running],  to: Some(S::Finished) },
        Step { action: A::CompleteAction, from: &[S::Finished], to: None },
    ],
};
