//! The history of any record, read from its audit events: who did what when, and how its
//! status moved. Every feature shows it the same way.

use crate::audit;
use crate::error::{CoreError, CoreResult};
use chrono::{DateTime, Utc};
use govbench_protocol::{EntityRef, HistoryEntry, RecentPage};
use rusqlite::{params, Connection};

/// How many comments and history entries a record's page shows before "earlier".
pub const RECENT: u32 = 50;

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

/// The `limit` most recent events of `entity` before the cursor `before` (`<at>|<seq>` of the
/// oldest event of the page after; time first, since seqs are per copy), oldest first, with the total and the cursor of the page
/// before them. A record with a lifecycle keeps its status in a `status` field of its image;
/// the entry shows a status only when the event moved it.
pub fn recent(
    conn: &Connection,
    entity: EntityRef,
    before: Option<&str>,
    limit: u32,
) -> CoreResult<RecentPage<HistoryEntry>> {
    let (kind, id) = (entity.kind.key(), entity.id.to_string());
    let (before_at, before_seq) = before
        .and_then(|b| b.split_once('|'))
        .and_then(|(at, seq)| Some((at.to_owned(), seq.parse::<i64>().ok()?)))
        .map_or((None, None), |(at, seq)| (Some(at), Some(seq)));
    let mut stmt = conn.prepare_cached(
        "SELECT at, actor_name, action, before, after, seq,
                EXISTS (SELECT 1 FROM meta WHERE key = 'server_address')
                AND NOT EXISTS (SELECT 1 FROM audit_positions p
                                 WHERE p.copy_id = e.copy_id AND p.seq = e.seq)
           FROM audit_events e
          WHERE entity_type = ?1 AND entity_id = ?2
            AND (?3 IS NULL OR at < ?3 OR (at = ?3 AND seq < ?4))
          ORDER BY at DESC, seq DESC LIMIT ?5",
    )?;
    let mut rows = stmt
        .query_map(params![kind, id, before_at, before_seq, limit + 1], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let earlier = more
        .then(|| rows.last().map(|row| format!("{}|{}", row.0, row.5)))
        .flatten();
    let total: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM audit_events WHERE entity_type = ?1 AND entity_id = ?2",
        )?
        .query_row(params![kind, id], |r| r.get(0))?;
    let mut entries = Vec::new();
    for (at, actor, action, before, after, _, not_yet_shared) in rows.into_iter().rev() {
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
            not_yet_shared,
        });
    }
    Ok(RecentPage {
        items: entries,
        total: total as u64,
        earlier,
    })
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
