//! A release judged again on a copy taking in another copy's event. The gate a release went
//! through is not in its images: the write path judged it on its tables. A copy applies the
//! log in its one order, so its tables are the log's state just before the event — but for
//! this copy's own events that the server placed after it (or has not placed yet), which it
//! already holds: the records they changed are judged as they were before them. A member
//! whose own program leaves out what its release read (so the server cannot refuse it as
//! stale) is named, not applied.

use super::store::{self, Evaluation, Model, Version};
use crate::change::Change;
use crate::error::CoreResult;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::collections::HashMap;

/// Does the action (by its current key) move a model's live version, through the gate?
pub(crate) fn is_release(action: &str) -> bool {
    matches!(action, "model.go_live" | "model.rollback")
}

/// Going live needs the gate open; rolling back needs it open, or an override recorded by
/// someone who may override (`may_override`). Going live with an override is its own action,
/// whose permission verification checks.
pub(crate) fn release(
    conn: &Connection,
    action: &str,
    change: &Change,
    may_override: bool,
) -> CoreResult<Result<(), &'static str>> {
    if !is_release(action) {
        return Ok(Ok(()));
    }
    let model = change
        .after
        .clone()
        .and_then(|after| serde_json::from_value::<Model>(after).ok());
    let Some((model, live)) = model.and_then(|m| m.live.map(|live| (m, live))) else {
        return Ok(Err("illegal_change"));
    };
    let ahead = own_events_ahead(conn)?;
    let version = match ahead.get(&("model_version", live.to_string())) {
        Some(before) => before
            .clone()
            .and_then(|image| serde_json::from_value::<Version>(image).ok()),
        None => store::find_version(conn, live)?,
    };
    let (Some(before), Some(version)) = (store::find_model(conn, model.id)?, version) else {
        return Ok(Err("illegal_change"));
    };
    let mut evaluations = Vec::new();
    for evaluation in store::evaluations_of(conn, model.id)? {
        match ahead.get(&("evaluation", evaluation.id.to_string())) {
            None => evaluations.push(evaluation),
            Some(before) => evaluations.extend(
                before
                    .clone()
                    .and_then(|image| serde_json::from_value::<Evaluation>(image).ok()),
            ),
        }
    }
    Ok(judge(
        action,
        &model,
        &before,
        &version,
        &evaluations,
        may_override,
    ))
}

/// [`release`] judged on the log alone, in a pass over the whole log (`audit verify`): the
/// model as the event found it (its before-image), the version and the model's evaluations
/// (`evaluations`, every one the log made for it) as the log left them just before the event
/// (`last_image`: a record's latest after-image, `None` if the log has not made it yet).
///
/// An image this version of Govbench cannot read leaves the release unjudged: the log is
/// never rewritten, and an image from a much older version must not make a release that
/// passed its own gate look forged. Every image was itself checked when its event was.
pub(crate) fn release_in_log(
    action: &str,
    before: Option<&str>,
    after: Option<&str>,
    evaluations: &[String],
    last_image: &mut dyn FnMut(&'static str, &str) -> CoreResult<Option<String>>,
    may_override: bool,
) -> CoreResult<Result<(), &'static str>> {
    if !is_release(action) {
        return Ok(Ok(()));
    }
    let model = |image: Option<&str>| image.map(serde_json::from_str::<Model>);
    let (Some(Ok(before)), Some(Ok(model))) = (model(before), model(after)) else {
        return Ok(Ok(()));
    };
    let Some(live) = model.live else {
        return Ok(Err("illegal_change"));
    };
    let version = match last_image("model_version", &live.to_string())? {
        None => return Ok(Err("illegal_change")),
        Some(image) => match serde_json::from_str::<Version>(&image) {
            Ok(version) => version,
            Err(_) => return Ok(Ok(())),
        },
    };
    let mut judged = Vec::with_capacity(evaluations.len());
    for id in evaluations {
        if let Some(image) = last_image("evaluation", id)? {
            match serde_json::from_str::<Evaluation>(&image) {
                Ok(evaluation) => judged.push(evaluation),
                Err(_) => return Ok(Ok(())),
            }
        }
    }
    // The order `store::evaluations_of` reads them in.
    judged.sort_by_key(|e| (e.meta.date, e.created_at));
    Ok(judge(
        action,
        &model,
        &before,
        &version,
        &judged,
        may_override,
    ))
}

/// Going live needs the gate open on `version` and `evaluations`, judged by the policy of the
/// model as it was (`before`); rolling back needs it open, or an override recorded by someone
/// who may override.
fn judge(
    action: &str,
    model: &Model,
    before: &Model,
    version: &Version,
    evaluations: &[Evaluation],
    may_override: bool,
) -> Result<(), &'static str> {
    if super::verdicts::gate_for(&before.policy, version, evaluations).is_empty() {
        return Ok(());
    }
    let overridden = model
        .timeline
        .last()
        .is_some_and(|period| Some(period.version) == model.live && period.gate_override.is_some());
    match action == "model.rollback" && overridden && may_override {
        true => Ok(()),
        false => Err("gate_closed"),
    }
}

/// The versions and evaluations this copy's own events changed after the point it has taken
/// the log in to (placed further on, or not placed yet), each with its image before the first
/// of them (`None`: made by one of them).
fn own_events_ahead(
    conn: &Connection,
) -> CoreResult<HashMap<(&'static str, String), Option<Value>>> {
    let copy: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'copy_id'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    let Some(copy) = copy else {
        return Ok(HashMap::new());
    };
    let through = crate::audit::placed_through(conn)?.map_or(0, |(position, _)| position);
    let mut stmt = conn.prepare_cached(
        "SELECT e.entity_type, e.entity_id, e.before
           FROM audit_events e LEFT JOIN audit_positions p USING (copy_id, seq)
          WHERE e.copy_id = ?1 AND (p.position IS NULL OR p.position > ?2)
            AND e.seq > (SELECT coalesce(max(seq), 0) FROM audit_positions
                          WHERE copy_id = ?1 AND position <= ?2)
            AND e.entity_type IN ('model_version', 'evaluation')
          ORDER BY e.seq",
    )?;
    let rows = stmt.query_map(params![copy, through as i64], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut ahead = HashMap::new();
    for row in rows {
        let (kind, id, before) = row?;
        let kind = match kind.as_str() {
            "model_version" => "model_version",
            _ => "evaluation",
        };
        let before = before.and_then(|b| serde_json::from_str(&b).ok());
        // The first of them says what the record was before them.
        ahead.entry((kind, id)).or_insert(before);
    }
    Ok(ahead)
}
