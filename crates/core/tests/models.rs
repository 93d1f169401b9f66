//! Models, versions, evaluations and the go-live gate, on a real workspace: the lifecycle,
//! the gate's refusals and the Admin override, verdicts against history, monthly coverage,
//! requirement links, separation of duties — and every fixture imported through the session.

mod common;

use chrono::{Duration, NaiveDate};
use common::Fixture;
use govbench_core::Session;
use govbench_protocol::{
    DashboardSection, DecisionKind, ErrorCode, EvaluationCommand as E, EvaluationId,
    EvaluationMeta, EvaluationQuery, EvaluationStatus, Evaluator, GateGap, ImportSource, KpiPolicy,
    ManualValue, MetricMapping, ModelCommand as C, ModelDraft, ModelId, ModelVersionId,
    PreviewRequest, RequirementLink, RiskTier, Role, VersionDraft, VersionStage,
};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/eval-results")
}

fn model(name: &str) -> ModelDraft {
    ModelDraft {
        name: name.into(),
        domain: "medical".into(),
        business_department: "医疗事业部".into(),
        rnd_owner: None,
        risk_tier: RiskTier::High,
        description: String::new(),
    }
}

fn version(label: &str) -> VersionDraft {
    VersionDraft {
        label: label.into(),
        code_repo: "https://git.example.com/med/qa.git".into(),
        code_commit: "0123abcd".into(),
        config_repo: String::new(),
        config_commit: String::new(),
        base_model: "Qwen2-7B".into(),
        training_data: String::new(),
        release_notes: String::new(),
    }
}

fn meta(date: NaiveDate) -> EvaluationMeta {
    EvaluationMeta {
        date,
        evaluator: Evaluator::Internal,
        dataset: "门诊病历 test set".into(),
        model_revision: String::new(),
        notes: String::new(),
    }
}

fn values(accuracy: f64, n: u64) -> Vec<ManualValue> {
    let v = |kpi: &str, value| ManualValue {
        kpi: kpi.into(),
        value,
        stderr: None,
        n: Some(n),
        group: None,
    };
    vec![
        v("accuracy", accuracy),
        v("recall", 0.9),
        v("response_time_p95", 900.0),
    ]
}

struct World {
    fx: Fixture,
    pm: Session,
    rnd: Session,
    model: ModelId,
}

impl World {
    fn new() -> World {
        let fx = Fixture::new();
        let mut pm = fx.login(Role::ProjectManager);
        let rnd = fx.login(Role::RnD);
        let model = ModelId(
            pm.execute(C::Register {
                draft: model("病历质控 RecordQA"),
            })
            .unwrap()
            .entity
            .id,
        );
        World { fx, pm, rnd, model }
    }

    fn add_version(&mut self, label: &str) -> ModelVersionId {
        ModelVersionId(
            self.rnd
                .execute(C::AddVersion {
                    model: self.model,
                    draft: version(label),
                })
                .unwrap()
                .entity
                .id,
        )
    }

    /// A version taken through testing to approved.
    fn approved(&mut self, label: &str) -> ModelVersionId {
        let id = self.add_version(label);
        self.rnd.execute(C::StartTesting { id }).unwrap();
        self.pm.execute(C::ApproveVersion { id }).unwrap();
        id
    }

    fn evaluate(
        &mut self,
        v: ModelVersionId,
        date: NaiveDate,
        accuracy: f64,
        n: u64,
    ) -> EvaluationId {
        EvaluationId(
            self.rnd
                .execute(E::RecordManual {
                    model_version: v,
                    meta: meta(date),
                    values: values(accuracy, n),
                })
                .unwrap()
                .entity
                .id,
        )
    }

    fn sign_off(&mut self, id: EvaluationId) {
        self.pm
            .execute(E::SignOff {
                id,
                comment: "看过了 reviewed".into(),
            })
            .unwrap();
    }

    fn events(&self) -> u64 {
        self.pm.verify_audit().unwrap().events_verified
    }
}

fn gate_gaps(e: &govbench_protocol::ApiError) -> Vec<GateGap> {
    assert_eq!(e.code, ErrorCode::GateClosed, "{e:?}");
    serde_json::from_str(&e.details["gaps"]).unwrap()
}

