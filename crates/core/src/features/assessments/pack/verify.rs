//! Verifying a pack: against the exporter's key fingerprint, or against the workspace's log.

use super::*;
use crate::audit::{Links, SignatureBatch};
use crate::error::{CoreError, CoreResult};
use crate::keyslots::{self, PublicKeys};
use govbench_protocol::{PackDoubt, PackRefusal, PackReport, PackTrust};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::BufReader;
use std::path::Path;

/// A key fingerprint as a person gives it (64 hex digits, any case; spaces and colons
/// between groups are ignored), as [`keyslots::fingerprint`] writes it.
pub(crate) fn parse_fingerprint(given: &str) -> CoreResult<String> {
    let digits: String = given
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if digits.len() == 64 && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(digits)
    } else {
        Err(CoreError::invalid("signer", "fingerprint"))
    }
}

pub(super) fn not_a_pack() -> CoreError {
    CoreError::invalid("pack", "not_a_pack")
}

pub(super) fn refuse(reason: PackRefusal, entry: Option<&str>) -> CoreError {
    CoreError::PackRefused {
        reason,
        entry: entry.map(str::to_owned),
    }
}

pub(super) type Archive = zip::ZipArchive<BufReader<std::fs::File>>;

/// Checks a pack: every file against the manifest, the manifest's seal, and the slice of the
/// log (hashes, links, signatures against the key each actor held at each event); then, given
/// a trust root, who made it. A file that is not a pack, or a ZIP built to mislead or exhaust,
/// is an error; a pack that does not hold is a report naming what does not.
pub(crate) fn verify(path: &Path, root: &Root<'_>) -> CoreResult<PackReport> {
    let mut file = std::fs::File::open(path)?;
    check_declared_directory(&mut file)?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|_| not_a_pack())?;
    let entries = entry_names(&mut archive)?;
    let manifest_bytes =
        read_small(&mut archive, MANIFEST, MAX_MANIFEST)?.ok_or_else(not_a_pack)?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes).map_err(|_| not_a_pack())?;
    let dated_keys = match manifest.format.as_str() {
        FORMAT => true,
        FORMAT_1 => false,
        _ => return Err(not_a_pack()),
    };
    check_listing(&manifest)?;
    let seal_key = PublicKeys {
        sign: manifest.exported_by.sign_key.clone(),
        seal: String::new(),
    }
    .verifying_key()
    .ok();
    let seal = read_small(&mut archive, SEAL, MAX_SEAL)?;
    let mut report = PackReport {
        number: manifest.number.clone(),
        quarter: manifest.quarter.clone(),
        head: manifest.head.clone(),
        exported_by: manifest.exported_by.name.clone(),
        seal_fingerprint: seal_key
            .as_ref()
            .map(keyslots::fingerprint)
            .unwrap_or_default(),
        trust: match (&root.workspace, &root.signer) {
            (Some(_), _) => PackTrust::Workspace,
            (None, Some(_)) => PackTrust::Signer,
            (None, None) => PackTrust::None,
        },
        ..PackReport::default()
    };
    report.signature_valid = match (&seal_key, &seal) {
        (Some(key), Some(seal)) => keyslots::verify_signature(
            key,
            &Sha256::digest(&manifest_bytes),
            &String::from_utf8_lossy(seal),
        ),
        _ => false,
    };

    let listed: HashMap<&str, &FileEntry> = manifest
        .files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    report.unlisted = entries
        .iter()
        .filter(|name| !listed.contains_key(name.as_str()) && *name != MANIFEST && *name != SEAL)
        .cloned()
        .collect();
    for required in [EVENTS, CHAIN, KEYS] {
        if !listed.contains_key(required) {
            report.missing.push(required.to_owned());
        }
    }

    // Every listed file but the slice, hashed as it streams; the chain ends and keys kept.
    let mut chain = None;
    let mut keys = None;
    for f in manifest.files.iter().filter(|f| f.path != EVENTS) {
        let keep = f.path == CHAIN || f.path == KEYS;
        if keep && f.bytes > MAX_SIDE {
            return Err(refuse(PackRefusal::TooLarge, Some(&f.path)));
        }
        let mut kept = Vec::new();
        match check_file(&mut archive, f, keep.then_some(&mut kept))? {
            None => report.missing.push(f.path.clone()),
            Some(matches) => {
                report.files_checked += 1;
                if !matches {
                    report.altered.push(f.path.clone());
                }
            }
        }
        match f.path.as_str() {
            CHAIN => chain = Some(kept),
            KEYS => keys = Some(kept),
            _ => {}
        }
    }

    let chain: ChainEnds = chain
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let log = root.workspace.as_ref().map(|w| w.conn);
    let keys = match log {
        Some(conn) => KeySource::log(conn),
        None => KeySource::carried(keys.as_deref().unwrap_or_default(), dated_keys),
    };
    if let Some(f) = listed.get(EVENTS) {
        let mut check = EventCheck {
            links: Links::new(&chain.before),
            keys,
            log,
            batch: SignatureBatch::default(),
            checked: 0,
            broken: Tally::default(),
            unreadable: Tally::default(),
            not_in_log: Tally::default(),
        };
        match open_entry(&mut archive, &f.path) {
            Entry::Missing => report.missing.push(f.path.clone()),
            Entry::Unreadable => {
                report.files_checked += 1;
                report.altered.push(f.path.clone());
            }
            Entry::Found(entry) => {
                report.files_checked += 1;
                if !check.stream(entry, f)? {
                    report.altered.push(f.path.clone());
                }
            }
        }
        check.finish();
        report.events_checked = check.checked;
        report.broken_count = check.broken.count;
        report.broken_events = check.broken.first.into_iter().collect();
        report.unreadable_count = check.unreadable.count;
        report.unreadable_lines = check.unreadable.first.into_iter().collect();
        report.not_in_log_count = check.not_in_log.count;
        report.not_in_log = check.not_in_log.first.into_iter().collect();
    }
    report.altered.sort();
    report.missing.sort();
    report.missing.dedup();

    if let Some(fingerprint) = &root.signer {
        if report.seal_fingerprint != *fingerprint {
            report.doubts.push(PackDoubt::SignerMismatch);
        }
    }
    if let Some(workspace) = &root.workspace {
        report.doubts.extend(workspace_doubts(
            workspace,
            &manifest,
            seal_key.as_ref(),
            path,
        )?);
        if report.not_in_log_count > 0 {
            report.doubts.push(PackDoubt::EventsNotInLog);
        }
    }
    Ok(report)
}
