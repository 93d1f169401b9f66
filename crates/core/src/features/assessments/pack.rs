//! The sealed audit pack: one ZIP an auditor verifies offline. It holds
//!
//! - `report-<quarter>-<lang>.pdf`, the quarterly report;
//! - `assessment.json`, the scorecard and the meeting record as the report shows them;
//! - `records/<kind>.json` and `.csv`, every record changed in the quarter as it stood at the
//!   quarter's end (its last after-image in the quarter — the log is the source);
//! - `audit/events.jsonl`, the quarter's slice of the log with hashes and signatures, and
//!   `audit/chain.json`: for each copy, the hash of the event before the slice and the head at
//!   export, so the slice's links can be checked without the workspace;
//! - `audit/keys.json`, every signing key each member ever registered;
//! - `manifest.json`: the SHA-256 and size of every file above, and `manifest.sig`, the
//!   exporter's Ed25519 signature of the manifest (their key is in it; the export, with the
//!   pack's SHA-256, is in the workspace's log).
//!
//! [`verify`] reads a pack and names every file that does not match its manifest, files
//! missing or not listed, events whose hash, link or signature does not hold, and whether the
//! seal holds.

use super::export::Content;
use crate::access::Reader;
use crate::audit::{self, Sealed};
use crate::error::{CoreError, CoreResult};
use crate::keyslots::{self, PublicKeys, UserSecret};
use crate::shared::workspace;
use govbench_protocol::PackReport;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Write};
use std::path::Path;

pub const FORMAT: &str = "govbench-audit-pack/1";
const MANIFEST: &str = "manifest.json";
const SEAL: &str = "manifest.sig";
const EVENTS: &str = "audit/events.jsonl";
const CHAIN: &str = "audit/chain.json";
const KEYS: &str = "audit/keys.json";
/// No file of a pack is larger than this once inflated (a ZIP bomb is refused, not read).
const MAX_ENTRY: u64 = 2 << 30;
/// More files than this is not a pack Govbench wrote.
const MAX_ENTRIES: usize = 10_000;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub number: String,
    pub quarter: String,
    pub workspace: String,
    pub workspace_id: String,
    pub exported_at: String,
    pub exported_by: Exporter,
    pub head: String,
    pub files: Vec<FileEntry>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Exporter {
    pub id: String,
    pub name: String,
    /// Ed25519 verifying key (hex) that signed `manifest.sig`.
    pub sign_key: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// Per copy: the hash of the event just before the slice, and the head at export.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ChainEnds {
    pub before: BTreeMap<String, String>,
    pub heads: BTreeMap<String, String>,
}

pub struct Input<'a> {
    pub reader: &'a Reader<'a>,
    pub content: &'a Content,
    pub pdf: &'a [u8],
    pub lang: &'a str,
    pub number: &'a str,
    pub head: &'a str,
    pub signer: &'a UserSecret,
}

