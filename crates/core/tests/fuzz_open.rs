//! Mutated key files and workspace files, as an attacker or a failing disk would leave them:
//! opening them never panics, never hangs (each attempt is bounded), and never changes the
//! file it was given. Proptest shrinks any failure to the smallest mutation that causes it.

mod common;

use common::{file, Fixture, PASSPHRASE};
use govbench_core::KeySlots;
use govbench_protocol::Role;
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// One real workspace, made once; each case works on a copy.
fn original() -> &'static (tempfile::TempDir, Vec<u8>, Vec<u8>) {
    static ORIGINAL: OnceLock<(tempfile::TempDir, Vec<u8>, Vec<u8>)> = OnceLock::new();
    ORIGINAL.get_or_init(|| {
        let fx = Fixture::new();
        let mut biz = fx.login(Role::Business);
        for i in 0..5 {
            file(&mut biz, &format!("需求 {i}"));
        }
        drop(biz);
        let db = std::fs::read(&fx.path).unwrap();
        let keys = std::fs::read(KeySlots::path_for(&fx.path)).unwrap();
        (fx.dir, db, keys)
    })
}

/// Writes a copy with `db`/`keys` as given, tries to log in and verify, and checks the files
/// were left as they were.
fn try_open(db: &[u8], keys: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fuzzed.govbench");
    std::fs::write(&path, db).unwrap();
    std::fs::write(KeySlots::path_for(&path), keys).unwrap();
    let started = Instant::now();
    let clock = std::sync::Arc::new(govbench_core::SystemClock);
    if let Ok(session) = govbench_core::login(&path, "auditor", PASSPHRASE, clock) {
        let _ = session.verify_audit();
        let _ = session.requirements(&Default::default());
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "an attempt took {:?}",
        started.elapsed()
    );
    assert_eq!(std::fs::read(KeySlots::path_for(&path)).unwrap(), keys);
    unchanged_database(&path, db);
}

/// The main file is unchanged (a WAL beside it may have been created and emptied).
fn unchanged_database(path: &Path, db: &[u8]) {
    assert!(
        std::fs::read(path).unwrap() == db,
        "the workspace file was changed"
    );
}

fn mutations(len: usize) -> impl Strategy<Value = Vec<(usize, u8)>> {
    prop::collection::vec((0..len, any::<u8>()), 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn mutated_key_files_are_refused_safely(changes in mutations(original().2.len())) {
        let (_, db, keys) = original();
        let mut keys = keys.clone();
        for (at, byte) in changes {
            keys[at] = byte;
        }
        try_open(db, &keys);
    }

    #[test]
    fn truncated_key_files_are_refused_safely(len in 0usize..4096) {
        let (_, db, keys) = original();
        try_open(db, &keys[..len.min(keys.len())]);
    }

    #[test]
    fn mutated_workspace_files_are_refused_or_reported(changes in mutations(original().1.len())) {
        let (_, db, keys) = original();
        let mut db = db.clone();
        for (at, byte) in changes {
            db[at] = byte;
        }
        try_open(&db, keys);
    }
}
