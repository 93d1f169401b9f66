//! Checking the pack's log slice: each event's link, hash and signature, against keys from
//! the workspace or from the pack.

use super::*;
use crate::audit::{self, Links, Sealed, SignatureBatch, SignerTimeline, Signers};
use crate::error::CoreResult;
use crate::keyslots::{self, PublicKeys};
use ed25519_dalek::VerifyingKey;
use govbench_protocol::{ExportKind, PackDoubt, ReportExport};
use rusqlite::Connection;
use sha2::Digest;
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Where the key each event must be signed with comes from.
pub(super) enum KeySource<'a> {
    /// Per copy: from the workspace's log (read on first use) or from the pack's dated
    /// `keys.json` (a copy it does not list has no signers, and no event may be unsigned).
    Timelines {
        log: Option<&'a Connection>,
        copies: HashMap<String, Signers>,
    },
    /// A format-1 `keys.json`: every key each member ever registered, undated.
    AnyOf(HashMap<String, Vec<VerifyingKey>>),
}

/// What an event's signature check needs.
pub(super) enum Signed {
    Good,
    Bad,
    /// To be checked in a batch against this key.
    Against(Box<(VerifyingKey, ed25519_dalek::Signature)>),
}

impl<'a> KeySource<'a> {
    pub(super) fn log(conn: &'a Connection) -> Self {
        KeySource::Timelines {
            log: Some(conn),
            copies: HashMap::new(),
        }
    }

    /// From the pack's own `keys.json` (unreadable: no keys, so every signed event fails).
    pub(super) fn carried(bytes: &[u8], dated: bool) -> Self {
        if dated {
            let timelines: BTreeMap<String, SignerTimeline> =
                serde_json::from_slice(bytes).unwrap_or_default();
            KeySource::Timelines {
                log: None,
                copies: timelines
                    .iter()
                    .map(|(copy, t)| (copy.clone(), Signers::from_timeline(t)))
                    .collect(),
            }
        } else {
            let listed: BTreeMap<String, Vec<String>> =
                serde_json::from_slice(bytes).unwrap_or_default();
            KeySource::AnyOf(
                listed
                    .into_iter()
                    .map(|(user, keys)| {
                        let keys = keys
                            .into_iter()
                            .filter_map(|sign| {
                                PublicKeys {
                                    sign,
                                    seal: String::new(),
                                }
                                .verifying_key()
                                .ok()
                            })
                            .collect();
                        (user, keys)
                    })
                    .collect(),
            )
        }
    }

    pub(super) fn check(&mut self, sealed: &Sealed) -> CoreResult<Signed> {
        let e = &sealed.event;
        let signature = match (&e.actor_id, &sealed.signature) {
            (Some(actor), Some(signature)) => {
                keyslots::parse_signature(signature.as_bytes()).map(|s| (actor, s))
            }
            _ => None,
        };
        let signed_at_all = e.actor_id.is_some() && sealed.signature.is_some();
        match self {
            KeySource::Timelines { log, copies } => {
                if !copies.contains_key(&e.copy_id) {
                    let signers = match log {
                        Some(conn) => Signers::of(conn, &e.copy_id)?,
                        None => Signers::from_timeline(&SignerTimeline {
                            first_signed: Some(0),
                            users: BTreeMap::new(),
                        }),
                    };
                    copies.insert(e.copy_id.clone(), signers);
                }
                let Some(signers) = copies.get(&e.copy_id) else {
                    return Ok(Signed::Bad);
                };
                Ok(match signature {
                    Some((actor, signature)) => signers
                        .key_for(actor, e.seq, e.action.as_bytes(), e.entity_id.as_bytes())
                        .map_or(Signed::Bad, |key| {
                            Signed::Against(Box::new((key, signature)))
                        }),
                    None if !signed_at_all && e.seq < signers.first_signed() => Signed::Good,
                    None => Signed::Bad,
                })
            }
            KeySource::AnyOf(keys) => Ok(match signature {
                Some((actor, signature)) => {
                    let holds = keys.get(actor).is_some_and(|list| {
                        list.iter()
                            .any(|k| k.verify_strict(sealed.hash.as_bytes(), &signature).is_ok())
                    });
                    if holds {
                        Signed::Good
                    } else {
                        Signed::Bad
                    }
                }
                // Format 1 does not say when signing began: unsigned events pass, as they
                // did; the seal still covers the slice as a whole.
                None if !signed_at_all => Signed::Good,
                None => Signed::Bad,
            }),
        }
    }
}

/// The slice checked in one pass: each event's link and hash, its signature against the key
/// its actor held then, and (under the workspace) that the log holds it with the same hash.
/// Every lookup is a map or binary search: linear in the number of events.
pub(super) struct EventCheck<'a> {
    pub(super) links: Links<'a>,
    pub(super) keys: KeySource<'a>,
    pub(super) log: Option<&'a Connection>,
    pub(super) batch: SignatureBatch,
    pub(super) checked: u64,
    pub(super) broken: Tally,
    pub(super) unreadable: Tally,
    pub(super) not_in_log: Tally,
}

