//! Who may sign what in a copy's chain, read from its user events.

use crate::error::CoreResult;
use crate::keyslots;
use ed25519_dalek::VerifyingKey;
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap};

/// Who may sign what in one copy's chain, read from its user events: each user's key as
/// registered (by `user.create`, signed by an admin, or `user.enroll`, signed with the user's
/// previous key) and removed (`user.remove`). The registering events themselves are checked
/// like every other event, against the keys registered before them.
pub(crate) struct Signers {
    /// User id → (rank of the event that set it, what it set), in rank order.
    timeline: HashMap<String, Vec<(u64, Signer)>>,
    /// Events before this seq may be unsigned (written before signing existed).
    pub(super) first_signed: u64,
    /// Where each event of the copy stands in the log's one order (its *rank*): on a
    /// workspace that is not shared, its seq; on a shared one, the position the server gave
    /// it (`placed[seq - 1]`), and after every placed event for those not placed yet. A
    /// member's key counts from the rank of the event that registered it, whichever copy
    /// wrote that.
    placed: Vec<u64>,
    last_position: u64,
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
        let first_signed = super::first_signed(conn, copy)?;
        let last_position: i64 = conn.query_row(
            "SELECT coalesce(max(position), 0) FROM audit_positions",
            [],
            |r| r.get(0),
        )?;
        // A copy's events are placed in their order: how many are placed is its last placed
        // seq (found through the index, copy by copy as they come).
        let mut placed_count: HashMap<String, u64> = HashMap::new();
        let placed: Vec<u64> = conn
            .prepare("SELECT position FROM audit_positions WHERE copy_id = ?1 ORDER BY seq")?
            .query_map([copy], |r| Ok(r.get::<_, i64>(0)? as u64))?
            .collect::<Result<_, _>>()?;
        let last_position = last_position as u64;
        let mut timeline: HashMap<String, Vec<(u64, Signer)>> = HashMap::new();
        // The index on the entity, named: without statistics SQLite would rather walk the
        // primary key for the ORDER BY — the whole log — than sort a few member events.
        // Every copy's member events, in the log's order.
        let mut stmt = conn.prepare(&format!(
            "SELECT seq, entity_id, after, copy_id, position FROM {}
             WHERE entity_type = 'user' ORDER BY {}",
            super::LOG_BY_ENTITY,
            super::LOG_ORDER
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let seq = row.get::<_, i64>(0)? as u64;
            let user: String = row.get(1)?;
            let after: Option<String> = row.get(2)?;
            let event_copy: String = row.get(3)?;
            let position: Option<i64> = row.get(4)?;
            let rank = match position {
                Some(position) => position as u64,
                None => {
                    let placed = match placed_count.get(&event_copy) {
                        Some(placed) => *placed,
                        None => {
                            let placed: i64 = conn
                                .prepare_cached(
                                    "SELECT coalesce(max(seq), 0) FROM audit_positions
                                      WHERE copy_id = ?1",
                                )?
                                .query_row([&event_copy], |r| r.get(0))?;
                            placed_count.insert(event_copy.clone(), placed as u64);
                            placed as u64
                        }
                    };
                    last_position + seq.saturating_sub(placed)
                }
            };
            timeline
                .entry(user)
                .or_default()
                .push((rank, signer_in(after.as_deref())));
        }
        Ok(Signers {
            timeline,
            first_signed: first_signed.unwrap_or(u64::MAX),
            placed,
            last_position,
        })
    }

    /// Where the copy's event `seq` stands in the log's order.
    fn rank(&self, seq: u64) -> u64 {
        match seq.checked_sub(1).and_then(|i| self.placed.get(i as usize)) {
            Some(position) => *position,
            None => self.last_position + seq.saturating_sub(self.placed.len() as u64),
        }
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
            placed: Vec::new(),
            last_position: 0,
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
        let rank = self.rank(seq);
        let at = entries.partition_point(|(set, _)| *set < rank);
        let before = at
            .checked_sub(1)
            .and_then(|i| entries.get(i))
            .map(|(_, s)| s);
        let own = || {
            entries
                .get(at)
                .filter(|(set, _)| *set == rank)
                .map(|(_, s)| s)
        };
        // Trust on first use in exactly two places: the founder registering themselves in the
        // log's first event, and a member from before signing enrolling their first key.
        let self_registers = entity == actor.as_bytes()
            && match before {
                None => rank == 1 && action == b"user.create",
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
