//! One instance of every requirement command and read, on real records made through the
//! write path by the roles who would make them, for the role × command matrix tests.

use crate::access::Session;
use crate::error::ApiResult;
use crate::shared::samples::{Login, SampleRead};
use chrono::{Duration, Utc};
use govbench_protocol::{
    ApiError, Assessment, Command, Comparator, DashboardSection, Decision, DeliveryPlan, ErrorCode,
    Feasibility, Kpi, Priority, RequirementCommand as C, RequirementDraft, RequirementId,
    RequirementPermission, Role,
};

pub fn draft(title: &str) -> RequirementDraft {
    RequirementDraft {
        title: title.into(),
        scenario: "门诊病历质控 outpatient record QA".into(),
        goals: "降低缺陷率 reduce defects".into(),
        kpis: vec![Kpi {
            metric: "recall".into(),
            comparator: Comparator::AtLeast,
            target: 92.0,
            unit: "%".into(),
        }],
        priority: Priority::High,
        department: "医疗事业部".into(),
        wanted_by: Utc::now().date_naive() + Duration::days(30),
    }
}

/// A draft requirement filed by Business, as a target for the samples.
pub fn target(login: &Login<'_>) -> ApiResult<RequirementId> {
    let outcome = login(Role::Business)?.execute(C::File {
        draft: draft("矩阵测试 matrix"),
        submit: false,
    })?;
    Ok(RequirementId(outcome.entity.id))
}

pub fn commands(login: &Login<'_>) -> ApiResult<Vec<Command>> {
    let id = target(login)?;
    let owner = login(Role::RnD)?.user().id;
    let assessment = Assessment {
        feasibility: Feasibility::Feasible,
        resources: "r".into(),
        effort_person_days: 3,
        plan: "p".into(),
        risks: String::new(),
    };
    let commands = vec![
        C::File {
            draft: draft("matrix"),
            submit: false,
        },
        C::Edit {
            id,
            draft: draft("matrix edited"),
        },
        C::Submit { id },
        C::StartAssessment { id },
        C::Assess { id, assessment },
        C::Decide {
            id,
            decision: Decision::Approve,
        },
        C::Decide {
            id,
            decision: Decision::Reject { reason: "r".into() },
        },
        C::Decide {
            id,
            decision: Decision::Return { reason: "r".into() },
        },
        C::Plan {
            id,
            plan: DeliveryPlan {
                owner,
                milestones: vec![],
                target_delivery: Utc::now().date_naive(),
            },
        },
        C::StartDevelopment { id },
        C::MarkDelivered { id },
        C::Close { id },
    ];
    Ok(commands.into_iter().map(Command::from).collect())
}

pub fn reads(login: &Login<'_>) -> ApiResult<Vec<SampleRead>> {
    let id = target(login)?;
    let read = RequirementPermission::Read.into();
    Ok(vec![
        SampleRead::new(read, |s: &Session| s.requirements(&Default::default())),
        SampleRead::new(read, move |s: &Session| s.requirement(id)),
        // The dashboard itself is open to all; a role without the permission gets no
        // requirements card, which counts as refused here.
        SampleRead::new(read, |s: &Session| {
            let card = s
                .dashboard()?
                .sections
                .into_iter()
                .find(|section| matches!(section, DashboardSection::Requirements(_)));
            card.ok_or_else(|| ApiError::new(ErrorCode::Forbidden))
        }),
    ])
}
