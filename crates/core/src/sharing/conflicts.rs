//! A waiting edit the server turned down (what it was based on changed meanwhile on another
//! desk) becomes its author's conflict. This copy goes back to the server's order: the edit
//! and every waiting edit after it are undone (they were never placed, so no other copy has
//! them), the server's events are taken in, and the later edits that still fit — written by
//! this session's member, on a record still as they found it — are applied again as new
//! events. Nothing is lost: every undone edit that was not applied again is kept, with who
//! changed the record meanwhile and when, for its author to look at and redo or drop.

use super::*;
use crate::audit::Actor;
use crate::change::Change;
use crate::store::Part;

/// Schema 7: conflicts waiting for their author.
pub(crate) const SCHEMA_V7: Part = Part::sql(
    r#"    CREATE TABLE conflicts (
        id          TEXT PRIMARY KEY,
        found_at    TEXT NOT NULL,
        author_id   TEXT,
        entity_type TEXT NOT NULL,
        entity_id   TEXT NOT NULL,
        action      TEXT NOT NULL,
        -- The undone event as it was sealed (its images: what the author wrote).
        event       TEXT NOT NULL,
        -- 'stale': turned down by the server; 'behind': after one that was, and no longer fits.
        reason      TEXT NOT NULL,
        theirs_by   TEXT,
        theirs_at   TEXT,
        resolved_at TEXT
    );
    "#,
);

/// The waiting edit the server turned down.
pub(super) struct Stale {
    pub seq: u64,
    pub outcome: Outcome,
}

/// What offering the waiting edits came to.
#[derive(Default)]
pub(super) struct Offered {
    pub pushed: u64,
    pub conflicts: u64,
}

/// A stale edit undoes what follows it; a server that keeps turning edits down cannot make a
/// copy loop for ever.
const MAX_ROUNDS: usize = 16;

fn record_conflict(
    tx: &Transaction<'_>,
    sealed: &Sealed,
    reason: &str,
    theirs: Option<&Outcome>,
    now: chrono::DateTime<chrono::Utc>,
) -> CoreResult<()> {
    let (by, at) = match theirs {
        Some(Outcome::Stale { signer, at, .. }) => {
            (signer.map(|s| s.to_string()), at.map(audit::stamp))
        }
        _ => (None, None),
    };
    let e = &sealed.event;
    tx.execute(
        "INSERT INTO conflicts (id, found_at, author_id, entity_type, entity_id, action, event,
             reason, theirs_by, theirs_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            Uuid::now_v7().to_string(),
            audit::stamp(now),
            e.actor_id,
            e.entity_type,
            e.entity_id,
            e.action,
            serde_json::to_string(sealed)?,
            reason,
            by,
            at
        ],
    )?;
    Ok(())
}

fn version_of(image: &serde_json::Value) -> u64 {
    image
        .get("version")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(1)
}

impl Session {
    /// Offers what waits, in order. An edit turned down as stale becomes its author's
    /// conflict, and this copy goes back to the server's order (see the module).
    pub(super) fn offer_waiting(&mut self, server: &mut dyn Server) -> CoreResult<Offered> {
        let mut offered = Offered::default();
        for _ in 0..MAX_ROUNDS {
            if self.undone_waiting()? {
                // Undone after a stale edit (in this round, or in an exchange cut off before
                // they were applied again): the server's events first, then what still fits.
                self.pull(server)?;
                offered.conflicts += self.apply_again()?;
            }
            let (pushed, stale) = self.push(server)?;
            offered.pushed += pushed;
            let Some(stale) = stale else {
                return Ok(offered);
            };
            // Turned down as stale, the edit is its author's conflict; at a place of this
            // copy's chain the server already filled, it only waits to be applied again.
            let lost_place = matches!(stale.outcome, Outcome::Refused(_));
            self.undo_waiting(&stale, lost_place)?;
            offered.conflicts += u64::from(!lost_place);
        }
        Ok(offered)
    }

