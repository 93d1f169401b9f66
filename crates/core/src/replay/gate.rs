//! The go-live gate judged on the log alone. A release's images do not show the gate it went
//! through: the write path judged it on its tables. Verification judges it again on the
//! version and the model's evaluations as the log left them just before the release, so a
//! project manager who writes a release straight into the database (with their own key) past
//! a closed gate is named like any other forged step: a pass over the whole log (`audit
//! verify`) from the records it holds, a login's check of what was appended since this device
//! last verified by reading the log before the release (releases are few, so it seldom has
//! to). A copy taking in another's events judges the gate on its tables instead, which are the
//! log's state just before the event (`features::recheck`).

use super::before::{Before, BEFORE};
use super::{field, seen, Authority, Seen, SEEN};
use crate::error::CoreResult;
use crate::features::models::recheck;
use govbench_protocol::{EntityKind, ModelAction, Role};
use rusqlite::{params, Connection, OptionalExtension};

impl Authority {
    /// Whether a release the rest of the checks passed went through an open gate.
    pub(super) fn gate(
        &self,
        conn: &Connection,
        e: &Seen<'_>,
        role: Role,
    ) -> CoreResult<Result<(), &'static str>> {
        let action = crate::shared::history::action_key(e.action);
        if e.entity_type != EntityKind::Model.key() || !recheck::is_release(action) || self.at_end {
            return Ok(Ok(()));
        }
        let may_override = crate::authz::allows_action(role, ModelAction::OverrideGate.into());
        if !self.complete {
            let before = Before::at(conn, e.copy, e.seq)?;
            let evaluations = before.evaluations_of(conn, e.entity_id)?;
            return recheck::release_in_log(
                action,
                e.before,
                e.after,
                &evaluations,
                &mut |kind, id| before.last_image(conn, kind, id),
                may_override,
            );
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
        let evaluations = self
            .evaluations
            .get(e.entity_id)
            .map_or(&[][..], Vec::as_slice);
        recheck::release_in_log(
            action,
            e.before,
            e.after,
            evaluations,
            &mut last_image,
            may_override,
        )
    }
}

/// The log before a release, as the gate reads it.
impl Before<'_> {
    /// The evaluations of `model` created before the event, by id.
    fn evaluations_of(&self, conn: &Connection, model: &str) -> CoreResult<Vec<String>> {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {SEEN} FROM {log}
              WHERE entity_type = 'evaluation' AND before IS NULL AND {BEFORE}",
            log = crate::audit::LOG_BY_ENTITY,
        ))?;
        let mut rows = stmt.query(params![self.copy, self.seq, self.position])?;
        let mut ids = Vec::new();
        while let Some(row) = rows.next()? {
            let created = seen(row)?;
            if evaluated_model(&created).as_deref() == Some(model) {
                ids.push(created.entity_id.to_owned());
            }
        }
        Ok(ids)
    }

    /// The after-image of the record's last event before the event (`None`: none, or the
    /// record was deleted).
    fn last_image(&self, conn: &Connection, kind: &str, id: &str) -> CoreResult<Option<String>> {
        let image = conn
            .prepare_cached(&format!(
                "SELECT after FROM {log}
                  WHERE entity_type = ?4 AND entity_id = ?5 AND {BEFORE}
                  ORDER BY position IS NULL DESC, position DESC, copy_id DESC, seq DESC LIMIT 1",
                log = crate::audit::LOG_BY_ENTITY,
            ))?
            .query_row(params![self.copy, self.seq, self.position, kind, id], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?;
        Ok(image.flatten())
    }
}

/// The model an event's new evaluation is of (a creation on an evaluation's record).
pub(super) fn evaluated_model(e: &Seen<'_>) -> Option<String> {
    if e.entity_type != EntityKind::Evaluation.key() || e.before.is_some() {
        return None;
    }
    field(e.after?, "model")
}
