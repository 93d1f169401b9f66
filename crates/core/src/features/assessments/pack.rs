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

use super::export::Content;
use crate::access::Reader;
use crate::audit::{self, Links, Sealed, SignatureBatch, SignerTimeline, Signers};
use crate::error::{CoreError, CoreResult};
use crate::keyslots::{self, PublicKeys, UserSecret};
use crate::shared::{spreadsheet, workspace};
use ed25519_dalek::VerifyingKey;
use govbench_protocol::{ExportKind, PackDoubt, PackRefusal, PackReport, PackTrust, ReportExport};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{BufRead, BufReader, Cursor, Read, Seek, SeekFrom, Write};
use std::path::Path;

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

fn not_a_pack() -> CoreError {
    CoreError::invalid("pack", "not_a_pack")
}

fn refuse(reason: PackRefusal, entry: Option<&str>) -> CoreError {
    CoreError::PackRefused {
        reason,
        entry: entry.map(str::to_owned),
    }
}

type Archive = zip::ZipArchive<BufReader<std::fs::File>>;

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

/// Before the ZIP reader parses (and allocates for) the central directory: the entry count
/// and directory size the archive's end record declares (its ZIP64 record when it says so)
/// must be a pack's. The reader tries the last end record first; should it fall back to an
/// earlier one, what it parses is still bounded by the file's size.
fn check_declared_directory(file: &mut std::fs::File) -> CoreResult<()> {
    const END: &[u8] = b"PK\x05\x06";
    const LOCATOR: &[u8] = b"PK\x06\x07";
    const END64: &[u8] = b"PK\x06\x06";
    let len = file.metadata()?.len();
    // The end record (22 bytes) and a comment of at most 64 KiB.
    let tail_len = len.min(22 + 0xFFFF);
    let tail_start = len - tail_len;
    let tail = read_at(file, tail_start, tail_len)?;
    let Some(end) = tail.windows(END.len()).rposition(|w| w == END) else {
        return Ok(()); // Not a ZIP: the reader says so.
    };
    let (Some(mut entries), Some(mut size)) = (le(&tail, end + 10, 2), le(&tail, end + 12, 4))
    else {
        return Ok(());
    };
    if entries == 0xFFFF || size == 0xFFFF_FFFF {
        // ZIP64: the locator lies just before the end record and points to the real counts.
        let record = (tail_start + end as u64)
            .checked_sub(20)
            .map(|at| read_at(file, at, 20))
            .transpose()?
            .filter(|l| l.starts_with(LOCATOR))
            .and_then(|l| le(&l, 8, 8))
            .map(|at| read_at(file, at, 56))
            .transpose()?
            .filter(|r| r.starts_with(END64));
        if let Some(record) = record {
            entries = le(&record, 32, 8).unwrap_or(u64::MAX);
            size = le(&record, 40, 8).unwrap_or(u64::MAX);
        }
    }
    if entries > MAX_ENTRIES as u64 {
        return Err(refuse(PackRefusal::TooManyEntries, None));
    }
    if size > MAX_DIRECTORY {
        return Err(refuse(PackRefusal::TooLarge, None));
    }
    Ok(())
}

/// Up to `n` bytes of `file` from `at` (fewer at its end).
fn read_at(file: &mut std::fs::File, at: u64, n: u64) -> CoreResult<Vec<u8>> {
    file.seek(SeekFrom::Start(at))?;
    let mut bytes = Vec::new();
    Read::take(&mut *file, n).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The little-endian number of `width` bytes at `at`, if there are that many.
fn le(bytes: &[u8], at: usize, width: usize) -> Option<u64> {
    let field = bytes.get(at..at.checked_add(width)?)?;
    Some(
        field
            .iter()
            .rev()
            .fold(0u64, |n, b| (n << 8) | u64::from(*b)),
    )
}

/// The names of the archive's entries, once each are known to be unambiguous: no two alike,
/// local headers agreeing with the directory, no entries overlapping or hidden from it.
fn entry_names(archive: &mut Archive) -> CoreResult<Vec<String>> {
    if archive.len() > MAX_ENTRIES {
        return Err(refuse(PackRefusal::TooManyEntries, None));
    }
    if archive.has_duplicate_names() {
        return Err(refuse(PackRefusal::DuplicateEntry, None));
    }
    if archive.validate_header_consistency().is_err() {
        return Err(refuse(PackRefusal::InconsistentZip, None));
    }
    let mut names = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let name = match archive.name_for_index(i) {
            Some(Ok(name)) => name.into_owned(),
            _ => return Err(refuse(PackRefusal::BadName, None)),
        };
        // A folder entry is allowed as a name (and then is not listed).
        if !plain_path(name.strip_suffix('/').unwrap_or(&name)) {
            return Err(refuse(PackRefusal::BadName, Some(&name)));
        }
        names.push(name);
    }
    Ok(names)
}

