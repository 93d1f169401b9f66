//! The go-live gate judged on the log alone. A release's images do not show the gate it went
//! through: the write path judged it on its tables. A pass over the whole log (`audit
//! verify`) judges it again on the version and the model's evaluations as the log left them
//! just before the release, so a project manager who writes a release straight into the
//! database (with their own key) past a closed gate is named like any other forged step.
//!
//! Only that pass judges it here: it alone holds every record's last event in the log's
//! order. A copy taking in another's events judges the gate on its tables, which are the
//! log's state just before the event (`features::recheck`); a login's incremental check
//! trusts what those judged.

use super::{field, Authority, Seen};
use crate::error::CoreResult;
use crate::features::models::recheck;
use govbench_protocol::{EntityKind, ModelAction, Role};
use rusqlite::Connection;

impl Authority {
    /// Whether a release the rest of the checks passed went through an open gate.
    pub(super) fn gate(
        &self,
        conn: &Connection,
        e: &Seen<'_>,
        role: Role,
    ) -> CoreResult<Result<(), &'static str>> {
        if !self.complete || e.entity_type != EntityKind::Model.key() {
            return Ok(Ok(()));
        }
        let mut last_image = |kind: &'static str, id: &str| -> CoreResult<Option<String>> {
            let Some(last) = self.records.get(&(kind.to_owned(), id.to_owned())) else {
                return Ok(None);
            };
            if last.after.is_none() {
                return Ok(None);
            }
            last.after_image(conn)
        };
        let may_override = crate::authz::allows_action(role, ModelAction::OverrideGate.into());
        let evaluations = self
            .evaluations
            .get(e.entity_id)
            .map_or(&[][..], Vec::as_slice);
        recheck::release_in_log(
            crate::shared::history::action_key(e.action),
            e.before,
            e.after,
            evaluations,
            &mut last_image,
            may_override,
        )
    }
}

/// The model an event's new evaluation is of (a creation on an evaluation's record).
pub(super) fn evaluated_model(e: &Seen<'_>) -> Option<String> {
    if e.entity_type != EntityKind::Evaluation.key() || e.before.is_some() {
        return None;
    }
    field(e.after?, "model")
}
