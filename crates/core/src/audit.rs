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

use crate::change::Change;
use crate::error::{CoreError, CoreResult};
use crate::keyslots::{self, UserSecret};
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::VerifyingKey;
use govbench_protocol::{AuditReport, BadEvent, UserSummary};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
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
    tx.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?
        .execute(params![
            head_key(&event.copy_id),
            format!("{}:{hash}", event.seq)
        ])?;
    Ok(hash)
}

/// The copy's head `(seq, hash)`, if it has events.
pub fn head_of(conn: &Connection, copy_id: &str) -> CoreResult<Option<(u64, String)>> {
    let head: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = ?1",
            [head_key(copy_id)],
            |r| r.get(0),
        )
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

/// Verifies every copy's chain from its first event to its recorded head, on this connection
/// alone.
pub fn verify(conn: &Connection) -> CoreResult<AuditReport> {
    verify_in_spans(conn, None::<&fn() -> CoreResult<Connection>>, u64::MAX)
}

/// Verifies on every core: long chains are cut into one span per available thread (at most
/// four), each read on its own connection from `open_reader`.
pub fn verify_parallel<F>(conn: &Connection, open_reader: &F) -> CoreResult<AuditReport>
where
    F: Fn() -> CoreResult<Connection> + Sync,
{
    let longest = heads(conn)?
        .values()
        .map(|(seq, _)| *seq)
        .max()
        .unwrap_or(0);
    let span_len = longest.div_ceil(threads()).max(MIN_SPAN);
    verify_in_spans(conn, Some(open_reader), span_len)
}

/// Shorter chains are checked on one thread: a span is worth a thread from this length on.
const MIN_SPAN: u64 = 50_000;

/// How many threads a long chain is checked on (every core, at most four).
fn threads() -> u64 {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(4) as u64
}

/// Verifies the chains in spans of at most `span_len` events. Spans after the first are
/// checked on connections from `open_reader`, one thread each, so a long chain is read and
/// hashed on every core; the spans are then stitched (each must start where the previous one
/// ended). The first bad event is the one with the lowest seq.
pub fn verify_in_spans<F>(
    conn: &Connection,
    open_reader: Option<&F>,
    span_len: u64,
) -> CoreResult<AuditReport>
where
    F: Fn() -> CoreResult<Connection> + Sync + ?Sized,
{
    let heads = heads(conn)?;
    let mut report = AuditReport::default();
    let bad = |copy: &str, seq: u64, problem: &str, report: &AuditReport| AuditReport {
        first_bad: Some(BadEvent {
            copy_id: copy.to_owned(),
            seq,
            problem: problem.to_owned(),
        }),
        ..report.clone()
    };
    for (copy, (head_seq, head_hash)) in &heads {
        let genesis: Hex = [b'0'; 64];
        let range = verify_range(
            conn,
            open_reader,
            copy,
            (0, genesis),
            (*head_seq, head_hash),
            span_len,
        )?;
        report.events_verified += range.verified;
        report.signatures_verified += range.signed;
        report.unsigned_events += range.verified - range.signed;
        if let Some((seq, problem)) = range.bad {
            return Ok(bad(copy, seq, problem, &report));
        }
    }
    // A chain with no head was written around the write path. Walk the distinct copies by
    // seeking the primary key, not by scanning the table a second time.
    let mut after = String::new();
    while let Some((copy, first)) = conn
        .query_row(
            "SELECT copy_id, seq FROM audit_events WHERE copy_id > ?1 ORDER BY copy_id, seq LIMIT 1",
            [&after],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )
        .optional()?
    {
        if !heads.contains_key(&copy) {
            return Ok(bad(&copy, first as u64, "broken_link", &report));
        }
        after = copy;
    }
    Ok(report)
}

/// What checking a run of one copy's chain found.
struct RangeResult {
    verified: u64,
    signed: u64,
    bad: Option<Flaw>,
}

