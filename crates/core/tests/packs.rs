//! Audit packs attacked by an insider: a pack forged end to end (records edited, the log slice
//! rewritten and re-attributed, every hash and link recomputed, sealed with a key nobody
//! registered) is refused against a trust root from outside the pack — the exporter's key
//! fingerprint or the workspace's log — and without one is reported as proving integrity
//! only; ZIP tricks (duplicate names, unlisted entries, a manifest listing a file twice,
//! bombs) are refused without being believed or inflated; a slice of 200,000 bad events is
//! checked in one pass; and text that would run as a spreadsheet formula is neutralised in the
//! CSV while the JSON keeps it.

mod common;

use common::{start, user_of, Fixture, PASSPHRASE};
use govbench_core::audit::{Sealed, SignerTimeline};
use govbench_core::features::assessments::pack::{FileEntry, Manifest, FORMAT, FORMAT_1};
use govbench_core::{Session, UserSecret};
use govbench_protocol::{
    AssessmentCommand, AttachmentCommand, CommentCommand, Detection, ErrorCode, ExportKind,
    IncidentCommand, IncidentDraft, PackDoubt, PackReport, PackTrust, PackVerdict,
    RequirementCommand, Role, Severity,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const QUARTER: &str = "2026Q1";
const EVENTS: &str = "audit/events.jsonl";
const KEYS: &str = "audit/keys.json";
const RECORDS: &str = "records/requirement.json";
const CSV: &str = "records/requirement.csv";

type Entries = Vec<(String, Vec<u8>)>;

/// A workspace with a filed requirement, and the auditor's pack of the quarter.
struct Exported {
    fx: Fixture,
    dir: tempfile::TempDir,
    pack: PathBuf,
}

impl Exported {
    fn new() -> Exported {
        let fx = Fixture::new();
        common::file(&mut fx.login(Role::Business), "需求 requirement");
        let dir = tempfile::tempdir().unwrap();
        let pack = dir.path().join("pack.zip");
        export(&mut fx.login(Role::Auditor), &pack);
        Exported { fx, dir, pack }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The auditor's key fingerprint, computed from their own secret (what the cover prints).
    fn auditor_fingerprint(&self) -> String {
        let secret = secret_of(&self.fx, Role::Auditor);
        let key = hex::decode(secret.public_keys().sign).unwrap();
        hex::encode(Sha256::digest(key))
    }
}

fn export(s: &mut Session, out: &Path) {
    s.execute(AssessmentCommand::Export {
        quarter: QUARTER.into(),
        kind: ExportKind::Pack,
        lang: "en".into(),
        path: out.display().to_string(),
    })
    .unwrap();
}

fn secret_of(fx: &Fixture, role: Role) -> UserSecret {
    govbench_core::KeySlots::load(&fx.path)
        .unwrap()
        .unlock(user_of(role), PASSPHRASE)
        .unwrap()
        .secret
        .unwrap()
}

fn entries(path: &Path) -> Entries {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().into_owned();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (name, bytes)
        })
        .collect()
}

fn write_zip(path: &Path, entries: &Entries) {
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for (name, bytes) in entries {
        if name.ends_with('/') {
            out.add_directory(name.as_str(), options).unwrap();
        } else {
            out.start_file(name.as_str(), options).unwrap();
            out.write_all(bytes).unwrap();
        }
    }
    out.finish().unwrap();
}

fn get<'a>(entries: &'a Entries, name: &str) -> &'a [u8] {
    &entries.iter().find(|(n, _)| n == name).unwrap().1
}

fn put(entries: &mut Entries, name: &str, bytes: Vec<u8>) {
    entries.iter_mut().find(|(n, _)| n == name).unwrap().1 = bytes;
}

fn manifest_of(entries: &Entries) -> Manifest {
    serde_json::from_slice(get(entries, "manifest.json")).unwrap()
}

