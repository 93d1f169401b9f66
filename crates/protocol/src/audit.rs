//! The operation log as front ends see it: verification reports and per-entity history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Result of verifying the audit log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReport {
    pub events_verified: u64,
    /// Of those, the events whose signature was checked against their actor's key.
    pub signatures_verified: u64,
    /// Events from before signing existed (hash-checked only; they all precede the first
    /// signed event).
    pub unsigned_events: u64,
    /// Events re-checked as their author's action: an active member whose role allowed it,
    /// starting from the record as the log left it, a legal step of its lifecycle.
    #[serde(default)]
    pub actions_checked: u64,
    /// The first event that does not verify, if any.
    pub first_bad: Option<BadEvent>,
    /// The deep checks (`audit verify` runs them all; they are `None` only in reports of the
    /// chain alone).
    pub storage: Option<StorageCheck>,
    pub records: Option<RecordCheck>,
    pub key_slots: Option<SlotCheck>,
    /// This device's last seen head, or a head given to check against (`--anchor`).
    pub anchor: Option<AnchorCheck>,
    /// On a shared workspace whose server answered: this copy against the server's log.
    #[serde(default)]
    pub server: Option<ServerLogCheck>,
}

/// A shared workspace's copy compared with its server's log, by what the server shows in
/// clear: each position's event (copy, sequence number, hash) and the hash over the log up to
/// it. The server can drop, alter, reorder, insert or replay events only by changing these.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerLogCheck {
    /// How far the server's log goes.
    pub server_position: u64,
    /// How far this copy has taken it in (its frontier).
    pub copy_position: u64,
    /// The server's hash over its log at `server_position` (hex): with the position, the
    /// frontier a report built now names.
    pub server_log_hash: String,
    /// Positions this copy holds whose event the server shows alike.
    pub positions_matched: u64,
    /// This copy's events the server has not placed yet (written offline, waiting).
    pub not_yet_shared: u64,
    /// The first 20 disagreements, and how many in all.
    pub problems: Vec<ServerLogProblem>,
    pub problem_count: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerLogProblem {
    pub position: u64,
    /// `missing` (the server no longer has the event this copy took in there, or has no event
    /// at a position it placed), `altered` (another event than the one this copy took in
    /// there) or `broken` (its hash over the log does not follow there: an event inserted,
    /// reordered or replaced).
    pub problem: String,
    /// The event this copy holds at that position, if it holds one.
    pub copy_id: Option<String>,
    pub seq: Option<u64>,
}

/// SQLCipher's check of every page's authentication code, and SQLite's of the structure.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageCheck {
    pub pages: u64,
    /// What the checks reported (at most 20 lines); empty when the file is intact.
    pub problems: Vec<String>,
}

/// Every record compared with the after-image of its last event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordCheck {
    pub records_checked: u64,
    /// The first 20 records that do not match.
    pub problems: Vec<RecordProblem>,
    pub problem_count: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordProblem {
    /// Entity kind key (`requirement`).
    pub entity: String,
    pub id: String,
    /// `no_event` (a row no event wrote), `differs` (changed after its last event),
    /// `missing` (its last event says it exists, the table has no such row) or
    /// `file_damaged` (an attachment's bytes are gone or no longer match its SHA-256).
    pub problem: String,
}

/// Key slots against active members.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotCheck {
    pub members: u64,
    pub slots: u64,
    /// Active members without a slot (cannot log in).
    pub members_without_slot: Vec<String>,
    /// Slots of no active member (a removed member's slot left behind).
    pub slots_without_member: u64,
}

/// Whether the chain still contains a head seen earlier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnchorCheck {
    /// `<seq>:<hash>` as printed or as this device last saw it.
    pub head: String,
    /// Where it came from: `device` (this device's witness) or `given`.
    pub source: String,
    pub found: bool,
    /// When not found: the seqs from the anchor on that no longer match (the rewritten
    /// range), `from..=to` of the anchor's copy.
    pub rewritten_from: Option<u64>,
    pub rewritten_to: Option<u64>,
    /// When not found because this copy's log ends before the anchor: where it ends (an
    /// older copy put back, rather than a rewrite).
    #[serde(default)]
    pub copy_ends_at: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadEvent {
    pub copy_id: String,
    pub seq: u64,
    /// One of `hash_mismatch`, `broken_link`, `sequence_gap`, `bad_signature`,
    /// `unknown_signer`, `removed_signer`, `unsigned`.
    pub problem: String,
}

impl AuditReport {
    /// Nothing found wrong by any check that ran.
    pub fn is_intact(&self) -> bool {
        self.first_bad.is_none()
            && self.storage.as_ref().is_none_or(|s| s.problems.is_empty())
            && self.records.as_ref().is_none_or(|r| r.problem_count == 0)
            && self
                .key_slots
                .as_ref()
                .is_none_or(|k| k.members_without_slot.is_empty() && k.slots_without_member == 0)
            && self.anchor.as_ref().is_none_or(|a| a.found)
            && self.server.as_ref().is_none_or(|s| s.problem_count == 0)
    }
}

/// One line of a record's history, taken from its audit events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    /// The action's key (`requirement.approve`); its text is `action.<key>`.
    pub action: String,
    /// Status keys of the record before and after, when the record has a lifecycle and the
    /// event moved it; translated as `<entity>.status.<key>`.
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    /// On a shared workspace: this copy's change the server has not placed yet (written
    /// offline, it waits to be shared).
    #[serde(default)]
    pub not_yet_shared: bool,
}

keyed_enum! {
    pub enum AuditPermission {
        /// Verify the whole chain (everyone who may read the workspace).
        Verify = "audit.verify",
    }
}