/// Checks the events of `copy` after `from` (seq and stored hash; `(0, GENESIS)` for the whole
/// chain) up to its head, in spans of at most `span_len` events checked on connections from
/// `open_reader`, one thread each, then stitched: each span must start where the one before
/// it ended, the last must end at the head, and nothing may lie beyond the head.
fn verify_range<F>(
    conn: &Connection,
    open_reader: Option<&F>,
    copy: &str,
    (from, from_hash): (u64, Hex),
    (head_seq, head_hash): (u64, &str),
    span_len: u64,
) -> CoreResult<RangeResult>
where
    F: Fn() -> CoreResult<Connection> + Sync + ?Sized,
{
    let mut range = RangeResult {
        verified: 0,
        signed: 0,
        bad: None,
    };
    let signers = Signers::of(conn, copy)?;
    let spans = split(copy, from + 1, head_seq, span_len);
    let results = run_spans(conn, open_reader, &spans, &signers)?;
    let mut prev_hash = from_hash;
    for (span, result) in spans.iter().zip(results) {
        if let Some((seq, problem)) = result.bad.filter(|(seq, _)| *seq == span.from) {
            range.bad = Some((seq, problem));
            return Ok(range);
        }
        if span.from <= span.to && result.first_prev != Some(prev_hash) {
            range.bad = Some((span.from, "broken_link"));
            return Ok(range);
        }
        range.verified += result.verified;
        range.signed += result.signed;
        if let Some(bad) = result.bad {
            range.bad = Some(bad);
            return Ok(range);
        }
        prev_hash = result.last_hash.unwrap_or(prev_hash);
    }
    if prev_hash.as_slice() != head_hash.as_bytes() {
        range.bad = Some((head_seq, "broken_link"));
        return Ok(range);
    }
    let beyond: Option<i64> = conn.query_row(
        "SELECT min(seq) FROM audit_events WHERE copy_id = ?1 AND seq > ?2",
        params![copy, head_seq as i64],
        |r| r.get(0),
    )?;
    if let Some(seq) = beyond {
        // Appended around the write path: the head was never moved to it.
        range.bad = Some((seq as u64, "broken_link"));
    }
    Ok(range)
}

/// A chain's head: (seq, hash).
pub(crate) type Head = (u64, String);
/// The first event that fails, and its `audit.problem.*` key.
pub(crate) type Flaw = (u64, &'static str);

/// Verifies the events of `copy` after `from` (whose stored hash is `from_hash`; `GENESIS` for
/// 0) up to the copy's head: links, hashes and signatures, as [`verify`] does for the whole
/// chain. Returns the head, or the first bad event as (seq, problem).
pub(crate) fn verify_after<F>(
    conn: &Connection,
    open_reader: &F,
    copy: &str,
    from: u64,
    from_hash: &str,
) -> CoreResult<Result<Option<Head>, Flaw>>
where
    F: Fn() -> CoreResult<Connection> + Sync,
{
    let Some((head_seq, head_hash)) = head_of(conn, copy)? else {
        return Ok(Ok(None));
    };
    if head_seq < from {
        return Ok(Err((head_seq, "sequence_gap")));
    }
    let mut from_hex: Hex = [b'0'; 64];
    if from_hash.len() != 64 {
        return Ok(Err((from, "broken_link")));
    }
    from_hex.copy_from_slice(from_hash.as_bytes());
    let span_len = (head_seq - from).div_ceil(threads()).max(MIN_SPAN);
    let range = verify_range(
        conn,
        Some(open_reader),
        copy,
        (from, from_hex),
        (head_seq, &head_hash),
        span_len,
    )?;
    Ok(match range.bad {
        Some(bad) => Err(bad),
        None => Ok(Some((head_seq, head_hash))),
    })
}

/// Who may sign what in one copy's chain, read from its user events: each user's key as
/// registered (by `user.create`, signed by an admin, or `user.enroll`, signed with the user's
/// previous key) and removed (`user.remove`). The registering events themselves are checked
/// like every other event, against the keys registered before them.
pub(crate) struct Signers {
    /// User id → (seq of the event that set it, what it set), in seq order.
    timeline: HashMap<String, Vec<(u64, Signer)>>,
    /// Events before this seq may be unsigned (written before signing existed).
    first_signed: u64,
}

/// One copy's [`Signers`] as an audit pack carries them (`audit/keys.json`): what each
/// member's user events set, and from which seq on events must be signed. Trusted only as far
/// as the pack's seal is.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignerTimeline {
    /// Events before this seq may be unsigned (written before signing existed); `None` when
    /// no event of the copy is signed.
    pub first_signed: Option<u64>,
    /// User id → what each of their user events set, in seq order.
    pub users: BTreeMap<String, Vec<KeyChange>>,
}

/// What one user event set: a signing key (hex), no key yet (a member from before signing),
/// or the member removed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyChange {
    pub seq: u64,
    pub key: Option<String>,
    #[serde(default)]
    pub removed: bool,
}

#[derive(Clone)]
enum Signer {
    Key(VerifyingKey),
    /// A member from before signing, who has not logged in since (no key yet).
    NoKey,
    Removed,
}

