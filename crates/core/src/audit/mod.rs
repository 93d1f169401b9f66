//! The tamper-evident operation log (policy §2.2.2: who, when, what).
//!
//! Every event is appended inside the transaction of the change it describes. Events form one
//! hash chain per workspace copy: `hash = SHA-256(fields ‖ prev_hash)`, seq numbers are
//! contiguous from 1, and the copy's head (last seq and hash) is kept in `meta` in the same
//! transaction, so verification detects edited, deleted (also the last), inserted and
//! reordered events. An event records the change completely (before and after), which also
//! makes it the unit of replication between copies.
//!
//! The hash chain alone only catches naive tampering: everyone who can open the file holds the
//! data key and could recompute every hash. So each event is also **signed by its actor**
//! (Ed25519 over the event hash, with the key wrapped in the actor's own key slot), and
//! verification checks every signature against the key registered for that user at that point
//! of the log: by the admin-signed `user.create` event, or by the user's own `user.enroll`
//! (signed with their previous key). Nobody can write an event in another person's name, and
//! nobody can change an earlier event without breaking the signatures of everything after it.
//! Events written before signing existed (schema 1–2) are accepted unsigned only before the
//! copy's first signed event, and are counted in the report.

pub(crate) mod schema;
mod signers;
mod verify;

pub(crate) use signers::Signers;
pub use signers::{KeyChange, SignerTimeline};
pub use verify::{verify, verify_in_spans, verify_parallel};
pub(crate) use verify::{verify_after, Flaw, Head, SignatureBatch};

use crate::change::Change;
use crate::error::{CoreError, CoreResult};
use crate::keyslots::UserSecret;
use chrono::{DateTime, SecondsFormat, Utc};
use govbench_protocol::UserSummary;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The action of a workspace's first event (not a command: there is no session yet).
pub const CREATE_WORKSPACE: &str = "workspace.create";

/// An instant as events store it (fixed layout, UTC: stored times compare as text).
pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did something. `id` is `None` only for the system creating a workspace.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Option<String>,
    pub name: String,
}

impl Actor {
    pub fn of(user: &UserSummary) -> Actor {
        Actor {
            id: Some(user.id.to_string()),
            name: user.name.clone(),
        }
    }
}

/// One stored event, exactly as hashed.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
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

/// The hashed fields of one event, borrowed from an [`Event`] or straight from a row.
struct Fields<'a> {
    copy_id: &'a [u8],
    seq: u64,
    id: &'a [u8],
    at: &'a [u8],
    actor_id: Option<&'a [u8]>,
    actor_name: &'a [u8],
    action: &'a [u8],
    entity_type: &'a [u8],
    entity_id: &'a [u8],
    before: Option<&'a [u8]>,
    after: Option<&'a [u8]>,
    prev_hash: &'a [u8],
}

pub(crate) type Hex = [u8; 64];

impl Fields<'_> {
    /// SHA-256 over every field, each length-prefixed so no two field lists share an
    /// encoding; absent fields hash as one byte no UTF-8 text can be, so `None` ≠ `Some("")`.
    fn hash(&self) -> Hex {
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        let absent: &[u8] = b"\xff";
        field(self.copy_id);
        field(&self.seq.to_le_bytes());
        field(self.id);
        field(self.at);
        field(self.actor_id.unwrap_or(absent));
        field(self.actor_name);
        field(self.action);
        field(self.entity_type);
        field(self.entity_id);
        field(self.before.unwrap_or(absent));
        field(self.after.unwrap_or(absent));
        field(self.prev_hash);
        let mut out = [0u8; 64];
        // 32 bytes always fit 64 hex digits.
        let _ = hex::encode_to_slice(h.finalize(), &mut out);
        out
    }
}

impl Event {
    pub fn hash(&self) -> String {
        String::from_utf8_lossy(&self.digest()).into_owned()
    }

    /// The hash as 64 lower-case hex digits, without allocating.
    pub(crate) fn digest(&self) -> Hex {
        let fields = Fields {
            copy_id: self.copy_id.as_bytes(),
            seq: self.seq,
            id: self.id.as_bytes(),
            at: self.at.as_bytes(),
            actor_id: self.actor_id.as_deref().map(str::as_bytes),
            actor_name: self.actor_name.as_bytes(),
            action: self.action.as_bytes(),
            entity_type: self.entity_type.as_bytes(),
            entity_id: self.entity_id.as_bytes(),
            before: self.before.as_deref().map(str::as_bytes),
            after: self.after.as_deref().map(str::as_bytes),
            prev_hash: self.prev_hash.as_bytes(),
        };
        fields.hash()
    }
}

fn head_key(copy_id: &str) -> String {
    format!("audit_head:{copy_id}")
}