/// What a forger does last: lists every file as it now is and seals the manifest with the only
/// key they have, naming it as the exporter's.
fn reseal(entries: &mut Entries, mut manifest: Manifest, forger: &UserSecret) {
    for f in manifest.files.iter_mut() {
        if let Some((_, bytes)) = entries.iter().find(|(n, _)| *n == f.path) {
            f.sha256 = hex::encode(Sha256::digest(bytes));
            f.bytes = bytes.len() as u64;
        }
    }
    manifest.exported_by.sign_key = forger.public_keys().sign;
    let bytes = serde_json::to_vec_pretty(&manifest).unwrap();
    let seal = forger.sign(&Sha256::digest(&bytes));
    put(entries, "manifest.json", bytes);
    put(entries, "manifest.sig", seal.into_bytes());
}

fn slice(entries: &Entries) -> Vec<Sealed> {
    get(entries, EVENTS)
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}

fn jsonl(events: &[Sealed]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in events {
        serde_json::to_writer(&mut out, e).unwrap();
        out.push(b'\n');
    }
    out
}

/// The insider's forgery: the requirement's title edited in the records, the filing
/// re-attributed to the admin in the slice with every hash and link recomputed and signed by
/// the forger, the keys the pack carries replaced by the forger's, and the manifest resealed.
fn forge(exported: &Exported, forger: &UserSecret) -> PathBuf {
    let mut entries = entries(&exported.pack);
    let records = String::from_utf8(get(&entries, RECORDS).to_vec()).unwrap();
    assert!(records.contains("需求 requirement"));
    put(
        &mut entries,
        RECORDS,
        records
            .replace("需求 requirement", "伪造 forged")
            .into_bytes(),
    );
    let admin = exported.fx.login(Role::Admin).user().clone();
    let mut events = slice(&entries);
    let mut prev = events[0].event.prev_hash.clone();
    let mut attributed = false;
    for sealed in events.iter_mut() {
        let e = &mut sealed.event;
        if e.entity_type == "requirement" && !attributed {
            e.actor_id = Some(admin.id.to_string());
            e.actor_name = admin.name.clone();
            e.after = e
                .after
                .as_ref()
                .map(|a| a.replace("需求 requirement", "伪造 forged"));
            attributed = true;
        }
        e.prev_hash = prev.clone();
        sealed.hash = e.hash();
        sealed.signature = Some(forger.sign(sealed.hash.as_bytes()));
        prev = sealed.hash.clone();
    }
    assert!(attributed);
    put(&mut entries, EVENTS, jsonl(&events));
    let mut keys: BTreeMap<String, SignerTimeline> =
        serde_json::from_slice(get(&entries, KEYS)).unwrap();
    for timeline in keys.values_mut() {
        for change in timeline.users.values_mut().flatten() {
            if change.key.is_some() {
                change.key = Some(forger.public_keys().sign);
            }
        }
    }
    put(
        &mut entries,
        KEYS,
        serde_json::to_vec_pretty(&keys).unwrap(),
    );
    let manifest = manifest_of(&entries);
    reseal(&mut entries, manifest, forger);
    let forged = exported.path("forged.zip");
    write_zip(&forged, &entries);
    forged
}

fn verify(path: &Path, signer: Option<&str>) -> PackReport {
    govbench_core::verify_pack(path, signer).unwrap()
}

fn refusal(path: &Path) -> String {
    let e = govbench_core::verify_pack(path, None).unwrap_err();
    assert_eq!(e.code, ErrorCode::PackRefused, "{e:?}");
    e.details["reason"].clone()
}