#[test]
fn a_version_goes_live_only_through_the_gate() {
    let mut w = World::new();
    let today = common::today();
    let v1 = w.add_version("v1.0");

    // Not approved, no evaluation: both named, nothing written.
    let before = w.events();
    let refused =
        w.pm.execute(C::GoLive {
            version: v1,
            justification: None,
        })
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::IllegalTransition, "{refused:?}");
    w.rnd.execute(C::StartTesting { id: v1 }).unwrap();
    w.pm.execute(C::ApproveVersion { id: v1 }).unwrap();
    let refused =
        w.pm.execute(C::GoLive {
            version: v1,
            justification: None,
        })
        .unwrap_err();
    assert_eq!(gate_gaps(&refused), vec![GateGap::NoEvaluation]);
    let text = govbench_i18n::Locale::En.describe(&refused);
    assert!(text.contains("has no evaluation"), "{text}");
    assert_eq!(
        w.events(),
        before + 2,
        "only the two lifecycle steps were written"
    );

    // A passing evaluation not yet signed off.
    let e1 = w.evaluate(v1, today, 0.93, 2000);
    let refused =
        w.pm.execute(C::GoLive {
            version: v1,
            justification: None,
        })
        .unwrap_err();
    assert_eq!(
        gate_gaps(&refused),
        vec![GateGap::NotSignedOff {
            status: EvaluationStatus::Submitted
        }]
    );
    w.sign_off(e1);
    w.pm.execute(C::GoLive {
        version: v1,
        justification: None,
    })
    .unwrap();
    let detail = w.pm.model(w.model).unwrap();
    assert_eq!(detail.model.live, Some(v1));
    assert_eq!(detail.versions[0].version.stage, VersionStage::Live);
    assert_eq!(detail.model.timeline.len(), 1);

    // v2 fails accuracy: refused with the KPI named, even once signed off.
    let v2 = w.approved("v2.0");
    let e2 = w.evaluate(v2, today, 0.80, 2000);
    w.sign_off(e2);
    let refused =
        w.pm.execute(C::GoLive {
            version: v2,
            justification: None,
        })
        .unwrap_err();
    assert_eq!(
        gate_gaps(&refused),
        vec![GateGap::KpiFailed {
            kpi: "accuracy".into(),
            name: "Accuracy".into(),
            value: 0.8,
            threshold: 0.9
        }]
    );
    let zh = govbench_i18n::Locale::ZhCn.describe(&refused);
    assert!(zh.contains("未达阈值") && zh.contains("0.8"), "{zh}");

    // Only an Admin overrides, and only with a real justification.
    let forbidden =
        w.pm.execute(C::GoLive {
            version: v2,
            justification: Some("监管要求今天上线，风险已评估并记录".into()),
        })
        .unwrap_err();
    assert_eq!(forbidden.code, ErrorCode::Forbidden);
    let mut admin = w.fx.login(Role::Admin);
    let short = admin
        .execute(C::GoLive {
            version: v2,
            justification: Some("ok".into()),
        })
        .unwrap_err();
    assert_eq!(short.details["justification"], "rule.too_short");
    admin
        .execute(C::GoLive {
            version: v2,
            justification: Some("监管要求今天上线，风险已评估并记录 — regulator deadline".into()),
        })
        .unwrap();
    let detail = w.pm.model(w.model).unwrap();
    let live = detail.versions.iter().find(|r| r.version.id == v2).unwrap();
    assert_eq!(live.version.stage, VersionStage::Live);
    let flagged = live
        .version
        .gate_override
        .as_ref()
        .expect("override flagged");
    assert_eq!(flagged.gaps.len(), 1);
    assert!(w.pm.models().unwrap()[0].live_overridden);
    assert_eq!(detail.model.timeline.len(), 2);
    assert!(detail.model.timeline[0].to.is_some());

    // Roll back to v1 (it was live before); v2 stays approved, not retired.
    let ops_refused = w
        .rnd
        .execute(C::Rollback {
            version: v1,
            reason: "x".into(),
        })
        .unwrap_err();
    assert_eq!(ops_refused.code, ErrorCode::Forbidden);
    let mut ops = w.fx.login(Role::Operations);
    ops.execute(C::Rollback {
        version: v1,
        reason: "v2 生产告警 production alarms".into(),
    })
    .unwrap();
    let detail = w.pm.model(w.model).unwrap();
    assert_eq!(detail.model.live, Some(v1));
    assert_eq!(
        detail.model.timeline.last().unwrap().change,
        govbench_protocol::LiveChange::Rollback
    );
    // Rolling back to a version whose gate is closed is an override: not for operations,
    // and for an Admin it stays flagged — the version never passed the gate.
    let refused = ops
        .execute(C::Rollback {
            version: v2,
            reason: "v1 回退失败 v1 failed again".into(),
        })
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::GateClosed);
    admin
        .execute(C::Rollback {
            version: v2,
            reason: "v1 回退失败 v1 failed again".into(),
        })
        .unwrap();
    let detail = w.pm.model(w.model).unwrap();
    let row = detail.versions.iter().find(|r| r.version.id == v2).unwrap();
    assert_eq!(row.version.stage, VersionStage::Live);
    assert!(row.version.gate_override.is_some());
    assert!(w.pm.models().unwrap()[0].live_overridden);
    ops.execute(C::Rollback {
        version: v1,
        reason: "恢复 v1 back to v1".into(),
    })
    .unwrap();
    // The live version cannot be retired; another can. A never-live one cannot be rolled to.
    let refused = w.pm.execute(C::RetireVersion { id: v1 }).unwrap_err();
    assert_eq!(refused.code, ErrorCode::IllegalTransition);
    w.pm.execute(C::RetireVersion { id: v2 }).unwrap();
    let v3 = w.approved("v3.0");
    let refused = ops
        .execute(C::Rollback {
            version: v3,
            reason: "x".into(),
        })
        .unwrap_err();
    assert_eq!(refused.details["version"], "rule.never_live");

    // Every record still equals its last event.
    let report = w.pm.verify_audit().unwrap();
    assert!(report.first_bad.is_none(), "{report:?}");
    assert_eq!(report.records.unwrap().problem_count, 0);
}