/// Appends the event for `change` to this copy's chain, signed by `signer` (the actor's own
/// secret). Returns its seq.
pub fn append(
    tx: &Transaction<'_>,
    copy_id: &str,
    at: DateTime<Utc>,
    actor: &Actor,
    action: &str,
    change: &Change,
    signer: &UserSecret,
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
        at: stamp(at),
        actor_id: actor.id.clone(),
        actor_name: actor.name.clone(),
        action: action.to_owned(),
        entity_type: change.entity.kind.key().to_owned(),
        entity_id: change.entity.id.to_string(),
        before: change.before.as_ref().map(|v| v.to_string()),
        after: change.after.as_ref().map(|v| v.to_string()),
        prev_hash,
    };
    insert(tx, &event, signer)?;
    Ok(event.seq)
}

/// Stores an already-built event, signed by `signer`, and moves the copy's head to it.
pub(crate) fn insert(
    tx: &Transaction<'_>,
    event: &Event,
    signer: &UserSecret,
) -> CoreResult<String> {
    let hash = event.hash();
    let signature = signer.sign(hash.as_bytes());
    store(tx, event, &hash, Some(&signature))?;
    Ok(hash)
}

/// Stores an event as it was sealed (by this copy, or received from another), and moves its
/// copy's head to it. The caller has checked `hash` and the signature.
pub(crate) fn store(
    tx: &Transaction<'_>,
    event: &Event,
    hash: &str,
    signature: Option<&str>,
) -> CoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO audit_events (copy_id, seq, id, at, actor_id, actor_name, action, entity_type,
             entity_id, before, after, prev_hash, hash, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
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
        signature,
    ])?;
    if let Some(actor) = &event.actor_id {
        tx.prepare_cached(
            "INSERT INTO member_devices (actor_id, copy_id, events, first_at, last_at)
             VALUES (?1, ?2, 1, ?3, ?3)
             ON CONFLICT (actor_id, copy_id) DO UPDATE SET events = events + 1,
                 first_at = min(first_at, excluded.first_at),
                 last_at = max(last_at, excluded.last_at)",
        )?
        .execute(params![actor, event.copy_id, event.at])?;
    }
    tx.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?
        .execute(params![
            head_key(&event.copy_id),
            format!("{}:{hash}", event.seq)
        ])?;
    Ok(())
}

/// Takes back this copy's events from `from` on: only events no server placed, which no
/// other copy holds (a shared workspace's waiting edits the server refused). The copy's
/// head moves back to the event before.
pub(crate) fn take_back(tx: &Transaction<'_>, copy_id: &str, from: u64) -> CoreResult<()> {
    let placed: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM audit_positions WHERE copy_id = ?1 AND seq >= ?2)",
        params![copy_id, from as i64],
        |r| r.get(0),
    )?;
    if placed {
        return Err(CoreError::Malformed(
            "an event the server placed is never taken back".into(),
        ));
    }
    tx.execute(
        "DELETE FROM audit_events WHERE copy_id = ?1 AND seq >= ?2",
        params![copy_id, from as i64],
    )?;
    // The copy's devices counted again from what is left of its chain.
    tx.execute("DELETE FROM member_devices WHERE copy_id = ?1", [copy_id])?;
    tx.execute(
        "INSERT INTO member_devices
             SELECT actor_id, copy_id, count(*), min(at), max(at) FROM audit_events
              WHERE copy_id = ?1 AND actor_id IS NOT NULL GROUP BY actor_id, copy_id",
        [copy_id],
    )?;
    match from.checked_sub(1).filter(|s| *s > 0) {
        Some(last) => {
            let hash = hash_of(tx, copy_id, last)?
                .ok_or_else(|| CoreError::Malformed(format!("{copy_id}: no event {last}")))?;
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                params![head_key(copy_id), format!("{last}:{hash}")],
            )?;
        }
        None => {
            tx.execute("DELETE FROM meta WHERE key = ?1", [head_key(copy_id)])?;
        }
    }
    Ok(())
}

/// The copy's head `(seq, hash)`, if it has events.
pub fn head_of(conn: &Connection, copy_id: &str) -> CoreResult<Option<(u64, String)>> {
    let head: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([head_key(copy_id)], |r| r.get(0))
        .optional()?;
    head.as_deref().map(parse_head).transpose()
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

/// A stored event with its hash and signature, as an audit pack carries it: enough to
/// recompute the hash and check the links without the workspace.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sealed {
    #[serde(flatten)]
    pub event: Event,
    pub hash: String,
    pub signature: Option<String>,
}

