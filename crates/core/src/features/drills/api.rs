//! The drill use cases every front end calls, each behind the read door.

use super::lifecycle::RUN;
use super::{queries, store};
use crate::access::Session;
use crate::authz;
use crate::error::{ApiResult, CoreResult};
use crate::features::incidents;
use crate::members;
use crate::shared::{attachments, follow_ups};
use chrono::Duration;
use govbench_protocol::{
    DashboardSection, DrillAction, DrillPermission, DrillRunDetail, DrillRunId, DrillTemplate,
    DrillsDashboard, DrillsOverview, EntityKind, UserId,
};
use rusqlite::Connection;

/// How many entries each dashboard list shows.
const DASHBOARD_LIST: usize = 10;
/// Runs listed on the drills page.
const RUNS_LISTED: u32 = 500;
/// A plan shows on the dashboard from this many days before it is due.
const DUE_SOON_DAYS: i64 = 30;

fn run_actions(
    conn: &Connection,
    id: uuid::Uuid,
) -> CoreResult<Option<(String, Vec<govbench_protocol::CorrectiveAction>)>> {
    Ok(store::find_run(conn, DrillRunId(id))?.map(|r| (r.number, r.findings)))
}

impl Session {
    pub fn drills(&self) -> ApiResult<DrillsOverview> {
        self.read(DrillPermission::Read, |r| {
            let templates = queries::templates(r.conn)?;
            let plans = queries::plan_rows(r.conn, &templates, r.today)?;
            let plain: Vec<_> = plans.iter().map(|p| p.plan.clone()).collect();
            let runs = store::runs(r.conn, RUNS_LISTED)?
                .iter()
                .map(|run| queries::summary(run, &plain))
                .collect();
            let may = |p: DrillPermission| authz::allows(r.user.role, p.into());
            Ok(DrillsOverview {
                templates,
                plans,
                runs,
                can_edit_templates: may(DrillPermission::EditTemplates),
                can_plan: may(DrillPermission::Plan),
                can_run: may(DrillPermission::Run),
            })
        })
    }

    /// The built-in templates and this workspace's revisions, as the library stands.
    pub fn drill_templates(&self) -> ApiResult<Vec<DrillTemplate>> {
        self.read(DrillPermission::Read, |r| {
            Ok(queries::templates(r.conn)?
                .into_iter()
                .map(|t| t.template)
                .collect())
        })
    }

    pub fn drill_run(&self, id: DrillRunId) -> ApiResult<DrillRunDetail> {
        self.read(DrillPermission::Read, |r| {
            let run = store::load_run(r.conn, id)?;
            let plan_title = match run.plan {
                Some(p) => Some(store::load_plan(r.conn, p)?.draft.title),
                None => None,
            };
            let mut ids: Vec<UserId> = vec![run.started_by];
            ids.extend(run.steps.iter().filter_map(|s| s.by));
            for f in &run.findings {
                ids.push(f.owner);
                ids.extend(f.done.as_ref().map(|d| d.by));
            }
            let names = members::display_names(r.conn, ids)?;
            let mut model_names = incidents::ModelNames::default();
            let incidents = incidents::of_drill(r.conn, id.0)?
                .iter()
                .map(|i| incidents::summary(r.conn, &mut model_names, i, r.now))
                .collect::<CoreResult<Vec<_>>>()?;
            let mut allowed_actions = RUN.allowed(r.user.role, run.status);
            if run.findings.iter().all(|f| f.done.is_some()) {
                allowed_actions.retain(|a| *a != DrillAction::CompleteAction);
            }
            Ok(DrillRunDetail {
                times: run.step_times(),
                plan_title,
                names,
                attachments: attachments::on(r.conn, id.into())?,
                incidents,
                allowed_actions,
                run,
            })
        })
    }

    pub(crate) fn drills_dashboard(&self) -> CoreResult<Option<DashboardSection>> {
        if !self.may(DrillPermission::Read) {
            return Ok(None);
        }
        self.read_core(DrillPermission::Read.into(), |r| {
            let templates = queries::templates(r.conn)?;
            let horizon = r.today + Duration::days(DUE_SOON_DAYS);
            let due = queries::plan_rows(r.conn, &templates, r.today)?
                .into_iter()
                .filter(|p| p.plan.active && p.next_due <= horizon)
                .collect();
            let plans = store::plans(r.conn)?;
            let running = store::running(r.conn)?
                .iter()
                .map(|run| queries::summary(run, &plans))
                .collect();
            Ok(Some(DashboardSection::Drills(DrillsDashboard {
                due,
                running,
                my_actions: follow_ups::open_actions(
                    r.conn,
                    EntityKind::DrillRun,
                    r.user.id,
                    DASHBOARD_LIST,
                    run_actions,
                )?,
            })))
        })
    }
}
