//! A scorecard chart as inline SVG (bars or lines, the threshold dashed across), the same
//! figures the PDF report draws. Vector, so it prints and scales up for the presentation;
//! every bar and point has a title for hover and screen readers, and the series are named
//! in a legend (colour AND text).

use govbench_i18n::number;
use govbench_protocol::{Chart, ChartKind};
use yew::prelude::*;

use super::state::chart_layout;
use crate::context::use_app;

/// The series colours cycle through this many CSS classes (`series-0` …).
const SERIES_COLOURS: usize = 6;

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub chart: Chart,
    /// The presentation's version: larger labels.
    #[prop_or_default]
    pub large: bool,
}

#[component]
pub fn ScorecardChart(props: &ChartProps) -> Html {
    let ctx = use_app();
    let c = &props.chart;
    let g = chart_layout(c);
    let title = ctx.t(&c.title);
    let category = |i: usize| {
        c.categories
            .get(i)
            .map(|cell| ctx.locale.cell(cell))
            .unwrap_or_default()
    };
    let series_name = |i: usize| {
        c.series
            .get(i)
            .map(|s| ctx.locale.cell(&s.label))
            .unwrap_or_default()
    };
    let colour = |i: usize| format!("series-{}", i % SERIES_COLOURS);
    let f = |v: f64| format!("{v:.1}");
    html! {
        <figure class={classes!("score-chart", props.large.then_some("large"))} data-kind={c.kind.key()}>
            <figcaption>{ title.clone() }</figcaption>
            if g.empty {
                <p class="muted">{ ctx.t("assessment.chart_empty") }</p>
            } else {
                <svg viewBox={format!("0 0 {} {}", g.width, g.height)} role="img" aria-label={title}>
                    <line class="axis" x1={f(g.left)} x2={f(g.left)} y1={f(g.top)} y2={f(g.bottom)} />
                    <line class="axis" x1={f(g.left)} x2={f(g.right)} y1={f(g.bottom)} y2={f(g.bottom)} />
                    { for g.y_ticks.iter().map(|(y, v)| html! {
                        <>
                            <line class="grid" x1={f(g.left)} x2={f(g.right)} y1={f(*y)} y2={f(*y)} />
                            <text x={f(g.left - 6.0)} y={f(y + 4.0)} text-anchor="end">{ number(*v) }</text>
                        </>
                    }) }
                    { for g.x_labels.iter().map(|(i, x)| html! {
                        <text x={f(*x)} y={f(g.height - 8.0)} text-anchor="middle">{ category(*i) }</text>
                    }) }
                    if c.kind == ChartKind::Bar {
                        { for g.bars.iter().map(|b| html! {
                            <rect class={classes!("bar", colour(b.series))} x={f(b.x)} y={f(b.y)} width={f(b.width)} height={f(b.height)}>
                                <title>{ format!("{} · {} · {}", series_name(b.series), category(b.category), number(b.value)) }</title>
                            </rect>
                        }) }
                    } else {
                        { for g.paths.iter().enumerate().map(|(i, d)| html! {
                            <path class={classes!("line", colour(i))} d={d.clone()} />
                        }) }
                        { for g.points.iter().map(|p| html! {
                            <circle class={classes!("point", colour(p.series))} cx={f(p.x)} cy={f(p.y)} r="3.5">
                                <title>{ format!("{} · {} · {}", series_name(p.series), category(p.category), number(p.value)) }</title>
                            </circle>
                        }) }
                    }
                    if let (Some(y), Some(t)) = (g.threshold_y, c.threshold) {
                        <line class="threshold" x1={f(g.left)} x2={f(g.right)} y1={f(y)} y2={f(y)} />
                        <text class="threshold-label" x={f(g.right - 4.0)} y={f(y - 4.0)} text-anchor="end">
                            { ctx.format("assessment.threshold", &[("value", &number(t))]) }
                        </text>
                    }
                </svg>
                if c.series.len() > 1 || c.series.first().is_some_and(|s| !ctx.locale.cell(&s.label).is_empty()) {
                    <ul class="chart-legend">
                        { for (0..c.series.len()).map(|i| html! {
                            <li><span class={classes!("swatch", colour(i))} aria-hidden="true"></span>{ series_name(i) }</li>
                        }) }
                    </ul>
                }
            }
        </figure>
    }
}
