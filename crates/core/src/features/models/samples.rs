//! One instance of every model and evaluation command and read, on real records made
//! through the write path by the roles who would make them, for the role × command matrix
//! tests — and the building blocks other tests use.

use crate::access::Session;
use crate::error::ApiResult;
use crate::shared::samples::{Login, SampleRead};
use chrono::NaiveDate;
use govbench_protocol::{
    ApiError, Command, DashboardSection, DecisionKind, ErrorCode, EvaluationCommand as E,
    EvaluationId, EvaluationMeta, EvaluationPermission, Evaluator, ImportSource, KpiPolicy,
    ManualValue, ModelCommand as C, ModelDraft, ModelId, ModelPermission, ModelVersionId,
    PreviewRequest, RiskTier, Role, VersionDraft,
};

pub fn model(name: &str) -> ModelDraft {
    ModelDraft {
        name: name.into(),
        domain: "medical".into(),
        business_department: "医疗事业部".into(),
        rnd_owner: None,
        risk_tier: RiskTier::High,
        description: "门诊病历质控 outpatient record QA".into(),
    }
}

pub fn version(label: &str) -> VersionDraft {
    VersionDraft {
        label: label.into(),
        code_repo: "https://git.example.com/med/record-qa.git".into(),
        code_commit: "3f2a9c1d".into(),
        config_repo: "git@git.example.com:med/record-qa-config.git".into(),
        config_commit: "a1b2c3d4e5".into(),
        base_model: "Qwen2-7B".into(),
        training_data: "emr-2026q2 snapshot".into(),
        release_notes: "首个版本 first version".into(),
    }
}

pub fn meta(date: NaiveDate) -> EvaluationMeta {
    EvaluationMeta {
        date,
        evaluator: Evaluator::Internal,
        dataset: "门诊病历 2026-10".into(),
        model_revision: String::new(),
        notes: String::new(),
    }
}

/// Values that pass every default KPI.
pub fn passing() -> Vec<ManualValue> {
    let value = |kpi: &str, value| ManualValue {
        kpi: kpi.into(),
        value,
        stderr: None,
        n: Some(2000),
        group: None,
    };
    vec![
        value("accuracy", 0.93),
        value("recall", 0.9),
        value("response_time_p95", 850.0),
    ]
}

/// A model (by the project manager) with one version in development (by R&D).
pub fn target(login: &Login<'_>) -> ApiResult<(ModelId, ModelVersionId)> {
    let name = format!("矩阵 matrix {}", uuid::Uuid::now_v7());
    let model = login(Role::ProjectManager)?.execute(C::Register {
        draft: self::model(&name),
    })?;
    let model = ModelId(model.entity.id);
    let version = login(Role::RnD)?.execute(C::AddVersion {
        model,
        draft: self::version("v1"),
    })?;
    Ok((model, ModelVersionId(version.entity.id)))
}

/// An evaluation of `version` recorded by R&D.
pub fn evaluation(login: &Login<'_>, version: ModelVersionId) -> ApiResult<EvaluationId> {
    let mut rnd = login(Role::RnD)?;
    let today = rnd.clock_now().date_naive();
    let outcome = rnd.execute(E::RecordManual {
        model_version: version,
        meta: meta(today),
        values: passing(),
    })?;
    Ok(EvaluationId(outcome.entity.id))
}

pub fn commands(login: &Login<'_>) -> ApiResult<Vec<Command>> {
    let (model, version) = target(login)?;
    let evaluation = evaluation(login, version)?;
    let rnd = login(Role::RnD)?;
    let owner = rnd.user().id;
    // The workspace's own "today" (tests run it on a clock of their own).
    let today = rnd.clock_now().date_naive();
    let commands: Vec<Command> = vec![
        C::Register {
            draft: self::model("matrix model"),
        }
        .into(),
        C::Edit {
            id: model,
            draft: self::model("matrix model edited"),
        }
        .into(),
        C::SetPolicy {
            id: model,
            policy: KpiPolicy::defaults(),
        }
        .into(),
        C::LinkRequirements {
            id: model,
            links: vec![],
        }
        .into(),
        C::AddVersion {
            model,
            draft: self::version("v2"),
        }
        .into(),
        C::EditVersion {
            id: version,
            draft: self::version("v1"),
        }
        .into(),
        C::StartTesting { id: version }.into(),
        C::ApproveVersion { id: version }.into(),
        C::GoLive {
            version,
            justification: None,
        }
        .into(),
        C::GoLive {
            version,
            justification: Some("紧急上线：监管检查要求今日恢复服务 urgent".into()),
        }
        .into(),
        C::Rollback {
            version,
            reason: "回滚 roll back".into(),
        }
        .into(),
        C::RetireVersion { id: version }.into(),
        E::Import {
            model_version: version,
            meta: meta(today),
            sources: vec![ImportSource::Text {
                name: "results.csv".into(),
                text: "metric,value,n\naccuracy,0.93,2000\n".into(),
            }],
            expected: vec![],
            mappings: vec![],
        }
        .into(),
        E::RecordManual {
            model_version: version,
            meta: meta(today),
            values: passing(),
        }
        .into(),
        E::SignOff {
            id: evaluation,
            comment: String::new(),
        }
        .into(),
        E::Reject {
            id: evaluation,
            comment: "r".into(),
        }
        .into(),
        E::Decide {
            id: evaluation,
            kind: DecisionKind::Hold,
            rationale: "保持 hold".into(),
            owner,
            due: today,
        }
        .into(),
        E::CompleteDecision {
            id: evaluation,
            note: String::new(),
        }
        .into(),
    ];
    Ok(commands)
}

pub fn reads(login: &Login<'_>) -> ApiResult<Vec<SampleRead>> {
    let (model, version) = target(login)?;
    let evaluation = evaluation(login, version)?;
    let read_models = ModelPermission::Read.into();
    let read_evaluations = EvaluationPermission::Read.into();
    Ok(vec![
        SampleRead::new(read_models, |s: &Session| s.models()),
        SampleRead::new(read_models, move |s: &Session| s.model(model)),
        SampleRead::new(read_evaluations, move |s: &Session| {
            s.evaluation(evaluation)
        }),
        SampleRead::new(read_evaluations, |s: &Session| {
            s.evaluations(&Default::default())
        }),
        SampleRead::new(read_evaluations, move |s: &Session| s.kpi_trends(model)),
        SampleRead::new(EvaluationPermission::Record.into(), |s: &Session| {
            s.preview_import(&PreviewRequest {
                model: None,
                sources: vec![],
            })
        }),
        SampleRead::new(read_models, |s: &Session| {
            let card = s
                .dashboard()?
                .sections
                .into_iter()
                .find(|section| matches!(section, DashboardSection::Models(_)));
            card.ok_or_else(|| ApiError::new(ErrorCode::Forbidden))
        }),
    ])
}