impl EventCheck<'_> {
    /// Reads the slice line by line (at most its listed size + 1 bytes, each line capped) and
    /// checks each event. Returns whether the file matches its manifest entry.
    pub(super) fn stream<R: Read>(&mut self, entry: R, f: &FileEntry) -> CoreResult<bool> {
        let mut hashing = Hashing::new(entry.take(f.bytes.saturating_add(1)));
        let mut read_ok = true;
        {
            let mut lines = BufReader::with_capacity(1 << 16, &mut hashing);
            let mut line = Vec::new();
            let mut number: u64 = 0;
            loop {
                line.clear();
                match (&mut lines)
                    .take(MAX_EVENT_LINE + 1)
                    .read_until(b'\n', &mut line)
                {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(_) => {
                        read_ok = false;
                        break;
                    }
                }
                number += 1;
                if line.len() as u64 > MAX_EVENT_LINE {
                    // No event is this long; what follows is not read as events.
                    self.unreadable.add(number);
                    break;
                }
                let text = line.strip_suffix(b"\n").unwrap_or(&line);
                if text.is_empty() {
                    continue;
                }
                match serde_json::from_slice::<Sealed>(text) {
                    Ok(sealed) => self.event(&sealed)?,
                    Err(_) => self.unreadable.add(number),
                }
            }
            if read_ok {
                // The rest still counts towards the file's hash.
                read_ok = std::io::copy(&mut lines, &mut std::io::sink()).is_ok();
            }
        }
        Ok(read_ok && hashing.matches(f))
    }

    pub(super) fn event(&mut self, sealed: &Sealed) -> CoreResult<()> {
        let e = &sealed.event;
        self.checked += 1;
        if let Some(conn) = self.log {
            let stored = i64::try_from(e.seq)
                .ok()
                .map(|_| audit::hash_of(conn, &e.copy_id, e.seq))
                .transpose()?
                .flatten();
            if stored.as_deref() != Some(sealed.hash.as_str()) {
                self.not_in_log.add(e.seq);
            }
        }
        if !self.links.hold(sealed) {
            self.broken.add(e.seq);
            return Ok(());
        }
        match self.keys.check(sealed)? {
            Signed::Good => {}
            Signed::Bad => self.broken.add(e.seq),
            Signed::Against(against) => {
                let (key, signature) = *against;
                // The link check proved the stored hash is the 64 hex digits of the fields.
                let Ok(message) = <[u8; 64]>::try_from(sealed.hash.as_bytes()) else {
                    self.broken.add(e.seq);
                    return Ok(());
                };
                if self.batch.add(e.seq, message, signature, key) {
                    for seq in self.batch.flush_all() {
                        self.broken.add(seq);
                    }
                }
            }
        }
        Ok(())
    }

    pub(super) fn finish(&mut self) {
        for seq in self.batch.flush_all() {
            self.broken.add(seq);
        }
    }
}

/// Under the workspace: the pack is this workspace's, its head is in the log, the log
/// recorded this very file as a pack export, and the seal's key is the one the log registered
/// for the exporter when they exported it.
pub(super) fn workspace_doubts(
    workspace: &WorkspaceLog<'_>,
    manifest: &Manifest,
    seal_key: Option<&VerifyingKey>,
    path: &Path,
) -> CoreResult<Vec<PackDoubt>> {
    let conn = workspace.conn;
    let mut doubts = Vec::new();
    if manifest.workspace_id != workspace.id {
        doubts.push(PackDoubt::OtherWorkspace);
    }
    let head = parse_head(&manifest.head);
    let head_in_log = match &head {
        Some((copy, seq, hash)) => {
            audit::hash_of(conn, copy, *seq)?.as_deref() == Some(hash.as_str())
        }
        None => false,
    };
    if !head_in_log {
        doubts.push(PackDoubt::HeadNotInLog);
    }
    let recorded = recorded_export(conn, &manifest.number)?;
    let sha256 = file_sha256(path)?;
    if !recorded
        .as_ref()
        .is_some_and(|(export, _, _)| export.kind == ExportKind::Pack && export.sha256 == sha256)
    {
        doubts.push(PackDoubt::NotRecorded);
    }
    // The key the exporter held at the export: at its recorded event, else just after the
    // head the pack printed.
    let at = match (&recorded, &head) {
        (Some((_, copy, seq)), _) => Some((copy.clone(), *seq)),
        (None, Some((copy, seq, _))) => seq.checked_add(1).map(|next| (copy.clone(), next)),
        (None, None) => None,
    };
    let registered = match at {
        Some((copy, seq)) => Signers::of(conn, &copy)?
            .key_for(&manifest.exported_by.id, seq, b"assessment.export", b"")
            .ok(),
        None => None,
    };
    if registered.is_none() || registered.as_ref() != seal_key {
        doubts.push(PackDoubt::SealKeyNotRegistered);
    }
    Ok(doubts)
}

/// `<copy>:<seq>:<hash>` as exports print it.
pub(super) fn parse_head(head: &str) -> Option<(String, u64, String)> {
    let mut parts = head.rsplitn(3, ':');
    let hash = parts.next()?;
    let seq = parts.next()?.parse().ok()?;
    let copy = parts.next()?;
    Some((copy.to_owned(), seq, hash.to_owned()))
}

/// The export the log recorded under `number`, with the copy and seq of its event.
pub(super) fn recorded_export(
    conn: &Connection,
    number: &str,
) -> CoreResult<Option<(ReportExport, String, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT copy_id, seq, after FROM audit_events
         WHERE entity_type = 'report_export' AND after IS NOT NULL",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let after: String = row.get(2)?;
        if let Ok(export) = serde_json::from_str::<ReportExport>(&after) {
            if export.number == number {
                let copy: String = row.get(0)?;
                let seq = row.get::<_, i64>(1)? as u64;
                return Ok(Some((export, copy, seq)));
            }
        }
    }
    Ok(None)
}

/// The SHA-256 of the pack file as a whole (what the log records), streamed.
pub(super) fn file_sha256(path: &Path) -> CoreResult<String> {
    let mut reader = Hashing::new(std::fs::File::open(path)?);
    std::io::copy(&mut reader, &mut std::io::sink())?;
    Ok(hex::encode(reader.hasher.finalize()))
}
