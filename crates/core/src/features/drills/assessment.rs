//! The drills section of the quarterly assessment (policy §2.3.2: the team drills regularly):
//! drills the plans made due in the quarter against those carried out, their results, and
//! how many of their findings are closed.

use super::{queries, store};
use crate::error::CoreResult;
use crate::shared::quarters::Span;
use crate::shared::records;
use crate::shared::scorecard::{self as sc, key, text};
use govbench_protocol::{
    Cell, Chart, ChartKind, DataTable, DrillResult, DrillRun, DrillRunStatus, Figure, PolicyArea,
    Section, Series, TargetOp,
};
use rusqlite::Connection;

/// No plan makes more drills due than this in a quarter (a plan every month makes three).
const MAX_DUE_PER_PLAN: u32 = 1_000;

pub fn section(conn: &Connection, span: &Span) -> CoreResult<Section> {
    let (first, last) = span.days();
    let plans = store::plans(conn)?;
    let due: u64 = plans
        .iter()
        .filter(|p| p.active)
        .map(|p| {
            (0..MAX_DUE_PER_PLAN)
                .map(|n| queries::due(p, n))
                .take_while(|d| *d <= last)
                .filter(|d| *d >= first)
                .count() as u64
        })
        .sum();
    let runs: Vec<DrillRun> = records::select(
        conn,
        "status = ?1",
        "started_at, local_key",
        &[&DrillRunStatus::Finished.key()],
    )?
    .into_iter()
    .filter(|r: &DrillRun| r.finished_at.is_some_and(|at| span.contains(at)))
    .collect();
    let planned_done = runs.iter().filter(|r| r.plan.is_some()).count() as u64;
    let result = |wanted: DrillResult| {
        runs.iter()
            .filter(|r| r.evaluation.as_ref().is_some_and(|e| e.result == wanted))
            .count()
    };
    let findings: Vec<_> = runs.iter().flat_map(|r| &r.findings).collect();
    let closed = findings.iter().filter(|f| f.done.is_some()).count();
    let metrics = vec![
        sc::judged(
            "metric.drills.plans_carried_out",
            Figure::Ratio {
                done: planned_done.min(due),
                of: due,
            },
            TargetOp::AtLeast,
            Figure::Percent(100.0),
        ),
        sc::info("metric.drills.held", Figure::Count(runs.len() as u64)),
        sc::info(
            "metric.drills.passed",
            Figure::Count(result(DrillResult::Passed) as u64),
        ),
        sc::info(
            "metric.drills.partly_passed",
            Figure::Count(result(DrillResult::PartlyPassed) as u64),
        ),
        sc::info(
            "metric.drills.failed",
            Figure::Count(result(DrillResult::Failed) as u64),
        ),
        sc::info(
            "metric.drills.findings_closed",
            sc::percent(closed, findings.len()),
        ),
    ];
    let chart = Chart {
        title: "chart.drills.results".into(),
        kind: ChartKind::Bar,
        categories: DrillResult::ALL
            .iter()
            .map(|r| key(format!("drill.result.{}", r.key())))
            .collect(),
        series: vec![Series {
            label: key("column.count"),
            values: DrillResult::ALL
                .iter()
                .map(|r| Some(result(*r) as f64))
                .collect(),
        }],
        threshold: None,
    };
    let table = DataTable {
        title: "table.drills.held".into(),
        columns: [
            "column.number",
            "column.template",
            "column.held_on",
            "column.result",
            "column.steps_on_time",
            "column.findings_closed",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: runs
            .iter()
            .map(|r| {
                let times = r.step_times();
                let on_time = times.iter().filter(|t| t.on_time == Some(true)).count();
                let done = r.findings.iter().filter(|f| f.done.is_some()).count();
                vec![
                    text(r.number.clone()),
                    Cell::Local(r.template.title.clone()),
                    Cell::Date(r.started_at.with_timezone(&span.zone).date_naive()),
                    r.evaluation
                        .as_ref()
                        .map_or(Cell::Figure(Figure::NoData), |e| {
                            key(format!("drill.result.{}", e.result.key()))
                        }),
                    Cell::Figure(Figure::Ratio {
                        done: on_time as u64,
                        of: times.len() as u64,
                    }),
                    Cell::Figure(Figure::Ratio {
                        done: done as u64,
                        of: r.findings.len() as u64,
                    }),
                ]
            })
            .collect(),
    };
    Ok(Section {
        area: PolicyArea::Drills,
        metrics,
        tables: vec![table],
        charts: vec![chart],
    })
}