/// Every copy's events stored at `start` ≤ at < `end`, by copy and seq.
pub fn sealed_between(
    conn: &Connection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> CoreResult<Vec<Sealed>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SEALED} FROM audit_events WHERE at >= ?1 AND at < ?2 ORDER BY copy_id, seq"
    ))?;
    let rows = stmt.query_map(params![stamp(start), stamp(end)], sealed)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// The log as one sequence: `audit_events` beside where a shared workspace's server placed
/// each (`FROM {LOG} … ORDER BY {LOG_ORDER}`; `copy_id` and `seq` are the event's). Events the
/// server placed come in its order, then this copy's events it has not placed yet; a workspace
/// that is not shared has one copy, in seq order.
/// On a shared workspace: the last position of the server's log this copy holds every
/// position up to, and the server's hash over its log there (hex); `None` when it holds no
/// placed event. (Its own events may be placed further on, after others it has not taken in.)
pub(crate) fn placed_through(conn: &Connection) -> CoreResult<Option<(u64, String)>> {
    // Kept as positions are recorded (`advance_placed`): this runs before every offer, and
    // the scan below reads every position. Copies from before it was kept scan until the
    // next position is recorded.
    let kept: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'placed_through'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    if let Some((position, hash)) = kept.as_deref().and_then(|k| k.split_once(' ')) {
        if let Ok(position) = position.parse() {
            return Ok(Some((position, hash.to_owned())));
        }
    }
    placed_through_scanned(conn)
}

/// [`placed_through`] read from the positions themselves.
fn placed_through_scanned(conn: &Connection) -> CoreResult<Option<(u64, String)>> {
    // Positions start at 1, so without a gap the highest equals the count.
    let (highest, count): (i64, i64) = conn.query_row(
        "SELECT coalesce(max(position), 0), count(*) FROM audit_positions",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let last_contiguous = if highest == count {
        "SELECT position, log_hash FROM audit_positions
          WHERE position = (SELECT max(position) FROM audit_positions)"
    } else {
        "SELECT position, log_hash FROM audit_positions
          WHERE position = (SELECT coalesce(min(position), 0) FROM audit_positions a
                             WHERE NOT EXISTS (SELECT 1 FROM audit_positions b
                                                WHERE b.position = a.position + 1))"
    };
    Ok(conn
        .query_row(last_contiguous, [], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
        })
        .optional()?)
}

/// After a position was recorded: moves [`placed_through`] past every position now held
/// without a gap (one probe each), inside the recording transaction. An own event placed
/// beyond positions not taken in yet leaves it where it is, until they come.
pub(crate) fn advance_placed(tx: &Connection) -> CoreResult<()> {
    let Some((mut position, mut hash)) = placed_through(tx)? else {
        return Ok(());
    };
    let before = position;
    let mut next = tx.prepare_cached("SELECT log_hash FROM audit_positions WHERE position = ?1")?;
    while let Some(h) = next
        .query_row([position as i64 + 1], |r| r.get(0))
        .optional()?
    {
        position += 1;
        hash = h;
    }
    let kept: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'placed_through')")?
        .query_row([], |r| r.get(0))?;
    if position != before || !kept {
        tx.prepare_cached(
            "INSERT INTO meta (key, value) VALUES ('placed_through', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )?
        .execute([format!("{position} {hash}")])?;
    }
    Ok(())
}

/// The first signed event of `copy`: the ones before it are from before signing. Walks the
/// copy's chain from its start, which stops at once on any workspace made since.
pub(crate) fn first_signed(conn: &Connection, copy: &str) -> CoreResult<Option<u64>> {
    Ok(conn
        .prepare_cached(
            "SELECT seq FROM audit_events WHERE copy_id = ?1 AND signature IS NOT NULL
              ORDER BY seq LIMIT 1",
        )?
        .query_row([copy], |r| r.get::<_, i64>(0))
        .optional()?
        .map(|seq| seq as u64))
}

/// The frontier as reports print it and `audit verify --anchor` takes it back,
/// `log:<position>:<hash>`; `None` for a workspace that is not shared.
pub(crate) fn frontier_text(conn: &Connection) -> CoreResult<Option<String>> {
    Ok(placed_through(conn)?.map(|(position, hash)| format!("log:{position}:{hash}")))
}

/// A member's device as `member_devices` keeps it.
pub(crate) struct Device {
    pub actor_id: String,
    pub copy_id: String,
    pub events: u64,
    pub first_at: String,
    pub last_at: String,
}

