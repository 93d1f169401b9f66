//! The tamper-evident operation log (policy §2.2.2: who, when, what).
//!
//! Every event is appended inside the transaction of the change it describes. Events form one
//! hash chain per workspace copy: `hash = SHA-256(fields ‖ prev_hash)`, seq numbers are
//! contiguous from 1, and the copy's head (last seq and hash) is kept in `meta` in the same
//! transaction, so verification detects edited, deleted (also the last), inserted and
//! reordered events. An event records the change completely (before and after), which also
//! makes it the unit of replication between copies.

use crate::error::{CoreError, CoreResult};
use chrono::{DateTime, SecondsFormat, Utc};
use govbench_protocol::{AuditReport, BadEvent};
use rusqlite::{params, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did something. `id` is `None` only for the system creating a workspace.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Option<String>,
    pub name: String,
}

/// A change about to be recorded.
#[derive(Clone, Debug)]
pub struct Change {
    pub entity_type: &'static str,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// One stored event, exactly as hashed.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub copy_id: String,
    pub seq: u64,
    pub id: String,
    pub at: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
}

/// Absent optional fields hash as one byte no UTF-8 text can be, so `None` ≠ `Some("")`.
fn opt(o: &Option<String>) -> &[u8] {
    o.as_deref().map(str::as_bytes).unwrap_or(b"\xff")
}

impl Event {
    /// SHA-256 over every field, each length-prefixed so no two field lists share an encoding.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        field(self.copy_id.as_bytes());
        field(&self.seq.to_le_bytes());
        field(self.id.as_bytes());
        field(self.at.as_bytes());
        field(opt(&self.actor_id));
        field(self.actor_name.as_bytes());
        field(self.action.as_bytes());
        field(self.entity_type.as_bytes());
        field(self.entity_id.as_bytes());
        field(opt(&self.before));
        field(opt(&self.after));
        field(self.prev_hash.as_bytes());
        hex::encode(h.finalize())
    }
}

fn head_key(copy_id: &str) -> String {
    format!("audit_head:{copy_id}")
}

/// Appends the event for `change` to this copy's chain. Returns its seq.
pub fn append(
    tx: &Transaction<'_>,
    copy_id: &str,
    at: DateTime<Utc>,
    actor: &Actor,
    action: &str,
    change: &Change,
) -> CoreResult<u64> {
    let head: Option<String> = tx
        .query_row(
            "SELECT value FROM meta WHERE key = ?1",
            [head_key(copy_id)],
            |r| r.get(0),
        )
        .optional()?;
    let (last_seq, prev_hash) = match head {
        Some(h) => parse_head(&h)?,
        None => (0, GENESIS.to_owned()),
    };
    let event = Event {
        copy_id: copy_id.to_owned(),
        seq: last_seq + 1,
        id: Uuid::now_v7().to_string(),
        at: at.to_rfc3339_opts(SecondsFormat::Micros, true),
        actor_id: actor.id.clone(),
        actor_name: actor.name.clone(),
        action: action.to_owned(),
        entity_type: change.entity_type.to_owned(),
        entity_id: change.entity_id.clone(),
        before: change.before.as_ref().map(|v| v.to_string()),
        after: change.after.as_ref().map(|v| v.to_string()),
        prev_hash,
    };
    insert(tx, &event)?;
    Ok(event.seq)
}

/// Stores an already-built event and moves the copy's head to it.
pub(crate) fn insert(tx: &Transaction<'_>, event: &Event) -> CoreResult<String> {
    let hash = event.hash();
    tx.prepare_cached(
        "INSERT INTO audit_events (copy_id, seq, id, at, actor_id, actor_name, action, entity_type,
             entity_id, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        event.copy_id,
        event.seq as i64,
        event.id,
        event.at,
        event.actor_id,
        event.actor_name,
        event.action,
        event.entity_type,
        event.entity_id,
        event.before,
        event.after,
        event.prev_hash,
        hash,
    ])?;
    tx.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?
        .execute(params![
            head_key(&event.copy_id),
            format!("{}:{hash}", event.seq)
        ])?;
    Ok(hash)
}

fn parse_head(head: &str) -> CoreResult<(u64, String)> {
    let (seq, hash) = head
        .split_once(':')
        .ok_or_else(|| CoreError::Malformed("audit head".into()))?;
    let seq = seq
        .parse()
        .map_err(|_| CoreError::Malformed("audit head".into()))?;
    Ok((seq, hash.to_owned()))
}

