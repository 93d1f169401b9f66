//! Incidents (policy §2.3.2, §4.2): fault levels with their own response flows (versioned:
//! an incident keeps the flow it was opened under), the emergency team, incident records
//! with their timeline and response clocks, post-incident reviews whose corrective actions
//! wait on their owners' dashboards, and quarterly statistics that never count drills.
//!
//! The shape of every feature module (see `requirements`), plus `clocks` — deadlines and
//! quarters as a person in a time zone reads them (pure).

mod api;
mod apply;
pub(crate) mod assessment;
pub mod clocks;
pub(crate) mod lifecycle;
mod queries;
pub(crate) mod reach;
pub(crate) mod samples;
pub(crate) mod schema;
mod store;
mod validate;

pub(crate) use apply::apply;
pub(crate) use queries::{summary, ModelNames};
pub(crate) use store::{
    find, insert as insert_incident, of_drill, put, put_member, put_rules, rules_record,
};

use crate::error::CoreResult;
use govbench_protocol::{DrillRunId, DrillRunStatus, TeamMember, TeamMemberId};
use rusqlite::Connection;

pub(crate) fn find_member(conn: &Connection, id: TeamMemberId) -> CoreResult<Option<TeamMember>> {
    crate::shared::records::find(conn, id.0)
}

/// Is drill run `run` still running? Incidents opened in a drill are practised only while it
/// runs. (Read through `kinds`: incidents do not reach into the drills feature, which reads
/// incidents.)
pub(crate) fn is_running(conn: &Connection, run: DrillRunId) -> CoreResult<bool> {
    Ok(crate::kinds::status(conn, run.into())?.as_deref() == Some(DrillRunStatus::Running.key()))
}
