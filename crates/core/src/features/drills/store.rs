//! The stored drill template revisions, plans and runs: each is its own audit image
//! (`shared::records`).

use crate::change::record_image;
use crate::error::CoreResult;
use crate::shared::follow_ups;
use crate::shared::records::{self, Stored};
use govbench_protocol::{
    DrillPlan, DrillPlanId, DrillRun, DrillRunId, DrillRunStatus, DrillTemplateRecord, EntityKind,
};
use rusqlite::{Connection, ToSql};

record_image!(DrillTemplateRecord, DrillPlan, DrillRun);

impl Stored for DrillTemplateRecord {
    const KIND: EntityKind = EntityKind::DrillTemplate;
    const TABLE: &'static str = "drill_templates";
    const INDEXED: &'static [&'static str] = &["template_key"];
    fn indexed(&self) -> Vec<Box<dyn ToSql>> {
        vec![Box::new(self.template.id.clone())]
    }
}

impl Stored for DrillPlan {
    const KIND: EntityKind = EntityKind::DrillPlan;
    const TABLE: &'static str = "drill_plans";
    const INDEXED: &'static [&'static str] = &["created_at"];
    fn indexed(&self) -> Vec<Box<dyn ToSql>> {
        vec![Box::new(self.created_at)]
    }
}

impl Stored for DrillRun {
    const KIND: EntityKind = EntityKind::DrillRun;
    const TABLE: &'static str = "drill_runs";
    const INDEXED: &'static [&'static str] = &["number", "plan_id", "status", "started_at"];
    fn indexed(&self) -> Vec<Box<dyn ToSql>> {
        vec![
            Box::new(self.number.clone()),
            Box::new(self.plan.map(|p| p.to_string())),
            Box::new(self.status.key()),
            Box::new(self.started_at),
        ]
    }
}

pub fn insert_run(conn: &Connection, run: &DrillRun) -> CoreResult<()> {
    records::insert(conn, run)?;
    follow_ups::index(conn, run.id.into(), &run.findings)
}

pub fn update_run(conn: &Connection, before: &DrillRun, after: &DrillRun) -> CoreResult<()> {
    records::update(conn, before, after)?;
    follow_ups::index(conn, after.id.into(), &after.findings)
}

/// The workspace's own template revisions (the latest stored per key wins).
pub fn stored_templates(conn: &Connection) -> CoreResult<Vec<DrillTemplateRecord>> {
    records::select(conn, "1", "local_key", &[])
}

pub fn stored_template(conn: &Connection, key: &str) -> CoreResult<Option<DrillTemplateRecord>> {
    Ok(records::select::<DrillTemplateRecord>(
        conn,
        "template_key = ?1",
        "version DESC, local_key DESC",
        &[&key],
    )?
    .into_iter()
    .next())
}

pub fn plans(conn: &Connection) -> CoreResult<Vec<DrillPlan>> {
    records::select(conn, "1", "created_at, local_key", &[])
}

pub fn load_plan(conn: &Connection, id: DrillPlanId) -> CoreResult<DrillPlan> {
    records::load(conn, id.0)
}

pub fn find_run(conn: &Connection, id: DrillRunId) -> CoreResult<Option<DrillRun>> {
    records::find(conn, id.0)
}

pub fn load_run(conn: &Connection, id: DrillRunId) -> CoreResult<DrillRun> {
    records::load(conn, id.0)
}

/// Runs, newest first, at most `limit`.
pub fn runs(conn: &Connection, limit: u32) -> CoreResult<Vec<DrillRun>> {
    records::select(
        conn,
        "1",
        &format!("started_at DESC, local_key DESC LIMIT {limit}"),
        &[],
    )
}

pub fn running(conn: &Connection) -> CoreResult<Vec<DrillRun>> {
    records::select(
        conn,
        "status = ?1",
        "started_at DESC, local_key DESC",
        &[&DrillRunStatus::Running.key()],
    )
}

/// How many drills under each plan were finished.
pub fn finished_per_plan(conn: &Connection) -> CoreResult<Vec<(String, u32)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT plan_id, COUNT(*) FROM drill_runs WHERE plan_id IS NOT NULL AND status = ?1
         GROUP BY plan_id",
    )?;
    let rows = stmt
        .query_map([DrillRunStatus::Finished.key()], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, u32>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub(crate) fn put_template(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    records::put::<DrillTemplateRecord>(conn, change)
}

pub(crate) fn put_plan(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    records::put::<DrillPlan>(conn, change)
}

/// Stores a change another copy made to a run (its findings re-indexed; see `Change::put`).
pub(crate) fn put_run(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    change.put(|r| insert_run(conn, r), |b, a| update_run(conn, b, a))
}