impl Signers {
    pub(crate) fn of(conn: &Connection, copy: &str) -> CoreResult<Signers> {
        let first_signed: Option<i64> = conn.query_row(
            "SELECT min(seq) FROM audit_events WHERE copy_id = ?1 AND signature IS NOT NULL",
            [copy],
            |r| r.get(0),
        )?;
        let mut timeline: HashMap<String, Vec<(u64, Signer)>> = HashMap::new();
        // The index on the entity, named: without statistics SQLite would rather walk the
        // primary key for the ORDER BY — the whole log — than sort a few member events.
        let mut stmt = conn.prepare(
            "SELECT seq, entity_id, after FROM audit_events INDEXED BY audit_by_entity_time
             WHERE entity_type = 'user' AND copy_id = ?1 ORDER BY seq",
        )?;
        let mut rows = stmt.query([copy])?;
        while let Some(row) = rows.next()? {
            let seq = row.get::<_, i64>(0)? as u64;
            let user: String = row.get(1)?;
            let after: Option<String> = row.get(2)?;
            timeline
                .entry(user)
                .or_default()
                .push((seq, signer_in(after.as_deref())));
        }
        Ok(Signers {
            timeline,
            first_signed: first_signed.map_or(u64::MAX, |s| s as u64),
        })
    }

    /// Read from a pack's `keys.json`. Entries are put in seq order; a key that does not parse
    /// counts as no key (events it would check are refused).
    pub(crate) fn from_timeline(timeline: &SignerTimeline) -> Signers {
        let mut users: HashMap<String, Vec<(u64, Signer)>> = HashMap::new();
        for (user, changes) in &timeline.users {
            let mut entries: Vec<(u64, Signer)> = changes
                .iter()
                .map(|c| {
                    let signer = match (&c.key, c.removed) {
                        (_, true) => Signer::Removed,
                        (Some(key), false) => keyslots::PublicKeys {
                            sign: key.clone(),
                            seal: String::new(),
                        }
                        .verifying_key()
                        .map_or(Signer::NoKey, Signer::Key),
                        (None, false) => Signer::NoKey,
                    };
                    (c.seq, signer)
                })
                .collect();
            entries.sort_by_key(|(seq, _)| *seq);
            users.insert(user.clone(), entries);
        }
        Signers {
            timeline: users,
            first_signed: timeline.first_signed.unwrap_or(u64::MAX),
        }
    }

    /// As a pack carries them.
    pub(crate) fn timeline(&self) -> SignerTimeline {
        let users = self
            .timeline
            .iter()
            .map(|(user, entries)| {
                let changes = entries
                    .iter()
                    .map(|(seq, signer)| KeyChange {
                        seq: *seq,
                        key: match signer {
                            Signer::Key(key) => Some(hex::encode(key.as_bytes())),
                            Signer::NoKey | Signer::Removed => None,
                        },
                        removed: matches!(signer, Signer::Removed),
                    })
                    .collect();
                (user.clone(), changes)
            })
            .collect();
        SignerTimeline {
            first_signed: (self.first_signed != u64::MAX).then_some(self.first_signed),
            users,
        }
    }

    /// Events before this seq may be unsigned.
    pub(crate) fn first_signed(&self) -> u64 {
        self.first_signed
    }

    /// The key that must have signed event `seq` by `actor`, or the problem if none may.
    /// Entries are found by binary search, so a long timeline costs no more than a short one.
    pub(crate) fn key_for(
        &self,
        actor: &str,
        seq: u64,
        action: &[u8],
        entity: &[u8],
    ) -> Result<VerifyingKey, &'static str> {
        let entries = self
            .timeline
            .get(actor)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let at = entries.partition_point(|(set, _)| *set < seq);
        let before = at
            .checked_sub(1)
            .and_then(|i| entries.get(i))
            .map(|(_, s)| s);
        let own = || {
            entries
                .get(at)
                .filter(|(set, _)| *set == seq)
                .map(|(_, s)| s)
        };
        // Trust on first use in exactly two places: the founder registering themselves in the
        // first event, and a member from before signing enrolling their first key.
        let self_registers = entity == actor.as_bytes()
            && match before {
                None => seq == 1 && action == b"user.create",
                Some(Signer::NoKey) => action == b"user.enroll",
                Some(_) => false,
            };
        match (before, self_registers) {
            (_, true) => match own() {
                Some(Signer::Key(key)) => Ok(*key),
                _ => Err("unknown_signer"),
            },
            (Some(Signer::Key(key)), false) => Ok(*key),
            (Some(Signer::Removed), false) => Err("removed_signer"),
            (Some(Signer::NoKey) | None, false) => Err("unknown_signer"),
        }
    }
}

