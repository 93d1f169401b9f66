//! A workspace shared through a server (issue 20). Every desktop keeps its encrypted copy;
//! the server (PostgreSQL, reached by `govbench-remote`) holds the log — each event sealed
//! with the workspace's data key (`wire`) beside the clear fields it orders and checks by — in
//! one order over every copy's chain. This module is what a copy does with it: share its log,
//! take in what other copies wrote (verified before it is applied, `receive`), and offer its
//! own. The server is reached through [`Server`], which the caller hands in: core knows no
//! network.
//!
//! Each event the server placed is recorded in `audit_positions` with the hash over the
//! server's log up to it, `log_hash(n) = SHA-256(log_hash(n-1) ‖ n as 8 bytes big-endian ‖
//! event hash)`, recomputed here: a server that drops, inserts or reorders events shows a
//! different hash, and a delivered event whose payload is not the one its clear fields name
//! does not open.

use crate::access::Session;
use crate::audit::{self, Sealed};
use crate::error::{ApiResult, CoreError, CoreResult, ServerProblem};
use crate::keyslots::DataKey;
use crate::receive::{Received, Receiver, Refused};
use crate::wire;
use govbench_protocol::{Action, ServerRefusal, UserPermission};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use uuid::Uuid;

mod blobs;
mod codes;
mod compare;
mod conflicts;
mod intake;
mod join;
mod keys;
mod status;
mod write;

pub use crate::wire::{
    Delivered, MemberLogin, Offer, Outcome, Placed, RetiredKey, Rotation, Server,
};
pub use codes::{join_code_password, new_join_code, normalized_join_code};
pub(crate) use compare::{check_frontier, parse_frontier};
use conflicts::Stale;
pub(crate) use conflicts::SCHEMA_V7;
pub use join::join;
pub(crate) use keys::Rotating;
pub(crate) use write::offer_written;

use blobs::{added_attachment, download_blobs, upload_blobs};

/// Where a copy's server is, as the copy keeps it (in `meta`) for the next exchange: the
/// address without any password, the CA file, and whether plaintext was explicitly allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerNote {
    pub address: String,
    pub ca: Option<String>,
    pub allow_plaintext: bool,
}

impl ServerNote {
    fn save(&self, conn: &Connection) -> CoreResult<()> {
        let mut stmt =
            conn.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?;
        stmt.execute(params!["server_address", self.address])?;
        stmt.execute(params!["server_ca", self.ca.clone().unwrap_or_default()])?;
        stmt.execute(params![
            "server_plaintext",
            self.allow_plaintext.to_string()
        ])?;
        Ok(())
    }

    fn load(conn: &Connection) -> CoreResult<Option<ServerNote>> {
        let get = |key: &str| crate::shared::workspace::meta_opt(conn, key);
        let Some(address) = get("server_address")? else {
            return Ok(None);
        };
        Ok(Some(ServerNote {
            address,
            ca: get("server_ca")?.filter(|c| !c.is_empty()),
            allow_plaintext: get("server_plaintext")?.as_deref() == Some("true"),
        }))
    }
}

/// How far a copy has taken in the server's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frontier {
    pub position: u64,
    pub log_hash: [u8; 32],
}

impl Frontier {
    const START: Frontier = Frontier {
        position: 0,
        log_hash: [0; 32],
    };

    /// The frontier once the event hashed `event_hash` is placed next.
    pub fn next(&self, event_hash: &[u8; 32]) -> Frontier {
        let position = self.position + 1;
        let mut h = Sha256::new();
        h.update(self.log_hash);
        h.update(position.to_be_bytes());
        h.update(event_hash);
        Frontier {
            position,
            log_hash: h.finalize().into(),
        }
    }
}

/// What sharing a workspace did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shared {
    pub events: u64,
    pub frontier: Frontier,
}

