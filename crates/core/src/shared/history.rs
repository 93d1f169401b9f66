//! The history of any record, read from its audit events: who did what when, and how its
//! status moved. Every feature shows it the same way.

use crate::audit;
use crate::error::{CoreError, CoreResult};
use chrono::{DateTime, Utc};
use govbench_protocol::{EntityRef, HistoryEntry};
use rusqlite::{params, Connection};

/// Action names written before actions were namespaced by feature (schema 1). The log is
/// never rewritten, so they are translated when read.
const LEGACY_ACTIONS: &[(&str, &str)] = &[
    ("create_workspace", audit::CREATE_WORKSPACE),
    ("file_requirement", "requirement.file"),
    ("edit_requirement", "requirement.edit"),
    ("submit_requirement", "requirement.submit"),
    ("start_assessment", "requirement.start_assessment"),
    ("assess_requirement", "requirement.assess"),
    ("approve_requirement", "requirement.approve"),
    ("reject_requirement", "requirement.reject"),
    ("return_requirement", "requirement.return"),
    ("plan_requirement", "requirement.plan"),
    ("start_development", "requirement.start_development"),
    ("mark_delivered", "requirement.mark_delivered"),
    ("close_requirement", "requirement.close"),
    ("add_comment", "comment.add"),
    ("create_user", "user.create"),
    ("remove_user", "user.remove"),
];

/// The current key of an action name as stored in the log.
pub fn action_key(stored: &str) -> &str {
    LEGACY_ACTIONS
        .iter()
        .find(|(old, _)| *old == stored)
        .map_or(stored, |(_, new)| new)
}

/// The history of `entity`, oldest first. A record with a lifecycle keeps its status in a
/// `status` field of its image; the entry shows a status only when the event moved it.
pub fn of(conn: &Connection, entity: EntityRef) -> CoreResult<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, actor_name, action, before, after FROM audit_events
         WHERE entity_type = ?1 AND entity_id = ?2 ORDER BY at, seq",
    )?;
    let rows = stmt.query_map(params![entity.kind.key(), entity.id.to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (at, actor, action, before, after) = row?;
        let at = DateTime::parse_from_rfc3339(&at)
            .map_err(|e| CoreError::Malformed(format!("audit time: {e}")))?
            .with_timezone(&Utc);
        let from = before.as_deref().and_then(status_of);
        let to = after.as_deref().and_then(status_of);
        let moved = from != to;
        entries.push(HistoryEntry {
            at,
            actor,
            action: action_key(&action).to_owned(),
            from_status: from.filter(|_| moved),
            to_status: to.filter(|_| moved),
        });
    }
    Ok(entries)
}

fn status_of(image: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(image).ok()?;
    Some(value.get("status")?.as_str()?.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use govbench_protocol::Action;

    #[test]
    fn every_legacy_name_maps_to_a_current_action() {
        for (old, new) in LEGACY_ACTIONS {
            assert!(
                *new == audit::CREATE_WORKSPACE || Action::from_key(new).is_some(),
                "{old} → {new}"
            );
            assert_eq!(action_key(old), *new);
        }
        assert_eq!(action_key("requirement.approve"), "requirement.approve");
    }
}
