//! The sealed audit pack: one ZIP an auditor verifies offline. It holds
//!
//! - `report-<quarter>-<lang>.pdf`, the quarterly report;
//! - `assessment.json`, the scorecard and the meeting record as the report shows them;
//! - `records/<kind>.json` and `.csv`, every record changed in the quarter as it stood at the
//!   quarter's end (its last after-image in the quarter — the log is the source; the CSV's
//!   text cells are neutralised against formulas by `shared::spreadsheet`, the JSON keeps
//!   them exactly);
//! - `audit/events.jsonl`, the quarter's slice of the log with hashes and signatures, and
//!   `audit/chain.json`: for each copy, the hash of the event before the slice and the head at
//!   export, so the slice's links can be checked without the workspace;
//! - `audit/keys.json`, for each copy in the slice, which signing key each member held from
//!   which event on (`audit::SignerTimeline`; format 1 listed keys without dates);
//! - `manifest.json`: the SHA-256 and size of every file above, and `manifest.sig`, the
//!   exporter's Ed25519 signature of the manifest (their key is in it; the export, with the
//!   pack's SHA-256, is in the workspace's log).
//!
//! [`verify`] reads a pack and names every file that does not match its manifest, files
//! missing or not listed, events whose hash, link or signature does not hold, and whether the
//! seal holds. The seal proves the pack is as its sealer made it, but a pack names its own
//! sealer: who that is can only be proven from outside it — by the exporter's key fingerprint
//! (printed on the report's cover) or by the workspace's log. Without either the verdict is
//! "integrity only".
//!
//! Reading is bounded whatever the file: a ZIP whose entries share a name, whose local headers
//! disagree with its directory, or whose manifest lists a file twice or states sizes beyond
//! the caps is refused before anything in it is believed; each listed entry is read through
//! `take(size + 1)` and hashed as it streams (entries not listed are never inflated); the log
//! slice is checked line by line in one pass, holding one event at a time.

mod archive;
mod events;
mod verify;

use archive::*;
use events::*;
use verify::*;
pub(crate) use verify::{parse_fingerprint, verify};

use super::export::Content;
use crate::access::Reader;
use crate::audit::{self, Sealed, SignerTimeline, Signers};
use crate::error::CoreResult;
use crate::keyslots::UserSecret;
use crate::shared::{spreadsheet, workspace};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{Cursor, Write};

/// The format this version writes.
pub const FORMAT: &str = "govbench-audit-pack/2";
/// The first format: `keys.json` listed each member's keys without saying when they held
/// them. Still read; its events are checked against any key the member registered.
pub const FORMAT_1: &str = "govbench-audit-pack/1";
const MANIFEST: &str = "manifest.json";
const SEAL: &str = "manifest.sig";
const EVENTS: &str = "audit/events.jsonl";
const CHAIN: &str = "audit/chain.json";
const KEYS: &str = "audit/keys.json";
/// No file of a pack is larger than this once inflated.
const MAX_ENTRY: u64 = 2 << 30;
/// Nor all of them together (a pack is built in memory: nothing larger was ever written).
const MAX_TOTAL: u64 = 4 << 30;
/// More files than this is not a pack Govbench wrote.
const MAX_ENTRIES: usize = 10_000;
/// The manifest lists at most `MAX_ENTRIES` files (about 150 bytes each).
const MAX_MANIFEST: u64 = 4 << 20;
/// A hex signature is 128 bytes.
const MAX_SEAL: u64 = 1024;
/// `chain.json` and `keys.json` are read whole: a few lines per copy and member.
const MAX_SIDE: u64 = 16 << 20;
/// One event of the slice (its before- and after-images are bounded by the input rules).
const MAX_EVENT_LINE: u64 = 8 << 20;
/// Central directory of `MAX_ENTRIES` entries (46 bytes each, a name of at most `MAX_NAME`
/// bytes and a few extra fields).
const MAX_DIRECTORY: u64 = 4 << 20;
/// Room for the pack's longest names (`records/<kind>.json`, `report-<quarter>-<lang>.pdf`).
const MAX_NAME: usize = 255;

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
    /// On a shared workspace: the server's log as the exporter's copy held it
    /// (`log:<position>:<hash>`), which `audit verify --anchor` takes on any copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frontier: Option<String>,
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
    pub frontier: Option<&'a str>,
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
        serde_json::to_vec_pretty(&signer_timelines(conn, &events)?)?,
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
        frontier: input.frontier.map(str::to_owned),
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
/// values as compact JSON, so a spreadsheet opens it and nothing is lost. Every cell goes
/// through `shared::spreadsheet`: text that would run as a formula is written as text.
fn csv_of(images: &[serde_json::Value]) -> CoreResult<Vec<u8>> {
    let mut columns: Vec<&str> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for image in images {
        if let Some(object) = image.as_object() {
            for key in object.keys() {
                if seen.insert(key) {
                    columns.push(key);
                }
            }
        }
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(
        columns
            .iter()
            .map(|c| spreadsheet::text_cell(c).into_owned()),
    )
    .map_err(std::io::Error::from)?;
    for image in images {
        let row = columns.iter().map(|c| match image.get(c) {
            None => String::new(),
            Some(value) => spreadsheet::json_cell(value).into_owned(),
        });
        out.write_record(row).map_err(std::io::Error::from)?;
    }
    // A BOM so that spreadsheet programs read the Chinese text as UTF-8.
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(out.into_inner().map_err(|e| e.into_error())?);
    Ok(bytes)
}

fn chain_ends(conn: &Connection, events: &[Sealed]) -> CoreResult<ChainEnds> {
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

/// For each copy in the slice, which key each member held from which event on: what the
/// workspace's own verification checks signatures against.
fn signer_timelines(
    conn: &Connection,
    events: &[Sealed],
) -> CoreResult<BTreeMap<String, SignerTimeline>> {
    let copies: BTreeSet<&str> = events.iter().map(|s| s.event.copy_id.as_str()).collect();
    copies
        .into_iter()
        .map(|copy| Ok((copy.to_owned(), Signers::of(conn, copy)?.timeline())))
        .collect()
}

/// What a pack is checked against besides itself.
#[derive(Default)]
pub(crate) struct Root<'a> {
    /// The exporter's key fingerprint (see [`parse_fingerprint`]).
    pub signer: Option<String>,
    /// The workspace's log.
    pub workspace: Option<WorkspaceLog<'a>>,
}

pub(crate) struct WorkspaceLog<'a> {
    pub conn: &'a Connection,
    pub id: String,
}