/// What a user event's after-image says about its user's signing key.
fn signer_in(after: Option<&str>) -> Signer {
    let image = after.and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok());
    let Some(image) = image else {
        return Signer::Removed;
    };
    if image.get("active").and_then(|a| a.as_bool()) != Some(true) {
        return Signer::Removed;
    }
    let key = image
        .get("keys")
        .and_then(|k| serde_json::from_value::<keyslots::PublicKeys>(k.clone()).ok())
        .and_then(|k| k.verifying_key().ok());
    key.map_or(Signer::NoKey, Signer::Key)
}

fn heads(conn: &Connection) -> CoreResult<BTreeMap<String, (u64, String)>> {
    let mut heads = BTreeMap::new();
    let mut stmt = conn.prepare("SELECT key, value FROM meta WHERE key LIKE 'audit_head:%'")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (key, value) = row?;
        let copy = key.trim_start_matches("audit_head:").to_owned();
        heads.insert(copy, parse_head(&value)?);
    }
    Ok(heads)
}

/// A run of seqs `from..=to` of one copy's chain.
struct Span {
    copy: String,
    from: u64,
    to: u64,
}

#[derive(Default)]
struct SpanResult {
    /// `prev_hash` of the span's first event, if it has one.
    first_prev: Option<Hex>,
    last_hash: Option<Hex>,
    verified: u64,
    /// Of the verified events, how many carried a valid signature.
    signed: u64,
    bad: Option<(u64, &'static str)>,
}

fn split(copy: &str, first: u64, head_seq: u64, span_len: u64) -> Vec<Span> {
    let span_len = span_len.max(1);
    let mut spans = Vec::new();
    let mut from = first;
    while from <= head_seq {
        let to = head_seq.min(from.saturating_add(span_len - 1));
        spans.push(Span {
            copy: copy.to_owned(),
            from,
            to,
        });
        from = to + 1;
    }
    if spans.is_empty() {
        spans.push(Span {
            copy: copy.to_owned(),
            from: first,
            to: first - 1,
        });
    }
    spans
}

fn run_spans<F>(
    conn: &Connection,
    open_reader: Option<&F>,
    spans: &[Span],
    signers: &Signers,
) -> CoreResult<Vec<SpanResult>>
where
    F: Fn() -> CoreResult<Connection> + Sync + ?Sized,
{
    let Some(open_reader) = open_reader.filter(|_| spans.len() > 1) else {
        return spans
            .iter()
            .map(|span| verify_span(conn, span, signers))
            .collect();
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = spans[1..]
            .iter()
            .map(|span| scope.spawn(move || verify_span(&open_reader()?, span, signers)))
            .collect();
        let mut results = vec![verify_span(conn, &spans[0], signers)?];
        for handle in others {
            results.push(
                handle
                    .join()
                    .map_err(|_| CoreError::Malformed("audit verifier thread panicked".into()))??,
            );
        }
        Ok(results)
    })
}

