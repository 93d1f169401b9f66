//! The stored assessments and export records: each is its own audit image
//! (`shared::records`).

use crate::change::record_image;
use crate::error::CoreResult;
use crate::shared::follow_ups;
use crate::shared::records::{self, Stored};
use govbench_protocol::{AssessmentId, EntityKind, ExportId, QuarterlyAssessment, ReportExport};
use rusqlite::{Connection, ToSql};

record_image!(QuarterlyAssessment, ReportExport);

impl Stored for QuarterlyAssessment {
    const KIND: EntityKind = EntityKind::Assessment;
    const TABLE: &'static str = "assessments";
    const INDEXED: &'static [&'static str] = &["quarter", "status"];
    fn indexed(&self) -> Vec<Box<dyn ToSql>> {
        vec![Box::new(self.quarter.clone()), Box::new(self.status.key())]
    }
}

impl Stored for ReportExport {
    const KIND: EntityKind = EntityKind::ReportExport;
    const TABLE: &'static str = "report_exports";
    const INDEXED: &'static [&'static str] = &["quarter", "exported_at"];
    fn indexed(&self) -> Vec<Box<dyn ToSql>> {
        vec![Box::new(self.quarter.clone()), Box::new(self.exported_at)]
    }
}

pub fn insert(conn: &Connection, a: &QuarterlyAssessment) -> CoreResult<()> {
    records::insert(conn, a)?;
    follow_ups::index(conn, a.id.into(), &a.meeting.adjustments)
}

pub fn update(
    conn: &Connection,
    before: &QuarterlyAssessment,
    after: &QuarterlyAssessment,
) -> CoreResult<()> {
    records::update(conn, before, after)?;
    follow_ups::index(conn, after.id.into(), &after.meeting.adjustments)
}

pub(crate) fn find(conn: &Connection, id: AssessmentId) -> CoreResult<Option<QuarterlyAssessment>> {
    records::find(conn, id.0)
}

pub fn load(conn: &Connection, id: AssessmentId) -> CoreResult<QuarterlyAssessment> {
    records::load(conn, id.0)
}

pub fn of_quarter(conn: &Connection, quarter: &str) -> CoreResult<Option<QuarterlyAssessment>> {
    Ok(
        records::select(conn, "quarter = ?1", "local_key", &[&quarter])?
            .into_iter()
            .next(),
    )
}

/// Every assessment, the latest quarter first.
pub fn all(conn: &Connection) -> CoreResult<Vec<QuarterlyAssessment>> {
    records::select(conn, "1", "quarter DESC, local_key", &[])
}

pub(crate) fn find_export(conn: &Connection, id: ExportId) -> CoreResult<Option<ReportExport>> {
    records::find(conn, id.0)
}

/// The latest exports, newest first.
pub fn exports(conn: &Connection, limit: u32) -> CoreResult<Vec<ReportExport>> {
    records::select(
        conn,
        "1",
        &format!("exported_at DESC, local_key DESC LIMIT {limit}"),
        &[],
    )
}

pub fn insert_export(conn: &Connection, export: &ReportExport) -> CoreResult<()> {
    records::insert(conn, export)
}

/// Stores a change another copy made to an assessment (its adjustments re-indexed; see
/// `Change::put`).
pub(crate) fn put(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    change.put(|a| insert(conn, a), |b, a| update(conn, b, a))
}

pub(crate) fn put_export(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    records::put::<ReportExport>(conn, change)
}
