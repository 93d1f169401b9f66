//! Speed targets, measured on a seeded workspace (100,000 requirements, 1,000,000 events):
//! - requirement list page with a filter (< 50 ms), and with a text search (< 20 ms) for a
//!   two-character Chinese word and for English words, common and rare;
//! - deep verification: pages, chain, every signature, every record (timed once);
//! - signing and verifying one event;
//! - re-encrypting the whole workspace under a new key (timed once);
//! - opening a requirement with 100,000 comments (first page, < 50 ms);
//! - opening the workspace once the key is unwrapped: schema check + first dashboard (< 200 ms);
//! - one Argon2id unlock (reported);
//! - the latency of one durable user action (`synchronous = FULL`), p50/p99 (target p99 < 10 ms);
//! - single-row and bulk (10,000 rows in one transaction) writes on SQLCipher and on plain
//!   SQLite configured the same way (ratio target ≤ 1.3×).
//!
//! `GOVBENCH_BENCH_SCALE` (default 1.0) scales the data set, e.g. 0.01 for a smoke run.

use criterion::{criterion_group, criterion_main, Criterion};
use govbench_core::{generator, store, CreateOptions, KdfParams, KeySlots, ManualClock};
use govbench_protocol::{
    NewUser, RequirementCommand, RequirementDraft, RequirementId, RequirementQuery,
    RequirementStatus, Role, UserCommand, UserId,
};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PASSPHRASE: &str = "benchmark passphrase";