/// The pack's bytes.
pub fn build(input: &Input<'_>) -> CoreResult<Vec<u8>> {
    let conn = input.reader.conn;
    let span = &input.content.span;
    let events = audit::sealed_between(conn, span.start, span.end)?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    files.push((
        format!("report-{}-{}.pdf", span.key, input.lang),
        input.pdf.to_vec(),
    ));
    files.push((
        "assessment.json".into(),
        serde_json::to_vec_pretty(&serde_json::json!({
            "scorecard": input.content.scorecard,
            "assessment": input.content.assessment,
        }))?,
    ));
    for (kind, images) in last_images(&events)? {
        files.push((
            format!("records/{kind}.json"),
            serde_json::to_vec_pretty(&images)?,
        ));
        files.push((format!("records/{kind}.csv"), csv_of(&images)?));
    }
    let mut jsonl = Vec::new();
    for e in &events {
        serde_json::to_writer(&mut jsonl, e)?;
        jsonl.push(b'\n');
    }
    files.push((EVENTS.into(), jsonl));
    files.push((
        CHAIN.into(),
        serde_json::to_vec_pretty(&chain_ends(conn, &events)?)?,
    ));
    files.push((
        KEYS.into(),
        serde_json::to_vec_pretty(&signing_keys(conn)?)?,
    ));

    let manifest = Manifest {
        format: FORMAT.into(),
        number: input.number.to_owned(),
        quarter: span.key.clone(),
        workspace: workspace::meta(conn, "name")?,
        workspace_id: workspace::id(conn)?.to_string(),
        exported_at: audit::stamp(input.reader.now),
        exported_by: Exporter {
            id: input.reader.user.id.to_string(),
            name: input.reader.user.display_name.clone(),
            sign_key: input.signer.public_keys().sign,
        },
        head: input.head.to_owned(),
        files: files
            .iter()
            .map(|(path, bytes)| FileEntry {
                path: path.clone(),
                sha256: hex::encode(Sha256::digest(bytes)),
                bytes: bytes.len() as u64,
            })
            .collect(),
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
    let seal = input.signer.sign(&Sha256::digest(&manifest_bytes));
    files.push((MANIFEST.into(), manifest_bytes));
    files.push((SEAL.into(), seal.into_bytes()));

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (path, bytes) in &files {
        zip.start_file(path.as_str(), options)
            .map_err(std::io::Error::from)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish().map_err(std::io::Error::from)?.into_inner())
}

/// Each record's last after-image in the slice, grouped by kind (records deleted in the
/// quarter are left out: nothing stands at its end).
fn last_images(events: &[Sealed]) -> CoreResult<BTreeMap<String, Vec<serde_json::Value>>> {
    let mut last: BTreeMap<(&str, &str), Option<&str>> = BTreeMap::new();
    let mut order: Vec<(&str, &str)> = Vec::new();
    for e in events.iter().map(|s| &s.event) {
        let key = (e.entity_type.as_str(), e.entity_id.as_str());
        if last.insert(key, e.after.as_deref()).is_none() {
            order.push(key);
        }
    }
    let mut out: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for key in order {
        if let Some(Some(after)) = last.get(&key) {
            out.entry(key.0.to_owned())
                .or_default()
                .push(serde_json::from_str(after)?);
        }
    }
    Ok(out)
}

/// A table of images: one column per top-level field (in the order first seen), nested
/// values as compact JSON, so a spreadsheet opens it and nothing is lost.
fn csv_of(images: &[serde_json::Value]) -> CoreResult<Vec<u8>> {
    let mut columns: Vec<String> = Vec::new();
    for image in images {
        if let Some(object) = image.as_object() {
            for key in object.keys() {
                if !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
        }
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&columns).map_err(std::io::Error::from)?;
    for image in images {
        let row = columns.iter().map(|c| match image.get(c) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        });
        out.write_record(row).map_err(std::io::Error::from)?;
    }
    // A BOM so that spreadsheet programs read the Chinese text as UTF-8.
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(out.into_inner().map_err(|e| e.into_error())?);
    Ok(bytes)
}

fn chain_ends(conn: &rusqlite::Connection, events: &[Sealed]) -> CoreResult<ChainEnds> {
    let before = audit::hashes_before(conn, events)?;
    let mut heads = BTreeMap::new();
    let copies: BTreeSet<&str> = events.iter().map(|s| s.event.copy_id.as_str()).collect();
    for copy in copies {
        if let Some((seq, hash)) = audit::head_of(conn, copy)? {
            heads.insert(copy.to_owned(), format!("{seq}:{hash}"));
        }
    }
    Ok(ChainEnds { before, heads })
}

/// Every signing key each member ever registered (from the user records' after-images).
fn signing_keys(conn: &rusqlite::Connection) -> CoreResult<BTreeMap<String, Vec<String>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT entity_id, after FROM audit_events WHERE entity_type = 'user' AND after IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in rows {
        let (id, after) = row?;
        #[derive(Deserialize)]
        struct WithKeys {
            keys: Option<PublicKeys>,
        }
        if let Ok(WithKeys { keys: Some(k) }) = serde_json::from_str::<WithKeys>(&after) {
            let list = keys.entry(id).or_default();
            if !list.contains(&k.sign) {
                list.push(k.sign);
            }
        }
    }
    Ok(keys)
}