    /// Are there undone edits waiting to be applied again? They are kept in `conflicts` as
    /// `waiting` (never shown as conflicts) from the transaction that undid them, so an
    /// exchange cut off before they were applied again loses none.
    fn undone_waiting(&self) -> CoreResult<bool> {
        Ok(self
            .connection()
            .0
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM conflicts WHERE reason = 'waiting')")?
            .query_row([], |r| r.get(0))?)
    }

    /// Undoes this copy's waiting edits from the stale one on, newest first, and keeps the
    /// stale one as a conflict (unless `lost_place`: it only lost its place in the chain) and
    /// the others to be applied again, in the same transaction.
    fn undo_waiting(&mut self, stale: &Stale, lost_place: bool) -> CoreResult<()> {
        let copy = self.copy_id().to_owned();
        let now = self.clock_now();
        let tx = self.begin_sync()?;
        let waiting: Vec<Sealed> = tx
            .prepare(&format!(
                "SELECT {} FROM audit_events WHERE copy_id = ?1 AND seq >= ?2 ORDER BY seq",
                audit::SEALED
            ))?
            .query_map(params![copy, stale.seq as i64], audit::sealed)?
            .collect::<Result<_, _>>()?;
        for sealed in waiting.iter().rev() {
            let change = crate::receive::change_of(sealed)?;
            match (&change.before, &change.after) {
                (None, _) => crate::features::drop_image(&tx, change.entity)?,
                (Some(before), after) => crate::features::put_image(
                    &tx,
                    &Change {
                        entity: change.entity,
                        before: after.clone(),
                        after: Some(before.clone()),
                        version: version_of(before),
                    },
                )?,
            }
        }
        audit::take_back(&tx, &copy, stale.seq)?;
        let mut rest = waiting.iter();
        if let Some(first) = rest.next() {
            match lost_place {
                true => record_conflict(&tx, first, "waiting", None, now)?,
                false => record_conflict(&tx, first, "stale", Some(&stale.outcome), now)?,
            }
        }
        for later in rest {
            record_conflict(&tx, later, "waiting", None, now)?;
        }
        tx.commit()?;
        // The device saw heads this copy no longer has: it saw them taken back on purpose.
        self.record_witness_with(None, true);
        Ok(())
    }

    /// Applies again, as new events of this copy and in their order, the undone edits that
    /// still fit: written by this session's member, on a record still as they found it. The
    /// others become conflicts. Returns how many did.
    fn apply_again(&mut self) -> CoreResult<u64> {
        let copy = self.copy_id().to_owned();
        let user = self.user().clone();
        let now = self.clock_now();
        let secret = self
            .secret()
            .cloned()
            .ok_or(CoreError::Crypto("no signing key"))?;
        let me = user.id.to_string();
        let mut conflicts = 0;
        let tx = self.begin_sync()?;
        let undone: Vec<(String, String)> = tx
            .prepare("SELECT id, event FROM conflicts WHERE reason = 'waiting' ORDER BY rowid")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (id, event) in undone {
            let sealed: Sealed = serde_json::from_str(&event)?;
            let change = crate::receive::change_of(&sealed)?;
            let fits = sealed.event.actor_id.as_deref() == Some(me.as_str())
                && crate::features::current_image(&tx, change.entity)? == change.before;
            if fits {
                crate::features::put_image(&tx, &change)?;
                audit::append(
                    &tx,
                    &copy,
                    now,
                    &Actor::of(&user),
                    &sealed.event.action,
                    &change,
                    &secret,
                )?;
                tx.execute("DELETE FROM conflicts WHERE id = ?1", [&id])?;
            } else {
                tx.execute(
                    "UPDATE conflicts SET reason = 'behind', found_at = ?1 WHERE id = ?2",
                    params![audit::stamp(now), id],
                )?;
                conflicts += 1;
            }
        }
        tx.commit()?;
        self.record_witness();
        Ok(conflicts)
    }
}

/// A conflict as stored.
struct Stored {
    id: String,
    found_at: String,
    event: String,
    reason: String,
    theirs_by: Option<String>,
    theirs_at: Option<String>,
}

impl Stored {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
        Ok(Stored {
            id: r.get(0)?,
            found_at: r.get(1)?,
            event: r.get(2)?,
            reason: r.get(3)?,
            theirs_by: r.get(4)?,
            theirs_at: r.get(5)?,
        })
    }

    /// As the member sees it; whoever changed the record is named once this copy knows them.
    fn shown(self, conn: &Connection) -> CoreResult<govbench_protocol::Conflict> {
        let malformed = |what: &str| CoreError::Malformed(format!("conflict {what}"));
        let sealed: Sealed = serde_json::from_str(&self.event)?;
        let change = crate::receive::change_of(&sealed)?;
        let theirs_by = self.theirs_by.map(|id| {
            id.parse()
                .ok()
                .and_then(|id| {
                    crate::members::find_any(conn, govbench_protocol::UserId(id))
                        .ok()
                        .flatten()
                })
                .map_or(id, |m| m.display_name)
        });
        Ok(govbench_protocol::Conflict {
            id: self.id.parse().map_err(|_| malformed("id"))?,
            found_at: chrono::DateTime::parse_from_rfc3339(&self.found_at)
                .map_err(|_| malformed("time"))?
                .with_timezone(&chrono::Utc),
            entity: change.entity,
            action: sealed.event.action.clone(),
            written_at: sealed.event.at.clone(),
            reason: govbench_protocol::ConflictReason::from_key(&self.reason)
                .ok_or_else(|| malformed("reason"))?,
            theirs_by,
            theirs_at: self.theirs_at,
            mine: sealed.event.after,
        })
    }
}

impl Session {
    /// The conflicts waiting for this session's member: their own edits the server turned
    /// down, newest first, with who changed the record meanwhile.
    pub fn conflicts(&self) -> ApiResult<Vec<govbench_protocol::Conflict>> {
        let me = self.user().id.to_string();
        let listed = (|| -> CoreResult<Vec<govbench_protocol::Conflict>> {
            let conn = self.connection().0;
            let stored: Vec<Stored> = conn
                .prepare(
                    "SELECT id, found_at, event, reason, theirs_by, theirs_at FROM conflicts
                      WHERE author_id = ?1 AND resolved_at IS NULL AND reason <> 'waiting'
                      ORDER BY found_at DESC, id DESC",
                )?
                .query_map([&me], Stored::read)?
                .collect::<Result<_, _>>()?;
            stored.into_iter().map(|c| c.shown(conn)).collect()
        })();
        listed.map_err(|e| self.explain(e).into())
    }
}
