//! Speed targets of the models feature:
//! - verdicts and degradation (against the last accepted evaluation and the three-month mean,
//!   with the significance test) for 200 models × 36 monthly evaluations: < 100 ms — computed
//!   alone, and through the API (`models()` + every model's evaluations) on a real workspace;
//! - importing 1,000 lm-evaluation-harness results files in one action (read, parse, map,
//!   store with its signed audit event): < 2 s.
//!
//! `GOVBENCH_BENCH_SCALE` (default 1.0) scales models and files, e.g. 0.05 for a smoke run.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use govbench_core::features::models::{verdicts, EvaluationRecord};
use govbench_core::{CreateOptions, KdfParams, ManualClock, Session};
use govbench_protocol::{
    EvaluationCommand as E, EvaluationId, EvaluationMeta, EvaluationQuery, EvaluationStatus,
    Evaluator, ImportSource, KpiPolicy, ManualValue, MetricValue, ModelCommand as C, ModelDraft,
    ModelId, ModelVersionId, NewUser, RiskTier, Role, UserCommand, UserId, VersionDraft,
};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

const PASSPHRASE: &str = "benchmark passphrase";
const MONTHS: usize = 36;

fn scale() -> f64 {
    std::env::var("GOVBENCH_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

fn models() -> usize {
    ((200.0 * scale()) as usize).max(1)
}

fn month(i: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 15)
        .and_then(|d| d.checked_add_months(chrono::Months::new(i as u32)))
        .unwrap_or_default()
}

/// A model's monthly evaluations as stored: accuracy drifting with noise, recall, p95.
fn history(model: usize) -> Vec<EvaluationRecord> {
    (0..MONTHS)
        .map(|m| {
            let wobble = ((model * 31 + m * 17) % 23) as f64 / 1000.0;
            let metric = |kpi: &str, value: f64, n: Option<u64>| MetricValue {
                task: "bench".into(),
                metric: kpi.into(),
                value,
                stderr: None,
                n,
                group: None,
                kpi: Some(kpi.into()),
                source: 0,
            };
            EvaluationRecord {
                id: EvaluationId(uuid::Uuid::now_v7()),
                model: ModelId(uuid::Uuid::nil()),
                model_version: ModelVersionId(uuid::Uuid::nil()),
                meta: EvaluationMeta {
                    date: month(m),
                    evaluator: Evaluator::Internal,
                    dataset: "bench".into(),
                    model_revision: String::new(),
                    notes: String::new(),
                },
                sources: vec![],
                metrics: vec![
                    metric("accuracy", 0.9 + wobble, Some(2000)),
                    metric("recall", 0.86 + wobble / 2.0, Some(2000)),
                    metric("response_time_p95", 900.0 + wobble * 10_000.0, None),
                ],
                samples: vec![],
                warnings: vec![],
                status: EvaluationStatus::SignedOff,
                review: None,
                decision: None,
                created_by: UserId(uuid::Uuid::nil()),
                created_at: Utc.timestamp_opt(1_700_000_000 + m as i64, 0).unwrap(),
                updated_at: Utc.timestamp_opt(1_700_000_000 + m as i64, 0).unwrap(),
                version: 1,
            }
        })
        .collect()
}

fn admin_workspace(dir: &Path) -> Session {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let mut admin = govbench_core::create_workspace(
        &dir.join("bench.govbench"),
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
    .unwrap();
    for (name, role) in [("pm", Role::ProjectManager), ("rnd", Role::RnD)] {
        admin
            .execute(UserCommand::Create {
                user: NewUser {
                    name: name.into(),
                    display_name: name.into(),
                    role,
                    passphrase: PASSPHRASE.into(),
                },
            })
            .unwrap();
    }
    admin
}

fn login(dir: &Path, name: &str) -> Session {
    govbench_core::login(
        &dir.join("bench.govbench"),
        name,
        PASSPHRASE,
        Arc::new(ManualClock::new(Utc::now())),
    )
    .unwrap()
}

fn version() -> VersionDraft {
    VersionDraft {
        label: "v1".into(),
        code_repo: "https://git.example.com/m.git".into(),
        code_commit: "abcdef1".into(),
        ..VersionDraft::default()
    }
}

fn register(pm: &mut Session, rnd: &mut Session, i: usize) -> ModelVersionId {
    let model = ModelId(
        pm.execute(C::Register {
            draft: ModelDraft {
                name: format!("model {i}"),
                domain: "medical".into(),
                business_department: String::new(),
                rnd_owner: None,
                risk_tier: RiskTier::Medium,
                description: String::new(),
            },
        })
        .unwrap()
        .entity
        .id,
    );
    ModelVersionId(
        rnd.execute(C::AddVersion {
            model,
            draft: version(),
        })
        .unwrap()
        .entity
        .id,
    )
}

/// An lm-evaluation-harness 0.4 results file with ten tasks of three metrics each.
fn results_file(i: usize) -> String {
    let mut results = serde_json::Map::new();
    let mut samples = serde_json::Map::new();
    for t in 0..10 {
        let v = 0.5 + ((i * 7 + t * 13) % 50) as f64 / 100.0;
        results.insert(
            format!("task_{t}"),
            serde_json::json!({
                "alias": format!("task_{t}"),
                "acc,none": v, "acc_stderr,none": 0.01,
                "acc_norm,none": v - 0.01, "acc_norm_stderr,none": 0.01,
                "exact_match,strict-match": v - 0.02, "exact_match_stderr,strict-match": "N/A",
            }),
        );
        samples.insert(
            format!("task_{t}"),
            serde_json::json!({"original": 1000, "effective": 1000}),
        );
    }
    serde_json::json!({
        "results": results,
        "n-samples": samples,
        "config": {"model": "hf", "model_args": format!("pretrained=bench-{i}")},
        "lm_eval_version": "0.4.8",
    })
    .to_string()
}

fn benches(c: &mut Criterion) {
    // 1. Verdicts alone.
    let histories: Vec<Vec<EvaluationRecord>> = (0..models()).map(history).collect();
    let policy = KpiPolicy::defaults();
    let mut group = c.benchmark_group("models");
    group.sample_size(20);
    group.bench_function(format!("verdicts {}x{MONTHS}", models()), |b| {
        b.iter(|| {
            let mut significant = 0usize;
            for h in &histories {
                for e in h {
                    for v in verdicts::verdicts(&policy, e, h) {
                        significant += usize::from(v.vs_last.is_some_and(|c| c.significant));
                    }
                }
            }
            significant
        })
    });

    // 2. The same through the API, on a real workspace.
    let dir = tempfile::tempdir().unwrap();
    let _admin = admin_workspace(dir.path());
    let (mut pm, mut rnd) = (login(dir.path(), "pm"), login(dir.path(), "rnd"));
    let seeded = Instant::now();
    for i in 0..models() {
        let v = register(&mut pm, &mut rnd, i);
        for (m, e) in history(i).iter().enumerate() {
            let values = e
                .metrics
                .iter()
                .map(|m| ManualValue {
                    kpi: m.metric.clone(),
                    value: m.value,
                    stderr: None,
                    n: m.n,
                    group: None,
                })
                .collect();
            rnd.execute(E::RecordManual {
                model_version: v,
                meta: EvaluationMeta {
                    date: month(m),
                    ..e.meta.clone()
                },
                values,
            })
            .unwrap();
        }
    }
    eprintln!(
        "seeded {} models × {MONTHS} evaluations in {:.1} s",
        models(),
        seeded.elapsed().as_secs_f64()
    );
    group.bench_function(
        format!("api models+evaluations {}x{MONTHS}", models()),
        |b| {
            b.iter(|| {
                let list = pm.models().unwrap();
                let all = pm.evaluations(&EvaluationQuery::default()).unwrap();
                (list.len(), all.len())
            })
        },
    );

    // 3. 1,000 results files in one action.
    let files = ((1000.0 * scale()) as usize).max(1);
    let inputs = tempfile::tempdir().unwrap();
    let sources: Vec<ImportSource> = (0..files)
        .map(|i| {
            let path = inputs.path().join(format!("results_{i:04}.json"));
            std::fs::write(&path, results_file(i)).unwrap();
            ImportSource::Path {
                path: path.to_string_lossy().into_owned(),
            }
        })
        .collect();
    let v = register(&mut pm, &mut rnd, 1_000_000);
    let bytes: u64 = sources
        .iter()
        .filter_map(|s| match s {
            ImportSource::Path { path } => std::fs::metadata(path).ok().map(|m| m.len()),
            ImportSource::Text { .. } => None,
        })
        .sum();
    eprintln!("{files} results files, {bytes} bytes");
    group.sample_size(10);
    group.bench_function(format!("import {files} files in one action"), |b| {
        b.iter(|| {
            rnd.execute(E::Import {
                model_version: v,
                meta: EvaluationMeta {
                    date: Utc::now().date_naive() - Duration::days(1),
                    evaluator: Evaluator::Internal,
                    dataset: "bench".into(),
                    model_revision: String::new(),
                    notes: String::new(),
                },
                sources: sources.clone(),
                expected: vec![],
                mappings: vec![],
            })
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(evaluations, benches);
criterion_main!(evaluations);