/// What one exchange with the server did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Synced {
    /// This copy's events the server placed.
    pub pushed: u64,
    /// Other copies' events verified and applied here.
    pub pulled: u64,
    /// Where this copy now stands.
    pub position: u64,
    /// An event from the server that failed verification: nothing from it on was applied.
    pub refused: Option<Refused>,
    /// This copy's waiting edits the server turned down because what they were based on
    /// changed meanwhile (and those after them that no longer fit): undone here and kept as
    /// their author's conflicts (`Session::conflicts`).
    pub conflicts: u64,
}

pub(crate) fn refused(why: ServerRefusal) -> CoreError {
    CoreError::Server(ServerProblem::Refused(why))
}

fn hash_bytes(hex_text: &str) -> CoreResult<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_text, &mut out)
        .map_err(|_| CoreError::Malformed(format!("hash {hex_text:.16}")))?;
    Ok(out)
}

/// Where this copy stands: the last of the events the server placed that it holds every
/// one before (its own events may be recorded further on, placed after events it has not
/// taken in yet).
pub(crate) fn frontier(conn: &Connection) -> CoreResult<Frontier> {
    match audit::placed_through(conn)? {
        None => Ok(Frontier::START),
        Some((position, log_hash)) => Ok(Frontier {
            position,
            log_hash: hash_bytes(&log_hash)?,
        }),
    }
}

/// Records where the server placed `e`. Placing the same event twice changes nothing; any
/// other event at that place, or the event at another, means the server and this copy
/// disagree.
fn record_position(tx: &Transaction<'_>, e: &audit::Event, at: &Frontier) -> CoreResult<()> {
    let log_hash = hex::encode(at.log_hash);
    let inserted = tx
        .prepare_cached(
            "INSERT INTO audit_positions (position, copy_id, seq, log_hash)
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            at.position as i64,
            e.copy_id,
            e.seq as i64,
            log_hash
        ])?;
    // Neither the place nor the event was taken (both are unique): nothing to compare.
    if inserted == 1 {
        return audit::advance_placed(tx);
    }
    let stored: (i64, String, i64, String) = tx
        .prepare_cached(
            "SELECT position, copy_id, seq, log_hash FROM audit_positions
              WHERE position = ?1 OR (copy_id = ?2 AND seq = ?3) ORDER BY position LIMIT 1",
        )?
        .query_row(params![at.position as i64, e.copy_id, e.seq as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    if stored
        != (
            at.position as i64,
            e.copy_id.clone(),
            e.seq as i64,
            log_hash,
        )
    {
        return Err(refused(ServerRefusal::Disagrees));
    }
    audit::advance_placed(tx)
}

/// The offer of a stored event, sealed with `key` for `workspace`.
pub(crate) fn offer_of(
    key: &DataKey,
    workspace: Uuid,
    sealed: &Sealed,
    base_position: u64,
) -> CoreResult<Offer> {
    let e = &sealed.event;
    let key_id = key.id();
    let binding = wire::Binding {
        workspace,
        key_id: &key_id,
        copy_id: &e.copy_id,
        copy_seq: e.seq,
        event_hash: &sealed.hash,
        format: wire::FORMAT,
    };
    let sealed_payload = wire::seal(key, &binding, &serde_json::to_vec(sealed)?)?;
    let image =
        |text: Option<&String>| -> Option<serde_json::Value> { serde_json::from_str(text?).ok() };
    let (before, after) = (image(e.before.as_ref()), image(e.after.as_ref()));
    let version = |image: Option<&serde_json::Value>| image?.get("version")?.as_u64();
    let scopes = govbench_protocol::EntityKind::from_key(&e.entity_type)
        .map(|kind| crate::features::scopes(kind, &e.action, before.as_ref(), after.as_ref()))
        .unwrap_or_default();
    let parse_uuid = |text: &str| {
        text.parse::<Uuid>()
            .map_err(|_| CoreError::Malformed(format!("id {text:.40}")))
    };
    Ok(Offer {
        workspace,
        base_position,
        reads: scopes.reads,
        copy_id: parse_uuid(&e.copy_id)?,
        copy_seq: e.seq,
        event_hash: hash_bytes(&sealed.hash)?,
        prev_hash: hash_bytes(&e.prev_hash)?,
        signer: e.actor_id.as_deref().map(parse_uuid).transpose()?,
        signature: sealed
            .signature
            .as_deref()
            .map(|s| s.as_bytes().to_vec())
            .unwrap_or_default(),
        entity_kind: e.entity_type.clone(),
        entity_id: e.entity_id.clone(),
        base_version: version(before.as_ref()),
        new_version: version(after.as_ref()).unwrap_or(1),
        touches: scopes.touches,
        key_id,
        format: wire::FORMAT,
        nonce: sealed_payload.nonce,
        payload: sealed_payload.ciphertext,
        adds: None,
    })
}

/// Opens a delivered event and checks that it is the one its clear fields name, at the place
/// that follows `frontier`.
fn opened(
    key: &DataKey,
    workspace: Uuid,
    frontier: &Frontier,
    d: &Delivered,
) -> CoreResult<Sealed> {
    let tampered = || refused(ServerRefusal::Tampered);
    if d.position != frontier.position + 1 || frontier.next(&d.event_hash).log_hash != d.log_hash {
        return Err(refused(ServerRefusal::Disagrees));
    }
    if d.format > wire::FORMAT {
        return Err(refused(ServerRefusal::FormatTooOld));
    }
    if d.key_id != key.id() {
        return Err(refused(ServerRefusal::OldKey));
    }
    let copy_id = d.copy_id.to_string();
    let event_hash = hex::encode(d.event_hash);
    let binding = wire::Binding {
        workspace,
        key_id: &d.key_id,
        copy_id: &copy_id,
        copy_seq: d.copy_seq,
        event_hash: &event_hash,
        format: d.format,
    };
    let plain = wire::open(
        key,
        &binding,
        &wire::Sealed {
            nonce: d.nonce,
            ciphertext: d.payload.clone(),
        },
    )
    .map_err(|_| tampered())?;
    let sealed: Sealed = serde_json::from_slice(&plain).map_err(|_| tampered())?;
    if sealed.event.copy_id != copy_id
        || sealed.event.seq != d.copy_seq
        || sealed.hash != event_hash
    {
        return Err(tampered());
    }
    Ok(sealed)
}

/// When a pull brings the key file and attachments up to date.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyStep {
    Always,
    WhenBehind,
}