/// Checks a pack offline: every file against the manifest, the manifest's seal, and the
/// slice of the log (hashes, links, signatures). A file that is not a pack at all is an error;
/// a pack that does not hold is a report naming what does not.
pub fn verify(path: &Path) -> CoreResult<PackReport> {
    let file = std::fs::File::open(path)?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|_| CoreError::invalid("pack", "not_a_pack"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(CoreError::invalid("pack", "not_a_pack"));
    }
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|_| CoreError::invalid("pack", "not_a_pack"))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_err(|_| CoreError::invalid("pack", "not_a_pack"))?
            .into_owned();
        let mut bytes = Vec::new();
        (&mut entry).take(MAX_ENTRY + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_ENTRY {
            return Err(CoreError::invalid("pack", "not_a_pack"));
        }
        contents.insert(name, bytes);
    }
    let manifest_bytes = contents
        .get(MANIFEST)
        .ok_or_else(|| CoreError::invalid("pack", "not_a_pack"))?;
    let manifest: Manifest = serde_json::from_slice(manifest_bytes)
        .map_err(|_| CoreError::invalid("pack", "not_a_pack"))?;
    if manifest.format != FORMAT {
        return Err(CoreError::invalid("pack", "not_a_pack"));
    }
    let mut report = PackReport {
        number: manifest.number.clone(),
        quarter: manifest.quarter.clone(),
        head: manifest.head.clone(),
        exported_by: manifest.exported_by.name.clone(),
        ..PackReport::default()
    };
    report.signature_valid = contents.get(SEAL).is_some_and(|seal| {
        let key = PublicKeys {
            sign: manifest.exported_by.sign_key.clone(),
            seal: String::new(),
        };
        key.verifying_key().is_ok_and(|k| {
            keyslots::verify_signature(
                &k,
                &Sha256::digest(manifest_bytes),
                &String::from_utf8_lossy(seal),
            )
        })
    });
    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    for f in &manifest.files {
        match contents.get(&f.path) {
            None => report.missing.push(f.path.clone()),
            Some(bytes) => {
                report.files_checked += 1;
                if hex::encode(Sha256::digest(bytes)) != f.sha256 || bytes.len() as u64 != f.bytes {
                    report.altered.push(f.path.clone());
                }
            }
        }
    }
    report.unlisted = contents
        .keys()
        .filter(|name| !listed.contains(name.as_str()) && *name != MANIFEST && *name != SEAL)
        .cloned()
        .collect();
    report.broken_events = broken_events(&contents);
    Ok(report)
}

/// Events of the slice whose hash, link or signature does not hold. An unreadable slice
/// counts as broken from its first line.
fn broken_events(contents: &BTreeMap<String, Vec<u8>>) -> Vec<u64> {
    let (Some(lines), Some(chain), Some(keys)) = (
        contents.get(EVENTS),
        contents.get(CHAIN),
        contents.get(KEYS),
    ) else {
        return Vec::new();
    };
    let chain: ChainEnds = serde_json::from_slice(chain).unwrap_or_default();
    let keys: BTreeMap<String, Vec<String>> = serde_json::from_slice(keys).unwrap_or_default();
    let mut events = Vec::new();
    for (i, line) in lines.split(|b| *b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        match serde_json::from_slice::<Sealed>(line) {
            Ok(e) => events.push(e),
            Err(_) => return vec![i as u64 + 1],
        }
    }
    let mut broken = audit::broken_links(&events, &chain.before);
    for sealed in &events {
        let e = &sealed.event;
        let (Some(actor), Some(signature)) = (&e.actor_id, &sealed.signature) else {
            continue;
        };
        let signed_by_a_key_of_theirs = keys.get(actor).is_some_and(|list| {
            list.iter().any(|sign| {
                PublicKeys {
                    sign: sign.clone(),
                    seal: String::new(),
                }
                .verifying_key()
                .is_ok_and(|k| keyslots::verify_signature(&k, sealed.hash.as_bytes(), signature))
            })
        });
        if !signed_by_a_key_of_theirs && !broken.contains(&e.seq) {
            broken.push(e.seq);
        }
    }
    broken.sort_unstable();
    broken
}
