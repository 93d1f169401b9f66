//! `audit verify`: everything Govbench can prove about a workspace, in one report.
//!
//! 1. **Storage**: SQLCipher's check of every page's authentication code and SQLite's
//!    structural check, so a damaged file is never called intact.
//! 2. **Chain**: hashes, links and every event's signature (`audit::verify_parallel`).
//! 3. **Records**: every row equals the after-image of its last event, and every row has one —
//!    a row changed or inserted around the write path is named.
//! 4. **Key slots**: one slot per active member, none for anyone else.
//! 5. **Anchor**: the chain still contains the head this device saw last (or a head given to
//!    check, such as one printed on an earlier report; on a shared workspace, the frontier a
//!    report printed: the server's position and its hash over the log up to it).

use crate::access::{Reader, Session};
use crate::audit;
use crate::error::{ApiResult, CoreError, CoreResult};
use crate::features;
use crate::keyslots::KeySlots;
use crate::members;
use crate::witness;
use govbench_protocol::{
    AuditPermission, AuditReport, BadEvent, EntityKind, EntityRef, RecordCheck, RecordProblem,
    SlotCheck, StorageCheck,
};
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashSet;
use uuid::Uuid;

/// Problems listed in full in a report; the rest are counted.
const LISTED: usize = 20;

impl Session {
    /// Runs every check; the anchor is this device's witness (if it has seen this chain).
    pub fn verify_audit(&self) -> ApiResult<AuditReport> {
        self.verify_with(None)
    }

    /// Runs every check, and checks that the chain contains `anchor` (`<seq>:<hash>` as an
    /// earlier report printed it, or `<copy>:<seq>:<hash>`).
    pub fn verify_audit_against(&self, anchor: &str) -> ApiResult<AuditReport> {
        self.verify_with(Some(anchor))
    }

    fn verify_with(&self, anchor: Option<&str>) -> ApiResult<AuditReport> {
        // A shared workspace's frontier (`log:<position>:<hash>`, printed on its reports) is
        // checked against the positions this copy took in; anything else is a chain head.
        let (frontier, anchor) = match anchor.map(crate::sharing::parse_frontier) {
            Some(Some(frontier)) => (Some(frontier), None),
            _ => (None, anchor),
        };
        let given = anchor
            .map(|a| witness::parse_anchor(a).ok_or_else(|| CoreError::invalid("anchor", "anchor")))
            .transpose()?;
        let device = self.device_anchor()?;
        self.read(AuditPermission::Verify, |reader| {
            // Storage first: on a damaged file the other checks would fail on unreadable pages
            // instead of saying what is wrong.
            let storage = storage(reader.conn)?;
            if !storage.problems.is_empty() {
                return Ok(AuditReport {
                    storage: Some(storage),
                    ..AuditReport::default()
                });
            }
            let files = reader.files();
            let open_reader = || crate::store::open_reader(&files.path, &files.key);
            // The re-check reads the log on a connection of its own, beside the chain check.
            let (chain, rechecked) = std::thread::scope(|scope| {
                let recheck = scope.spawn(|| crate::replay::check_all(&open_reader()?));
                let chain = audit::verify_parallel(reader.conn, &open_reader);
                let rechecked = recheck
                    .join()
                    .map_err(|_| CoreError::Malformed("the re-check thread panicked".into()));
                (chain, rechecked)
            });
            let mut report = chain?;
            authority(rechecked??, &mut report);
            report.storage = Some(storage);
            report.records = Some(records(reader.conn)?);
            report.key_slots = Some(key_slots(reader)?);
            report.anchor = match (given, frontier) {
                (_, Some((position, hash))) => Some(crate::sharing::check_frontier(
                    reader.conn,
                    position,
                    &hash,
                )?),
                (Some((copy, seq, hash)), None) => {
                    let copy = copy.unwrap_or_else(|| self.copy_id().to_owned());
                    witness::check_checkpoints(reader.conn, &copy, &[(seq, hash)], "given")?
                }
                (None, None) => device,
            };
            Ok(report)
        })
    }
}

/// Verifies the events of `copy` after `from` (whose hash is `from_hash`) as `audit verify`
/// does — links, hashes, signatures, and each event as its author's action — and returns the
/// head, or the first bad event. What login runs: with nothing new it reads a few user events.
pub(crate) fn after<F>(
    conn: &Connection,
    open_reader: &F,
    copy: &str,
    from: u64,
    from_hash: &str,
) -> CoreResult<Result<Option<audit::Head>, audit::Flaw>>
where
    F: Fn() -> CoreResult<Connection> + Sync + ?Sized,
{
    let chain = audit::verify_after(conn, open_reader, copy, from, from_hash)?;
    let (_, authority) = crate::replay::check_from(conn, copy, from + 1)?;
    Ok(match (chain, authority) {
        (Err(a), Some(b)) => Err(if b.0 < a.0 { b } else { a }),
        (Err(a), None) => Err(a),
        (Ok(_), Some(b)) => Err(b),
        (Ok(head), None) => Ok(head),
    })
}

/// Takes in the re-check of every event as its author's action (`replay`): names the first
/// that its author could not have written if it comes before anything the chain check found.
fn authority((checked, bad): (u64, Option<crate::replay::FirstBad>), report: &mut AuditReport) {
    report.actions_checked = checked;
    let Some((copy, seq, problem)) = bad else {
        return;
    };
    let earlier = report
        .first_bad
        .as_ref()
        .is_none_or(|b| (b.copy_id.as_str(), b.seq) > (copy.as_str(), seq));
    if earlier {
        let before = seq.saturating_sub(1);
        report.events_verified = report.events_verified.min(before);
        report.signatures_verified = report.signatures_verified.min(before);
        report.first_bad = Some(BadEvent {
            copy_id: copy,
            seq,
            problem: problem.to_owned(),
        });
    }
}