/// Whether an event may leave this copy's key file or attachments behind the server's: a
/// member added, removed or changed, the key rotated, an attachment added.
fn changes_keys(sealed: &Sealed) -> bool {
    use govbench_protocol::EntityKind;
    [
        EntityKind::User,
        EntityKind::Workspace,
        EntityKind::Attachment,
    ]
    .iter()
    .any(|kind| sealed.event.entity_type == kind.key())
}

/// Every event of the log, in its order (sealed as stored).
/// Events sharing places per server transaction (sent pipelined: about one round trip).
const RUN: usize = 1000;

fn whole_log(conn: &Connection) -> CoreResult<Vec<Sealed>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM {} ORDER BY {}",
        audit::SEALED,
        audit::LOG,
        audit::LOG_ORDER
    ))?;
    let rows = stmt.query_map([], audit::sealed)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

impl Session {
    /// Shares this workspace on `server` (registered there beforehand, with this member as
    /// its founder): the whole log goes up as it is — every copy's chain, every signature —
    /// then the key file. Safe to run again after an interruption: what the server already
    /// holds is recognised by its hash. Only who may manage members may share.
    pub fn share(
        &mut self,
        server: &mut dyn Server,
        note: &ServerNote,
        progress: &dyn Fn(u64, u64),
    ) -> ApiResult<Shared> {
        self.read(UserPermission::Manage, |_| Ok(()))?;
        let result = (|| -> CoreResult<Shared> {
            let workspace = self.workspace_id().0;
            let key = self.data_key().clone();
            let key_rows = crate::KeySlots::load(self.path())?.to_rows()?;
            let tx = self.begin_sync()?;
            let mut at = frontier(&tx)?;
            if at.position > 0 {
                return Err(refused(ServerRefusal::AlreadyShared));
            }
            // A member who never logged in since signed records came enrolls their keys at
            // their first login, on whichever desk: their slot on the server would be left
            // behind, and a second desk could not open it. Everyone enrolls here first.
            if crate::members::active_names(&tx)?.len() != crate::members::key_holders(&tx)?.len() {
                return Err(CoreError::invalid("members", "members_not_enrolled_share"));
            }
            let log = whole_log(&tx)?;
            let total = log.len() as u64;
            let mut done = 0;
            // A run per server transaction: an interruption loses at most one run, which the
            // next attempt places again (the server recognises what it holds by its hash).
            for run in log.chunks(RUN) {
                let mut offers = Vec::with_capacity(run.len());
                let mut expected = Vec::with_capacity(run.len());
                for sealed in run {
                    let offer = offer_of(&key, workspace, sealed, at.position)?;
                    at = at.next(&offer.event_hash);
                    expected.push(at);
                    offers.push(offer);
                }
                let outcomes = server.import(&offers)?;
                if outcomes.len() != run.len() {
                    return Err(refused(ServerRefusal::Disagrees));
                }
                for ((sealed, expected), outcome) in run.iter().zip(&expected).zip(outcomes) {
                    match outcome {
                        Outcome::Accepted { position, log_hash }
                        | Outcome::Duplicate { position, log_hash }
                            if position == expected.position && log_hash == expected.log_hash => {}
                        Outcome::Refused(why) => return Err(refused(why)),
                        _ => return Err(refused(ServerRefusal::Disagrees)),
                    }
                    record_position(&tx, &sealed.event, expected)?;
                }
                done += run.len() as u64;
                progress(done, total);
            }
            let shas: Vec<String> = tx
                .prepare("SELECT sha256 FROM attachment_blobs")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            upload_blobs(&tx, &key, workspace, server, &shas)?;
            server.put_key_rows(&key_rows)?;
            server.finish_import()?;
            note.save(&tx)?;
            tx.commit()?;
            Ok(Shared {
                events: total,
                frontier: at,
            })
        })();
        result.map_err(|e| self.explain(e).into())
    }

