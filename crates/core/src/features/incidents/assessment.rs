//! The incidents section of the quarterly assessment (policy §2.3.2, §4.2): incidents of the
//! quarter by level, how many were handled within every response target of their level, and
//! the corrective actions still open. Drills never count.

use super::queries;
use crate::error::CoreResult;
use crate::shared::quarters::Span;
use crate::shared::records;
use crate::shared::scorecard::{self as sc, key, text};
use govbench_protocol::{
    Cell, Chart, ChartKind, DataTable, EntityKind, Figure, Incident, PolicyArea, Section, Series,
    Severity, TargetOp,
};
use rusqlite::Connection;

pub fn section(conn: &Connection, span: &Span) -> CoreResult<Section> {
    let stats = queries::stats(conn, &span.key, span.zone, span.now)?;
    let total: u64 = stats.rows.iter().map(|r| r.count).sum();
    let within: f64 = stats
        .rows
        .iter()
        .filter_map(|r| r.within_targets.map(|w| w * r.count as f64))
        .sum();
    let critical = stats.rows.iter().find(|r| r.severity == Severity::Critical);
    let (open, overdue) = actions(conn, span)?;
    let within_share = if total == 0 {
        Figure::NoData
    } else {
        Figure::Percent(within / total as f64 * 100.0)
    };
    let minutes = |m: Option<f64>| m.map_or(Figure::NoData, Figure::Minutes);
    let metrics = vec![
        sc::info("metric.incidents.total", Figure::Count(total)),
        sc::info(
            "metric.incidents.critical",
            Figure::Count(critical.map_or(0, |c| c.count)),
        ),
        sc::judged(
            "metric.incidents.within_targets",
            within_share,
            TargetOp::AtLeast,
            Figure::Percent(100.0),
        ),
        sc::info(
            "metric.incidents.critical_acknowledge",
            minutes(critical.and_then(|c| c.mean_acknowledge_minutes)),
        ),
        sc::info("metric.incidents.open_actions", Figure::Count(open)),
        sc::judged(
            "metric.incidents.overdue_actions",
            Figure::Count(overdue),
            TargetOp::AtMost,
            Figure::Count(0),
        ),
    ];
    let by_level = DataTable {
        title: "table.incidents.by_level".into(),
        columns: [
            "column.level",
            "column.count",
            "column.mean_acknowledge",
            "column.mean_resolve",
            "column.within_targets",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: stats
            .rows
            .iter()
            .map(|r| {
                vec![
                    key(format!("severity.{}", r.severity.key())),
                    Cell::Figure(Figure::Count(r.count)),
                    Cell::Figure(minutes(r.mean_acknowledge_minutes)),
                    Cell::Figure(minutes(r.mean_resolve_minutes)),
                    Cell::Figure(
                        r.within_targets
                            .map_or(Figure::NoData, |w| Figure::Percent(w * 100.0)),
                    ),
                ]
            })
            .collect(),
    };
    let chart = Chart {
        title: "chart.incidents.by_level".into(),
        kind: ChartKind::Bar,
        categories: stats
            .rows
            .iter()
            .map(|r| key(format!("severity.{}", r.severity.key())))
            .collect(),
        series: vec![Series {
            label: key("column.count"),
            values: stats.rows.iter().map(|r| Some(r.count as f64)).collect(),
        }],
        threshold: None,
    };
    let incidents: Vec<Incident> = records::select(
        conn,
        "drill = 0 AND opened_at >= ?1 AND opened_at < ?2",
        "opened_at, local_key",
        &[&span.start, &span.end],
    )?;
    let list = DataTable {
        title: "table.incidents.list".into(),
        columns: [
            "column.number",
            "column.title",
            "column.level",
            "column.opened_on",
            "column.status",
            "column.within_targets",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: incidents
            .iter()
            .map(|i| {
                let breached = i.clocks(span.now).iter().any(|c| c.status.is_breached());
                vec![
                    text(i.number.clone()),
                    text(i.draft.title.clone()),
                    key(format!("severity.{}", i.draft.severity.key())),
                    Cell::Date(i.opened_at.with_timezone(&span.zone).date_naive()),
                    key(format!("incident.status.{}", i.status.key())),
                    key(if breached {
                        "assessment.no"
                    } else {
                        "assessment.yes"
                    }),
                ]
            })
            .collect(),
    };
    Ok(Section {
        area: PolicyArea::Incidents,
        metrics,
        tables: vec![by_level, list],
        charts: vec![chart],
    })
}

/// Corrective actions from incident reviews still open now, and how many of them are past due.
fn actions(conn: &Connection, span: &Span) -> CoreResult<(u64, u64)> {
    let day = span
        .now
        .with_timezone(&span.zone)
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let (open, overdue): (i64, i64) = conn
        .prepare_cached(
            "SELECT COUNT(*), COALESCE(SUM(due < ?2), 0) FROM open_actions WHERE entity_type = ?1",
        )?
        .query_row(rusqlite::params![EntityKind::Incident.key(), day], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
    Ok((open.max(0) as u64, overdue.max(0) as u64))
}
