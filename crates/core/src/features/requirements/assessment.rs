//! The requirements section of the quarterly assessment (policy §2.1.1): what was filed,
//! assessed, approved and delivered in the quarter, how long assessment and delivery took
//! (from the log: the facts of when), and what is overdue.

use super::store;
use crate::error::CoreResult;
use crate::shared::quarters::{self, Span};
use crate::shared::scorecard::{self as sc, key, text};
use govbench_protocol::{
    Cell, Chart, ChartKind, DataTable, Figure, PolicyArea, RequirementAction as A, RequirementId,
    RequirementStatus, Section, Series, TargetOp,
};
use rusqlite::Connection;
use std::collections::BTreeSet;

const KIND: govbench_protocol::EntityKind = super::ENTITY;

pub fn section(conn: &Connection, span: &Span) -> CoreResult<Section> {
    let facts = quarters::facts(conn, span, KIND)?;
    let with = |action: A| -> Vec<&quarters::Fact> {
        facts.iter().filter(|f| f.action == action.key()).collect()
    };
    let distinct = |action: A| -> usize {
        with(action)
            .iter()
            .map(|f| f.entity_id.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    };
    // Days from the latest of `earlier` (a requirement filed and submitted at once is
    // recorded as filed; a returned one is submitted again) to the fact.
    let days_since = |fact: &quarters::Fact, earlier: &[A]| -> CoreResult<Option<f64>> {
        let mut from = None;
        for action in earlier {
            from = from.max(quarters::last_before(
                conn,
                KIND,
                &fact.entity_id,
                action.key(),
                fact.at,
            )?);
        }
        Ok(from.map(|from| (fact.at - from).num_seconds() as f64 / 86_400.0))
    };
    let mut assess_days = Vec::new();
    for fact in with(A::Assess) {
        assess_days.extend(days_since(fact, &[A::File, A::Submit])?);
    }
    let mut delivery_days = Vec::new();
    let mut delivered_rows = Vec::new();
    let mut on_time = 0;
    for fact in with(A::MarkDelivered) {
        delivery_days.extend(days_since(fact, &[A::Approve])?);
        let Ok(id) = fact.entity_id.parse::<RequirementId>() else {
            continue;
        };
        let Some(r) = store::find(conn, id)? else {
            continue;
        };
        let delivered = fact.at.with_timezone(&span.zone).date_naive();
        let in_time = delivered <= r.draft.wanted_by;
        on_time += usize::from(in_time);
        delivered_rows.push(vec![
            text(r.draft.title.clone()),
            text(r.draft.department.clone()),
            Cell::Date(r.draft.wanted_by),
            Cell::Date(delivered),
            key(if in_time {
                "assessment.yes"
            } else {
                "assessment.no"
            }),
        ]);
    }
    let overdue = overdue(conn, span)?;
    let filed = distinct(A::File);
    let assessed = distinct(A::Assess);
    let approved = distinct(A::Approve);
    let delivered = delivered_rows.len();
    let metrics = vec![
        sc::info("metric.requirements.filed", Figure::Count(filed as u64)),
        sc::info(
            "metric.requirements.assessed",
            Figure::Count(assessed as u64),
        ),
        sc::info(
            "metric.requirements.approved",
            Figure::Count(approved as u64),
        ),
        sc::info(
            "metric.requirements.rejected",
            Figure::Count(distinct(A::Reject) as u64),
        ),
        sc::info(
            "metric.requirements.delivered",
            Figure::Count(delivered as u64),
        ),
        sc::info(
            "metric.requirements.assessment_days",
            sc::days(sc::median(assess_days)),
        ),
        sc::info(
            "metric.requirements.delivery_days",
            sc::days(sc::median(delivery_days)),
        ),
        sc::info(
            "metric.requirements.on_time",
            sc::percent(on_time, delivered),
        ),
        sc::judged(
            "metric.requirements.overdue",
            Figure::Count(overdue.len() as u64),
            TargetOp::AtMost,
            Figure::Count(0),
        ),
    ];
    let flow = Chart {
        title: "chart.requirements.flow".into(),
        kind: ChartKind::Bar,
        categories: ["filed", "assessed", "approved", "delivered"]
            .iter()
            .map(|k| key(format!("metric.requirements.{k}")))
            .collect(),
        series: vec![Series {
            label: key("chart.requirements.count"),
            values: [filed, assessed, approved, delivered]
                .iter()
                .map(|n| Some(*n as f64))
                .collect(),
        }],
        threshold: None,
    };
    let mut tables = vec![DataTable {
        title: "table.requirements.delivered".into(),
        columns: [
            "column.title",
            "column.department",
            "column.wanted_by",
            "column.delivered_on",
            "column.on_time",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: delivered_rows,
    }];
    tables.push(DataTable {
        title: "table.requirements.overdue".into(),
        columns: [
            "column.title",
            "column.department",
            "column.wanted_by",
            "column.status",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: overdue,
    });
    Ok(Section {
        area: PolicyArea::Requirements,
        metrics,
        tables,
        charts: vec![flow],
    })
}

/// Open requirements wanted before the quarter's last day (or today, while it runs).
fn overdue(conn: &Connection, span: &Span) -> CoreResult<Vec<Vec<Cell>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT title, department, wanted_by, status FROM requirements
         WHERE wanted_by < ?1 ORDER BY wanted_by, local_key",
    )?;
    let day = span.as_of_day().format("%Y-%m-%d").to_string();
    let rows = stmt.query_map([day], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            store::status_at(row, 3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (title, department, wanted_by, status) = row?;
        if !status.is_open() || status == RequirementStatus::Draft {
            continue;
        }
        let wanted = wanted_by
            .parse()
            .map(Cell::Date)
            .unwrap_or_else(|_| text(wanted_by));
        out.push(vec![
            text(title),
            text(department),
            wanted,
            key(status.text_key()),
        ]);
    }
    Ok(out)
}