    /// Where this copy's server is; `None` for a workspace that is not shared.
    pub fn server_note(&self) -> ApiResult<Option<ServerNote>> {
        ServerNote::load(self.connection().0).map_err(|e| self.explain(e).into())
    }

    /// One exchange with the server: takes in what other copies wrote since this copy's
    /// frontier (each event verified before it is applied), then offers this copy's events
    /// the server has not placed yet, in order.
    pub fn sync(&mut self, server: &mut dyn Server) -> ApiResult<Synced> {
        let result = (|| -> CoreResult<Synced> {
            let mut synced = Synced::default();
            // What waits goes first: an edit the server turns down is undone here before the
            // server's events on the same record are taken in.
            self.offer_new_slots(server)?;
            let offered = self.offer_waiting(server)?;
            synced.pushed = offered.pushed;
            synced.conflicts = offered.conflicts;
            let pulled = match self.pull(server) {
                Err(CoreError::Server(ServerProblem::Refused(
                    why @ (ServerRefusal::Tampered | ServerRefusal::Disagrees),
                ))) => {
                    self.note_refusal(Some(format!("server.refused.{}", why.key())))?;
                    return Err(refused(why));
                }
                pulled => pulled?,
            };
            let problem = pulled
                .refused
                .as_ref()
                .map(|r| format!("audit.problem.{}", r.problem));
            self.note_refusal(problem)?;
            synced.pulled = pulled.applied;
            synced.refused = pulled.refused;
            synced.position = frontier(self.connection().0)?.position;
            Ok(synced)
        })();
        result.map_err(|e| self.explain(e).into())
    }

