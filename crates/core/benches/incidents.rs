//! Speed targets of incidents and drills, on ten years of data (10,000 incidents and 500
//! drill runs in a real SQLCipher workspace): the incident list's first page, a filtered
//! page, and one quarter's statistics by level — each < 50 ms — plus the drills page and the
//! dashboard.
//!
//! `GOVBENCH_BENCH_SCALE` (default 1.0) scales the data, e.g. 0.05 for a smoke run.

use chrono::{Datelike, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use govbench_core::{generator, CreateOptions, KdfParams, Session, SystemClock};
use govbench_protocol::{IncidentQuery, IncidentStatus, NewUser, Role, Severity};
use std::sync::Arc;
use std::time::Instant;

const PASSPHRASE: &str = "benchmark passphrase";

fn scale() -> f64 {
    std::env::var("GOVBENCH_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

fn seeded(dir: &std::path::Path) -> Session {
    let path = dir.join("incidents.govbench");
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
        Arc::new(SystemClock),
    )
    .unwrap();
    let incidents = (10_000.0 * scale()) as u64;
    let runs = (500.0 * scale()) as u64;
    let started = Instant::now();
    let actor = session.user().id;
    let copy = session.copy_id().to_owned();
    let signer = session.secret().unwrap().clone();
    generator::seed_incidents(
        session.connection_for_tools(),
        &copy,
        (actor, &signer),
        Utc::now(),
        incidents,
        runs,
    )
    .unwrap();
    eprintln!(
        "seeded {incidents} incidents and {runs} drill runs in {:.1?}",
        started.elapsed()
    );
    drop(session);
    govbench_core::login(&path, "admin", PASSPHRASE, Arc::new(SystemClock)).unwrap()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let session = seeded(dir.path());
    let now = Utc::now();
    let last_quarter = {
        let q = (now.month() - 1) / 3 + 1;
        if q == 1 {
            format!("{}Q4", now.year() - 1)
        } else {
            format!("{}Q{}", now.year(), q - 1)
        }
    };
    let mut group = c.benchmark_group("incidents");
    group.bench_function("list_first_page_of_50", |b| {
        b.iter(|| {
            let page = session
                .incidents(&IncidentQuery {
                    limit: 50,
                    ..IncidentQuery::default()
                })
                .unwrap();
            assert_eq!(page.items.len(), 50);
            page
        })
    });
    group.bench_function("list_critical_closed_page_20_of_quarter", |b| {
        b.iter(|| {
            session
                .incidents(&IncidentQuery {
                    severity: Some(Severity::Critical),
                    status: Some(IncidentStatus::Closed),
                    offset: 20,
                    limit: 50,
                    ..IncidentQuery::default()
                })
                .unwrap()
        })
    });
    group.bench_function("quarterly_statistics", |b| {
        b.iter(|| {
            let stats = session.incident_stats(&last_quarter).unwrap();
            assert!(stats.rows.iter().map(|r| r.count).sum::<u64>() > 0);
            stats
        })
    });
    group.bench_function("drills_page_500_runs", |b| {
        b.iter(|| session.drills().unwrap())
    });
    group.bench_function("dashboard", |b| b.iter(|| session.dashboard().unwrap()));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