/// Checks one span: contiguous seqs, each event linked to the one before it within the span,
/// each stored hash equal to the recomputed one, each signature made by the key its actor had
/// then. Rows are hashed straight from SQLite's buffers, without copying them; signatures are
/// checked in batches (about twice as fast as one by one), and a failing batch is rechecked
/// one by one so the first bad event is still the one named.
fn verify_span(conn: &Connection, span: &Span, signers: &Signers) -> CoreResult<SpanResult> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, at, actor_id, actor_name, action, entity_type, entity_id, before, after,
                prev_hash, hash, signature
         FROM audit_events WHERE copy_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
    )?;
    let mut rows = stmt.query(params![span.copy, span.from as i64, span.to as i64])?;
    let mut result = SpanResult::default();
    let mut batch = SignatureBatch::default();
    let mut expected = span.from;
    let bad = loop {
        let Some(row) = rows.next()? else {
            break (expected <= span.to).then_some((expected, "sequence_gap"));
        };
        let seq = row.get::<_, i64>(0)? as u64;
        if seq != expected {
            break Some((expected, "sequence_gap"));
        }
        let field = |i: usize| -> rusqlite::Result<Option<&[u8]>> {
            Ok(row.get_ref(i)?.as_bytes_or_null().ok().flatten())
        };
        let required = |i: usize| -> rusqlite::Result<&[u8]> { Ok(field(i)?.unwrap_or_default()) };
        let prev_hash = required(10)?;
        let fields = Fields {
            copy_id: span.copy.as_bytes(),
            seq,
            id: required(1)?,
            at: required(2)?,
            actor_id: field(3)?,
            actor_name: required(4)?,
            action: required(5)?,
            entity_type: required(6)?,
            entity_id: required(7)?,
            before: field(8)?,
            after: field(9)?,
            prev_hash,
        };
        match (&result.last_hash, result.first_prev) {
            (Some(last), _) if last.as_slice() != prev_hash => break Some((seq, "broken_link")),
            (None, None) => result.first_prev = prev_hash.try_into().ok().or(Some([0; 64])),
            _ => {}
        }
        let computed = fields.hash();
        if computed.as_slice() != required(11)? {
            break Some((seq, "hash_mismatch"));
        }
        match (field(12)?, field(3)?) {
            (Some(signature), Some(actor)) => {
                let actor = std::str::from_utf8(actor).unwrap_or_default();
                let key = match signers.key_for(actor, seq, fields.action, fields.entity_id) {
                    Ok(key) => key,
                    Err(problem) => break Some((seq, problem)),
                };
                let Some(signature) = keyslots::parse_signature(signature) else {
                    break Some((seq, "bad_signature"));
                };
                if let Some(bad_seq) = batch.push(seq, computed, signature, key) {
                    break Some((bad_seq, "bad_signature"));
                }
            }
            _ if seq < signers.first_signed => {}
            _ => break Some((seq, "unsigned")),
        }
        result.last_hash = Some(computed);
        expected += 1;
    };
    // A bad signature still in the batch comes before anything found after it.
    let bad = match (batch.flush(), bad) {
        (Some(signature_seq), Some((seq, _))) if signature_seq < seq => {
            Some((signature_seq, "bad_signature"))
        }
        (Some(signature_seq), None) => Some((signature_seq, "bad_signature")),
        (_, bad) => bad,
    };
    let good_until = bad.map_or(expected, |(seq, _)| seq);
    result.verified = good_until - span.from;
    let unsigned = signers
        .first_signed
        .min(good_until)
        .saturating_sub(span.from);
    result.signed = result.verified - unsigned.min(result.verified);
    result.bad = bad;
    Ok(result)
}

/// Signatures waiting to be checked together.
#[derive(Default)]
pub(crate) struct SignatureBatch {
    seqs: Vec<u64>,
    messages: Vec<Hex>,
    signatures: Vec<ed25519_dalek::Signature>,
    keys: Vec<VerifyingKey>,
}

impl SignatureBatch {
    const SIZE: usize = 64;

    /// Adds one; checks the batch when full. Returns the seq of the first bad signature.
    fn push(
        &mut self,
        seq: u64,
        message: Hex,
        signature: ed25519_dalek::Signature,
        key: VerifyingKey,
    ) -> Option<u64> {
        if self.add(seq, message, signature, key) {
            self.flush()
        } else {
            None
        }
    }

    /// Adds one. Returns whether the batch is full (time to check it).
    pub(crate) fn add(
        &mut self,
        seq: u64,
        message: Hex,
        signature: ed25519_dalek::Signature,
        key: VerifyingKey,
    ) -> bool {
        self.seqs.push(seq);
        self.messages.push(message);
        self.signatures.push(signature);
        self.keys.push(key);
        self.seqs.len() >= Self::SIZE
    }

    /// Checks what is waiting. Returns the seq of the first bad signature.
    fn flush(&mut self) -> Option<u64> {
        self.check(true).first().copied()
    }

    /// Checks what is waiting. Returns the seqs of every bad signature.
    pub(crate) fn flush_all(&mut self) -> Vec<u64> {
        self.check(false)
    }

    fn check(&mut self, first_only: bool) -> Vec<u64> {
        let messages: Vec<&[u8]> = self.messages.iter().map(|m| m.as_slice()).collect();
        let all_good = messages.is_empty()
            || ed25519_dalek::verify_batch(&messages, &self.signatures, &self.keys).is_ok();
        let mut bad = Vec::new();
        if !all_good {
            let each = self
                .seqs
                .iter()
                .zip(&messages)
                .zip(&self.signatures)
                .zip(&self.keys);
            for (((seq, message), signature), key) in each {
                if key.verify_strict(message, signature).is_err() {
                    bad.push(*seq);
                    if first_only {
                        break;
                    }
                }
            }
        }
        self.seqs.clear();
        self.messages.clear();
        self.signatures.clear();
        self.keys.clear();
        bad
    }
}