    /// Sends the server the slots of this copy's key file it does not have yet (a member an
    /// Admin just added here), so that they can join from any desktop. Only an Admin does;
    /// for anyone else there is nothing to do.
    pub(crate) fn offer_new_slots(&mut self, server: &mut dyn Server) -> CoreResult<()> {
        if !self.may(UserPermission::Manage) {
            return Ok(());
        }
        let rows = server.key_rows()?;
        let ours = crate::KeySlots::load(self.path())?;
        let own = ours.slot_id(&self.user().name);
        let rotated_since = crate::KeySlots::from_rows(&rows)
            .is_ok_and(|theirs| !theirs.slot_holds(&own, &self.data_key().id()));
        if rotated_since {
            // The key was rotated on another desk: this file may still hold the removed
            // member's slot. The exchange moves this copy to the new key first.
            return Ok(());
        }
        let held: std::collections::HashSet<String> = rows.into_iter().map(|(id, _)| id).collect();
        let missing: Vec<(String, Vec<u8>)> = ours
            .to_rows()?
            .into_iter()
            .filter(|(id, _)| !held.contains(id))
            .collect();
        if !missing.is_empty() {
            server.put_key_rows(&missing)?;
        }
        Ok(())
    }

    /// After a write that added a member, online: their slot goes to the server at once (or
    /// with the next exchange, if this fails).
    pub(crate) fn after_member_write(&mut self) {
        if let Some(mut server) = self.take_server() {
            let _ = self.offer_new_slots(server.as_mut());
            self.set_server(Some(server));
        }
    }

    /// [`Session::sync`] with the server the session is connected to.
    pub fn sync_connected(&mut self) -> ApiResult<Synced> {
        let Some(mut server) = self.take_server() else {
            return Err(self.explain(refused(ServerRefusal::NotConnected)).into());
        };
        let synced = self.sync(server.as_mut());
        self.set_server(Some(server));
        synced
    }

    /// Takes in every event placed after this copy's frontier, page by page, each page in
    /// one transaction; then the key file's new slots, a key rotated elsewhere and the bytes
    /// of new attachments.
    fn pull(&mut self, server: &mut dyn Server) -> CoreResult<Received> {
        self.pull_then(server, KeyStep::Always)
    }

    /// [`pull`](Session::pull) before a write: the key file and attachments are brought up to
    /// date only when they may be behind (the session's first exchange, or an event taken in
    /// that changed members, keys or attachments), which spares a desk that writes often a
    /// round trip and a read of the key file per write. A slot sent later than its member's
    /// event comes with the next full exchange (`sync`, which the app runs on each wake-up).
    fn pull_before_write(&mut self, server: &mut dyn Server) -> CoreResult<Received> {
        self.pull_then(server, KeyStep::WhenBehind)
    }

    fn pull_then(&mut self, server: &mut dyn Server, step: KeyStep) -> CoreResult<Received> {
        let workspace = self.workspace_id().0;
        let mut keys = self.server_keys()?;
        let mut total = Received::default();
        let mut receiver = None;
        let from = frontier(self.connection().0)?;
        // What a page brings is the server's: committed without waiting for the disk (in WAL
        // mode a power loss then takes back only the last commits, whole, and the next
        // exchange fetches them again). The member's own writes still wait for it. Set
        // outside any transaction, as SQLite requires.
        self.connection()
            .0
            .execute_batch("PRAGMA synchronous = NORMAL")?;
        let taken = intake::take_in(server, &mut keys, workspace, from, |page| {
            let tx = self.begin_sync()?;
            let receiver = match &mut receiver {
                Some(r) => r,
                None => receiver.insert(Receiver::resume(&tx)?),
            };
            let received = receiver.receive(&tx, &page.events)?;
            let taken = (received.applied + received.already_held) as usize;
            for (sealed, placed) in page.events.iter().zip(&page.placed).take(taken) {
                record_position(&tx, &sealed.event, placed)?;
            }
            tx.commit()?;
            if page.events.iter().take(taken).any(changes_keys) {
                self.set_keys_current(false);
            }
            total.applied += received.applied;
            total.already_held += received.already_held;
            total.refused = received.refused;
            Ok(total.refused.is_none())
        });
        self.connection()
            .0
            .execute_batch("PRAGMA synchronous = FULL")?;
        taken?;
        if total.refused.is_some() || (step == KeyStep::WhenBehind && self.keys_current()) {
            return Ok(total);
        }
        let path = self.path().to_owned();
        let rows = server.key_rows()?;
        let tx = self.begin_sync()?;
        download_blobs(&tx, &mut keys, workspace, server)?;
        // Under the write lock, as every change of the key file.
        let mut slots = crate::KeySlots::load(&path)?;
        if slots.take_new_rows(&rows)? {
            slots.save(&path)?;
        }
        tx.commit()?;
        self.adopt_rotated_from(&rows)?;
        self.set_keys_current(true);
        Ok(total)
    }