#[test]
fn whoever_records_results_cannot_accept_them() {
    let mut w = World::new();
    let v = w.approved("v1");
    let e = w.evaluate(v, common::today(), 0.95, 100);
    // Recording (R&D, operations) and reviewing (project manager) are different roles, and
    // the write path also refuses a review by the evaluation's own recorder (`OwnWork`),
    // should the matrix ever give one person both. The recorder is not offered sign-off.
    assert!(!w
        .rnd
        .evaluation(e)
        .unwrap()
        .allowed_actions
        .contains(&govbench_protocol::EvaluationAction::SignOff));
    let refused = w
        .rnd
        .execute(E::SignOff {
            id: e,
            comment: String::new(),
        })
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden);
    // A rejected evaluation needs a reason, and is no baseline and no way through the gate.
    let no_reason =
        w.pm.execute(E::Reject {
            id: e,
            comment: " ".into(),
        })
        .unwrap_err();
    assert_eq!(no_reason.code, ErrorCode::Validation);
    w.pm.execute(E::Reject {
        id: e,
        comment: "数据集错误 wrong data set".into(),
    })
    .unwrap();
    let again =
        w.pm.execute(E::SignOff {
            id: e,
            comment: String::new(),
        })
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::IllegalTransition);
    let detail = w.pm.evaluation(e).unwrap();
    assert!(detail.gate.iter().any(|g| matches!(
        g,
        GateGap::NotSignedOff {
            status: EvaluationStatus::Rejected
        }
    )));
}

#[test]
fn verdicts_compare_with_last_month_and_the_three_month_mean() {
    let mut w = World::new();
    w.fx.clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 1, 9, 0, 0).unwrap());
    let v = w.approved("v1");
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    for (date, acc) in [
        ("2026-07-10", 0.93),
        ("2026-08-10", 0.94),
        ("2026-09-10", 0.95),
    ] {
        let e = w.evaluate(v, d(date), acc, 20_000);
        w.sign_off(e);
    }
    // October: 0.905 on 20,000 samples — passes the 0.90 threshold, but is 0.045 below the
    // last accepted (beyond the 0.02 allowance, z ≈ 18): a significant degradation.
    let oct = w.evaluate(v, d("2026-10-12"), 0.905, 20_000);
    let detail = w.pm.evaluation(oct).unwrap();
    let acc = &detail.verdicts[0];
    assert!(acc.passes);
    let last = acc.vs_last.as_ref().unwrap();
    assert_eq!(last.baseline, 0.95);
    assert!(last.significant && last.p_value.unwrap() < 1e-6, "{last:?}");
    let three = acc.vs_three_months.as_ref().unwrap();
    assert!((three.baseline - 0.94).abs() < 1e-12);
    assert_eq!(detail.summary.significant_degradations, 1);
    let sentence = govbench_i18n::Locale::En.verdict_sentence(acc);
    assert!(sentence.contains("significant degradation"), "{sentence}");
    // The same drop on 50 samples is noise.
    let small = w.evaluate(v, d("2026-10-13"), 0.905, 50);
    let acc = &w.pm.evaluation(small).unwrap().verdicts[0];
    let last = acc.vs_last.as_ref().unwrap();
    assert!(last.beyond_allowance && !last.significant, "{last:?}");
    // Trends carry every non-rejected evaluation, oldest first, with the significant one marked.
    let trends = w.pm.kpi_trends(w.model).unwrap();
    let points = &trends[0].points;
    assert_eq!(points.len(), 5);
    assert!(points[3].significant && !points[4].significant);
    assert_eq!(
        w.pm.evaluations(&EvaluationQuery {
            model: Some(w.model),
            model_version: None
        })
        .unwrap()
        .len(),
        5
    );
}

