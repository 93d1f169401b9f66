//! Incidents (policy §2.3.2, §4.2): the list with live response clocks and quarterly
//! statistics, opening one, its page (response steps, clocks, review, rollback, timeline,
//! evidence), the emergency team, the response rules, and the dashboard card.
//!
//! The shape of every feature: pages here, pure state in `state`, tested natively.

pub mod state;

#[cfg(target_arch = "wasm32")]
mod alerts;
#[cfg(target_arch = "wasm32")]
mod badges;
#[cfg(target_arch = "wasm32")]
mod card;
#[cfg(target_arch = "wasm32")]
mod detail;
#[cfg(target_arch = "wasm32")]
mod list;
#[cfg(target_arch = "wasm32")]
mod new;
#[cfg(target_arch = "wasm32")]
mod rules;
#[cfg(target_arch = "wasm32")]
mod team;

#[cfg(target_arch = "wasm32")]
pub use alerts::AlertStrip;
#[cfg(target_arch = "wasm32")]
pub use badges::{DrillLabel, IncidentStatusBadge, SeverityBadge};
#[cfg(target_arch = "wasm32")]
pub use card::IncidentsCard;
#[cfg(target_arch = "wasm32")]
pub use detail::IncidentDetailPage;
#[cfg(target_arch = "wasm32")]
pub use list::IncidentsPage;
#[cfg(target_arch = "wasm32")]
pub use new::NewIncidentPage;
#[cfg(target_arch = "wasm32")]
pub use rules::RulesPage;
#[cfg(target_arch = "wasm32")]
pub use team::TeamPage;