fn storage(conn: &Connection) -> CoreResult<StorageCheck> {
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    // Rows only for pages whose authentication code fails (SQLCipher ≥ 4.3); then SQLite's
    // own structural check, which says "ok" when there is nothing to say. A check that cannot
    // even run on the file is itself the finding.
    let mut problems = pragma_lines(conn, "PRAGMA cipher_integrity_check");
    if problems.is_empty() {
        problems = pragma_lines(conn, "PRAGMA integrity_check(20)");
        problems.retain(|line| line != "ok");
    }
    problems.truncate(LISTED);
    Ok(StorageCheck {
        pages: pages as u64,
        problems,
    })
}

fn pragma_lines(conn: &Connection, pragma: &str) -> Vec<String> {
    let lines = conn.prepare(pragma).and_then(|mut stmt| {
        stmt.query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()
    });
    lines.unwrap_or_else(|e| vec![e.to_string()])
}

/// Compares every record with its last event, then looks for rows no event wrote.
fn records(conn: &Connection) -> CoreResult<RecordCheck> {
    let mut check = RecordCheck::default();
    let mut logged: HashSet<(EntityKind, Uuid)> = HashSet::new();
    let problem = |check: &mut RecordCheck, entity: EntityRef, problem: &str| {
        check.problem_count += 1;
        if check.problems.len() < LISTED {
            check.problems.push(RecordProblem {
                entity: entity.kind.key().to_owned(),
                id: entity.id.to_string(),
                problem: problem.to_owned(),
            });
        }
    };
    // The last event of each entity in the log's order. One copy: its highest seq (SQLite
    // returns the other columns of the max row). Several (a shared workspace): the last the
    // server placed, or this copy's own not placed yet.
    let shared: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM audit_positions)", [], |r| {
            r.get(0)
        })?;
    let mut last = conn.prepare(&if shared {
        format!(
            "SELECT entity_type, entity_id, copy_id, seq FROM (
                 SELECT entity_type, entity_id, copy_id, seq, row_number() OVER (
                     PARTITION BY entity_type, entity_id
                     ORDER BY position IS NULL DESC, position DESC, copy_id DESC, seq DESC) AS n
                 FROM {}) WHERE n = 1",
            crate::audit::LOG
        )
    } else {
        "SELECT entity_type, entity_id, copy_id, max(seq) FROM audit_events
         GROUP BY entity_type, entity_id"
            .to_owned()
    })?;
    let mut after_of =
        conn.prepare_cached("SELECT after FROM audit_events WHERE copy_id = ?1 AND seq = ?2")?;
    let mut rows = last.query([])?;
    while let Some(row) = rows.next()? {
        let kind_key: String = row.get(0)?;
        let id: String = row.get(1)?;
        let (Some(kind), Ok(id)) = (EntityKind::from_key(&kind_key), id.parse::<Uuid>()) else {
            // An event about a kind or id this version does not know: the chain check already
            // vouched for it; there is no table to compare.
            continue;
        };
        let entity = EntityRef { kind, id };
        let copy: String = row.get(2)?;
        let seq: i64 = row.get(3)?;
        let after: Option<String> = after_of
            .query_row(rusqlite::params![copy, seq], |r| r.get(0))
            .optional()?
            .flatten();
        let logged_image = after
            .as_deref()
            .map(serde_json::from_str::<serde_json::Value>)
            .transpose()?;
        let stored = features::current_image(conn, entity)?;
        match (&logged_image, &stored) {
            (Some(l), Some(s)) if l != s => problem(&mut check, entity, "differs"),
            (Some(_), None) => problem(&mut check, entity, "missing"),
            (None, Some(_)) => problem(&mut check, entity, "differs"),
            _ => {}
        }
        logged.insert((kind, id));
        check.records_checked += 1;
    }
    for kind in &EntityKind::ALL {
        let Some(table) = crate::kinds::table(*kind) else {
            continue;
        };
        let mut stmt = conn.prepare(&format!("SELECT id FROM {table}"))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            match id.parse::<Uuid>() {
                Ok(id) if logged.contains(&(*kind, id)) => {}
                Ok(id) => problem(&mut check, EntityRef { kind: *kind, id }, "no_event"),
                Err(_) => problem(
                    &mut check,
                    EntityRef {
                        kind: *kind,
                        id: Uuid::nil(),
                    },
                    "no_event",
                ),
            }
        }
    }
    // An attachment's bytes must still be the ones its record (and so its event) hashes.
    for id in crate::shared::attachments::damaged(conn)? {
        problem(&mut check, id.into(), "file_damaged");
    }
    Ok(check)
}

fn key_slots(reader: &Reader<'_>) -> CoreResult<SlotCheck> {
    let slots = KeySlots::load(&reader.files().path)?;
    let members = members::active_names(reader.conn)?;
    let member_slots: HashSet<String> = members.iter().map(|n| slots.slot_id(n)).collect();
    Ok(SlotCheck {
        members: members.len() as u64,
        slots: slots.len() as u64,
        members_without_slot: members
            .iter()
            .filter(|n| !slots.has(n))
            .take(LISTED)
            .cloned()
            .collect(),
        slots_without_member: slots.ids().filter(|id| !member_slots.contains(*id)).count() as u64,
    })
}