#[test]
fn live_versions_need_an_evaluation_every_month() {
    let mut w = World::new();
    let v = w.approved("v1");
    let e = w.evaluate(v, common::today(), 0.95, 1000);
    w.sign_off(e);
    w.pm.execute(C::GoLive {
        version: v,
        justification: None,
    })
    .unwrap();
    // Live since March; the March evaluation counts. In June, April–June are missing.
    w.fx.clock.set(common::start() + Duration::days(100));
    let rnd = w.fx.login(Role::RnD);
    let card = rnd
        .dashboard()
        .unwrap()
        .sections
        .into_iter()
        .find_map(|s| match s {
            DashboardSection::Models(card) => Some(card),
            _ => None,
        })
        .unwrap();
    assert!(card.due_is_mine);
    assert_eq!(card.evaluations_due.len(), 1);
    assert_eq!(
        card.evaluations_due[0].months_missing,
        vec!["2026-04", "2026-05", "2026-06"]
    );
}

#[test]
fn decisions_are_tracked_actions_of_their_owner() {
    let mut w = World::new();
    let v = w.approved("v1");
    let e = w.evaluate(v, common::today(), 0.85, 1000);
    w.sign_off(e);
    let owner = w.rnd.user().id;
    w.pm.execute(E::Decide {
        id: e,
        kind: DecisionKind::Retrain,
        rationale: "准确率低于阈值 below threshold".into(),
        owner,
        due: common::today() + Duration::days(14),
    })
    .unwrap();
    let mine = |s: &Session| {
        s.dashboard()
            .unwrap()
            .sections
            .into_iter()
            .find_map(|s| match s {
                DashboardSection::Models(card) => Some(card.my_actions.len()),
                _ => None,
            })
            .unwrap()
    };
    assert_eq!(mine(&w.rnd), 1);
    assert_eq!(mine(&w.pm), 0);
    let biz_refused =
        w.fx.login(Role::Business)
            .execute(E::CompleteDecision {
                id: e,
                note: String::new(),
            })
            .unwrap_err();
    assert_eq!(biz_refused.code, ErrorCode::Forbidden, "{biz_refused:?}");
    w.rnd
        .execute(E::CompleteDecision {
            id: e,
            note: "v1.1 已训练 retrained".into(),
        })
        .unwrap();
    assert_eq!(mine(&w.rnd), 0);
    let again = w
        .rnd
        .execute(E::CompleteDecision {
            id: e,
            note: String::new(),
        })
        .unwrap_err();
    assert_eq!(again.details["decision"], "rule.no_open_decision");
}

#[test]
fn fairness_gaps_between_groups_block_the_gate() {
    let mut w = World::new();
    let mut policy = KpiPolicy::defaults();
    policy.kpis[0].max_group_gap = Some(0.05);
    w.pm.execute(C::SetPolicy {
        id: w.model,
        policy,
    })
    .unwrap();
    let v = w.approved("v1");
    let csv = "metric,value,n,group\naccuracy,0.93,4000,\naccuracy,0.95,2000,男 male\naccuracy,0.86,2000,女 female\nrecall,0.9,4000,\nlatency_p95_ms,700,,\n";
    let e = EvaluationId(
        w.rnd
            .execute(E::Import {
                model_version: v,
                meta: meta(common::today()),
                sources: vec![ImportSource::Text {
                    name: "fairness.csv".into(),
                    text: csv.into(),
                }],
                expected: vec![],
                mappings: vec![],
            })
            .unwrap()
            .entity
            .id,
    );
    w.sign_off(e);
    let detail = w.pm.evaluation(e).unwrap();
    let acc = &detail.verdicts[0];
    assert_eq!(acc.value, Some(0.93));
    assert_eq!(acc.groups.len(), 2);
    assert!(acc.group_gap_exceeded);
    assert!((acc.group_gap.unwrap() - 0.09).abs() < 1e-12);
    assert!(matches!(&detail.gate[..], [GateGap::GroupGap { .. }]));
    assert!(
        detail.verdicts.iter().skip(1).all(|v| v.passes),
        "{:?}",
        detail.verdicts
    );
}

