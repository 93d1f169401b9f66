//! The device's witness: outside the workspace, the audit-chain heads this device has seen, so
//! that a chain rewritten later — by anyone who holds the data key, recomputing every hash and
//! signing as themselves — or an older copy put back in place is caught the next time the
//! workspace is opened here, by *every* user of the device.
//!
//! One small JSON file per device (`witness.json` in the app's data folder), one entry per
//! workspace and copy, whoever of the device's users saw it last. An entry holds a few
//! checkpoints `(seq, hash)` (the newest, and older ones thinned out so a rewrite can be
//! located) and how far the log was verified here (so the next login verifies only what was
//! appended since). It is signed by the member who recorded it, and counts only if that key
//! is one the workspace's own log registered: someone editing the file cannot make it vouch
//! for another chain. Checkpoints are only added while the chain still contains the newest
//! one, so once a rewrite is seen the device keeps reporting it — until an Admin confirms in
//! the log that this copy is the one to continue.

use crate::error::CoreResult;
use crate::keyslots::UserSecret;
use govbench_protocol::AnchorCheck;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const FORMAT: &str = "govbench-witness/2";
/// Checkpoints kept per entry: the newest, and older ones ever more sparsely.
const MAX_CHECKPOINTS: usize = 64;
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Where a device keeps its witness file.
#[derive(Clone, Debug)]
pub struct Witness {
    path: PathBuf,
}

/// Which chain an entry is about.
#[derive(Clone, Debug)]
pub struct ChainOf {
    pub workspace: String,
    pub copy: String,
}

#[derive(Default, Serialize, Deserialize)]
struct WitnessFile {
    format: String,
    entries: Vec<Entry>,
}

/// What this device knows of one copy's chain.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Entry {
    workspace: String,
    copy: String,
    /// `(seq, hash)`, ascending: heads seen here.
    pub checkpoints: Vec<(u64, String)>,
    /// The head up to which every event was verified here.
    pub verified: Option<(u64, String)>,
    /// Who recorded this entry, and the signing key (hex) they signed it with.
    recorded_by: String,
    pub key: String,
    signature: String,
}

/// What the device says of a chain.
pub(crate) enum Seen {
    /// This device has not seen the chain before.
    First,
    /// The entry's signature does not hold, or its key is not one the log registered.
    Altered,
    Entry(Entry),
}

impl Entry {
    fn is_for(&self, chain: &ChainOf) -> bool {
        self.workspace == chain.workspace && self.copy == chain.copy
    }

    fn message(&self) -> Vec<u8> {
        let mut m = Vec::new();
        let mut part = |bytes: &[u8]| {
            m.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            m.extend_from_slice(bytes);
        };
        part(b"govbench witness/2");
        for text in [&self.workspace, &self.copy, &self.recorded_by, &self.key] {
            part(text.as_bytes());
        }
        part(&(self.checkpoints.len() as u64).to_le_bytes());
        for (seq, hash) in self.checkpoints.iter().chain(self.verified.iter()) {
            part(&seq.to_le_bytes());
            part(hash.as_bytes());
        }
        m
    }

    fn signed(&self) -> bool {
        let key = crate::keyslots::PublicKeys {
            sign: self.key.clone(),
            seal: String::new(),
        };
        let (Ok(key), Some(signature)) = (
            key.verifying_key(),
            crate::keyslots::parse_signature(self.signature.as_bytes()),
        ) else {
            return false;
        };
        key.verify_strict(&self.message(), &signature).is_ok()
    }
}

impl Witness {
    pub fn new(path: impl Into<PathBuf>) -> Witness {
        Witness { path: path.into() }
    }

    /// `witness.json` in `data_dir`.
    pub fn in_dir(data_dir: &Path) -> Witness {
        Witness::new(data_dir.join("witness.json"))
    }

    fn load(&self) -> WitnessFile {
        // A missing, oversized or unreadable file is an empty witness: it vouches for nothing,
        // and the next recorded head replaces it. (So is a file of the first format, whose
        // entries were each user's own: the device starts over once.)
        let readable = std::fs::metadata(&self.path).is_ok_and(|m| m.len() <= MAX_FILE_BYTES);
        std::fs::read(&self.path)
            .ok()
            .filter(|_| readable)
            .and_then(|bytes| serde_json::from_slice::<WitnessFile>(&bytes).ok())
            .filter(|f| f.format == FORMAT)
            .unwrap_or_default()
    }

    /// What this device saw of `chain`; an entry counts only if it is signed by a key that
    /// `registered` (the log) vouches for.
    pub(crate) fn seen(&self, chain: &ChainOf, registered: &dyn Fn(&str) -> bool) -> Seen {
        match self.load().entries.into_iter().find(|e| e.is_for(chain)) {
            None => Seen::First,
            Some(entry) if entry.signed() && registered(&entry.key) => Seen::Entry(entry),
            Some(_) => Seen::Altered,
        }
    }

    /// Checks this device's last seen head of `chain` against the chain in `conn`. `None`
    /// when this device has not seen the chain before.
    pub(crate) fn check(
        &self,
        conn: &Connection,
        chain: &ChainOf,
        registered: &dyn Fn(&str) -> bool,
    ) -> CoreResult<Option<AnchorCheck>> {
        match self.seen(chain, registered) {
            Seen::First => Ok(None),
            // Edited by someone without a member's key: it proves nothing either way, and that
            // is itself worth reporting.
            Seen::Altered => Ok(Some(AnchorCheck {
                head: String::new(),
                source: "device_altered".into(),
                found: false,
                rewritten_from: None,
                rewritten_to: None,
                copy_ends_at: None,
            })),
            Seen::Entry(entry) => {
                check_checkpoints(conn, &chain.copy, &entry.checkpoints, "device")
            }
        }
    }