#[test]
fn a_genuine_pack_is_proven_against_the_signer_and_the_workspace() {
    let exported = Exported::new();
    let fingerprint = exported.auditor_fingerprint();
    let alone = verify(&exported.pack, None);
    assert_eq!(alone.verdict(), PackVerdict::IntegrityOnly, "{alone:?}");
    assert_eq!(alone.trust, PackTrust::None);
    assert_eq!(alone.seal_fingerprint, fingerprint);
    assert!(alone.events_checked > 5, "{alone:?}");

    let signed = verify(&exported.pack, Some(&fingerprint.to_uppercase()));
    assert_eq!(signed.verdict(), PackVerdict::Proven, "{signed:?}");
    assert_eq!(signed.trust, PackTrust::Signer);

    for role in [Role::Auditor, Role::Business] {
        let logged = exported
            .fx
            .login(role)
            .verify_pack_against_log(&exported.pack, None)
            .unwrap();
        assert_eq!(logged.verdict(), PackVerdict::Proven, "{logged:?}");
        assert_eq!(logged.trust, PackTrust::Workspace);
        assert_eq!(logged.events_checked, alone.events_checked);
    }
    // Given both, both must hold.
    let both = exported
        .fx
        .login(Role::Auditor)
        .verify_pack_against_log(&exported.pack, Some(&"0".repeat(64)))
        .unwrap();
    assert_eq!(both.doubts, vec![PackDoubt::SignerMismatch]);
    // A fingerprint that is not one is a clear input error.
    let e = govbench_core::verify_pack(&exported.pack, Some("abc")).unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.details["signer"], "rule.fingerprint");
}

#[test]
fn a_forged_pack_is_refused_against_a_trust_root_and_integrity_only_without() {
    let exported = Exported::new();
    let forger = UserSecret::random();
    let forged = forge(&exported, &forger);

    // On its own the forgery holds together: that proves integrity, and it says no more.
    let alone = verify(&forged, None);
    assert!(alone.intact(), "{alone:?}");
    assert_eq!(alone.verdict(), PackVerdict::IntegrityOnly, "{alone:?}");
    assert_eq!(alone.trust, PackTrust::None);

    // Against the fingerprint the auditor's report printed: not their seal.
    let signed = verify(&forged, Some(&exported.auditor_fingerprint()));
    assert_eq!(signed.verdict(), PackVerdict::Refused, "{signed:?}");
    assert_eq!(signed.doubts, vec![PackDoubt::SignerMismatch]);

    // Against the workspace: not recorded, not the exporter's registered key, the rewritten
    // events are not in the log, and their signatures do not hold under the registered keys.
    let logged = exported
        .fx
        .login(Role::Auditor)
        .verify_pack_against_log(&forged, None)
        .unwrap();
    assert_eq!(logged.verdict(), PackVerdict::Refused, "{logged:?}");
    for doubt in [
        PackDoubt::NotRecorded,
        PackDoubt::SealKeyNotRegistered,
        PackDoubt::EventsNotInLog,
    ] {
        assert!(logged.doubts.contains(&doubt), "{doubt:?}: {logged:?}");
    }
    assert!(!logged.doubts.contains(&PackDoubt::OtherWorkspace));
    assert!(!logged.doubts.contains(&PackDoubt::HeadNotInLog));
    assert!(logged.not_in_log_count > 0, "{logged:?}");
    assert!(logged.broken_count > 0, "{logged:?}");

    // A forgery that fails its own checks is refused even without a root: the records edited
    // after the manifest was sealed.
    let mut entries = entries(&forged);
    put(&mut entries, RECORDS, b"[]".to_vec());
    let sloppy = exported.path("sloppy.zip");
    write_zip(&sloppy, &entries);
    let report = verify(&sloppy, None);
    assert_eq!(report.verdict(), PackVerdict::Refused);
    assert_eq!(report.altered, vec![RECORDS.to_owned()]);
}

#[test]
fn stripped_signatures_and_a_pack_of_another_workspace_are_refused() {
    let exported = Exported::new();
    let forger = UserSecret::random();
    // Every signature removed: after the copy's first signed event, none may be unsigned.
    let mut entries = entries(&exported.pack);
    let mut events = slice(&entries);
    for e in events.iter_mut() {
        e.signature = None;
    }
    put(&mut entries, EVENTS, jsonl(&events));
    let manifest = manifest_of(&entries);
    reseal(&mut entries, manifest, &forger);
    let stripped = exported.path("stripped.zip");
    write_zip(&stripped, &entries);
    let report = verify(&stripped, None);
    assert_eq!(report.verdict(), PackVerdict::Refused);
    assert!(
        report.broken_count >= report.events_checked - 1,
        "{report:?}"
    );

    // Another workspace's genuine pack checked against this one.
    let other = Exported::new();
    let report = exported
        .fx
        .login(Role::Auditor)
        .verify_pack_against_log(&other.pack, None)
        .unwrap();
    assert_eq!(report.verdict(), PackVerdict::Refused);
    assert!(
        report.doubts.contains(&PackDoubt::OtherWorkspace),
        "{report:?}"
    );
    assert!(
        report.doubts.contains(&PackDoubt::HeadNotInLog),
        "{report:?}"
    );
}

