//! The scorecard as the app shows it: one card per policy area with its clauses, its
//! metrics against their targets, its charts and its detail tables; and the small pieces the
//! other pages share (the tally, a metric's status). Figures, targets and cells read through
//! the i18n crate's `Locale::figure/target/cell`, so the app says what the PDF says.

use govbench_protocol::{DataTable, MetricStatus, Scorecard, Section};
use yew::prelude::*;

use super::chart::ScorecardChart;
use super::state::{is_long, rows_shown};
use crate::context::use_app;

#[derive(Properties, PartialEq)]
pub struct StatusProps {
    pub status: MetricStatus,
}

/// A metric's status as colour AND text (met green, watch amber, missed red, info grey).
#[component]
pub fn MetricBadge(props: &StatusProps) -> Html {
    let ctx = use_app();
    let key = props.status.key();
    html! {
        <span class={classes!("metric-badge", format!("metric-{key}"))} data-status={key}>
            <span class="badge-dot" aria-hidden="true"></span>
            { ctx.t(&format!("metric_status.{key}")) }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct TallyProps {
    pub tally: (usize, usize, usize),
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// The presentation's cover: large figures.
    #[prop_or_default]
    pub large: bool,
}

/// How many metrics are met, to watch and missed, as small coloured counts with their names.
#[component]
pub fn Tally(props: &TallyProps) -> Html {
    let ctx = use_app();
    let (met, watch, missed) = props.tally;
    let count = |status: MetricStatus, n: usize| {
        let key = status.key();
        html! {
            <span class={classes!("tally-count", format!("metric-{key}"))} data-status={key} data-count={n.to_string()}
                title={ctx.t(&format!("metric_status.{key}"))}>
                <strong>{ n }</strong>{ " " }<span class="tally-label">{ ctx.t(&format!("metric_status.{key}")) }</span>
            </span>
        }
    };
    html! {
        <span class={classes!("tally", props.large.then_some("large"))} id={props.id.clone()}
            aria-label={ctx.format("assessment.tally_label", &[("met", &met.to_string()), ("watch", &watch.to_string()), ("missed", &missed.to_string())])}>
            { count(MetricStatus::Met, met) }
            { count(MetricStatus::Watch, watch) }
            { count(MetricStatus::Missed, missed) }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct ScorecardProps {
    pub scorecard: Scorecard,
}

#[component]
pub fn ScorecardView(props: &ScorecardProps) -> Html {
    let ctx = use_app();
    let s = &props.scorecard;
    html! {
        <div class="scorecard" id="scorecard" data-quarter={s.quarter.clone()}>
            if s.sections.is_empty() {
                <p class="muted">{ ctx.t("assessment.no_sections") }</p>
            }
            { for s.sections.iter().map(|section| html! { <SectionCard section={section.clone()} /> }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SectionProps {
    section: Section,
}

#[component]
fn SectionCard(props: &SectionProps) -> Html {
    let ctx = use_app();
    let s = &props.section;
    let area = s.area.key();
    let title_id = format!("area-{area}-title");
    html! {
        <section class="panel score-section" id={format!("area-{area}")} data-area={area} aria-labelledby={title_id.clone()}>
            <div class="panel-head">
                <h2 id={title_id}>{ ctx.t(&format!("area.{area}")) }</h2>
                <span class="clauses">{ ctx.format("assessment.clauses", &[("clauses", s.area.clauses())]) }</span>
            </div>
            if s.metrics.is_empty() {
                <p class="muted">{ ctx.t("assessment.no_metrics") }</p>
            } else {
                <div class="table-wrap">
                    <table class="table metrics-table">
                        <thead><tr>
                            <th scope="col">{ ctx.t("assessment.col.metric") }</th>
                            <th scope="col" class="num">{ ctx.t("assessment.col.value") }</th>
                            <th scope="col" class="num">{ ctx.t("assessment.col.target") }</th>
                            <th scope="col">{ ctx.t("assessment.col.status") }</th>
                        </tr></thead>
                        <tbody>
                            { for s.metrics.iter().map(|m| html! {
                                <tr class={classes!("metric-row", format!("row-{}", m.status.key()))} data-metric={m.key.clone()} data-status={m.status.key()}>
                                    <td class="metric-name">{ ctx.t(&m.key) }</td>
                                    <td class="num mono metric-value">{ ctx.locale.figure(&m.value) }</td>
                                    <td class="num mono">{ m.target.as_ref().map(|t| ctx.locale.target(t)).unwrap_or_else(|| "—".into()) }</td>
                                    <td><MetricBadge status={m.status} /></td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
            if !s.charts.is_empty() {
                <div class="chart-grid">
                    { for s.charts.iter().map(|c| html! { <ScorecardChart chart={c.clone()} /> }) }
                </div>
            }
            { for s.tables.iter().enumerate().map(|(i, t)| html! {
                <DataTableView table={t.clone()} id={format!("area-{area}-table-{i}")} />
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TableProps {
    table: DataTable,
    id: AttrValue,
}

/// A detail table: the first rows, and "show all N" when there are more than ten.
#[component]
fn DataTableView(props: &TableProps) -> Html {
    let ctx = use_app();
    let expanded = use_state(|| false);
    let t = &props.table;
    let shown = rows_shown(t.rows.len(), *expanded);
    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| expanded.set(!*expanded))
    };
    let title_id = format!("{}-title", props.id);
    html! {
        <div class="data-table" id={props.id.clone()} data-rows={t.rows.len().to_string()}>
            <h3 id={title_id.clone()}>{ ctx.t(&t.title) }<span class="count-pill">{ t.rows.len() }</span></h3>
            if t.rows.is_empty() {
                <p class="muted">{ ctx.t("assessment.table_empty") }</p>
            } else {
                <div class="table-wrap">
                    <table class="table table-compact" aria-labelledby={title_id}>
                        <thead><tr>
                            { for t.columns.iter().map(|c| html! { <th scope="col">{ ctx.t(c) }</th> }) }
                        </tr></thead>
                        <tbody>
                            { for t.rows.iter().take(shown).map(|row| html! {
                                <tr>
                                    { for row.iter().map(|cell| match cell {
                                        govbench_protocol::Cell::Status(status) => html! { <td><MetricBadge status={*status} /></td> },
                                        govbench_protocol::Cell::Figure(_) => html! { <td class="num mono">{ ctx.locale.cell(cell) }</td> },
                                        govbench_protocol::Cell::Text(_) | govbench_protocol::Cell::Local(_) | govbench_protocol::Cell::Key(_) | govbench_protocol::Cell::Date(_) => html! { <td>{ ctx.locale.cell(cell) }</td> },
                                    }) }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                if is_long(t.rows.len()) {
                    <button type="button" class="btn btn-small btn-ghost table-toggle" aria-expanded={expanded.to_string()}
                        aria-controls={props.id.clone()} onclick={toggle}>
                        { if *expanded {
                            ctx.t("assessment.show_fewer")
                        } else {
                            ctx.format("assessment.show_all", &[("count", &t.rows.len().to_string())])
                        } }
                    </button>
                }
            }
        </div>
    }
}
