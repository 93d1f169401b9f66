//! Reading the ZIP container defensively: the declared directory, entry names, bounded and
//! hashed reads.

use super::*;
use crate::error::CoreResult;
use govbench_protocol::{PackRefusal, PackReport};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashSet};
use std::io::{BufReader, Read, Seek, SeekFrom};

/// Before the ZIP reader parses (and allocates for) the central directory: the entry count
/// and directory size the archive's end record declares (its ZIP64 record when it says so)
/// must be a pack's. The reader tries the last end record first; should it fall back to an
/// earlier one, what it parses is still bounded by the file's size.
pub(super) fn check_declared_directory(file: &mut std::fs::File) -> CoreResult<()> {
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
pub(super) fn read_at(file: &mut std::fs::File, at: u64, n: u64) -> CoreResult<Vec<u8>> {
    file.seek(SeekFrom::Start(at))?;
    let mut bytes = Vec::new();
    Read::take(&mut *file, n).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The little-endian number of `width` bytes at `at`, if there are that many.
pub(super) fn le(bytes: &[u8], at: usize, width: usize) -> Option<u64> {
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
pub(super) fn entry_names(archive: &mut Archive) -> CoreResult<Vec<String>> {
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
pub(super) fn plain_path(name: &str) -> bool {
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
pub(super) fn check_listing(manifest: &Manifest) -> CoreResult<()> {
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

pub(super) enum Entry<'a> {
    Found(zip::read::ZipFile<'a, BufReader<std::fs::File>>),
    Missing,
    /// There, but compressed or encrypted in a way that cannot be read.
    Unreadable,
}

pub(super) fn open_entry<'a>(archive: &'a mut Archive, name: &str) -> Entry<'a> {
    match archive.by_name(name) {
        Ok(entry) => Entry::Found(entry),
        Err(zip::result::ZipError::FileNotFound) => Entry::Missing,
        Err(_) => Entry::Unreadable,
    }
}

/// A small entry read whole (the manifest, its seal): `None` if absent, refused if larger
/// than `cap`.
pub(super) fn read_small(
    archive: &mut Archive,
    name: &str,
    cap: u64,
) -> CoreResult<Option<Vec<u8>>> {
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
pub(super) fn check_file(
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
pub(super) struct Hashing<R> {
    pub(super) inner: R,
    pub(super) hasher: Sha256,
    pub(super) bytes: u64,
}

impl<R: Read> Hashing<R> {
    pub(super) fn new(inner: R) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    pub(super) fn matches(self, f: &FileEntry) -> bool {
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
pub(super) struct Tally {
    pub(super) count: u64,
    pub(super) first: BTreeSet<u64>,
}

impl Tally {
    pub(super) fn add(&mut self, n: u64) {
        self.count += 1;
        self.first.insert(n);
        if self.first.len() > PackReport::LISTED {
            self.first.pop_last();
        }
    }
}