#[test]
fn a_pack_of_the_first_format_still_verifies() {
    let exported = Exported::new();
    let auditor = secret_of(&exported.fx, Role::Auditor);
    // Format 1: keys.json listed every key of each member, undated.
    let mut entries = entries(&exported.pack);
    let timelines: BTreeMap<String, SignerTimeline> =
        serde_json::from_slice(get(&entries, KEYS)).unwrap();
    let mut flat: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for timeline in timelines.values() {
        for (user, changes) in &timeline.users {
            flat.entry(user.clone())
                .or_default()
                .extend(changes.iter().filter_map(|c| c.key.clone()));
        }
    }
    put(
        &mut entries,
        KEYS,
        serde_json::to_vec_pretty(&flat).unwrap(),
    );
    let mut manifest = manifest_of(&entries);
    assert_eq!(manifest.format, FORMAT);
    manifest.format = FORMAT_1.into();
    reseal(&mut entries, manifest, &auditor);
    let old = exported.path("old.zip");
    write_zip(&old, &entries);
    let report = verify(&old, Some(&exported.auditor_fingerprint()));
    assert_eq!(report.verdict(), PackVerdict::Proven, "{report:?}");
    // A format-1 event signed by someone else's key is still caught.
    let mut events = slice(&entries);
    let forger = UserSecret::random();
    events[1].signature = Some(forger.sign(events[1].hash.as_bytes()));
    put(&mut entries, EVENTS, jsonl(&events));
    let manifest = manifest_of(&entries);
    reseal(&mut entries, manifest, &auditor);
    write_zip(&old, &entries);
    let report = verify(&old, Some(&exported.auditor_fingerprint()));
    assert_eq!(
        report.broken_events,
        vec![events[1].event.seq],
        "{report:?}"
    );
}

/// The ZIP writer refuses duplicate names, so the duplicate is made the way an attacker
/// would: an entry written under a same-length placeholder, renamed in the bytes.
#[test]
fn a_pack_with_a_duplicate_entry_name_is_refused() {
    let exported = Exported::new();
    let genuine = entries(&exported.pack);
    let placeholder = "records/requirement.csX";
    assert_eq!(placeholder.len(), CSV.len());
    let mut crafted: Entries = vec![(placeholder.to_owned(), b"forged,copy\n".to_vec())];
    crafted.extend(genuine);
    let path = exported.path("duplicate.zip");
    write_zip(&path, &crafted);
    let mut bytes = std::fs::read(&path).unwrap();
    let mut renamed = 0;
    let mut i = 0;
    while let Some(at) = bytes[i..]
        .windows(placeholder.len())
        .position(|w| w == placeholder.as_bytes())
    {
        let at = i + at;
        bytes[at..at + CSV.len()].copy_from_slice(CSV.as_bytes());
        renamed += 1;
        i = at + 1;
    }
    assert_eq!(renamed, 2, "the local header and the directory");
    std::fs::write(&path, &bytes).unwrap();
    // Today's reader sees the duplicate (one of the two copies), and it is refused.
    let names: Vec<String> = zip::ZipArchive::new(std::fs::File::open(&path).unwrap())
        .unwrap()
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    assert_eq!(names.iter().filter(|n| *n == CSV).count(), 1);
    assert_eq!(refusal(&path), "pack.refused.duplicate_entry");
}

