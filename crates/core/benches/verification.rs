//! Verification with the re-check of every event as its author's action, against the chain
//! and signature pass alone, on a seeded workspace of 1,000,000 events (100,000 requirements
//! filed by Business, the rest comments); and verification at login on this device: the first
//! visit (everything), nothing new, and 1,000 new events. Each timed once (they take long
//! enough), printed for the closing note. `GOVBENCH_BENCH_SCALE` scales the data set.
//!
//! `cargo bench -p govbench-core --bench verification`

use govbench_core::{audit, generator, CreateOptions, KdfParams, ManualClock, Witness};
use govbench_protocol::{NewUser, Role};
use std::sync::Arc;
use std::time::Instant;

const PASSPHRASE: &str = "benchmark passphrase";

fn scale() -> f64 {
    std::env::var("GOVBENCH_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

fn main() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("bench.govbench");
    let device = dir.path().join("device");
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let mut session = govbench_core::create_workspace(
        &path,
        &NewUser {
            name: "admin".into(),
            display_name: "Admin".into(),
            role: Role::Admin,
            passphrase: PASSPHRASE.into(),
        },
        CreateOptions {
            kdf: KdfParams::TESTING,
            is_demo: false,
        },
        clock.clone(),
    )
    .expect("a workspace");
    let events = (1_000_000.0 * scale()) as u64;
    let requirements = (100_000.0 * scale()) as u64;
    let copy = session.copy_id().to_owned();
    let admin = session.user().id;
    let signer = session.secret().expect("a key").clone();
    let started = Instant::now();
    generator::seed(
        session.connection_for_tools(),
        &copy,
        admin,
        &signer,
        requirements,
        events,
    )
    .expect("seeded");
    eprintln!("seeded {events} events in {:.1?}", started.elapsed());

    let conn = session.connection_for_tools();
    let started = Instant::now();
    let chain = audit::verify(conn).expect("chain");
    let single = started.elapsed();
    assert!(chain.first_bad.is_none(), "{chain:?}");
    let key = data_key(&path);
    let reader = || govbench_core::store::open_reader(&path, &key);
    let started = Instant::now();
    let parallel = audit::verify_parallel(conn, &reader).expect("chain");
    let chain_parallel = started.elapsed();
    assert!(parallel.first_bad.is_none());
    let started = Instant::now();
    let (checked, bad) = govbench_core::recheck_all(conn).expect("re-check");
    let recheck = started.elapsed();
    assert_eq!(bad, None);
    eprintln!(
        "chain and signatures: {single:.2?} on one thread, {chain_parallel:.2?} on every core, \
         for {} events",
        chain.events_verified
    );
    eprintln!("re-check as the author's action: {recheck:.2?} for {checked} events");
    // As `audit verify` runs them: the re-check on a connection of its own beside the chain.
    let started = Instant::now();
    std::thread::scope(|scope| {
        let recheck = scope.spawn(|| govbench_core::recheck_all(&reader().expect("reader")));
        let chain = audit::verify_parallel(conn, &reader).expect("chain");
        assert!(chain.first_bad.is_none());
        let (_, bad) = recheck.join().expect("re-check thread").expect("re-check");
        assert_eq!(bad, None);
    });
    eprintln!(
        "chain, signatures and re-check together (as audit verify runs them): {:.2?}",
        started.elapsed()
    );
    let started = Instant::now();
    let report = session.verify_audit().expect("verify");
    eprintln!(
        "audit verify (pages, chain, signatures, re-check, records, slots): {:.2?}",
        started.elapsed()
    );
    assert!(report.is_intact(), "{report:?}");
    drop(session);

    let login = || {
        let started = Instant::now();
        let mut s = govbench_core::login(&path, "admin", PASSPHRASE, clock.clone()).expect("login");
        let logged_in = started.elapsed();
        s.set_witness(Witness::in_dir(&device)).expect("witness");
        (s, logged_in, started.elapsed())
    };
    let (s, _, first) = login();
    assert!(s.held().is_none());
    drop(s);
    eprintln!("login on a new device (verifies everything): {first:.2?}");
    let (s, logged_in, nothing_new) = login();
    drop(s);
    eprintln!(
        "login with nothing new since this device verified: {nothing_new:.2?} \
         (of which unlocking and the member register {logged_in:.2?})"
    );
    let (mut s, _, _) = login();
    let id = s.user().id;
    let signer = s.secret().expect("a key").clone();
    let copy = s.copy_id().to_owned();
    let first_requirement: String = s
        .connection_for_tools()
        .query_row("SELECT id FROM requirements LIMIT 1", [], |r| r.get(0))
        .expect("a requirement");
    let on = govbench_protocol::EntityRef {
        kind: govbench_protocol::EntityKind::Requirement,
        id: first_requirement.parse().expect("an id"),
    };
    generator::seed_comments(
        s.connection_for_tools(),
        &copy,
        (id, &signer),
        on,
        chrono::Utc::now(),
        1_000,
    )
    .expect("1,000 more");
    drop(s);
    let (s, _, thousand) = login();
    assert!(s.held().is_none(), "{:?}", s.held());
    eprintln!("login with 1,000 new events: {thousand:.2?}");
}

/// The data key, from the admin's slot (the benchmark opens reader connections with it).
fn data_key(path: &std::path::Path) -> govbench_core::DataKey {
    govbench_core::KeySlots::load(path)
        .expect("key file")
        .unlock("admin", PASSPHRASE)
        .expect("unlocked")
        .keys
        .remove(0)
}