#[test]
fn requirements_and_models_link_both_ways() {
    let mut w = World::new();
    let mut biz = w.fx.login(Role::Business);
    let req = common::file(&mut biz, "病历质控需求");
    let v = w.add_version("v1");
    w.pm.execute(C::LinkRequirements {
        id: w.model,
        links: vec![RequirementLink {
            requirement: req,
            version: Some(v),
        }],
    })
    .unwrap();
    let detail = w.pm.model(w.model).unwrap();
    assert_eq!(detail.requirements[0].id, req);
    let req_detail = w.pm.requirement(req).unwrap();
    assert_eq!(req_detail.models[0].id, w.model);
    assert_eq!(req_detail.models[0].version.as_ref().unwrap().1, "v1");
    // A version of another model is refused.
    let other = ModelId(
        w.pm.execute(C::Register {
            draft: model("Other"),
        })
        .unwrap()
        .entity
        .id,
    );
    let refused =
        w.pm.execute(C::LinkRequirements {
            id: other,
            links: vec![RequirementLink {
                requirement: req,
                version: Some(v),
            }],
        })
        .unwrap_err();
    assert_eq!(refused.details["links.0.version"], "rule.not_this_model");
}

#[test]
fn names_labels_repositories_and_commits_are_checked() {
    let mut w = World::new();
    let dup =
        w.pm.execute(C::Register {
            draft: model("病历质控 recordqa "),
        })
        .unwrap_err();
    assert_eq!(dup.details["name"], "rule.name_taken");
    w.add_version("v1");
    let mut bad = version("V1");
    bad.code_repo = "not a url".into();
    bad.code_commit = "main".into();
    let refused = w
        .rnd
        .execute(C::AddVersion {
            model: w.model,
            draft: bad,
        })
        .unwrap_err();
    assert_eq!(refused.details["label"], "rule.name_taken");
    assert_eq!(refused.details["code_repo"], "rule.not_a_git_remote");
    assert_eq!(refused.details["code_commit"], "rule.not_a_commit");
}

fn all_fixture_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for tool in ["lm-eval", "promptfoo", "opencompass", "other"] {
        walk(&fixtures().join(tool), &mut out);
    }
    out.sort();
    out
}

/// Which fixtures must be refused, and with which problem.
fn expected_problem(path: &Path) -> Option<&'static str> {
    let name = path.to_string_lossy();
    if name.ends_with("deprecated/results_2024-11-21T15-56-56.979317.json") {
        Some("import.problem.truncated")
    } else if name.ends_with(".html") {
        Some("import.problem.html")
    } else if name.contains("/other/") || name.ends_with("subjective_report.csv") {
        Some("import.problem.foreign")
    } else {
        None
    }
}

