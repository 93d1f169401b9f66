//! Drills (policy §2.3.2: the emergency team drills regularly): a template library (built
//! in, in `assets/drills/`, and editable: each edit is a new revision), plans that say when
//! each team's next drill is due, and runs — steps checked off with who and when, times
//! measured against targets, an evaluation and findings that become corrective actions like
//! an incident review's. Drills are labelled as drills and never count as incidents.
//!
//! The shape of every feature module (see `requirements`), plus `library` (the built-in
//! templates, compiled in and checked).

mod api;
mod apply;
pub(crate) mod assessment;
pub mod library;
pub(crate) mod lifecycle;
mod queries;
pub(crate) mod reach;
pub(crate) mod samples;
pub(crate) mod schema;
mod store;
mod validate;

pub(crate) use apply::apply;
pub(crate) use store::{find_run, insert_run, put_plan, put_run, put_template};

use crate::error::CoreResult;
use govbench_protocol::{DrillPlan, DrillPlanId, DrillTemplateId, DrillTemplateRecord};
use rusqlite::Connection;

pub(crate) fn find_plan(conn: &Connection, id: DrillPlanId) -> CoreResult<Option<DrillPlan>> {
    crate::shared::records::find(conn, id.0)
}

pub(crate) fn find_template(
    conn: &Connection,
    id: DrillTemplateId,
) -> CoreResult<Option<DrillTemplateRecord>> {
    crate::shared::records::find(conn, id.0)
}
