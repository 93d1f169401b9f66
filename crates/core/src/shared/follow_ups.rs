//! Corrective and preventive actions, wherever they come from (a post-incident review, a
//! drill's findings): checked the same way, completed the same way, and listed on their
//! owners' dashboards through one derived index (`open_actions`), rewritten with the record
//! that holds them.

use crate::change::Context;
use crate::error::{CoreError, CoreResult};
use crate::members;
use crate::shared::validate::Check;
use crate::store::Part;
use chrono::NaiveDate;
use govbench_protocol::{
    Action, ActionDone, ActionDraft, CorrectiveAction, EntityKind, EntityRef, OpenAction, Role,
    UserId,
};
use rusqlite::Connection;
use uuid::Uuid;

/// More follow-ups than this from one review is a plan, not a list.
pub const MAX_ACTIONS: usize = 100;
pub const MAX_TEXT: usize = 2_000;

/// Checks drafts under `field.N.…`, owners active members.
pub fn check(
    conn: &Connection,
    check: &mut Check,
    field: &str,
    drafts: &[ActionDraft],
) -> CoreResult<()> {
    check.count(field, drafts.len(), MAX_ACTIONS);
    for (i, d) in drafts.iter().enumerate().take(MAX_ACTIONS) {
        check
            .multiline(format!("{field}.{i}.text"), &d.text, MAX_TEXT)
            .date(format!("{field}.{i}.due"), d.due);
        if members::find(conn, d.owner)?.is_none() {
            check.fail(format!("{field}.{i}.owner"), "unknown_user");
        }
    }
    Ok(())
}

pub fn from_drafts(drafts: &[ActionDraft]) -> Vec<CorrectiveAction> {
    drafts
        .iter()
        .map(|d| CorrectiveAction {
            id: Uuid::now_v7(),
            text: d.text.trim().to_owned(),
            preventive: d.preventive,
            owner: d.owner,
            due: d.due,
            done: None,
        })
        .collect()
}

/// Marks action `id` done: by its owner, or by a project manager or an Admin tidying up.
pub fn complete(
    ctx: &Context<'_>,
    (on, completing): (EntityRef, Action),
    actions: &mut [CorrectiveAction],
    id: Uuid,
    note: &str,
) -> CoreResult<()> {
    let mut check = Check::new();
    check.optional_multiline("note", note, MAX_TEXT);
    check.finish()?;
    let action = actions
        .iter_mut()
        .find(|a| a.id == id)
        .ok_or_else(|| CoreError::invalid("action", "unknown_action"))?;
    if action.done.is_some() {
        return Err(CoreError::invalid("action", "already_done"));
    }
    let manager = matches!(ctx.actor.role, Role::ProjectManager | Role::Admin);
    if action.owner != ctx.actor.id && !manager {
        return Err(CoreError::NotAuthor {
            entity: on,
            action: completing,
        });
    }
    action.done = Some(ActionDone {
        at: ctx.now,
        by: ctx.actor.id,
        note: note.trim().to_owned(),
    });
    Ok(())
}

/// Rewrites the index of `on`'s open actions.
pub fn index(conn: &Connection, on: EntityRef, actions: &[CorrectiveAction]) -> CoreResult<()> {
    conn.prepare_cached("DELETE FROM open_actions WHERE entity_type = ?1 AND entity_id = ?2")?
        .execute([on.kind.key(), &on.id.to_string()])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO open_actions (entity_type, entity_id, action_id, owner, due)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for a in actions.iter().filter(|a| a.done.is_none()) {
        insert.execute(rusqlite::params![
            on.kind.key(),
            on.id.to_string(),
            a.id.to_string(),
            a.owner.to_string(),
            a.due,
        ])?;
    }
    Ok(())
}

/// The records of `kind` holding open actions of `owner`, soonest due first (each once).
fn records_with_open_actions(
    conn: &Connection,
    kind: EntityKind,
    owner: UserId,
) -> CoreResult<Vec<(Uuid, NaiveDate)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT entity_id, MIN(due) FROM open_actions WHERE owner = ?1 AND entity_type = ?2
         GROUP BY entity_id ORDER BY MIN(due), entity_id",
    )?;
    let rows = stmt
        .query_map([owner.to_string(), kind.key().to_owned()], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, NaiveDate>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(id, due)| {
            Uuid::parse_str(&id)
                .map(|id| (id, due))
                .map_err(|e| CoreError::Malformed(format!("open action: {e}")))
        })
        .collect()
}

/// The first `limit` open corrective actions of `owner` on records of `kind`, soonest due
/// first: `of` reads a record's number and actions (only the records holding those are read).
pub fn open_actions(
    conn: &Connection,
    kind: EntityKind,
    owner: UserId,
    limit: usize,
    of: impl Fn(&Connection, Uuid) -> CoreResult<Option<(String, Vec<CorrectiveAction>)>>,
) -> CoreResult<Vec<OpenAction>> {
    let mut list = Vec::new();
    for (id, _) in records_with_open_actions(conn, kind, owner)? {
        if list.len() >= limit {
            break;
        }
        let Some((number, actions)) = of(conn, id)? else {
            continue;
        };
        for action in actions {
            if action.owner == owner && action.done.is_none() {
                list.push(OpenAction {
                    on: EntityRef { kind, id },
                    number: number.clone(),
                    action,
                });
            }
        }
    }
    list.sort_by_key(|a| a.action.due);
    list.truncate(limit);
    Ok(list)
}

/// Schema 5: `open_actions`, derived from the corrective actions of incidents and drill runs,
/// rewritten with each.
pub(crate) const SCHEMA_V5: Part = Part::sql(
    r#"    CREATE TABLE open_actions (
        entity_type TEXT NOT NULL,
        entity_id   TEXT NOT NULL,
        action_id   TEXT NOT NULL,
        owner       TEXT NOT NULL,
        due         TEXT NOT NULL,
        PRIMARY KEY (entity_type, entity_id, action_id)
    ) WITHOUT ROWID;
    CREATE INDEX open_actions_by_owner ON open_actions(owner, due);
    "#,
);
