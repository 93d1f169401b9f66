//! The demo's model inventory: a medical model with half a year of monthly evaluations, a
//! live version, a candidate that degraded (with failing samples to read); a finance model
//! put live by an Admin's override after a third-party assessment; a legal model still in
//! development.

use crate::access::Session;
use crate::clock::ManualClock;
use crate::error::ApiResult;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use govbench_protocol::{
    DecisionKind, EvaluationCommand as E, EvaluationId, EvaluationMeta, Evaluator, ImportSource,
    KpiPolicy, ManualValue, MetricMapping, ModelCommand as C, ModelDraft, ModelId, ModelVersionId,
    RequirementId, RequirementLink, RiskTier, UserId, VersionDraft,
};

fn version(label: &str, commit: &str, notes: &str) -> VersionDraft {
    VersionDraft {
        label: label.into(),
        code_repo: "https://git.example.cn/ai/medrecord-qa.git".into(),
        code_commit: commit.into(),
        config_repo: "git@git.example.cn:ai/medrecord-qa-deploy.git".into(),
        config_commit: format!("{}e1", &commit[..6]),
        base_model: "Qwen2.5-7B-Instruct".into(),
        training_data: "emr-qa-2026q2（脱敏病历 48,000 份）\nmed-terms-v3".into(),
        release_notes: notes.into(),
    }
}

fn values(accuracy: f64, recall: f64, p95: f64, n: u64) -> Vec<ManualValue> {
    let v = |kpi: &str, value, n| ManualValue {
        kpi: kpi.into(),
        value,
        stderr: None,
        n,
        group: None,
    };
    vec![
        v("accuracy", accuracy, Some(n)),
        v("recall", recall, Some(n)),
        v("response_time_p95", p95, None),
    ]
}

fn meta(date: chrono::NaiveDate, dataset: &str) -> EvaluationMeta {
    EvaluationMeta {
        date,
        evaluator: Evaluator::Internal,
        dataset: dataset.into(),
        model_revision: String::new(),
        notes: String::new(),
    }
}