    /// Adds the chain's current head as a checkpoint, unless the chain no longer contains the
    /// newest one (then the rewrite stays on record); `verified` moves the verified mark.
    /// `restart` drops what was seen before (an Admin confirmed this copy as the one to
    /// continue). Signed by `secret` as member `user`.
    pub(crate) fn record(
        &self,
        conn: &Connection,
        chain: &ChainOf,
        recorder: (&str, &UserSecret),
        registered: &dyn Fn(&str) -> bool,
        verified: Option<(u64, String)>,
        restart: bool,
    ) -> CoreResult<()> {
        let Some(head) = crate::audit::head_of(conn, &chain.copy)? else {
            return Ok(());
        };
        let mut entry = match self.seen(chain, registered) {
            Seen::Entry(entry) if !restart => {
                let holds = check_checkpoints(conn, &chain.copy, &entry.checkpoints, "device")?
                    .is_none_or(|c| c.found);
                if !holds {
                    return Ok(());
                }
                entry
            }
            _ => Entry {
                workspace: chain.workspace.clone(),
                copy: chain.copy.clone(),
                ..Entry::default()
            },
        };
        if entry.checkpoints.last() != Some(&head) {
            entry.checkpoints.push(head);
        }
        thin(&mut entry.checkpoints);
        if verified.is_some() {
            entry.verified = verified;
        }
        let (user, secret) = recorder;
        entry.recorded_by = user.to_owned();
        entry.key = secret.public_keys().sign;
        entry.signature = secret.sign(&entry.message());
        let mut file = self.load();
        file.format = FORMAT.to_owned();
        file.entries.retain(|e| !e.is_for(chain));
        file.entries.push(entry);
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::durable::write_private(&self.path, &serde_json::to_vec(&file)?)?;
        Ok(())
    }
}

/// Keeps at most [`MAX_CHECKPOINTS`]: drops every other one of the older half, so recent
/// history stays dense and old history sparse.
fn thin(checkpoints: &mut Vec<(u64, String)>) {
    while checkpoints.len() > MAX_CHECKPOINTS {
        let half = checkpoints.len() / 2;
        let mut i = 0;
        checkpoints.retain(|_| {
            i += 1;
            i > half || i % 2 == 1
        });
    }
}

/// Does the chain of `copy` still hold every checkpoint? When not, names the range between
/// the last checkpoint that still holds and the newest one.
pub(crate) fn check_checkpoints(
    conn: &Connection,
    copy: &str,
    checkpoints: &[(u64, String)],
    source: &str,
) -> CoreResult<Option<AnchorCheck>> {
    let Some((newest_seq, newest_hash)) = checkpoints.last() else {
        return Ok(None);
    };
    let holds = |seq: u64, hash: &str| -> CoreResult<bool> {
        let stored: Option<String> = conn
            .query_row(
                "SELECT hash FROM audit_events WHERE copy_id = ?1 AND seq = ?2",
                rusqlite::params![copy, seq as i64],
                |r| r.get(0),
            )
            .optional()?;
        Ok(stored.as_deref() == Some(hash))
    };
    let head = format!("{newest_seq}:{newest_hash}");
    if holds(*newest_seq, newest_hash)? {
        return Ok(Some(AnchorCheck {
            head,
            source: source.to_owned(),
            found: true,
            rewritten_from: None,
            rewritten_to: None,
            copy_ends_at: None,
        }));
    }
    // Each event's hash covers the one before it, so the checkpoints that still hold are a
    // prefix: the rewrite lies after the last of them.
    let ends: Option<i64> = conn.query_row(
        "SELECT MAX(seq) FROM audit_events WHERE copy_id = ?1",
        [copy],
        |r| r.get(0),
    )?;
    let ends = ends.map_or(0, |e| e as u64);
    let mut last_good = 0;
    for (seq, hash) in checkpoints {
        if holds(*seq, hash)? {
            last_good = *seq;
        } else {
            break;
        }
    }
    Ok(Some(AnchorCheck {
        head,
        source: source.to_owned(),
        found: false,
        rewritten_from: Some(last_good + 1),
        rewritten_to: Some(*newest_seq),
        copy_ends_at: (ends < *newest_seq).then_some(ends),
    }))
}

/// Parses a head as printed: `<seq>:<hash>`, or `<copy>:<seq>:<hash>` for another copy's.
pub fn parse_anchor(text: &str) -> Option<(Option<String>, u64, String)> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    let (copy, seq, hash) = match parts.as_slice() {
        [seq, hash] => (None, *seq, *hash),
        [copy, seq, hash] => (Some((*copy).to_owned()), *seq, *hash),
        _ => return None,
    };
    let hash = hash.to_ascii_lowercase();
    let valid_hash = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    Some((copy, seq.parse().ok()?, hash)).filter(|_| valid_hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_the_newest_and_spreads_the_oldest() {
        let mut c: Vec<(u64, String)> = (1..=200).map(|i| (i, String::new())).collect();
        thin(&mut c);
        assert!(c.len() <= MAX_CHECKPOINTS);
        assert_eq!(c.last().map(|p| p.0), Some(200));
        assert_eq!(c.first().map(|p| p.0), Some(1));
        assert!(c.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn anchors_parse_as_printed() {
        let hash = "ab".repeat(32);
        assert_eq!(
            parse_anchor(&format!("42:{hash}")),
            Some((None, 42, hash.clone()))
        );
        assert_eq!(
            parse_anchor(&format!(" c1:7:{} ", hash.to_uppercase())),
            Some((Some("c1".into()), 7, hash.clone()))
        );
        assert_eq!(parse_anchor("42:abc"), None);
        assert_eq!(parse_anchor(&format!("x:{hash}")), None);
    }
}