#[test]
fn every_fixture_is_imported_or_refused_and_a_refusal_stores_nothing() {
    let mut w = World::new();
    let v = w.add_version("fixtures");
    let files = all_fixture_files();
    assert!(files.len() >= 30, "{}", files.len());
    let mut imported = 0;
    for path in files {
        let source = ImportSource::Path {
            path: path.to_string_lossy().into_owned(),
        };
        let preview = w
            .rnd
            .preview_import(&PreviewRequest {
                model: Some(w.model),
                sources: vec![source.clone()],
            })
            .unwrap();
        let before = w.events();
        let result = w.rnd.execute(E::Import {
            model_version: v,
            meta: meta(common::today()),
            sources: vec![source],
            expected: preview
                .files
                .iter()
                .map(|f| (f.source.name.clone(), f.source.sha256.clone()))
                .collect(),
            mappings: vec![],
        });
        match (result, expected_problem(&path)) {
            (Ok(outcome), None) => {
                imported += 1;
                assert_eq!(w.events(), before + 1);
                let e =
                    w.pm.evaluation(EvaluationId(outcome.entity.id))
                        .unwrap()
                        .evaluation;
                let bytes = std::fs::read(&path).unwrap();
                assert_eq!(e.sources[0].sha256, hex::encode(Sha256::digest(&bytes)));
                assert_eq!(e.sources[0].bytes, bytes.len() as u64);
                // What is stored is what the preview showed, to the last bit.
                let shown = &preview.files[0];
                assert_eq!(e.metrics.len(), shown.metrics.len(), "{path:?}");
                for (stored, seen) in e.metrics.iter().zip(&shown.metrics) {
                    assert_eq!(
                        (
                            stored.value.to_bits(),
                            &stored.task,
                            &stored.metric,
                            &stored.kpi
                        ),
                        (seen.value.to_bits(), &seen.task, &seen.metric, &seen.kpi)
                    );
                }
                if let Some(samples) = &shown.samples {
                    assert_eq!(e.samples[0].samples, samples.samples);
                    assert!(e.samples[0].samples > 0);
                }
            }
            (Err(e), Some(problem)) => {
                assert_eq!(e.code, ErrorCode::ImportRefused, "{path:?}: {e:?}");
                assert_eq!(e.details["problem"], problem, "{path:?}");
                let file = path.file_name().unwrap().to_string_lossy();
                assert_eq!(e.details["file"], file);
                assert_eq!(w.events(), before, "a refused file wrote an event");
                assert_eq!(preview.refused.len(), 1);
                let text = govbench_i18n::Locale::ZhCn.describe(&e);
                assert!(text.contains(&*file) && text.contains("没有保存"), "{text}");
            }
            (Ok(_), Some(p)) => panic!("{path:?} should be refused ({p})"),
            (Err(e), None) => panic!("{path:?} refused: {e:?}"),
        }
    }
    assert!(imported >= 25, "{imported}");
    let report = w.pm.verify_audit().unwrap();
    assert_eq!(report.records.unwrap().problem_count, 0);
}

#[test]
fn an_lm_eval_group_counts_once_and_values_are_the_files() {
    let mut w = World::new();
    let v = w.add_version("v1");
    let results = fixtures().join(
        "lm-eval/EleutherAI__lm-evaluation-harness/pr3936/results_2026-07-08T16-04-34.219874.json",
    );
    let samples = fixtures().join(
        "lm-eval/EleutherAI__lm-evaluation-harness/pr3936/samples_negotiationtom_belief_2026-07-08T16-04-34.219874.jsonl",
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&results).unwrap()).unwrap();
    let group_acc = json["results"]["negotiationtom"]["acc,none"]
        .as_f64()
        .unwrap();
    let e = EvaluationId(
        w.rnd
            .execute(E::Import {
                model_version: v,
                meta: meta(common::today()),
                sources: vec![
                    ImportSource::Path {
                        path: results.to_string_lossy().into_owned(),
                    },
                    ImportSource::Path {
                        path: samples.to_string_lossy().into_owned(),
                    },
                ],
                expected: vec![],
                mappings: vec![],
            })
            .unwrap()
            .entity
            .id,
    );
    let detail = w.pm.evaluation(e).unwrap();
    let acc = &detail.verdicts[0];
    // The group's aggregate alone (its subtasks are not counted a second time).
    assert_eq!((acc.value, acc.n, acc.rows), (Some(group_acc), Some(40), 1));
    let tasks = &detail.evaluation.samples;
    assert_eq!(tasks[0].task, "negotiationtom_belief");
    assert_eq!(tasks[0].samples, 20);
    assert!(!tasks[0].failing.is_empty());
    assert_eq!(tasks[0].failed as usize, tasks[0].failing.len());
    assert_eq!(detail.evaluation.sources[1].tool, "lm_eval_samples");
    // A mapping chosen in the preview wins over the name rules.
    let mapped = EvaluationId(
        w.rnd
            .execute(E::Import {
                model_version: v,
                meta: meta(common::today()),
                sources: vec![ImportSource::Path {
                    path: results.to_string_lossy().into_owned(),
                }],
                expected: vec![],
                mappings: vec![MetricMapping {
                    task: "negotiationtom_intention".into(),
                    metric: "micro_f1,none".into(),
                    kpi: "recall".into(),
                }],
            })
            .unwrap()
            .entity
            .id,
    );
    let recall = &w.pm.evaluation(mapped).unwrap().verdicts[1];
    assert_eq!(recall.value, Some(0.30188679245283023));
    // The model remembers it: the next preview of a file like it maps the same way.
    let preview = w
        .rnd
        .preview_import(&PreviewRequest {
            model: Some(w.model),
            sources: vec![ImportSource::Path {
                path: results.to_string_lossy().into_owned(),
            }],
        })
        .unwrap();
    let row = preview.files[0]
        .metrics
        .iter()
        .find(|m| m.task == "negotiationtom_intention" && m.metric == "micro_f1,none")
        .unwrap();
    assert_eq!(row.kpi.as_deref(), Some("recall"));
}

