//! The requirements card of the dashboard: counts per status, a bar chart, overdue and
//! "waiting for me".

use govbench_protocol::{EntityKind, RequirementStatus, RequirementSummary, RequirementsDashboard};
use yew::prelude::*;

use super::badges::{OverdueFlag, PriorityBadge, RequirementStatusBadge};
use crate::components::{Empty, RouteLink};
use crate::context::use_app;
use crate::route::Route;
use crate::text;

fn count_of(d: &RequirementsDashboard, status: RequirementStatus) -> u64 {
    d.by_status
        .iter()
        .find(|(s, _)| *s == status)
        .map(|(_, n)| *n)
        .unwrap_or(0)
}

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub summary: RequirementsDashboard,
}

/// The requirements card: what waits for me, what is overdue, the pipeline by status.
#[component]
pub fn RequirementsCard(props: &CardProps) -> Html {
    let ctx = use_app();
    let d = &props.summary;
    html! {
        <>
            // What needs me comes first; the overall picture follows.
            <div class="two-col">
                <section class="panel" aria-labelledby="dash-waiting-title">
                    <div class="panel-head">
                        <h2 id="dash-waiting-title">{ ctx.t("dash.waiting") }</h2>
                        <span class="count-pill">{ d.waiting_for_me.len() }</span>
                    </div>
                    <SummaryList id="dash-waiting" items={d.waiting_for_me.clone()}
                        empty={ctx.t("dash.waiting_empty")} hint={ctx.t("dash.waiting_empty_hint")} />
                </section>
                <section class="panel" aria-labelledby="dash-overdue-title">
                    <div class="panel-head">
                        <h2 id="dash-overdue-title">{ ctx.t("dash.overdue") }</h2>
                        <span class="count-pill warn">{ d.overdue.len() }</span>
                    </div>
                    <SummaryList id="dash-overdue" items={d.overdue.clone()}
                        empty={ctx.t("dash.overdue_empty")} hint={ctx.t("dash.overdue_empty_hint")} />
                </section>
            </div>
            <section class="panel" aria-labelledby="dash-status-title">
                <div class="panel-head">
                    <h2 id="dash-status-title">{ ctx.t("dash.by_status") }</h2>
                    <span class="total" id="dash-total">
                        { ctx.format("dash.total", &[("count", &d.total.to_string())]) }
                    </span>
                </div>
                <ul id="dash-by-status" class="status-cards">
                    { for RequirementStatus::ALL.iter().map(|s| {
                        let n = count_of(d, *s);
                        html! {
                            <li class={classes!("status-card", format!("status-{}", s.key()), (n == 0).then_some("zero"))}
                                data-status={s.key()}>
                                <span class="count">{ n }</span>
                                <span class="label"><span class="badge-dot" aria-hidden="true"></span>{ text::status(ctx.locale, EntityKind::Requirement, s.key()) }</span>
                            </li>
                        }
                    }) }
                </ul>
                <BarChart data={d.by_status.clone()} />
            </section>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct SummaryListProps {
    id: AttrValue,
    items: Vec<RequirementSummary>,
    empty: AttrValue,
    hint: AttrValue,
}

#[component]
fn SummaryList(props: &SummaryListProps) -> Html {
    let ctx = use_app();
    if props.items.is_empty() {
        return html! {
            <>
                <ul id={props.id.clone()} class="summary-list" hidden=true></ul>
                <Empty title={props.empty.clone()} hint={Some(props.hint.clone())} />
            </>
        };
    }
    html! {
        <ul id={props.id.clone()} class="summary-list">
            { for props.items.iter().map(|r| html! {
                <li data-id={r.id.to_string()} data-status={r.status.key()} class={classes!(r.overdue.then_some("overdue"))}>
                    <RouteLink to={Route::RequirementDetail { id: r.id.to_string() }} class={classes!("req-link")}>
                        { r.title.clone() }
                    </RouteLink>
                    <div class="summary-meta">
                        <RequirementStatusBadge status={r.status} />
                        <PriorityBadge priority={r.priority} />
                        <span class="muted">{ r.department.clone() }</span>
                        <span class="muted">{ ctx.format("req.wanted_by_short", &[("date", &text::date(r.wanted_by))]) }</span>
                        if r.overdue { <OverdueFlag /> }
                    </div>
                </li>
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct BarChartProps {
    data: Vec<(RequirementStatus, u64)>,
}

/// A horizontal bar chart drawn as SVG (scales with the text, no chart library).
#[component]
fn BarChart(props: &BarChartProps) -> Html {
    let ctx = use_app();
    let rows: Vec<(RequirementStatus, u64)> = RequirementStatus::ALL
        .iter()
        .map(|s| {
            (
                *s,
                props
                    .data
                    .iter()
                    .find(|(x, _)| x == s)
                    .map(|(_, n)| *n)
                    .unwrap_or(0),
            )
        })
        .collect();
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    const LABEL_W: f64 = 150.0;
    const BAR_W: f64 = 400.0;
    const ROW_H: f64 = 28.0;
    const WIDTH: f64 = LABEL_W + BAR_W + 50.0;
    let height = ROW_H * rows.len() as f64 + 8.0;
    html! {
        <figure class="chart">
            <svg id="dash-chart" viewBox={format!("0 0 {WIDTH} {height}")} role="img"
                aria-labelledby="dash-chart-title" preserveAspectRatio="xMinYMin meet">
                <title id="dash-chart-title">{ ctx.t("dash.chart_title") }</title>
                { for rows.iter().enumerate().map(|(i, (s, n))| {
                    let y = 4.0 + i as f64 * ROW_H;
                    let w = if *n == 0 { 0.0 } else { (BAR_W * *n as f64 / max as f64).max(3.0) };
                    let label = text::status(ctx.locale, EntityKind::Requirement, s.key());
                    html! {
                        <g class={classes!("chart-row", format!("status-{}", s.key()))} data-status={s.key()}>
                            <title>{ format!("{label}: {n}") }</title>
                            <text x={(LABEL_W - 10.0).to_string()} y={(y + ROW_H / 2.0).to_string()}
                                class="chart-label" text-anchor="end" dominant-baseline="middle">{ label.clone() }</text>
                            <rect x={LABEL_W.to_string()} y={(y + 5.0).to_string()} width={BAR_W.to_string()}
                                height={(ROW_H - 10.0).to_string()} rx="3" class="chart-track" />
                            <rect x={LABEL_W.to_string()} y={(y + 5.0).to_string()} width={w.to_string()}
                                height={(ROW_H - 10.0).to_string()} rx="3" class="chart-bar" />
                            <text x={(LABEL_W + w + 8.0).to_string()} y={(y + ROW_H / 2.0).to_string()}
                                class="chart-value" dominant-baseline="middle">{ n.to_string() }</text>
                        </g>
                    }
                }) }
            </svg>
            <figcaption class="visually-hidden">{ ctx.t("dash.chart_title") }</figcaption>
        </figure>
    }
}