/// A relative path of plain components: what a pack's names are, and nothing an unzip tool
/// would put outside its folder.
fn plain_path(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && !name
            .chars()
            .any(|c| c.is_control() || c == '\\' || c == ':')
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// The manifest's list: plain names, none twice (nor the manifest or its seal), sizes within
/// the caps.
fn check_listing(manifest: &Manifest) -> CoreResult<()> {
    if manifest.files.len() > MAX_ENTRIES {
        return Err(refuse(PackRefusal::TooManyEntries, None));
    }
    let mut seen: HashSet<&str> = HashSet::with_capacity(manifest.files.len());
    let mut total: u64 = 0;
    for f in &manifest.files {
        if !plain_path(&f.path) {
            return Err(refuse(PackRefusal::BadName, Some(&f.path)));
        }
        if f.path == MANIFEST || f.path == SEAL || !seen.insert(&f.path) {
            return Err(refuse(PackRefusal::ListedTwice, Some(&f.path)));
        }
        if f.bytes > MAX_ENTRY {
            return Err(refuse(PackRefusal::TooLarge, Some(&f.path)));
        }
        total = total.saturating_add(f.bytes);
    }
    if total > MAX_TOTAL {
        return Err(refuse(PackRefusal::TooLarge, None));
    }
    Ok(())
}

enum Entry<'a> {
    Found(zip::read::ZipFile<'a, BufReader<std::fs::File>>),
    Missing,
    /// There, but compressed or encrypted in a way that cannot be read.
    Unreadable,
}

fn open_entry<'a>(archive: &'a mut Archive, name: &str) -> Entry<'a> {
    match archive.by_name(name) {
        Ok(entry) => Entry::Found(entry),
        Err(zip::result::ZipError::FileNotFound) => Entry::Missing,
        Err(_) => Entry::Unreadable,
    }
}

/// A small entry read whole (the manifest, its seal): `None` if absent, refused if larger
/// than `cap`.
fn read_small(archive: &mut Archive, name: &str, cap: u64) -> CoreResult<Option<Vec<u8>>> {
    let entry = match open_entry(archive, name) {
        Entry::Found(entry) => entry,
        Entry::Missing => return Ok(None),
        Entry::Unreadable => return Err(not_a_pack()),
    };
    let mut bytes = Vec::new();
    entry
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| not_a_pack())?;
    if bytes.len() as u64 > cap {
        return Err(refuse(PackRefusal::TooLarge, Some(name)));
    }
    Ok(Some(bytes))
}

/// Streams one listed entry through SHA-256, never more than its listed size + 1 bytes,
/// keeping the bytes in `keep` if asked. `None` if the pack lacks it; otherwise whether it
/// matches (an entry that cannot be inflated does not).
fn check_file(
    archive: &mut Archive,
    f: &FileEntry,
    keep: Option<&mut Vec<u8>>,
) -> CoreResult<Option<bool>> {
    let entry = match open_entry(archive, &f.path) {
        Entry::Found(entry) => entry,
        Entry::Missing => return Ok(None),
        Entry::Unreadable => return Ok(Some(false)),
    };
    let mut reader = Hashing::new(entry.take(f.bytes.saturating_add(1)));
    let read = match keep {
        Some(kept) => reader.read_to_end(kept).map(|_| ()),
        None => std::io::copy(&mut reader, &mut std::io::sink()).map(|_| ()),
    };
    Ok(Some(read.is_ok() && reader.matches(f)))
}

/// A reader that hashes and counts what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Hashing<R> {
    fn new(inner: R) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    fn matches(self, f: &FileEntry) -> bool {
        self.bytes == f.bytes && hex::encode(self.hasher.finalize()) == f.sha256
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or_default();
        self.hasher.update(read);
        self.bytes += read.len() as u64;
        Ok(n)
    }
}

/// How many of something, and the lowest few (seqs or line numbers) to name.
#[derive(Default)]
struct Tally {
    count: u64,
    first: BTreeSet<u64>,
}

impl Tally {
    fn add(&mut self, n: u64) {
        self.count += 1;
        self.first.insert(n);
        if self.first.len() > PackReport::LISTED {
            self.first.pop_last();
        }
    }
}

/// Where the key each event must be signed with comes from.
enum KeySource<'a> {
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
enum Signed {
    Good,
    Bad,
    /// To be checked in a batch against this key.
    Against(Box<(VerifyingKey, ed25519_dalek::Signature)>),
}

impl<'a> KeySource<'a> {
    fn log(conn: &'a Connection) -> Self {
        KeySource::Timelines {
            log: Some(conn),
            copies: HashMap::new(),
        }
    }

    /// From the pack's own `keys.json` (unreadable: no keys, so every signed event fails).
    fn carried(bytes: &[u8], dated: bool) -> Self {
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

    fn check(&mut self, sealed: &Sealed) -> CoreResult<Signed> {
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
struct EventCheck<'a> {
    links: Links<'a>,
    keys: KeySource<'a>,
    log: Option<&'a Connection>,
    batch: SignatureBatch,
    checked: u64,
    broken: Tally,
    unreadable: Tally,
    not_in_log: Tally,
}

impl EventCheck<'_> {
    /// Reads the slice line by line (at most its listed size + 1 bytes, each line capped) and
    /// checks each event. Returns whether the file matches its manifest entry.
    fn stream<R: Read>(&mut self, entry: R, f: &FileEntry) -> CoreResult<bool> {
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

    fn event(&mut self, sealed: &Sealed) -> CoreResult<()> {
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

    fn finish(&mut self) {
        for seq in self.batch.flush_all() {
            self.broken.add(seq);
        }
    }
}

/// Under the workspace: the pack is this workspace's, its head is in the log, the log
/// recorded this very file as a pack export, and the seal's key is the one the log registered
/// for the exporter when they exported it.
fn workspace_doubts(
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
fn parse_head(head: &str) -> Option<(String, u64, String)> {
    let mut parts = head.rsplitn(3, ':');
    let hash = parts.next()?;
    let seq = parts.next()?.parse().ok()?;
    let copy = parts.next()?;
    Some((copy.to_owned(), seq, hash.to_owned()))
}

/// The export the log recorded under `number`, with the copy and seq of its event.
fn recorded_export(
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
fn file_sha256(path: &Path) -> CoreResult<String> {
    let mut reader = Hashing::new(std::fs::File::open(path)?);
    std::io::copy(&mut reader, &mut std::io::sink())?;
    Ok(hex::encode(reader.hasher.finalize()))
}