#[test]
fn a_file_changed_after_its_preview_is_refused() {
    let mut w = World::new();
    let v = w.add_version("v1");
    let path = w.fx.dir.path().join("results.csv");
    std::fs::write(&path, "metric,value\naccuracy,0.95\n").unwrap();
    let source = ImportSource::Path {
        path: path.to_string_lossy().into_owned(),
    };
    let preview = w
        .rnd
        .preview_import(&PreviewRequest {
            model: None,
            sources: vec![source.clone()],
        })
        .unwrap();
    assert_eq!(preview.files[0].metrics[0].kpi.as_deref(), Some("accuracy"));
    std::fs::write(&path, "metric,value\naccuracy,0.99\n").unwrap();
    let before = w.events();
    let refused = w
        .rnd
        .execute(E::Import {
            model_version: v,
            meta: meta(common::today()),
            sources: vec![source],
            expected: vec![("results.csv".into(), preview.files[0].source.sha256.clone())],
            mappings: vec![],
        })
        .unwrap_err();
    assert_eq!(refused.details["problem"], "import.problem.changed");
    assert_eq!(w.events(), before);
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Mutated results files through the whole write path: stored whole or refused with
        /// nothing written, never a panic or a half-written evaluation.
        #[test]
        fn mutated_results_are_stored_whole_or_not_at_all(
            pick in 0usize..6,
            flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
            cut in any::<prop::sample::Index>(),
        ) {
            let names = [
                "lm-eval/EleutherAI__lm-evaluation-harness/pr3936/results_2026-07-08T16-04-34.219874.json",
                "lm-eval/EleutherAI__lm-evaluation-harness/arc_easy-v0-res.json",
                "promptfoo/reDreamAI__measure-ai-drift/promptfoo-results.json",
                "promptfoo/MohdumaR125__Promptfoo/promptfoo/output.csv",
                "opencompass/HKGAI__opencompass_new/summary_20231129_192818.csv",
                "lm-eval/EleutherAI__lm-evaluation-harness/pr3936/samples_negotiationtom_belief_2026-07-08T16-04-34.219874.jsonl",
            ];
            let mut bytes = std::fs::read(fixtures().join(names[pick])).unwrap();
            for (at, byte) in &flips {
                let i = at.index(bytes.len());
                bytes[i] = *byte;
            }
            bytes.truncate(cut.index(bytes.len() + 1));
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let name = names[pick].rsplit('/').next().unwrap().to_owned();
            let mut w = World::new();
            let v = w.add_version("v1");
            let before = w.events();
            let result = w.rnd.execute(E::Import {
                model_version: v,
                meta: meta(common::today()),
                sources: vec![ImportSource::Text { name, text }],
                expected: vec![],
                mappings: vec![],
            });
            match result {
                Ok(_) => prop_assert_eq!(w.events(), before + 1),
                Err(e) => {
                    prop_assert!(
                        matches!(e.code, ErrorCode::ImportRefused | ErrorCode::Validation),
                        "{:?}", e
                    );
                    prop_assert_eq!(w.events(), before);
                }
            }
            let listed = w.pm.evaluations(&EvaluationQuery::default()).unwrap().len() as u64;
            prop_assert_eq!(listed, w.events() - before);
        }
    }
}

