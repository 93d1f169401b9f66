//! Models, their versions and evaluation reports (policy §2.1.2, §2.3.1, §4, §5): the
//! inventory, the KPI policy each model's evaluations are judged by, imported results with
//! their verdicts against the policy and the model's history, review and decisions, and the
//! go-live gate that lets a version go live only on a signed-off, passing evaluation.
//!
//! The shape of every feature module (see `requirements`), plus two of its own:
//! - `import` — results files read through `govbench-eval-import` and mapped onto KPIs;
//! - `verdicts` — pass/fail, change against baselines, significance, the gate (pure).

mod api;
mod apply;
pub(crate) mod assessment;
mod import;
pub(crate) mod lifecycle;
mod queries;
pub(crate) mod reach;
pub(crate) mod recheck;
pub(crate) mod samples;
pub(crate) mod schema;
pub(crate) mod scopes;
mod store;
mod validate;
pub mod verdicts;

pub(crate) use apply::{apply, apply_evaluation, prepare};
pub(crate) use import::ReadFiles;
pub use store::Evaluation as EvaluationRecord;
pub(crate) use store::{
    find_evaluation, find_model, find_version, put_evaluation, put_model, put_version,
};
