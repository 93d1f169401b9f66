//! The evaluations section of the quarterly assessment (policy §2.1.2: test every month and
//! compare with history; §2.3.1: a version goes live only after passing): monthly coverage of
//! every live version, the KPI pass rate, significant degradations and the decisions taken on
//! them, go-live overrides, and each live model's KPI trends.

use super::queries::{self, Loaded};
use crate::error::CoreResult;
use crate::shared::quarters::Span;
use crate::shared::scorecard::{self as sc, key, text};
use chrono::{Datelike, NaiveDate};
use govbench_protocol::{
    Cell, Chart, ChartKind, DataTable, EvaluationStatus, EvaluationSummary, Figure, LivePeriod,
    PolicyArea, Section, Series, TargetOp,
};
use rusqlite::Connection;

/// Trend charts in one report (one per KPI of each live model).
const MAX_CHARTS: usize = 12;
/// KPIs charted per model.
const KPIS_CHARTED: usize = 3;
/// Quarters a trend chart covers (ending with the assessed one).
const TREND_QUARTERS: u32 = 2;

fn month_of(date: NaiveDate) -> String {
    format!("{}-{:02}", date.year(), date.month())
}

pub fn section(conn: &Connection, span: &Span) -> CoreResult<Section> {
    let models = queries::all(conn)?;
    let (first, last) = span.days();
    let in_quarter = |d: NaiveDate| first <= d && d <= last;
    let months = span.months();
    let as_of_month = month_of(span.as_of_day());

    let (mut required, mut covered) = (0usize, 0usize);
    let (mut kpis_total, mut kpis_passed) = (0usize, 0usize);
    let (mut degraded, mut degraded_decided) = (0usize, 0usize);
    let mut overrides = Vec::new();
    let mut evaluations = Vec::new();
    let mut charts = Vec::new();
    for m in &models {
        for month in months.iter().filter(|m| **m <= as_of_month) {
            let live: Vec<_> = live_in(m, month, span);
            if live.is_empty() {
                continue;
            }
            required += 1;
            covered += usize::from(m.evaluations.iter().any(|e| {
                e.status != EvaluationStatus::Rejected
                    && live.contains(&e.model_version)
                    && month_of(e.meta.date) == *month
            }));
        }
        for e in m
            .evaluations
            .iter()
            .filter(|e| e.status != EvaluationStatus::Rejected && in_quarter(e.meta.date))
        {
            let summary = m.summary_of(e);
            kpis_total += summary.kpis_total as usize;
            kpis_passed += summary.kpis_passed as usize;
            if summary.significant_degradations > 0 {
                degraded += 1;
                degraded_decided += usize::from(summary.decision.is_some());
            }
            evaluations.push(evaluation_row(&summary));
        }
        for period in m.model.timeline.iter().filter(|p| span.contains(p.from)) {
            overrides.push((
                period.gate_override.is_some(),
                live_change_row(m, period, span),
            ));
        }
        if m.model.live.is_some() && charts.len() < MAX_CHARTS {
            charts.extend(
                trend_charts(m, span)
                    .into_iter()
                    .take(MAX_CHARTS - charts.len()),
            );
        }
    }
    let overridden = overrides.iter().filter(|(o, _)| *o).count();
    let metrics = vec![
        sc::judged(
            "metric.evaluations.monthly_coverage",
            sc::percent(covered, required),
            TargetOp::AtLeast,
            Figure::Percent(100.0),
        ),
        sc::info(
            "metric.evaluations.recorded",
            Figure::Count(evaluations.len() as u64),
        ),
        sc::judged(
            "metric.evaluations.kpi_pass_rate",
            sc::percent(kpis_passed, kpis_total),
            TargetOp::AtLeast,
            Figure::Percent(100.0),
        ),
        sc::info(
            "metric.evaluations.degradations",
            Figure::Count(degraded as u64),
        ),
        sc::judged(
            "metric.evaluations.degradations_decided",
            Figure::Ratio {
                done: degraded_decided as u64,
                of: degraded as u64,
            },
            TargetOp::AtLeast,
            Figure::Percent(100.0),
        ),
        sc::judged(
            "metric.evaluations.overrides",
            Figure::Count(overridden as u64),
            TargetOp::AtMost,
            Figure::Count(0),
        ),
    ];
    let tables = vec![
        DataTable {
            title: "table.evaluations.list".into(),
            columns: [
                "column.model",
                "column.version",
                "column.date",
                "column.kpis_passed",
                "column.degradations",
                "column.status",
                "column.decision",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows: evaluations,
        },
        DataTable {
            title: "table.evaluations.live_changes".into(),
            columns: [
                "column.model",
                "column.version",
                "column.date",
                "column.change",
                "column.override",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows: overrides.into_iter().map(|(_, row)| row).collect(),
        },
    ];
    Ok(Section {
        area: PolicyArea::Evaluations,
        metrics,
        tables,
        charts,
    })
}

/// A row of the quarter's evaluations table.
fn evaluation_row(summary: &EvaluationSummary) -> Vec<Cell> {
    vec![
        text(summary.model_name.clone()),
        text(summary.version_label.clone()),
        Cell::Date(summary.date),
        Cell::Figure(Figure::Ratio {
            done: summary.kpis_passed.into(),
            of: summary.kpis_total.into(),
        }),
        Cell::Figure(Figure::Count(summary.significant_degradations.into())),
        key(summary.status.text_key()),
        summary
            .decision
            .as_ref()
            .map_or(Cell::Figure(Figure::NoData), |d| {
                key(format!("decision.{}", d.kind.key()))
            }),
    ]
}

/// A row of the quarter's live changes table.
fn live_change_row(m: &Loaded, period: &LivePeriod, span: &Span) -> Vec<Cell> {
    let label = m
        .version(period.version)
        .map(|v| v.draft.label.clone())
        .unwrap_or_default();
    vec![
        text(m.model.draft.name.clone()),
        text(label),
        Cell::Date(period.from.with_timezone(&span.zone).date_naive()),
        key(format!("live_change.{}", period.change.key())),
        key(if period.gate_override.is_some() {
            "assessment.yes"
        } else {
            "assessment.no"
        }),
    ]
}

/// The versions live at some time in `month` (`2026-07`).
fn live_in(m: &Loaded, month: &str, span: &Span) -> Vec<govbench_protocol::ModelVersionId> {
    m.model
        .timeline
        .iter()
        .filter(|p| {
            let from = month_of(p.from.with_timezone(&span.zone).date_naive());
            let to =
                p.to.map(|t| month_of(t.with_timezone(&span.zone).date_naive()));
            from.as_str() <= month && to.as_deref().is_none_or(|t| t >= month)
        })
        .map(|p| p.version)
        .collect()
}

/// One chart per KPI (the first few): the month's mean value over the last two quarters,
/// with the KPI's threshold.
fn trend_charts(m: &Loaded, span: &Span) -> Vec<Chart> {
    let months: Vec<String> = span
        .trailing(TREND_QUARTERS)
        .into_iter()
        .flat_map(|(year, q)| (0..3).map(move |i| format!("{year}-{:02}", (q - 1) * 3 + 1 + i)))
        .collect();
    m.trends()
        .into_iter()
        .take(KPIS_CHARTED)
        .map(|trend| {
            let values = months
                .iter()
                .map(|month| {
                    let of: Vec<f64> = trend
                        .points
                        .iter()
                        .filter(|p| month_of(p.date) == *month)
                        .map(|p| p.value)
                        .collect();
                    (!of.is_empty()).then(|| of.iter().sum::<f64>() / of.len() as f64)
                })
                .collect();
            let unit = if trend.unit.is_empty() {
                String::new()
            } else {
                format!(" ({})", trend.unit)
            };
            Chart {
                title: "chart.evaluations.trend".into(),
                kind: ChartKind::Line,
                categories: months.iter().map(|m| text(m.clone())).collect(),
                series: vec![Series {
                    label: text(format!("{} · {}{unit}", m.model.draft.name, trend.name)),
                    values,
                }],
                threshold: Some(trend.threshold),
            }
        })
        .collect()
}
