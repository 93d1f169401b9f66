//! The quarterly assessment (policy §6): every quarter assessed and the exports taken away,
//! one quarter's page (its scorecard from every feature, the meeting's record with its
//! strategy adjustments, the sign-off, the PDF report and the audit pack), and the full-screen
//! presentation for the meeting.
//!
//! The shape of every feature: pages here, pure state in `state`, tested natively.

pub mod state;

#[cfg(target_arch = "wasm32")]
mod card;
#[cfg(target_arch = "wasm32")]
mod chart;
#[cfg(target_arch = "wasm32")]
mod export;
#[cfg(target_arch = "wasm32")]
mod meeting;
#[cfg(target_arch = "wasm32")]
mod overview;
#[cfg(target_arch = "wasm32")]
mod present;
#[cfg(target_arch = "wasm32")]
mod quarter;
#[cfg(target_arch = "wasm32")]
mod scorecard;

#[cfg(target_arch = "wasm32")]
pub use card::AssessmentsCard;
#[cfg(target_arch = "wasm32")]
pub use overview::AssessmentsPage;
#[cfg(target_arch = "wasm32")]
pub use present::PresentPage;
#[cfg(target_arch = "wasm32")]
pub use quarter::AssessmentPage;
