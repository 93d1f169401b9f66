use crate::error::CoreResult;
use crate::members;
use crate::shared::validate::Check;
use govbench_protocol::{Assessment, Decision, DeliveryPlan, RequirementDraft};
use rusqlite::Connection;

/// At most this many expected KPIs per requirement and milestones per plan: more is not a
/// plan a person reads, and every one of them is carried in each audit image.
pub const MAX_KPIS: usize = 50;
pub const MAX_MILESTONES: usize = 100;
/// A thousand person-years: anything above is a typo.
pub const MAX_EFFORT_PERSON_DAYS: u32 = 250_000;
/// KPI targets are percentages, milliseconds, counts…: ±10¹² holds every real one.
pub const KPI_TARGET_LIMIT: f64 = 1e12;

pub fn draft(draft: &RequirementDraft) -> CoreResult<()> {
    let mut check = Check::new();
    check
        .text("title", &draft.title, 200)
        .multiline("scenario", &draft.scenario, 10_000)
        .multiline("goals", &draft.goals, 10_000)
        .text("department", &draft.department, 100)
        .date("wanted_by", draft.wanted_by)
        .count("kpis", draft.kpis.len(), MAX_KPIS);
    if draft.kpis.is_empty() {
        check.fail("kpis", "no_kpis");
    }
    for (i, kpi) in draft.kpis.iter().enumerate().take(MAX_KPIS) {
        check
            .text(format!("kpis.{i}.metric"), &kpi.metric, 100)
            .number(
                format!("kpis.{i}.target"),
                kpi.target,
                -KPI_TARGET_LIMIT,
                KPI_TARGET_LIMIT,
            )
            .optional_text(format!("kpis.{i}.unit"), &kpi.unit, 20);
    }
    check.finish()
}

pub fn assessment(a: &Assessment) -> CoreResult<()> {
    let mut check = Check::new();
    check
        .multiline("resources", &a.resources, 5_000)
        .multiline("plan", &a.plan, 10_000)
        .optional_multiline("risks", &a.risks, 5_000);
    if a.effort_person_days == 0 {
        check.fail("effort_person_days", "not_positive");
    } else if a.effort_person_days > MAX_EFFORT_PERSON_DAYS {
        check.fail("effort_person_days", "out_of_range");
    }
    check.finish()
}

pub fn decision(d: &Decision) -> CoreResult<()> {
    let mut check = Check::new();
    if let Decision::Reject { reason } | Decision::Return { reason } = d {
        check.multiline("reason", reason, 5_000);
    }
    check.finish()
}

pub fn plan(conn: &Connection, plan: &DeliveryPlan) -> CoreResult<()> {
    let mut check = Check::new();
    if members::find(conn, plan.owner)?.is_none() {
        check.fail("owner", "unknown_user");
    }
    check.date("target_delivery", plan.target_delivery).count(
        "milestones",
        plan.milestones.len(),
        MAX_MILESTONES,
    );
    for (i, m) in plan.milestones.iter().enumerate().take(MAX_MILESTONES) {
        check
            .text(format!("milestones.{i}.title"), &m.title, 200)
            .date(format!("milestones.{i}.due"), m.due);
        if m.due > plan.target_delivery {
            check.fail(format!("milestones.{i}.due"), "milestone_after_delivery");
        }
    }
    check.finish()
}