    /// Offers this copy's events the server has not placed yet, in order. Stops at the first
    /// the server turns down as stale, and says which.
    fn push(&mut self, server: &mut dyn Server) -> CoreResult<(u64, Option<Stale>)> {
        let workspace = self.workspace_id().0;
        let mut key = self.data_key().clone();
        let copy = self.copy_id().to_owned();
        let waiting: Vec<Sealed> = {
            let conn = self.connection().0;
            // Offered in their order and placed in it: what waits follows the last one placed
            // (found through the indexes, not by reading every event of this copy).
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {} FROM {} WHERE copy_id = ?1 AND position IS NULL
                    AND seq > (SELECT coalesce(max(seq), 0) FROM audit_positions
                                WHERE copy_id = ?1)
                  ORDER BY seq",
                audit::SEALED,
                audit::LOG
            ))?;
            let rows = stmt.query_map([&copy], audit::sealed)?;
            rows.collect::<Result<_, _>>()?
        };
        // The bytes go first: a copy that takes in the attachment finds them there.
        let shas: Vec<String> = waiting.iter().filter_map(added_attachment).collect();
        upload_blobs(self.connection().0, &key, workspace, server, &shas)?;
        let mut pushed = 0;
        let mut adopted = false;
        let mut waiting = waiting.iter().peekable();
        while let Some(sealed) = waiting.peek() {
            let tx = self.begin_sync()?;
            let at = frontier(&tx)?;
            let offer = offer_of(&key, workspace, sealed, at.position)?;
            match server.append(&offer)? {
                // The key was rotated on another desk since this copy last heard: it moves to
                // the new key, and offers the same event again, once.
                Outcome::Refused(ServerRefusal::OldKey) if !adopted => {
                    drop(tx);
                    adopted = true;
                    if !self.adopt_rotated_key(server)? {
                        return Err(refused(ServerRefusal::OldKey));
                    }
                    key = self.data_key().clone();
                    continue;
                }
                Outcome::Accepted { position, log_hash }
                | Outcome::Duplicate { position, log_hash } => {
                    // Placed after events this copy may not have yet: recorded where the
                    // server put it; the next pull fills in what comes before.
                    record_position(&tx, &sealed.event, &Frontier { position, log_hash })?;
                }
                // Another event of this copy's own is at this place on the server: one this
                // copy lost (killed once the server had placed it, before committing it here).
                // Undone like a stale one, and applied again after the server's.
                outcome @ (Outcome::Stale { .. } | Outcome::Refused(ServerRefusal::Disagrees)) => {
                    let stale = Stale {
                        seq: sealed.event.seq,
                        outcome,
                    };
                    return Ok((pushed, Some(stale)));
                }
                Outcome::Refused(why) => return Err(refused(why)),
            }
            tx.commit()?;
            pushed += 1;
            waiting.next();
        }
        Ok((pushed, None))
    }
}
