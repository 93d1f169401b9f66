//! A release judged again on a copy taking in another copy's event. The gate a release went
//! through is not in its images: the write path judged it on its tables. A copy applies the
//! log in its one order, so its tables are the log's state just before the event, and the
//! gate is judged there again — a member whose own program leaves out what its release read
//! (so the server cannot refuse it as stale) is named, not applied.

use super::store::{self, Model};
use crate::change::Change;
use crate::error::CoreResult;
use rusqlite::Connection;

/// Going live needs the gate open; rolling back needs it open, or an override recorded by
/// someone who may override (`may_override`). Going live with an override is its own action,
/// whose permission verification checks.
pub(crate) fn release(
    conn: &Connection,
    action: &str,
    change: &Change,
    may_override: bool,
) -> CoreResult<Result<(), &'static str>> {
    if !matches!(action, "model.go_live" | "model.rollback") {
        return Ok(Ok(()));
    }
    let model = change
        .after
        .clone()
        .and_then(|after| serde_json::from_value::<Model>(after).ok());
    let Some((model, live)) = model.and_then(|m| m.live.map(|live| (m, live))) else {
        return Ok(Err("illegal_change"));
    };
    let (Some(before), Some(version)) = (
        store::find_model(conn, model.id)?,
        store::find_version(conn, live)?,
    ) else {
        return Ok(Err("illegal_change"));
    };
    if super::apply::gate_now(conn, &before, &version)?.is_empty() {
        return Ok(Ok(()));
    }
    let overridden = model
        .timeline
        .last()
        .is_some_and(|period| period.version == live && period.gate_override.is_some());
    Ok(
        match action == "model.rollback" && overridden && may_override {
            true => Ok(()),
            false => Err("gate_closed"),
        },
    )
}
