//! Speed targets of issue #2, measured on a seeded workspace:
//! - requirement list page with a filter (< 50 ms) on 100,000 requirements,
//! - full audit-chain verification (< 2 s) of 1,000,000 events,
//! - opening the workspace once the key is unwrapped: schema check + first dashboard (< 200 ms),
//! - one Argon2id unlock (reported),
//! - the same write workload on SQLCipher and on plain SQLite (ratio target ≤ 1.3×).
//!
//! `GOVBENCH_BENCH_SCALE` (default 1.0) scales the data set, e.g. 0.01 for a smoke run.

use criterion::{criterion_group, criterion_main, Criterion};
use govbench_core::{generator, store, CreateOptions, KdfParams, KeySlots, ManualClock};
use govbench_protocol::{NewUser, RequirementQuery, RequirementStatus, Role, UserId};
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
    generator::seed(
        session.connection_for_tools(),
        &copy,
        actor,
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
    group.bench_function("list_page_text_search", |b| {
        let query = RequirementQuery {
            text: Some("影像".into()),
            ..Default::default()
        };
        b.iter(|| session.requirements(&query).unwrap())
    });
    group.bench_function("dashboard", |b| b.iter(|| session.dashboard().unwrap()));
    group.finish();

    let mut group = c.benchmark_group("audit");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("verify_full_chain", |b| {
        b.iter(|| {
            let report = session.verify_audit().unwrap();
            assert!(report.is_intact());
            report
        })
    });
    group.finish();
    drop(session);

    let key = KeySlots::load(&data.path)
        .unwrap()
        .unlock("admin", PASSPHRASE)
        .unwrap();
    let mut group = c.benchmark_group("workspace");
    group.sample_size(20);
    group.bench_function("open_after_unlock_and_first_dashboard", |b| {
        b.iter(|| {
            let s = govbench_core::open_with_key(
                &data.path,
                key.clone(),
                "admin",
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

    let mut group = c.benchmark_group("write_1000_actions");
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
                    generator::write_workload(&mut conn, "bench-copy", user, 1_000).unwrap();
                    total += started.elapsed();
                }
                total
            })
        });
    }
    group.finish();
}

/// A migrated database, encrypted or not, configured the same way, with one user.
fn fresh(path: &Path, encrypted: bool) -> (Connection, UserId) {
    let conn = if encrypted {
        store::create(path, &govbench_core::DataKey::random()).unwrap()
    } else {
        let mut conn = Connection::open(path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .unwrap();
        store::migrate(&mut conn).unwrap();
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