#[test]
fn entries_not_in_the_manifest_are_refused_and_named() {
    let exported = Exported::new();
    let mut crafted = entries(&exported.pack);
    crafted.push(("records/extra/".to_owned(), Vec::new()));
    crafted.push(("notes.txt".to_owned(), b"hi".to_vec()));
    let path = exported.path("unlisted.zip");
    write_zip(&path, &crafted);
    let report = verify(&path, Some(&exported.auditor_fingerprint()));
    assert_eq!(report.verdict(), PackVerdict::Refused);
    assert_eq!(
        report.unlisted,
        vec!["records/extra/".to_owned(), "notes.txt".to_owned()]
    );
    // A name that would land outside the folder it is extracted to is refused outright.
    let mut crafted = entries(&exported.pack);
    crafted.push(("../evil.txt".to_owned(), b"hi".to_vec()));
    write_zip(&path, &crafted);
    assert_eq!(refusal(&path), "pack.refused.bad_name");
}

#[test]
fn a_manifest_listing_a_file_twice_is_refused() {
    let exported = Exported::new();
    let forger = UserSecret::random();
    let mut entries = entries(&exported.pack);
    let mut manifest = manifest_of(&entries);
    let csv = manifest
        .files
        .iter()
        .find(|f| f.path == CSV)
        .cloned()
        .unwrap();
    manifest.files.push(csv);
    reseal(&mut entries, manifest, &forger);
    let path = exported.path("twice.zip");
    write_zip(&path, &entries);
    let e = govbench_core::verify_pack(&path, None).unwrap_err();
    assert_eq!(e.code, ErrorCode::PackRefused);
    assert_eq!(e.details["reason"], "pack.refused.listed_twice");
    assert_eq!(e.details["entry"], CSV);
}

/// Entries that inflate far beyond what the manifest says are read no further than the
/// manifest's size + 1; entries not listed are never inflated; a manifest stating sizes beyond
/// the caps is refused before anything is inflated. (Time and memory are measured by hand:
/// see the commit's report.)
#[test]
fn zip_bombs_are_refused_without_being_inflated() {
    let exported = Exported::new();
    let forger = UserSecret::random();
    let zeros = vec![0u8; 64 << 20];
    let mut crafted = entries(&exported.pack);
    put(&mut crafted, CSV, zeros.clone());
    for i in 0..3 {
        crafted.push((format!("bomb-{i}.bin"), zeros.clone()));
    }
    let path = exported.path("bomb.zip");
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    let mut out = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for (name, bytes) in &crafted {
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 4 << 20);
    let report = verify(&path, None);
    assert_eq!(report.verdict(), PackVerdict::Refused);
    assert_eq!(report.altered, vec![CSV.to_owned()]);
    assert_eq!(report.unlisted.len(), 3);

    // More entries than any pack: refused from the end record, before the directory is read.
    let mut many = entries(&exported.pack);
    many.extend((0..10_001).map(|i| (format!("e{i}"), Vec::new())));
    write_zip(&path, &many);
    assert_eq!(refusal(&path), "pack.refused.too_many_entries");

    // The manifest claims a file larger than any pack holds, or three that together are.
    for sizes in [vec![3u64 << 30], vec![2 << 30, 2 << 30, 2 << 30]] {
        let mut entries = entries(&exported.pack);
        let mut manifest = manifest_of(&entries);
        for (i, bytes) in sizes.iter().enumerate() {
            manifest.files.push(FileEntry {
                path: format!("big-{i}.bin"),
                sha256: "0".repeat(64),
                bytes: *bytes,
            });
        }
        let bytes = serde_json::to_vec_pretty(&manifest).unwrap();
        let seal = forger.sign(&Sha256::digest(&bytes));
        put(&mut entries, "manifest.json", bytes);
        put(&mut entries, "manifest.sig", seal.into_bytes());
        write_zip(&path, &entries);
        assert_eq!(refusal(&path), "pack.refused.too_large");
    }
}

