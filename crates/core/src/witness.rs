//! The device's witness: outside the workspace, the audit-chain heads this device has seen, so
//! that a chain rewritten later — by anyone who holds the data key, recomputing every hash and
//! signing as themselves — is caught the next time the workspace is opened here.
//!
//! One small JSON file per device (in the app's data folder). An entry is per workspace, copy
//! and member, holds a few checkpoints `(seq, hash)` (the newest, and older ones thinned out so
//! a rewrite can be located), and is authenticated with an HMAC under a key derived from that
//! member's own secret: someone editing the file cannot make it vouch for another chain.
//! Checkpoints are only added while the chain still contains the newest one, so once a
//! rewrite is seen the device keeps reporting it.

use crate::error::{CoreError, CoreResult};
use crate::keyslots::UserSecret;
use govbench_protocol::AnchorCheck;
use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const FORMAT: &str = "govbench-witness/1";
/// Checkpoints kept per entry: the newest, and older ones ever more sparsely.
const MAX_CHECKPOINTS: usize = 64;
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Where a device keeps its witness file.
#[derive(Clone, Debug)]
pub struct Witness {
    path: PathBuf,
}

/// Which chain an entry is about, and whose.
#[derive(Clone, Debug)]
pub struct ChainOf {
    pub workspace: String,
    pub copy: String,
    pub user: String,
}

#[derive(Default, Serialize, Deserialize)]
struct WitnessFile {
    format: String,
    entries: Vec<Entry>,
}

#[derive(Clone, Serialize, Deserialize)]
struct Entry {
    workspace: String,
    copy: String,
    user: String,
    /// `(seq, hash)`, ascending.
    checkpoints: Vec<(u64, String)>,
    mac: String,
}

impl Entry {
    fn is_for(&self, chain: &ChainOf) -> bool {
        self.workspace == chain.workspace && self.copy == chain.copy && self.user == chain.user
    }

    fn mac(&self, secret: &UserSecret) -> CoreResult<String> {
        let key = Sha256::new()
            .chain_update(b"govbench witness\0")
            .chain_update(secret.to_hex().as_bytes())
            .finalize();
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key)
            .map_err(|_| CoreError::Crypto("witness key"))?;
        for part in [&self.workspace, &self.copy, &self.user] {
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part.as_bytes());
        }
        for (seq, hash) in &self.checkpoints {
            mac.update(&seq.to_le_bytes());
            mac.update(hash.as_bytes());
        }
        Ok(hex::encode(mac.finalize().into_bytes()))
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
        // and the next recorded head replaces it.
        let readable = std::fs::metadata(&self.path).is_ok_and(|m| m.len() <= MAX_FILE_BYTES);
        std::fs::read(&self.path)
            .ok()
            .filter(|_| readable)
            .and_then(|bytes| serde_json::from_slice::<WitnessFile>(&bytes).ok())
            .filter(|f| f.format == FORMAT)
            .unwrap_or_default()
    }

    fn save(&self, file: &WitnessFile) -> CoreResult<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::durable::write_atomically(&self.path, &serde_json::to_vec(file)?)?;
        Ok(())
    }

    /// Checks this device's last seen head of `chain` against the chain in `conn`. `None`
    /// when this device has not seen the chain before.
    pub fn check(
        &self,
        conn: &Connection,
        chain: &ChainOf,
        secret: &UserSecret,
    ) -> CoreResult<Option<AnchorCheck>> {
        let file = self.load();
        let Some(entry) = file.entries.iter().find(|e| e.is_for(chain)) else {
            return Ok(None);
        };
        if entry.mac(secret)? != entry.mac {
            // Edited by someone without this member's secret: it proves nothing either way,
            // and that is itself worth reporting.
            return Ok(Some(AnchorCheck {
                head: String::new(),
                source: "device_altered".into(),
                found: false,
                rewritten_from: None,
                rewritten_to: None,
            }));
        }
        check_checkpoints(conn, &chain.copy, &entry.checkpoints, "device")
    }

    /// Adds the chain's current head as a checkpoint, unless the chain no longer contains the
    /// newest one (then the rewrite stays on record).
    pub fn record(
        &self,
        conn: &Connection,
        chain: &ChainOf,
        secret: &UserSecret,
    ) -> CoreResult<()> {
        let Some(head) = crate::audit::head_of(conn, &chain.copy)? else {
            return Ok(());
        };
        if let Some(check) = self.check(conn, chain, secret)? {
            if !check.found {
                return Ok(());
            }
        }
        let mut file = self.load();
        file.format = FORMAT.to_owned();
        let mut entry = match file.entries.iter().position(|e| e.is_for(chain)) {
            Some(i) => file.entries.remove(i),
            None => Entry {
                workspace: chain.workspace.clone(),
                copy: chain.copy.clone(),
                user: chain.user.clone(),
                checkpoints: Vec::new(),
                mac: String::new(),
            },
        };
        if entry.checkpoints.last() != Some(&head) {
            entry.checkpoints.push(head);
        }
        thin(&mut entry.checkpoints);
        entry.mac = entry.mac(secret)?;
        file.entries.push(entry);
        self.save(&file)
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
        }));
    }
    // Each event's hash covers the one before it, so the checkpoints that still hold are a
    // prefix: the rewrite lies after the last of them.
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
