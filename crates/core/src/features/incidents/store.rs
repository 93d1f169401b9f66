//! The stored incident, team member and response rules: each is its own audit image
//! (`shared::records`).

use crate::change::record_image;
use crate::error::CoreResult;
use crate::shared::follow_ups;
use crate::shared::records::{self, Stored};
use chrono::{DateTime, Utc};
use govbench_protocol::{
    EntityKind, Incident, IncidentId, IncidentStatus, ResponseRules, ResponseRulesId, TeamMember,
    UserId,
};
use rusqlite::{Connection, ToSql};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The response rules are one record per workspace, under a fixed id: two copies that both
/// edit them edit the same record (a conflict replication sees), never two rule sets.
pub const RULES_ID: ResponseRulesId =
    ResponseRulesId(Uuid::from_u128(0x0190_0000_0000_7000_8000_7275_6c65_7301));

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RulesRecord {
    pub id: ResponseRulesId,
    pub rules: ResponseRules,
    pub updated_by: UserId,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

record_image!(Incident, TeamMember, RulesRecord);

impl Stored for Incident {
    const KIND: EntityKind = EntityKind::Incident;
    const TABLE: &'static str = "incidents";
    const INDEXED: &'static [&'static str] =
        &["number", "severity", "status", "drill", "opened_at"];
    fn indexed(&self) -> Vec<Box<dyn ToSql>> {
        vec![
            Box::new(self.number.clone()),
            Box::new(self.draft.severity.key()),
            Box::new(self.status.key()),
            Box::new(self.drill.is_some()),
            Box::new(self.opened_at),
        ]
    }
}

impl Stored for TeamMember {
    const KIND: EntityKind = EntityKind::TeamMember;
    const TABLE: &'static str = "team_members";
    const INDEXED: &'static [&'static str] = &["user_id", "removed"];
    fn indexed(&self) -> Vec<Box<dyn ToSql>> {
        vec![
            Box::new(self.draft.user.to_string()),
            Box::new(self.removed),
        ]
    }
}

impl Stored for RulesRecord {
    const KIND: EntityKind = EntityKind::ResponseRules;
    const TABLE: &'static str = "response_rules";
    const INDEXED: &'static [&'static str] = &[];
    fn indexed(&self) -> Vec<Box<dyn ToSql>> {
        Vec::new()
    }
}

/// Stores a new incident (and indexes its open actions).
pub fn insert(conn: &Connection, incident: &Incident) -> CoreResult<()> {
    records::insert(conn, incident)?;
    index_actions(conn, incident)
}

pub fn update(conn: &Connection, before: &Incident, after: &Incident) -> CoreResult<()> {
    records::update(conn, before, after)?;
    index_actions(conn, after)
}

fn index_actions(conn: &Connection, incident: &Incident) -> CoreResult<()> {
    let actions = incident
        .review
        .as_ref()
        .map(|r| r.actions.as_slice())
        .unwrap_or_default();
    follow_ups::index(conn, incident.id.into(), actions)
}

pub fn find(conn: &Connection, id: IncidentId) -> CoreResult<Option<Incident>> {
    records::find(conn, id.0)
}

pub fn load(conn: &Connection, id: IncidentId) -> CoreResult<Incident> {
    records::load(conn, id.0)
}

/// The rules in force: the stored record, or the built-in defaults before any edit.
pub fn rules(conn: &Connection) -> CoreResult<ResponseRules> {
    Ok(rules_record(conn)?
        .map(|r| r.rules)
        .unwrap_or_else(ResponseRules::defaults))
}

pub fn rules_record(conn: &Connection) -> CoreResult<Option<RulesRecord>> {
    records::find(conn, RULES_ID.0)
}

/// The roster, removed members included, in the order they were added.
pub fn team(conn: &Connection) -> CoreResult<Vec<TeamMember>> {
    records::select(conn, "1", "local_key", &[])
}

/// Incidents that are not closed (their clocks may still run).
pub fn not_closed(conn: &Connection) -> CoreResult<Vec<Incident>> {
    records::select(
        conn,
        "status <> ?1",
        "opened_at, local_key",
        &[&IncidentStatus::Closed.key()],
    )
}

/// Incidents opened as part of a drill run.
pub fn of_drill(conn: &Connection, run: Uuid) -> CoreResult<Vec<Incident>> {
    let all: Vec<Incident> = records::select(conn, "drill = 1", "opened_at, local_key", &[])?;
    Ok(all
        .into_iter()
        .filter(|i| i.drill.map(|d| d.0) == Some(run))
        .collect())
}

/// Stores a change another copy made to an incident (its open actions re-indexed; see
/// `Change::put`).
pub(crate) fn put(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    change.put(|i| insert(conn, i), |b, a| update(conn, b, a))
}

pub(crate) fn put_member(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    records::put::<TeamMember>(conn, change)
}

pub(crate) fn put_rules(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    records::put::<RulesRecord>(conn, change)
}