fn scale() -> f64 {
    std::env::var("GOVBENCH_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

struct Seeded {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn seeded() -> Seeded {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.govbench");
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
            kdf: KdfParams::INTERACTIVE,
            is_demo: false,
        },
        clock,
    )
    .unwrap();
    let requirements = (100_000.0 * scale()) as u64;
    let events = (1_000_000.0 * scale()) as u64;
    let started = Instant::now();
    let actor = session.user().id;
    let copy = session.copy_id().to_owned();
    let signer = session.secret().unwrap().clone();
    generator::seed(
        session.connection_for_tools(),
        &copy,
        actor,
        &signer,
        requirements,
        events,
    )
    .unwrap();
    eprintln!(
        "seeded {requirements} requirements and {events} events in {:.1?}",
        started.elapsed()
    );
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!("workspace file: {:.1} MiB", size as f64 / 1048576.0);
    Seeded { _dir: dir, path }
}

fn login(path: &Path) -> govbench_core::Session {
    govbench_core::login(
        path,
        "admin",
        PASSPHRASE,
        Arc::new(govbench_core::SystemClock),
    )
    .unwrap()
}

fn benches(c: &mut Criterion) {
    let data = seeded();
    let session = login(&data.path);

    let mut group = c.benchmark_group("requirements");
    group.sample_size(30);
    group.bench_function("list_page_filtered_by_status", |b| {
        let query = RequirementQuery {
            status: Some(RequirementStatus::Submitted),
            ..Default::default()
        };
        b.iter(|| session.requirements(&query).unwrap())
    });
    group.bench_function("list_page_filtered_by_department", |b| {
        let query = RequirementQuery {
            department: Some("金融事业部".into()),
            ..Default::default()
        };
        b.iter(|| session.requirements(&query).unwrap())
    });
    // 医疗: in 1 of 8 requirements; "scenario": in all; "claims": in 1 of 8; "4242": in a
    // dozen (the look-up path); 医疗 with a status filter combines both.
    for (name, text, status) in [
        ("search_zh_2_chars_医疗", "医疗", None),
        ("search_en_word_in_every_row", "scenario", None),
        ("search_en_word_claims", "claims", None),
        ("search_rare_number", "4242", None),
        (
            "search_zh_and_status",
            "医疗",
            Some(RequirementStatus::Draft),
        ),
    ] {
        let query = RequirementQuery {
            text: Some(text.into()),
            status,
            ..Default::default()
        };
        let first = session.requirements(&query).unwrap();
        eprintln!("{name}: {} matches", first.total);
        group.bench_function(name, |b| b.iter(|| session.requirements(&query).unwrap()));
    }
    group.bench_function("dashboard", |b| b.iter(|| session.dashboard().unwrap()));
    group.finish();

    // Deep verification (pages, chain, every signature, every record, slots) of a million
    // events takes long enough to be timed once rather than sampled.
    let started = Instant::now();
    let report = session.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    eprintln!(
        "deep verification: {:.2?} for {} events ({} signatures), {} records, {} pages",
        started.elapsed(),
        report.events_verified,
        report.signatures_verified,
        report.records.map_or(0, |r| r.records_checked),
        report.storage.map_or(0, |s| s.pages),
    );
    drop(session);

    let mut group = c.benchmark_group("signatures");
    let signer = govbench_core::UserSecret::random();
    let key = signer.public_keys().verifying_key().unwrap();
    let hash = "ab".repeat(32);
    let signature = signer.sign(hash.as_bytes());
    group.bench_function("sign_one_event", |b| {
        b.iter(|| signer.sign(hash.as_bytes()))
    });
    group.bench_function("verify_one_event_signature", |b| {
        b.iter(|| govbench_core::keyslots::verify_signature(&key, hash.as_bytes(), &signature))
    });
    group.finish();

    let slots = KeySlots::load(&data.path).unwrap();
    let secret = slots.unlock("admin", PASSPHRASE).unwrap().secret.unwrap();
    let slot = slots.slot_id("admin");
    let mut group = c.benchmark_group("workspace");
    group.sample_size(20);
    group.bench_function("open_after_unlock_and_first_dashboard", |b| {
        b.iter(|| {
            let s = govbench_core::open_remembered(
                &data.path,
                &slot,
                &secret,
                Arc::new(govbench_core::SystemClock),
            )
            .unwrap();
            s.dashboard().unwrap()
        })
    });
    group.sample_size(10);
    group.bench_function("argon2id_unlock", |b| {
        let slots = KeySlots::load(&data.path).unwrap();
        b.iter(|| slots.unlock("admin", PASSPHRASE).unwrap())
    });
    group.finish();

    action_latency(&data.path);
    rotation(&data.path);
    long_thread(c);

    // One user action per transaction, and one bulk import of 10,000 rows.
    compare_encryption(c, "write_1000_actions", 1_000, 1);
    compare_encryption(c, "write_10000_rows_in_one_transaction", 10_000, 10_000);
}

/// Re-encrypting the whole seeded workspace under a new data key (what removing a member
/// does), timed once.
fn rotation(path: &Path) {
    let mut admin = login(path);
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    let started = Instant::now();
    admin
        .execute_with_progress(UserCommand::RotateKey, &|_, _| {})
        .unwrap();
    eprintln!(
        "key rotation: {:.2?} for {:.0} MiB",
        started.elapsed(),
        size as f64 / 1048576.0
    );
}

/// Opening one requirement whose thread has 100,000 comments: the first page only.
fn long_thread(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("thread.govbench");
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
        Arc::new(ManualClock::new(chrono::Utc::now())),
    )
    .unwrap();
    let actor = session.user().id;
    let copy = session.copy_id().to_owned();
    let signer = session.secret().unwrap().clone();
    let conn = session.connection_for_tools();
    generator::seed(conn, &copy, actor, &signer, 1, 1).unwrap();
    let id: String = conn
        .query_row("SELECT id FROM requirements", [], |r| r.get(0))
        .unwrap();
    let id = RequirementId(id.parse().unwrap());
    let comments = (100_000.0 * scale()) as u64;
    let start = chrono::Utc::now() - chrono::Duration::days(30);
    generator::seed_comments(conn, &copy, (actor, &signer), id.into(), start, comments).unwrap();
    let mut group = c.benchmark_group("comments");
    group.bench_function("requirement_with_100k_comments_first_page", |b| {
        b.iter(|| {
            let detail = session.requirement(id).unwrap();
            assert_eq!(detail.comments.total, comments);
            detail
        })
    });
    group.finish();
}

