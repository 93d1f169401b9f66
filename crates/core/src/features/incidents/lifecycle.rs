use crate::shared::lifecycle::{Lifecycle, Status, Step};
use govbench_protocol::{EntityKind, IncidentAction as A, IncidentStatus as S};

impl Status for S {
    fn key(self) -> &'static str {
        S::key(self)
    }
}

const ACTIVE: &[S] = &[S::Open, S::Acknowledged, S::Mitigated];
const NOT_CLOSED: &[S] = &[
    S::Open,
    S::Acknowledged,
    S::Mitigated,
    S::Resolved,
    S::Reviewed,
];

/// open → acknowledged → mitigated → resolved → reviewed → closed. A later step may come
/// first (resolving an incident acknowledges it too); closing without a review is allowed
/// only where the level's flow does not require one (checked in `apply`).
#[rustfmt::skip]
pub const INCIDENT: Lifecycle<S, A> = Lifecycle {
    entity: EntityKind::Incident,
    steps: &[
        Step { action: A::Edit,             from: ACTIVE,                                 to: None },
        Step { action: A::Acknowledge,      from: &[S::Open],                             to: Some(S::Acknowledged) },
        Step { action: A::Mitigate,         from: &[S::Open, S::Acknowledged],            to: Some(S::Mitigated) },
        Step { action: A::Resolve,          from: ACTIVE,                                 to: Some(S::Resolved) },
        Step { action: A::AddNote,          from: NOT_CLOSED,                             to: None },
        Step { action: A::InformManagement, from: NOT_CLOSED,                             to: None },
        Step { action: A::ReportExternally, from: NOT_CLOSED,                             to: None },
        Step { action: A::Review,           from: &[S::Resolved],                         to: Some(S::Reviewed) },
        Step { action: A::Close,            from: &[S::Resolved, S::Reviewed],            to: Some(S::Closed) },
        Step { action: A::CompleteAction,   from: &[S::Reviewed, S::Closed],              to: None },
    ],
};