/// An lm-evaluation-harness samples log, as the harness writes one (`--log_samples`).
fn samples_log() -> String {
    let cases = [
        (
            "患者男，68岁，反复胸痛3天。主诉是否完整？",
            "完整",
            "完整",
            1,
        ),
        ("出院诊断“2型糖尿病”与病程记录是否一致？", "一致", "一致", 1),
        (
            "用药记录中“阿司匹林 100mg qd”剂量是否合理？",
            "合理",
            "不合理",
            0,
        ),
        ("手术记录缺少麻醉方式，是否为缺陷？", "是", "否", 0),
        (
            "过敏史记录“青霉素过敏”，医嘱含阿莫西林，是否冲突？",
            "冲突",
            "冲突",
            1,
        ),
        (
            "首次病程记录是否在入院8小时内完成？（入院 09:10，记录 18:40）",
            "否",
            "是",
            0,
        ),
        ("体温单 39.2℃ 未见处理记录，是否为缺陷？", "是", "是", 1),
        (
            "Discharge summary lists metformin; medication record does not. Inconsistent?",
            "yes",
            "no",
            0,
        ),
        (
            "会诊意见是否在24小时内完成？（申请 10:00，完成次日 09:00）",
            "是",
            "是",
            1,
        ),
        ("主诉“咳嗽咳痰一周”与现病史是否一致？", "一致", "一致", 1),
    ];
    cases
        .iter()
        .enumerate()
        .map(|(i, (question, target, answer, acc))| {
            serde_json::json!({
                "doc_id": i,
                "doc": {"question": question, "answer": target},
                "target": target,
                "arguments": {"gen_args_0": {"arg_0": question, "arg_1": {"until": ["\n"]}}},
                "resps": [[answer]],
                "filtered_resps": [answer],
                "filter": "none",
                "metrics": ["acc"],
                "acc": acc,
            })
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn id_of(outcome: govbench_protocol::CommandOutcome) -> uuid::Uuid {
    outcome.entity.id
}

/// Who records the scene, and its clock.
struct Desk<'a> {
    clock: &'a ManualClock,
    now: DateTime<Utc>,
    today: NaiveDate,
    rnd_owner: UserId,
    pm: &'a mut Session,
    rnd: &'a mut Session,
    ops: &'a mut Session,
    admin: &'a mut Session,
}

impl Desk<'_> {
    /// Sets the clock to `days` before now, plus `hours`.
    fn at(&self, days: i64, hours: i64) {
        self.clock
            .set(self.now - Duration::days(days) + Duration::hours(hours));
    }
}

#[allow(clippy::too_many_arguments)]
pub fn create(
    clock: &ManualClock,
    now: DateTime<Utc>,
    filed: &[(RequirementId, &str)],
    rnd_owner: UserId,
    pm: &mut Session,
    rnd: &mut Session,
    ops: &mut Session,
    admin: &mut Session,
) -> ApiResult<()> {
    let mut d = Desk {
        clock,
        now,
        today: now.date_naive(),
        rnd_owner,
        pm,
        rnd,
        ops,
        admin,
    };
    let med = medical_model(&mut d, filed)?;
    medical_v10(&mut d, med)?;
    medical_v11(&mut d, med)?;
    medical_v12(&mut d, med)?;
    finance_model(&mut d)?;
    legal_model(&mut d)?;
    clock.set(now - Duration::hours(1));
    Ok(())
}

/// The medical model, its policy and the requirements it serves.
fn medical_model(d: &mut Desk<'_>, filed: &[(RequirementId, &str)]) -> ApiResult<ModelId> {
    // 1. The medical model: monthly evaluations of v1.0, v1.1 live, v1.2 degraded.
    d.at(10, 0);
    let med = ModelId(id_of(d.pm.execute(C::Register {
        draft: ModelDraft {
            name: "病历质控模型 MedRecord-QA".into(),
            domain: "medical".into(),
            business_department: "医疗事业部".into(),
            rnd_owner: Some(d.rnd_owner),
            risk_tier: RiskTier::High,
            description: "对门诊与住院病历做质控：完整性、一致性、用药与时限缺陷。\nChecks outpatient and inpatient records for completeness, consistency, medication and timing defects.".into(),
        },
    })?));
    let mut policy = KpiPolicy::defaults();
    policy.kpis[0].name = "准确率 Accuracy".into();
    policy.kpis[0].min_samples = Some(1000);
    policy.kpis[0].max_group_gap = Some(0.05);
    policy.kpis[1].name = "召回率 Recall".into();
    policy.kpis[2].name = "响应时间 p95 Response time".into();
    policy.mappings.push(MetricMapping {
        task: String::new(),
        metric: "acc,none".into(),
        kpi: "accuracy".into(),
    });
    d.pm.execute(C::SetPolicy { id: med, policy })?;
    let links: Vec<RequirementLink> = filed
        .iter()
        .filter(|(_, department)| department.contains("医疗"))
        .take(2)
        .map(|(id, _)| RequirementLink {
            requirement: *id,
            version: None,
        })
        .collect();
    d.pm.execute(C::LinkRequirements { id: med, links })?;

    Ok(med)
}

/// v1.0: monthly evaluations, live, its last evaluation decided on.
fn medical_v10(d: &mut Desk<'_>, med: ModelId) -> ApiResult<()> {
    let v10 = ModelVersionId(id_of(d.rnd.execute(C::AddVersion {
        model: med,
        draft: version(
            "v1.0",
            "4f9c2a7d1b",
            "首个生产版本 First production version.",
        ),
    })?));
    d.rnd.execute(C::StartTesting { id: v10 })?;
    d.pm.execute(C::ApproveVersion { id: v10 })?;
    let history = [
        (150, 0.915),
        (120, 0.922),
        (90, 0.930),
        (60, 0.928),
        (30, 0.931),
    ];
    let mut last = None;
    for (days, accuracy) in history {
        d.at(9, 1);
        let e = EvaluationId(id_of(d.rnd.execute(E::RecordManual {
            model_version: v10,
            meta: meta(
                d.today - Duration::days(days),
                "门诊病历质控评测集 v3（2,000 份）",
            ),
            values: values(accuracy, 0.88, 820.0, 2000),
        })?));
        d.pm.execute(E::SignOff {
            id: e,
            comment: "指标稳定，签核。Stable, signed off.".into(),
        })?;
        last = Some(e);
    }
    d.at(9, 2);
    d.pm.execute(C::GoLive {
        version: v10,
        justification: None,
    })?;
    if let Some(e) = last {
        d.pm.execute(E::Decide {
            id: e,
            kind: DecisionKind::Hold,
            rationale: "各项指标达标且稳定，保持当前版本。".into(),
            owner: d.rnd_owner,
            due: d.today - Duration::days(20),
        })?;
        d.rnd.execute(E::CompleteDecision {
            id: e,
            note: "已确认，无需调整。".into(),
        })?;
    }

    Ok(())
}

/// v1.1: better, with a gap between age groups to tune; live.
fn medical_v11(d: &mut Desk<'_>, med: ModelId) -> ApiResult<()> {
    d.at(8, 0);
    let v11 = ModelVersionId(id_of(d.rnd.execute(C::AddVersion {
        model: med,
        draft: version(
            "v1.1",
            "9b31e6c402",
            "扩充用药规则训练数据；Adds medication-rule training data.",
        ),
    })?));
    d.rnd.execute(C::StartTesting { id: v11 })?;
    let mut eleven = values(0.936, 0.891, 790.0, 2000);
    for (group, value) in [
        ("年龄 ≥65 age 65+", 0.921),
        ("年龄 <65 age under 65", 0.944),
    ] {
        eleven.push(ManualValue {
            kpi: "accuracy".into(),
            value,
            stderr: None,
            n: Some(1000),
            group: Some(group.into()),
        });
    }
    let e11 = EvaluationId(id_of(d.rnd.execute(E::RecordManual {
        model_version: v11,
        meta: meta(
            d.today - Duration::days(8),
            "门诊病历质控评测集 v3（2,000 份）",
        ),
        values: eleven,
    })?));
    d.at(7, 0);
    d.pm.execute(E::SignOff {
        id: e11,
        comment: "准确率提升，分组差距在允许范围内。".into(),
    })?;
    d.pm.execute(C::ApproveVersion { id: v11 })?;
    d.ops.execute(C::GoLive {
        version: v11,
        justification: None,
    })?;
    d.pm.execute(E::Decide {
        id: e11,
        kind: DecisionKind::Tune,
        rationale: "≥65 岁组准确率偏低，下个版本调整提示词与阈值。".into(),
        owner: d.rnd_owner,
        due: d.today + Duration::days(14),
    })?;

    Ok(())
}

/// v1.2: degraded, with failing samples to read.
fn medical_v12(d: &mut Desk<'_>, med: ModelId) -> ApiResult<()> {
    d.at(3, 0);
    let v12 = ModelVersionId(id_of(d.rnd.execute(C::AddVersion {
        model: med,
        draft: version("v1.2", "c07d55e913", "换用新分词器；New tokenizer."),
    })?));
    d.rnd.execute(C::StartTesting { id: v12 })?;
    d.at(2, 0);
    d.rnd.execute(E::Import {
        model_version: v12,
        meta: meta(d.today - Duration::days(2), "门诊病历质控评测集 v3（2,000 份）"),
        sources: vec![
            ImportSource::Text {
                name: "results_v1.2.csv".into(),
                text: "metric,value,stderr,n,group,task\naccuracy,0.887,0.0071,2000,,emr_qa\nrecall,0.874,0.0074,2000,,emr_qa\nlatency_p95_ms,980,,,,\n".into(),
            },
            ImportSource::Text {
                name: "samples_emr_qa_2026-11-28T10-12-00.000000.jsonl".into(),
                text: samples_log(),
            },
        ],
        expected: vec![],
        mappings: vec![],
    })?;

    Ok(())
}

fn finance_model(d: &mut Desk<'_>) -> ApiResult<()> {
    // 2. The finance model: a third-party assessment below threshold, live by override.
    d.at(6, 0);
    let credit = ModelId(id_of(d.pm.execute(C::Register {
        draft: ModelDraft {
            name: "信贷风控问答 CreditQA".into(),
            domain: "finance".into(),
            business_department: "金融事业部".into(),
            rnd_owner: Some(d.rnd_owner),
            risk_tier: RiskTier::Critical,
            description: "为信贷审批人员解答政策与风控规则问题。".into(),
        },
    })?));
    let v23 = ModelVersionId(id_of(d.rnd.execute(C::AddVersion {
        model: credit,
        draft: VersionDraft {
            label: "v2.3".into(),
            code_repo: "https://git.example.cn/ai/credit-qa.git".into(),
            code_commit: "e2a91f0c77".into(),
            config_repo: String::new(),
            config_commit: String::new(),
            base_model: "DeepSeek-V2-Lite".into(),
            training_data: "credit-policy-2026h1".into(),
            release_notes: "适配 2026 年新版授信政策。".into(),
        },
    })?));
    d.rnd.execute(C::StartTesting { id: v23 })?;
    let e23 = EvaluationId(id_of(d.rnd.execute(E::RecordManual {
        model_version: v23,
        meta: EvaluationMeta {
            date: d.today - Duration::days(40),
            evaluator: Evaluator::ThirdParty {
                organisation: "中国信息通信研究院 CAICT".into(),
                assessor: "王工程师".into(),
                report: "CAICT-AIGC-2026-1187".into(),
            },
            dataset: "金融知识问答基准 FinQA-zh 2026".into(),
            model_revision: "e2a91f0c77".into(),
            notes: "第三方评估 third-party assessment".into(),
        },
        values: values(0.884, 0.902, 1450.0, 1500),
    })?));
    d.pm.execute(E::SignOff {
        id: e23,
        comment: "第三方报告已归档。".into(),
    })?;
    d.pm.execute(C::ApproveVersion { id: v23 })?;
    d.at(5, 0);
    d.admin.execute(C::GoLive {
        version: v23,
        justification: Some(
            "新授信政策 12 月 1 日生效，旧版本回答将与政策冲突；准确率差 1.6 个百分点，已安排人工复核全部回答直至 v2.4 上线。".into(),
        ),
    })?;

    Ok(())
}

fn legal_model(d: &mut Desk<'_>) -> ApiResult<()> {
    // 3. The legal model, still in development.
    d.at(4, 0);
    let legal = ModelId(id_of(d.pm.execute(C::Register {
        draft: ModelDraft {
            name: "合同审查助手 ContractReview".into(),
            domain: "legal".into(),
            business_department: "法务部".into(),
            rnd_owner: None,
            risk_tier: RiskTier::Medium,
            description: "标注采购合同中的风险条款。".into(),
        },
    })?));
    d.rnd.execute(C::AddVersion {
        model: legal,
        draft: VersionDraft {
            label: "v0.9".into(),
            code_repo: "https://git.example.cn/ai/contract-review.git".into(),
            code_commit: "7aa0b3c".into(),
            config_repo: String::new(),
            config_commit: String::new(),
            base_model: "Qwen2.5-14B".into(),
            training_data: String::new(),
            release_notes: String::new(),
        },
    })?;
    Ok(())
}