/// Every member's devices, the most recently used first.
pub(crate) fn devices(conn: &Connection) -> CoreResult<Vec<Device>> {
    let mut stmt = conn.prepare_cached(
        "SELECT actor_id, copy_id, events, first_at, last_at FROM member_devices
          ORDER BY last_at DESC, copy_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Device {
            actor_id: r.get(0)?,
            copy_id: r.get(1)?,
            events: r.get::<_, i64>(2)? as u64,
            first_at: r.get(3)?,
            last_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) const LOG: &str = "audit_events LEFT JOIN audit_positions USING (copy_id, seq)";
/// [`LOG`] read through the entity index (a few member events, not the whole log).
pub(crate) const LOG_BY_ENTITY: &str = "audit_events INDEXED BY audit_by_entity_time
    LEFT JOIN audit_positions USING (copy_id, seq)";
pub(crate) const LOG_ORDER: &str = "position IS NULL, position, copy_id, seq";

/// The event at `seq` of `copy_id`, sealed as stored.
pub(crate) fn sealed_of(conn: &Connection, copy_id: &str, seq: u64) -> CoreResult<Sealed> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {SEALED} FROM audit_events WHERE copy_id = ?1 AND seq = ?2"
        ))?
        .query_row(params![copy_id, seq as i64], sealed)?)
}

/// The columns [`sealed`] reads, in its order.
pub(crate) const SEALED: &str = "copy_id, seq, id, at, actor_id, actor_name, action, entity_type,
    entity_id, before, after, prev_hash, hash, signature";

/// A stored event with its hash and signature, from a row of [`SEALED`] columns.
pub(crate) fn sealed(r: &rusqlite::Row<'_>) -> rusqlite::Result<Sealed> {
    Ok(Sealed {
        event: Event {
            copy_id: r.get(0)?,
            seq: r.get::<_, i64>(1)? as u64,
            id: r.get(2)?,
            at: r.get(3)?,
            actor_id: r.get(4)?,
            actor_name: r.get(5)?,
            action: r.get(6)?,
            entity_type: r.get(7)?,
            entity_id: r.get(8)?,
            before: r.get(9)?,
            after: r.get(10)?,
            prev_hash: r.get(11)?,
        },
        hash: r.get(12)?,
        signature: r.get(13)?,
    })
}

/// For each copy in a slice (ordered by copy and seq), the stored hash of the event just
/// before its first one there: what the slice's first link must point to.
pub fn hashes_before(conn: &Connection, events: &[Sealed]) -> CoreResult<BTreeMap<String, String>> {
    let mut before = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for e in events.iter().map(|s| &s.event) {
        if seen.insert(e.copy_id.as_str()) && e.seq > 1 {
            if let Some(hash) = hash_of(conn, &e.copy_id, e.seq - 1)? {
                before.insert(e.copy_id.clone(), hash);
            }
        }
    }
    Ok(before)
}

/// The stored hash of one event.
pub fn hash_of(conn: &Connection, copy_id: &str, seq: u64) -> CoreResult<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT hash FROM audit_events WHERE copy_id = ?1 AND seq = ?2")?
        .query_row(params![copy_id, seq as i64], |r| r.get(0))
        .optional()?)
}

/// The seqs of a slice (ordered by copy and seq) whose hash does not match its fields, or
/// that do not link to the event before them: the one before in the slice, or for a copy's
/// first event in the slice the hash `before` names (its predecessor outside the slice).
pub fn broken_links(events: &[Sealed], before: &BTreeMap<String, String>) -> Vec<u64> {
    let mut links = Links::new(before);
    events
        .iter()
        .filter(|sealed| !links.hold(sealed))
        .map(|sealed| sealed.event.seq)
        .collect()
}

/// The link check of [`broken_links`] one event at a time, keeping only the event before: a
/// slice read as a stream (an audit pack's) is checked in one pass and constant memory.
pub(crate) struct Links<'a> {
    before: &'a BTreeMap<String, String>,
    /// Copy, seq and stored hash of the event before.
    previous: Option<(String, u64, String)>,
}

impl<'a> Links<'a> {
    pub(crate) fn new(before: &'a BTreeMap<String, String>) -> Self {
        Links {
            before,
            previous: None,
        }
    }

    /// Whether the event's hash matches its fields and it links to the event before it: the
    /// one before in the slice, or for a copy's first event there the hash `before` names.
    pub(crate) fn hold(&mut self, sealed: &Sealed) -> bool {
        let e = &sealed.event;
        let expected_prev = match self
            .previous
            .as_ref()
            .filter(|(copy, _, _)| *copy == e.copy_id)
        {
            Some((_, seq, hash)) if seq.checked_add(1) == Some(e.seq) => Some(hash.as_str()),
            // A gap inside the slice: an event is missing.
            Some(_) => None,
            None if e.seq == 1 => Some(GENESIS),
            None => self.before.get(&e.copy_id).map(String::as_str),
        };
        let holds = expected_prev == Some(e.prev_hash.as_str())
            && e.digest().as_slice() == sealed.hash.as_bytes();
        self.previous = Some((e.copy_id.clone(), e.seq, sealed.hash.clone()));
        holds
    }
}
