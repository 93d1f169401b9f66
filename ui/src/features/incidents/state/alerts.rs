//! The keys of clock alerts, by which the alert strip remembers what was dismissed.

use govbench_protocol::{ClockKind, ClockStatus, IncidentAlert, IncidentId};

/// What one alert is about: which clock of which incident, in which state (dismissing the
/// strip hides these keys; a clock that moves on to breached shows again).
pub type AlertKey = (IncidentId, ClockKind, ClockStatus);

pub fn alert_key(a: &IncidentAlert) -> AlertKey {
    (a.incident, a.kind, a.status)
}