#[test]
fn insider_moves_do_not_open_the_gate() {
    let mut w = World::new();
    let today = common::today();
    let v = w.approved("v1");
    // A passing run, signed off; then a failing one recorded later but dated back before it:
    // the gate judges the one recorded last.
    let good = w.evaluate(v, today - Duration::days(1), 0.95, 2000);
    w.sign_off(good);
    w.fx.clock.set(common::start() + Duration::hours(1));
    let bad = w.evaluate(v, today - Duration::days(20), 0.80, 2000);
    w.sign_off(bad);
    let refused =
        w.pm.execute(C::GoLive {
            version: v,
            justification: None,
        })
        .unwrap_err();
    assert!(
        matches!(&gate_gaps(&refused)[..], [GateGap::KpiFailed { .. }]),
        "{refused:?}"
    );
    // Lowering the threshold after the sign-off does not open it either: a signed-off
    // evaluation is judged by the policy it was signed off against.
    let mut lax = KpiPolicy::defaults();
    lax.kpis[0].threshold = 0.5;
    w.pm.execute(C::SetPolicy {
        id: w.model,
        policy: lax,
    })
    .unwrap();
    let refused =
        w.pm.execute(C::GoLive {
            version: v,
            justification: None,
        })
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::GateClosed);
    // No evaluation from the future, and what was evaluated stays what it was.
    let future = w
        .rnd
        .execute(E::RecordManual {
            model_version: v,
            meta: meta(today + Duration::days(30)),
            values: values(0.99, 2000),
        })
        .unwrap_err();
    assert_eq!(future.details["date"], "rule.date_in_future");
    let testing = w.add_version("v2");
    w.rnd.execute(C::StartTesting { id: testing }).unwrap();
    w.evaluate(testing, today, 0.95, 2000);
    let mut moved = version("v2");
    moved.code_commit = "deadbeef".into();
    let refused = w
        .rnd
        .execute(C::EditVersion {
            id: testing,
            draft: moved,
        })
        .unwrap_err();
    assert_eq!(refused.details["code_commit"], "rule.evaluated_commit");
    // An open decision is not silently replaced.
    let owner = w.rnd.user().id;
    let decide = |w: &mut World| {
        w.pm.execute(E::Decide {
            id: bad,
            kind: DecisionKind::Retrain,
            rationale: "重新训练 retrain".into(),
            owner,
            due: today + Duration::days(7),
        })
    };
    decide(&mut w).unwrap();
    assert_eq!(
        decide(&mut w).unwrap_err().details["decision"],
        "rule.decision_open"
    );
}

#[test]
fn only_measurements_are_imported_and_scales_are_not_guessed() {
    let mut w = World::new();
    let v = w.add_version("v1");
    let csv = "metric,value,n,task\naccuracy,1e300,10,\u{1b}[31mred\naccuracy,93.5,2000,medqa\nrecall,0.9,2000,medqa\n";
    let preview = w
        .rnd
        .preview_import(&PreviewRequest {
            model: Some(w.model),
            sources: vec![ImportSource::Text {
                name: "odd\u{202e}.csv".into(),
                text: csv.into(),
            }],
        })
        .unwrap();
    let file = &preview.files[0];
    // 1e300 is no measurement; 93.5 is a percentage, not the fraction the KPI is kept in.
    assert_eq!(file.metrics.len(), 2);
    assert_eq!(file.metrics[0].value, 93.5);
    assert_eq!(file.metrics[0].kpi, None);
    assert_eq!(file.metrics[1].kpi.as_deref(), Some("recall"));
    let keys: Vec<&str> = file.warnings.iter().map(|w| w.key.as_str()).collect();
    assert!(
        keys.contains(&"out_of_range") && keys.contains(&"scale_mismatch"),
        "{keys:?}"
    );
    // Nothing from the file can drive a terminal or reorder a view.
    assert_eq!(file.source.name, "odd.csv");
    assert!(file
        .warnings
        .iter()
        .all(|w| !w.at.clone().unwrap_or_default().contains('\u{1b}')));
    // An explicit mapping still counts the percentage where the user says so.
    let e = EvaluationId(
        w.rnd
            .execute(E::Import {
                model_version: v,
                meta: meta(common::today()),
                sources: vec![ImportSource::Text {
                    name: "odd.csv".into(),
                    text: csv.into(),
                }],
                expected: vec![("odd.csv".into(), file.source.sha256.clone())],
                mappings: vec![MetricMapping {
                    task: "medqa".into(),
                    metric: "accuracy".into(),
                    kpi: "accuracy".into(),
                }],
            })
            .unwrap()
            .entity
            .id,
    );
    let detail = w.pm.evaluation(e).unwrap();
    assert_eq!(detail.verdicts[0].value, Some(93.5));
    assert_eq!(
        w.pm.verify_audit().unwrap().records.unwrap().problem_count,
        0
    );
}
