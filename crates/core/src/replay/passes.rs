//! Passes over the log: every event checked in the log's order (`audit verify`), the check
//! resumed where a copy last verified (login), and the member register rebuilt from the
//! member events alone.

use super::{seen, Authority, FirstBad, Seen, SEEN};
use crate::error::CoreResult;
use rusqlite::{params, Connection};
use std::collections::HashMap;

/// Checks the events `query` selects (in log order), stopping at the first that fails.
/// Returns how many passed and that one.
fn check_each(
    authority: &mut Authority,
    conn: &Connection,
    query: &str,
    params: impl rusqlite::Params,
) -> CoreResult<(u64, Option<FirstBad>)> {
    let mut stmt = conn.prepare(query)?;
    let mut rows = stmt.query(params)?;
    let mut checked = 0;
    while let Some(row) = rows.next()? {
        let seen = seen(row)?;
        if let Err(problem) = authority.check(conn, &seen)? {
            return Ok((checked, Some((seen.copy.to_owned(), seen.seq, problem))));
        }
        checked += 1;
    }
    Ok((checked, None))
}

/// Checks every copy's events from the first, in log order. Returns how many were checked
/// and the first that its author could not have written, as (copy, seq, problem).
pub(crate) fn check_all(conn: &Connection) -> CoreResult<(u64, Option<FirstBad>)> {
    let query = format!(
        "SELECT {SEEN} FROM {} ORDER BY {}",
        crate::audit::LOG,
        crate::audit::LOG_ORDER
    );
    check_each(&mut Authority::from_start(), conn, &query, [])
}

/// Checks the events of `copy` from `from` on as their authors' actions (the events before
/// it were verified earlier). Returns how many were checked and the first that fails.
pub(crate) fn check_from(
    conn: &Connection,
    copy: &str,
    from: u64,
) -> CoreResult<(u64, Option<crate::audit::Flaw>)> {
    let query =
        format!("SELECT {SEEN} FROM audit_events WHERE copy_id = ?1 AND seq >= ?2 ORDER BY seq");
    let mut authority = Authority::resume(conn, copy, from)?;
    let (checked, bad) = check_each(&mut authority, conn, &query, params![copy, from as i64])?;
    Ok((checked, bad.map(|(_, seq, problem)| (seq, problem))))
}

/// The member register as a copy's user events build it, each event checked on its own: its
/// hash, its signature by the key its author held then, and the rules of membership. Cheap
/// (user events are few), so every login runs it: a session's role and keys come from here,
/// never from the `users` row. An event that fails is left out, and the first is named.
///
/// `sealed_only: false` also takes in events whose hash or signature fails, as long as the
/// rules of membership allow them: how a log rewritten wholesale (and so held read-only) still
/// says who its members are.
pub(crate) fn register(
    conn: &Connection,
    sealed_only: bool,
) -> CoreResult<(Authority, Option<(u64, &'static str)>)> {
    // Per copy: events from before signing are accepted unsigned only before its first
    // signed event (looked up as each copy comes, not by reading the whole log).
    let mut signed_from: HashMap<String, u64> = HashMap::new();
    let mut authority = Authority::from_start();
    let mut first_bad = None;
    // Every copy's member events, in the log's order: on a copy joined from a server they
    // were written by other copies.
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM {}
         WHERE entity_type IN ('user', 'workspace') ORDER BY {}",
        crate::audit::SEALED,
        crate::audit::LOG_BY_ENTITY,
        crate::audit::LOG_ORDER,
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let crate::audit::Sealed {
            event,
            hash,
            signature,
        } = crate::audit::sealed(row)?;
        let first_signed = match signed_from.get(&event.copy_id) {
            Some(seq) => *seq,
            None => {
                let seq = crate::audit::first_signed(conn, &event.copy_id)?.unwrap_or(u64::MAX);
                signed_from.insert(event.copy_id.clone(), seq);
                seq
            }
        };
        let seen = Seen {
            copy: &event.copy_id,
            seq: event.seq,
            actor: event.actor_id.as_deref(),
            action: &event.action,
            entity_type: &event.entity_type,
            entity_id: &event.entity_id,
            before: event.before.as_deref(),
            after: event.after.as_deref(),
        };
        let sealed = if event.hash() != hash {
            Err("hash_mismatch")
        } else {
            match signature {
                Some(signature) => authority.signed_by_author(&seen, &hash, &signature),
                None if event.seq < first_signed => Ok(()),
                None => Err("unsigned"),
            }
        };
        // A bad event is named and left out: what it would have changed does not count, and
        // whatever builds on it fails in turn.
        let verdict = match sealed {
            Ok(()) => authority.check(conn, &seen)?,
            Err(problem) if sealed_only => Err(problem),
            Err(problem) => {
                first_bad.get_or_insert((event.seq, problem));
                authority.check(conn, &seen)?
            }
        };
        if let Err(problem) = verdict {
            first_bad.get_or_insert((event.seq, problem));
        }
    }
    Ok((authority, first_bad))
}
