//! One instance of every drill command and read, on real records made through the write
//! path, for the role × command matrix tests — and building blocks other tests use.

use crate::access::Session;
use crate::error::ApiResult;
use crate::shared::samples::{Login, SampleRead};
use chrono::Duration;
use govbench_protocol::{
    ActionDraft, ApiError, Command, DashboardSection, DrillCommand as C, DrillEvaluation,
    DrillPermission, DrillPlanDraft, DrillPlanId, DrillResult, DrillRunId, ErrorCode, Role,
    StepOutcome,
};

pub const TEMPLATE: &str = "emergency-rollback";

pub fn plan_draft(
    owner: govbench_protocol::UserId,
    first_due: chrono::NaiveDate,
) -> DrillPlanDraft {
    DrillPlanDraft {
        title: "运维组季度演练 Ops quarterly drill".into(),
        template: TEMPLATE.into(),
        every_months: 3,
        first_due,
        owner,
    }
}

/// A plan made by the project manager.
pub fn plan(login: &Login<'_>) -> ApiResult<DrillPlanId> {
    let mut pm = login(Role::ProjectManager)?;
    let today = pm.clock_now().date_naive();
    let owner = login(Role::Operations)?.user().id;
    let outcome = pm.execute(C::AddPlan {
        draft: plan_draft(owner, today),
    })?;
    Ok(DrillPlanId(outcome.entity.id))
}

/// A drill run started by Operations.
pub fn run(login: &Login<'_>) -> ApiResult<DrillRunId> {
    let outcome = login(Role::Operations)?.execute(C::Start {
        template: TEMPLATE.into(),
        plan: None,
    })?;
    Ok(DrillRunId(outcome.entity.id))
}

pub fn commands(login: &Login<'_>) -> ApiResult<Vec<Command>> {
    let plan = plan(login)?;
    let run = run(login)?;
    let pm = login(Role::ProjectManager)?;
    let today = pm.clock_now().date_naive();
    let owner = pm.user().id;
    let template = pm
        .drill_templates()?
        .into_iter()
        .find(|t| t.id == TEMPLATE)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let commands: Vec<Command> = vec![
        C::SaveTemplate { template }.into(),
        C::AddPlan {
            draft: plan_draft(owner, today),
        }
        .into(),
        C::EditPlan {
            id: plan,
            draft: plan_draft(owner, today + Duration::days(7)),
            active: true,
        }
        .into(),
        C::Start {
            template: TEMPLATE.into(),
            plan: Some(plan),
        }
        .into(),
        C::CheckStep {
            run,
            step: 0,
            outcome: StepOutcome::Pass,
            note: "按时完成 on time".into(),
        }
        .into(),
        C::Finish {
            run,
            evaluation: DrillEvaluation {
                result: DrillResult::PartlyPassed,
                summary: "回滚顺利，通知偏慢 rollback fine, paging slow".into(),
            },
            findings: vec![ActionDraft {
                text: "缩短通知链 shorten the paging chain".into(),
                preventive: true,
                owner,
                due: today,
            }],
        }
        .into(),
        C::CompleteAction {
            run,
            action: uuid::Uuid::now_v7(),
            note: String::new(),
        }
        .into(),
    ];
    Ok(commands)
}

pub fn reads(login: &Login<'_>) -> ApiResult<Vec<SampleRead>> {
    let run = run(login)?;
    let read = DrillPermission::Read.into();
    Ok(vec![
        SampleRead::new(read, |s: &Session| s.drills()),
        SampleRead::new(read, |s: &Session| s.drill_templates()),
        SampleRead::new(read, move |s: &Session| s.drill_run(run)),
        SampleRead::new(read, |s: &Session| {
            let card = s
                .dashboard()?
                .sections
                .into_iter()
                .find(|section| matches!(section, DashboardSection::Drills(_)));
            card.ok_or_else(|| ApiError::new(ErrorCode::Forbidden))
        }),
    ])
}