/// The same write workload on SQLCipher and on plain SQLite configured the same way.
fn compare_encryption(c: &mut Criterion, name: &str, rows: u64, per_transaction: u64) {
    let signer = govbench_core::UserSecret::random();
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    for encrypted in [true, false] {
        let name = if encrypted {
            "sqlcipher"
        } else {
            "plain_sqlite"
        };
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let dir = tempfile::tempdir().unwrap();
                    let (mut conn, user) = fresh(&dir.path().join("w.db"), encrypted);
                    let started = Instant::now();
                    generator::write_workload(
                        &mut conn,
                        "bench-copy",
                        user,
                        &signer,
                        rows,
                        per_transaction,
                    )
                    .unwrap();
                    total += started.elapsed();
                }
                total
            })
        });
    }
    group.finish();
}

/// The latency of single user actions through the whole write path (authorize, validate,
/// apply, search index, audit event, durable commit) on the seeded workspace, as a user
/// would see it: each action timed on its own, reported as percentiles.
fn action_latency(path: &Path) {
    let mut admin = login(path);
    admin
        .execute(UserCommand::Create {
            user: NewUser {
                name: "filer".into(),
                display_name: "Filer".into(),
                role: Role::Business,
                passphrase: PASSPHRASE.into(),
            },
        })
        .unwrap();
    drop(admin);
    let mut filer = govbench_core::login(
        path,
        "filer",
        PASSPHRASE,
        Arc::new(govbench_core::SystemClock),
    )
    .unwrap();
    let draft = |i: usize| RequirementDraft {
        title: format!("延迟测试 latency {i}"),
        scenario: "门诊病历质控 outpatient record QA".into(),
        goals: "降低缺陷率 reduce defects".into(),
        kpis: vec![govbench_protocol::Kpi {
            metric: "recall".into(),
            comparator: govbench_protocol::Comparator::AtLeast,
            target: 92.0,
            unit: "%".into(),
        }],
        priority: govbench_protocol::Priority::High,
        department: "医疗事业部".into(),
        wanted_by: chrono::Utc::now().date_naive(),
    };
    let rounds = ((1_000.0 * scale()) as usize).clamp(50, 1_000);
    let mut file = Vec::with_capacity(rounds);
    let mut edit = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let started = Instant::now();
        let outcome = filer
            .execute(RequirementCommand::File {
                draft: draft(i),
                submit: false,
            })
            .unwrap();
        file.push(started.elapsed());
        let id = RequirementId(outcome.entity.id);
        let started = Instant::now();
        filer
            .execute(RequirementCommand::Edit {
                id,
                draft: draft(i + rounds),
            })
            .unwrap();
        edit.push(started.elapsed());
    }
    for (name, mut times) in [("file a requirement", file), ("edit a requirement", edit)] {
        times.sort();
        let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        eprintln!(
            "one user action ({name}), {} samples: p50 {:.2?}, p99 {:.2?}, max {:.2?}",
            times.len(),
            at(0.50),
            at(0.99),
            times[times.len() - 1]
        );
    }
}

/// A migrated database, encrypted or not, configured the same way, with one user.
fn fresh(path: &Path, encrypted: bool) -> (Connection, UserId) {
    let conn = if encrypted {
        store::create(
            path,
            &govbench_core::DataKey::random(),
            &govbench_core::schema::WORKSPACE,
        )
        .unwrap()
    } else {
        let mut conn = Connection::open(path).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
        store::configure(&conn).unwrap();
        store::migrate(&mut conn, govbench_core::schema::STEPS).unwrap();
        conn
    };
    let user = UserId(uuid::Uuid::now_v7());
    conn.execute(
        "INSERT INTO users (id, name, display_name, role, active, created_at, version) VALUES (?1, 'bench', 'Bench', 'business', 1, '2026-01-01', 1)",
        [user.to_string()],
    )
    .unwrap();
    (conn, user)
}

criterion_group!(workspace, benches);
criterion_main!(workspace);
