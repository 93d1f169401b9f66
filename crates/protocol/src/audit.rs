//! The operation log as front ends see it: verification reports and per-entity history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Result of verifying the audit hash chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReport {
    pub events_verified: u64,
    /// The first event that does not verify, if any.
    pub first_bad: Option<BadEvent>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadEvent {
    pub copy_id: String,
    pub seq: u64,
    /// One of `hash_mismatch`, `broken_link`, `sequence_gap`.
    pub problem: String,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.first_bad.is_none()
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
}

keyed_enum! {
    pub enum AuditPermission {
        /// Verify the whole chain (everyone who may read the workspace).
        Verify = "audit.verify",
    }
}
