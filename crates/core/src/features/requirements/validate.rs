use crate::error::CoreResult;
use crate::features::users;
use crate::shared::validate::Check;
use govbench_protocol::{Assessment, Decision, DeliveryPlan, RequirementDraft};
use rusqlite::Connection;

pub fn draft(draft: &RequirementDraft) -> CoreResult<()> {
    let mut check = Check::new();
    check
        .text("title", &draft.title, 200)
        .text("scenario", &draft.scenario, 10_000)
        .text("goals", &draft.goals, 10_000)
        .text("department", &draft.department, 100);
    if draft.kpis.is_empty() {
        check.fail("kpis", "no_kpis");
    }
    for (i, kpi) in draft.kpis.iter().enumerate() {
        check.text(format!("kpis.{i}.metric"), &kpi.metric, 100);
        if !kpi.target.is_finite() {
            check.fail(format!("kpis.{i}.target"), "not_a_number");
        }
        check.optional_text(format!("kpis.{i}.unit"), &kpi.unit, 20);
    }
    check.finish()
}

pub fn assessment(a: &Assessment) -> CoreResult<()> {
    let mut check = Check::new();
    check
        .text("resources", &a.resources, 5_000)
        .text("plan", &a.plan, 10_000)
        .optional_text("risks", &a.risks, 5_000);
    if a.effort_person_days == 0 {
        check.fail("effort_person_days", "not_positive");
    }
    check.finish()
}

pub fn decision(d: &Decision) -> CoreResult<()> {
    let mut check = Check::new();
    if let Decision::Reject { reason } | Decision::Return { reason } = d {
        check.text("reason", reason, 5_000);
    }
    check.finish()
}

pub fn plan(conn: &Connection, plan: &DeliveryPlan) -> CoreResult<()> {
    let mut check = Check::new();
    if users::find(conn, plan.owner)?.is_none() {
        check.fail("owner", "unknown_user");
    }
    for (i, m) in plan.milestones.iter().enumerate() {
        check.text(format!("milestones.{i}.title"), &m.title, 200);
        if m.due > plan.target_delivery {
            check.fail(format!("milestones.{i}.due"), "milestone_after_delivery");
        }
    }
    check.finish()
}
