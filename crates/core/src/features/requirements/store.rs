//! The stored requirement: its row, its audit image and its search terms.

use crate::change::Image;
use crate::error::{CoreError, CoreResult};
use crate::shared::search::{self, SearchTable};
use crate::store::rows;
use chrono::{DateTime, Utc};
use govbench_protocol::{
    Assessment, Decision, DeliveryPlan, EntityRef, Priority, RequirementDraft, RequirementId,
    RequirementStatus, UserId,
};
use rusqlite::{params_from_iter, Connection, OptionalExtension, Row, ToSql};
use serde::{Deserialize, Serialize};

pub const SEARCH: SearchTable = SearchTable("requirement_search");

/// What is stored for a requirement; also its complete before/after image in the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: RequirementId,
    pub draft: RequirementDraft,
    pub status: RequirementStatus,
    pub filed_by: UserId,
    pub assessment: Option<Assessment>,
    pub decision: Option<Decision>,
    pub plan: Option<DeliveryPlan>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

impl Image for Record {
    fn entity(&self) -> EntityRef {
        self.id.into()
    }

    fn version(&self) -> u64 {
        self.version
    }
}

impl Record {
    /// What search finds a requirement by.
    fn search_texts(&self) -> [&str; 4] {
        [
            &self.draft.title,
            &self.draft.scenario,
            &self.draft.goals,
            &self.draft.department,
        ]
    }
}

pub const COLUMNS: &str =
    "id, title, scenario, goals, kpis, priority, department, wanted_by, status,
    filed_by, assessment, decision, plan, created_at, updated_at, version";

pub fn priority_at(row: &Row<'_>, i: usize) -> rusqlite::Result<Priority> {
    let rank: u8 = row.get(i)?;
    Priority::ALL
        .into_iter()
        .find(|p| p.rank() == rank)
        .ok_or(rusqlite::Error::InvalidColumnType(
            i,
            "priority".into(),
            rusqlite::types::Type::Integer,
        ))
}

pub fn status_at(row: &Row<'_>, i: usize) -> rusqlite::Result<RequirementStatus> {
    rows::keyed(row, i, RequirementStatus::from_key)
}

/// A record from a row selected with [`COLUMNS`].
pub fn record(row: &Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record {
        id: rows::parsed(row, 0)?,
        draft: RequirementDraft {
            title: row.get(1)?,
            scenario: row.get(2)?,
            goals: row.get(3)?,
            kpis: rows::json(row, 4)?.unwrap_or_default(),
            priority: priority_at(row, 5)?,
            department: row.get(6)?,
            wanted_by: row.get(7)?,
        },
        status: status_at(row, 8)?,
        filed_by: rows::parsed(row, 9)?,
        assessment: rows::json(row, 10)?,
        decision: rows::json(row, 11)?,
        plan: rows::json(row, 12)?,
        created_at: row.get(13)?,
        updated_at: row.get(14)?,
        version: row.get::<_, i64>(15)? as u64,
    })
}

/// The record's column values, in [`COLUMNS`] order.
fn values(r: &Record) -> CoreResult<Vec<Box<dyn ToSql>>> {
    Ok(vec![
        Box::new(r.id.to_string()),
        Box::new(r.draft.title.clone()),
        Box::new(r.draft.scenario.clone()),
        Box::new(r.draft.goals.clone()),
        Box::new(serde_json::to_string(&r.draft.kpis)?),
        Box::new(r.draft.priority.rank()),
        Box::new(r.draft.department.clone()),
        Box::new(r.draft.wanted_by),
        Box::new(r.status.key()),
        Box::new(r.filed_by.to_string()),
        Box::new(rows::to_json(&r.assessment)?),
        Box::new(rows::to_json(&r.decision)?),
        Box::new(rows::to_json(&r.plan)?),
        Box::new(r.created_at),
        Box::new(r.updated_at),
        Box::new(r.version as i64),
    ])
}

/// `?1, ?2, …` for every column.
fn marks() -> String {
    let n = COLUMNS.split(',').count();
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Stores a new requirement and indexes it for search.
pub(crate) fn insert(conn: &Connection, r: &Record) -> CoreResult<()> {
    let local_key: i64 = conn
        .prepare_cached(&format!(
            "INSERT INTO requirements ({COLUMNS}) VALUES ({}) RETURNING local_key",
            marks()
        ))?
        .query_row(params_from_iter(values(r)?), |row| row.get(0))?;
    search::put(conn, SEARCH, local_key, r.search_texts())
}

/// Writes `after` only if the row is still at `before`'s version, and re-indexes it.
pub fn update(conn: &Connection, before: &Record, r: &Record) -> CoreResult<()> {
    let mut args = values(r)?;
    args.push(Box::new(before.version as i64));
    let local_key: Option<i64> = conn
        .prepare_cached(&format!(
            "UPDATE requirements SET ({COLUMNS}) = ({})
             WHERE id = ?1 AND version = ?{} RETURNING local_key",
            marks(),
            args.len()
        ))?
        .query_row(params_from_iter(args), |row| row.get(0))
        .optional()?;
    match local_key {
        Some(key) => search::put(conn, SEARCH, key, r.search_texts()),
        None => Err(CoreError::Conflict(r.id.into())),
    }
}

pub fn load(conn: &Connection, id: RequirementId) -> CoreResult<Record> {
    find(conn, id)?.ok_or(CoreError::NotFound(id.into()))
}

pub(crate) fn find(conn: &Connection, id: RequirementId) -> CoreResult<Option<Record>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM requirements WHERE id = ?1"))?
        .query_row([id.to_string()], record)
        .optional()?)
}

pub(crate) fn exists(conn: &Connection, id: RequirementId) -> CoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM requirements WHERE id = ?1")?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Stores a change another copy made (see `Change::put`).
pub(crate) fn put(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    change.put(|r| insert(conn, r), |b, a| update(conn, b, a))
}