/// Verifies every copy's chain from its first event to its recorded head.
pub fn verify(conn: &rusqlite::Connection) -> CoreResult<AuditReport> {
    let mut heads = std::collections::BTreeMap::new();
    {
        let mut stmt = conn.prepare("SELECT key, value FROM meta WHERE key LIKE 'audit_head:%'")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (key, value) = row?;
            let copy = key.trim_start_matches("audit_head:").to_owned();
            heads.insert(copy, parse_head(&value)?);
        }
    }
    let mut stmt = conn.prepare(
        "SELECT copy_id, seq, id, at, actor_id, actor_name, action, entity_type, entity_id,
                before, after, prev_hash, hash
         FROM audit_events ORDER BY copy_id, seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut verified = 0u64;
    let bad = |copy_id: &str, seq: u64, problem: &str, verified: u64| {
        Ok(AuditReport {
            events_verified: verified,
            first_bad: Some(BadEvent {
                copy_id: copy_id.to_owned(),
                seq,
                problem: problem.to_owned(),
            }),
        })
    };
    // (copy, last seq, last hash) of the chain being walked.
    let mut current: Option<(String, u64, String)> = None;
    while let Some(row) = rows.next()? {
        let event = Event {
            copy_id: row.get(0)?,
            seq: row.get::<_, i64>(1)? as u64,
            id: row.get(2)?,
            at: row.get(3)?,
            actor_id: row.get(4)?,
            actor_name: row.get(5)?,
            action: row.get(6)?,
            entity_type: row.get(7)?,
            entity_id: row.get(8)?,
            before: row.get(9)?,
            after: row.get(10)?,
            prev_hash: row.get(11)?,
        };
        let stored_hash: String = row.get(12)?;
        let (expected_seq, expected_prev) = match &current {
            Some((copy, seq, hash)) if *copy == event.copy_id => (seq + 1, hash.clone()),
            Some((copy, seq, hash)) => {
                if let Some((at, problem)) = head_problem(&heads, copy, *seq, hash) {
                    return bad(copy, at, problem, verified);
                }
                (1, GENESIS.to_owned())
            }
            None => (1, GENESIS.to_owned()),
        };
        if event.seq != expected_seq {
            return bad(&event.copy_id, expected_seq, "sequence_gap", verified);
        }
        if event.prev_hash != expected_prev {
            return bad(&event.copy_id, event.seq, "broken_link", verified);
        }
        if event.hash() != stored_hash {
            return bad(&event.copy_id, event.seq, "hash_mismatch", verified);
        }
        verified += 1;
        current = Some((event.copy_id, event.seq, stored_hash));
    }
    match &current {
        Some((copy, seq, hash)) => {
            if let Some((at, problem)) = head_problem(&heads, copy, *seq, hash) {
                return bad(copy, at, problem, verified);
            }
            // Every head must have been reached: a chain deleted whole is tampering too.
            let walked: std::collections::BTreeSet<_> = all_copies(conn)?;
            if let Some(missing) = heads.keys().find(|c| !walked.contains(*c)) {
                return bad(missing, 1, "sequence_gap", verified);
            }
        }
        None => {
            if let Some((copy, _)) = heads.iter().next() {
                return bad(copy, 1, "sequence_gap", verified);
            }
        }
    }
    Ok(AuditReport {
        events_verified: verified,
        first_bad: None,
    })
}

fn all_copies(conn: &rusqlite::Connection) -> CoreResult<std::collections::BTreeSet<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT copy_id FROM audit_events")?;
    let copies = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    Ok(copies)
}

/// The walked chain must end exactly at the recorded head: otherwise events were cut off the
/// end or appended around the write path. Returns the seq to report and the problem.
fn head_problem(
    heads: &std::collections::BTreeMap<String, (u64, String)>,
    copy: &str,
    last_seq: u64,
    last_hash: &str,
) -> Option<(u64, &'static str)> {
    match heads.get(copy) {
        Some((seq, hash)) if *seq == last_seq && hash == last_hash => None,
        Some((seq, _)) if *seq > last_seq => Some((last_seq + 1, "sequence_gap")),
        _ => Some((last_seq, "broken_link")),
    }
}