/// 200,000 events none of which holds: reported with their count and the first seqs, in one
/// linear pass (the time is measured by hand: see the commit's report).
#[test]
fn a_slice_of_200000_bad_events_is_checked_in_one_pass() {
    const BAD: u64 = 200_000;
    let exported = Exported::new();
    let forger = UserSecret::random();
    let mut entries = entries(&exported.pack);
    let template = slice(&entries)
        .into_iter()
        .min_by_key(|s| serde_json::to_vec(s).unwrap().len())
        .unwrap();
    let mut lines = Vec::new();
    for seq in 1..=BAD {
        let mut bad = template.clone();
        bad.event.seq = seq;
        bad.event.prev_hash = common::FORGED_HASH.into();
        serde_json::to_writer(&mut lines, &bad).unwrap();
        lines.push(b'\n');
    }
    put(&mut entries, EVENTS, lines);
    let manifest = manifest_of(&entries);
    reseal(&mut entries, manifest, &forger);
    let path = exported.path("bad-events.zip");
    write_zip(&path, &entries);
    let report = verify(&path, None);
    assert_eq!(report.verdict(), PackVerdict::Refused);
    assert_eq!(report.events_checked, BAD);
    assert_eq!(report.broken_count, BAD);
    assert_eq!(
        report.broken_events,
        (1..=PackReport::LISTED as u64).collect::<Vec<_>>()
    );
}

#[test]
fn formula_text_is_neutralised_in_the_csv_and_kept_in_the_json() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let formula = "=HYPERLINK(\"http://evil.example\",\"open\")";
    let mut draft = common::draft(formula);
    draft.department = "-2+3".into();
    let requirement = biz
        .execute(RequirementCommand::File {
            draft,
            submit: true,
        })
        .unwrap()
        .entity
        .id;
    biz.execute(CommentCommand::Add {
        on: govbench_protocol::RequirementId(requirement).into(),
        body: "+cmd|' /C calc'!A0".into(),
    })
    .unwrap();
    let mut ops = fx.login(Role::Operations);
    let incident = ops
        .execute(IncidentCommand::Open {
            draft: IncidentDraft {
                title: "证据 evidence".into(),
                model: None,
                model_version: None,
                severity: Severity::Minor,
                detection: Detection::Monitoring,
                detected_at: start(),
                description: "证据 evidence".into(),
                qualifies_external: false,
            },
            drill: None,
        })
        .unwrap()
        .entity
        .id;
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("@SUM(1+1)*cmd.txt");
    std::fs::write(&evidence, "log\n").unwrap();
    ops.execute(AttachmentCommand::Add {
        on: govbench_protocol::IncidentId(incident).into(),
        path: evidence.display().to_string(),
    })
    .unwrap();
    let pack = dir.path().join("pack.zip");
    export(&mut fx.login(Role::Auditor), &pack);
    let entries = entries(&pack);
    let text = |name: &str| String::from_utf8(get(&entries, name).to_vec()).unwrap();

    let cells = |name: &str| -> Vec<String> {
        let bytes = get(&entries, name);
        let mut reader = csv::Reader::from_reader(bytes);
        reader
            .records()
            .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
            .collect()
    };
    // The requirement's draft is one nested column (compact JSON, which starts with `{`);
    // its JSON keeps the text exactly.
    assert!(text(RECORDS).contains(&serde_json::to_string(formula).unwrap()));
    assert!(text(RECORDS).contains("\"-2+3\""));
    for (csv, json, typed) in [
        (
            "records/comment.csv",
            "records/comment.json",
            "+cmd|' /C calc'!A0",
        ),
        (
            "records/attachment.csv",
            "records/attachment.json",
            "@SUM(1+1)*cmd.txt",
        ),
    ] {
        let cells = cells(csv);
        assert!(
            cells.contains(&format!("'{typed}")),
            "{csv}: {typed} not neutralised in {cells:?}"
        );
        assert!(!cells.iter().any(|c| c == typed), "{csv}: {typed} raw");
        assert!(
            text(json).contains(&serde_json::to_string(typed).unwrap()),
            "{json} lost {typed}"
        );
    }
    // Numbers the app wrote stay numbers.
    let numbers = cells(CSV);
    assert!(numbers.iter().any(|c| c == "1"), "{numbers:?}");
    assert!(!numbers.iter().any(|c| c.starts_with("'1")), "{numbers:?}");
}
