//! Reads of incidents: the filtered list, the quarterly statistics, the alerts a member is
//! named for, and what a detail page shows.

use super::clocks::quarter_of;
use super::store;
use crate::error::CoreResult;
use crate::features::models;
use crate::members;
use crate::shared::records;
use crate::store::keyset::{KeyOrder, PageStart};
use chrono::{DateTime, FixedOffset, Utc};
use govbench_protocol::{
    quarter_key, worst_clock, ClockStatus, Incident, IncidentAlert, IncidentPage, IncidentQuery,
    IncidentStats, IncidentStatus as S, IncidentSummary, ModelId, NotifyTarget, Severity,
    SeverityStats, UserId, UserSummary,
};
use rusqlite::{Connection, ToSql};
use std::collections::HashMap;

pub const MAX_PAGE: u32 = 200;

/// Model names, looked up once per model while a list is built.
#[derive(Default)]
pub struct ModelNames(HashMap<ModelId, Option<String>>);

impl ModelNames {
    pub fn of(&mut self, conn: &Connection, id: Option<ModelId>) -> CoreResult<Option<String>> {
        let Some(id) = id else { return Ok(None) };
        if let Some(name) = self.0.get(&id) {
            return Ok(name.clone());
        }
        let name = models::find_model(conn, id)?.map(|m| m.draft.name);
        self.0.insert(id, name.clone());
        Ok(name)
    }
}

pub fn summary(
    conn: &Connection,
    names: &mut ModelNames,
    i: &Incident,
    now: DateTime<Utc>,
) -> CoreResult<IncidentSummary> {
    let clocks = i.clocks(now);
    Ok(IncidentSummary {
        id: i.id,
        number: i.number.clone(),
        title: i.draft.title.clone(),
        severity: i.draft.severity,
        status: i.status,
        drill: i.drill.is_some(),
        model_name: names.of(conn, i.draft.model)?,
        opened_at: i.opened_at,
        clock: worst_clock(&clocks),
        next_due: clocks
            .iter()
            .filter(|c| c.status.is_open())
            .map(|c| c.due)
            .min(),
    })
}

fn quarter_range(
    quarter: &str,
    zone: FixedOffset,
    now: DateTime<Utc>,
) -> CoreResult<(DateTime<Utc>, DateTime<Utc>)> {
    let span = crate::shared::quarters::Span::parse(quarter, zone, now)?;
    Ok((span.start, span.end))
}

/// The list's order: newest first.
const NEWEST_FIRST: KeyOrder = KeyOrder {
    columns: &["opened_at", "local_key"],
    descending: true,
};

/// One page of the list, newest first, how many match, and where the next page starts.
pub fn page(
    conn: &Connection,
    query: &IncidentQuery,
    zone: FixedOffset,
    now: DateTime<Utc>,
) -> CoreResult<IncidentPage> {
    let mut conditions: Vec<String> = Vec::new();
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    let mut bind = |conditions: &mut Vec<String>, sql: &str, value: Box<dyn ToSql>| {
        args.push(value);
        conditions.push(sql.replace('?', &format!("?{}", args.len())));
    };
    if let Some(status) = query.status {
        bind(&mut conditions, "status = ?", Box::new(status.key()));
    }
    if let Some(severity) = query.severity {
        bind(&mut conditions, "severity = ?", Box::new(severity.key()));
    }
    if let Some(quarter) = query.quarter.as_deref().filter(|q| !q.trim().is_empty()) {
        let (from, to) = quarter_range(quarter, zone, now)?;
        bind(&mut conditions, "opened_at >= ?", Box::new(from));
        bind(&mut conditions, "opened_at < ?", Box::new(to));
    }
    if query.active_only {
        conditions.push(format!(
            "status IN ('{}', '{}', '{}')",
            S::Open.key(),
            S::Acknowledged.key(),
            S::Mitigated.key()
        ));
    }
    if !query.include_drills {
        conditions.push("drill = 0".into());
    }
    let condition = if conditions.is_empty() {
        "1".to_owned()
    } else {
        conditions.join(" AND ")
    };
    let refs: Vec<&dyn ToSql> = args.iter().map(|a| a.as_ref()).collect();
    let total: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM incidents WHERE {condition}"))?
        .query_row(refs.as_slice(), |row| row.get(0))?;
    let limit = query.limit.clamp(1, MAX_PAGE);
    let start = PageStart::of(query.offset, query.after.as_deref())?;
    let (page, next): (Vec<Incident>, _) =
        records::page(conn, &condition, &refs, &NEWEST_FIRST, &start, limit)?;
    let mut names = ModelNames::default();
    let items = page
        .iter()
        .map(|i| summary(conn, &mut names, i, now))
        .collect::<CoreResult<Vec<_>>>()?;
    Ok(IncidentPage {
        items,
        total: total as u64,
        next,
    })
}

