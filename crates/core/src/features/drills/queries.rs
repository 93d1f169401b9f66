//! Reads of drills: the template library as this workspace has it, plans with their next
//! due date, and run summaries.

use super::{library, store};
use crate::error::CoreResult;
use crate::members;
use chrono::{Months, NaiveDate};
use govbench_protocol::{
    DrillPlan, DrillRun, DrillRunSummary, DrillTemplate, PlanRow, StepOutcome, TemplateRow,
};
use rusqlite::Connection;
use std::collections::HashMap;

/// Every template: the built-ins, each replaced by this workspace's latest revision where it
/// has one, then the workspace's own.
pub fn templates(conn: &Connection) -> CoreResult<Vec<TemplateRow>> {
    let mut latest: Vec<govbench_protocol::DrillTemplateRecord> = Vec::new();
    for record in store::stored_templates(conn)? {
        match latest
            .iter_mut()
            .find(|r| r.template.id == record.template.id)
        {
            Some(r) if r.template.version < record.template.version => *r = record,
            Some(_) => {}
            None => latest.push(record),
        }
    }
    let mut rows: Vec<TemplateRow> = Vec::new();
    for builtin in library::templates()? {
        rows.push(
            match latest.iter().position(|r| r.template.id == builtin.id) {
                Some(at) => {
                    let r = latest.remove(at);
                    TemplateRow {
                        template: r.template,
                        edited: true,
                        updated_at: Some(r.updated_at),
                    }
                }
                None => TemplateRow {
                    template: builtin,
                    edited: false,
                    updated_at: None,
                },
            },
        );
    }
    rows.extend(latest.into_iter().map(|r| TemplateRow {
        template: r.template,
        edited: true,
        updated_at: Some(r.updated_at),
    }));
    Ok(rows)
}

/// The current revision of the template `key`.
pub fn template(conn: &Connection, key: &str) -> CoreResult<Option<DrillTemplate>> {
    if let Some(stored) = store::stored_template(conn, key)? {
        return Ok(Some(stored.template));
    }
    Ok(library::templates()?.into_iter().find(|t| t.id == key))
}

/// The due date of a plan's `n`-th drill (0: the first).
pub fn due(plan: &DrillPlan, n: u32) -> NaiveDate {
    plan.draft
        .first_due
        .checked_add_months(Months::new(plan.draft.every_months.saturating_mul(n)))
        .unwrap_or(plan.draft.first_due)
}

pub fn plan_rows(
    conn: &Connection,
    templates: &[TemplateRow],
    today: NaiveDate,
) -> CoreResult<Vec<PlanRow>> {
    let done: HashMap<String, u32> = store::finished_per_plan(conn)?.into_iter().collect();
    store::plans(conn)?
        .into_iter()
        .map(|plan| {
            let done = done.get(&plan.id.to_string()).copied().unwrap_or(0);
            let next_due = due(&plan, done);
            Ok(PlanRow {
                template_title: templates
                    .iter()
                    .find(|t| t.template.id == plan.draft.template)
                    .map(|t| t.template.title.clone()),
                owner_name: members::user_ref(conn, plan.draft.owner)?.display_name,
                done,
                overdue: plan.active && next_due < today,
                next_due,
                plan,
            })
        })
        .collect()
}

pub fn summary(run: &DrillRun, plans: &[DrillPlan]) -> DrillRunSummary {
    let count = |o: StepOutcome| run.steps.iter().filter(|s| s.outcome == Some(o)).count() as u32;
    DrillRunSummary {
        id: run.id,
        number: run.number.clone(),
        title: run.template.title.clone(),
        status: run.status,
        result: run.evaluation.as_ref().map(|e| e.result),
        plan_title: run
            .plan
            .and_then(|p| plans.iter().find(|plan| plan.id == p))
            .map(|p| p.draft.title.clone()),
        started_at: run.started_at,
        finished_at: run.finished_at,
        steps_passed: count(StepOutcome::Pass),
        steps_failed: count(StepOutcome::Fail),
        steps_total: run.steps.len() as u32,
    }
}