/// Incidents opened in `quarter` (in the user's zone), by level; drills never count.
pub fn stats(
    conn: &Connection,
    quarter: &str,
    zone: FixedOffset,
    now: DateTime<Utc>,
) -> CoreResult<IncidentStats> {
    let (from, to) = quarter_range(quarter, zone, now)?;
    let incidents: Vec<Incident> = records::select(
        conn,
        "drill = 0 AND opened_at >= ?1 AND opened_at < ?2",
        "opened_at",
        &[&from, &to],
    )?;
    let (year, q) = quarter_of(from, zone);
    let mean = |values: Vec<f64>| {
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    let minutes = |i: &Incident, at: Option<DateTime<Utc>>| {
        at.map(|at| (at - i.opened_at).num_seconds() as f64 / 60.0)
    };
    let rows = Severity::ALL
        .into_iter()
        .map(|severity| {
            let of: Vec<&Incident> = incidents
                .iter()
                .filter(|i| i.draft.severity == severity)
                .collect();
            let within = of
                .iter()
                .filter(|i| !i.clocks(now).iter().any(|c| c.status.is_breached()))
                .count();
            SeverityStats {
                severity,
                count: of.len() as u64,
                mean_acknowledge_minutes: mean(
                    of.iter()
                        .filter_map(|i| minutes(i, i.reached.acknowledged))
                        .collect(),
                ),
                mean_resolve_minutes: mean(
                    of.iter()
                        .filter_map(|i| minutes(i, i.reached.resolved))
                        .collect(),
                ),
                within_targets: (!of.is_empty()).then(|| within as f64 / of.len() as f64),
            }
        })
        .collect();
    Ok(IncidentStats {
        quarter: quarter_key(year, q),
        rows,
    })
}

/// Does the flow name this user (by role or by name)?
pub fn names(targets: &[NotifyTarget], user: &UserSummary) -> bool {
    targets.iter().any(|t| match t {
        NotifyTarget::Role(role) => *role == user.role,
        NotifyTarget::Member(id) => *id == user.id,
    })
}

/// Clocks due soon or breached on incidents whose level's rules name `user`.
pub fn alerts(
    conn: &Connection,
    user: &UserSummary,
    now: DateTime<Utc>,
) -> CoreResult<Vec<IncidentAlert>> {
    let mut alerts = Vec::new();
    for i in store::not_closed(conn)? {
        if !names(&i.flow.notify, user) {
            continue;
        }
        // A drill's incident is practised while the drill runs; after it, nobody is paged.
        if let Some(run) = i.drill {
            if !super::is_running(conn, run)? {
                continue;
            }
        }
        for c in i.clocks(now) {
            if matches!(c.status, ClockStatus::DueSoon | ClockStatus::Breached) {
                alerts.push(IncidentAlert {
                    incident: i.id,
                    number: i.number.clone(),
                    title: i.draft.title.clone(),
                    severity: i.draft.severity,
                    kind: c.kind,
                    due: c.due,
                    status: c.status,
                });
            }
        }
    }
    Ok(alerts)
}

/// Display names of everyone an incident mentions.
pub fn names_of(conn: &Connection, i: &Incident) -> CoreResult<Vec<(UserId, String)>> {
    let mut ids: Vec<UserId> = vec![i.opened_by];
    ids.extend(i.timeline.iter().map(|e| e.by));
    if let Some(review) = &i.review {
        ids.push(review.by);
        for a in &review.actions {
            ids.push(a.owner);
            ids.extend(a.done.as_ref().map(|d| d.by));
        }
    }
    members::display_names(conn, ids)
}
