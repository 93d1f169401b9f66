//! A KPI's trend as a vector chart: values over time, the threshold as a dashed line, failing
//! points outlined red and significant degradations filled red. Pure SVG, so it prints and
//! scales; each point has a title for screen readers and hover.

use govbench_i18n::number;
use govbench_protocol::KpiTrend;
use yew::prelude::*;

use super::state::{chart, CHART_PAD_LEFT};
use crate::context::use_app;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct TrendProps {
    pub trend: KpiTrend,
}

#[component]
pub fn TrendChart(props: &TrendProps) -> Html {
    let ctx = use_app();
    let t = &props.trend;
    let g = chart(t);
    let path: String = g
        .points
        .iter()
        .enumerate()
        .map(|(i, (x, y))| format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" }))
        .collect();
    let right = g.width - 16.0;
    let title = ctx.format(
        "model.trend_caption",
        &[
            ("kpi", &t.name),
            ("threshold", &number(t.threshold)),
            ("unit", &t.unit),
        ],
    );
    html! {
        <figure class="trend" data-kpi={t.kpi.clone()}>
            <figcaption>{ title.clone() }</figcaption>
            if t.points.is_empty() {
                <p class="muted">{ ctx.t("model.trend_empty") }</p>
            } else {
                <svg viewBox={format!("0 0 {} {}", g.width, g.height)} role="img" aria-label={title}>
                    <rect class="frame" x={CHART_PAD_LEFT.to_string()} y="16" width={(right - CHART_PAD_LEFT).to_string()} height={(g.height - 32.0).to_string()} />
                    <line class="threshold" x1={CHART_PAD_LEFT.to_string()} x2={right.to_string()}
                        y1={format!("{:.1}", g.threshold_y)} y2={format!("{:.1}", g.threshold_y)} />
                    <text x={(right - 4.0).to_string()} y={format!("{:.1}", g.threshold_y - 4.0)} text-anchor="end">
                        { ctx.format("model.threshold_label", &[("value", &number(t.threshold))]) }
                    </text>
                    { for g.y_labels.iter().map(|(y, v)| html! {
                        <text x={(CHART_PAD_LEFT - 6.0).to_string()} y={format!("{:.1}", y + 4.0)} text-anchor="end">{ number(*v) }</text>
                    }) }
                    <path class="line" d={path} />
                    { for t.points.iter().zip(&g.points).map(|(p, (x, y))| html! {
                        <circle class={classes!("point", (!p.passes).then_some("fail"), p.significant.then_some("significant"))}
                            cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={if p.significant { "5.5" } else { "4" }}
                            data-significant={p.significant.to_string()}>
                            <title>{ format!("{} · {} · {}{}", text::date(p.date), p.version_label, number(p.value),
                                if p.significant { format!(" · {}", ctx.t("eval.significant")) } else { String::new() }) }</title>
                        </circle>
                    }) }
                    if let (Some(first), Some(last)) = (t.points.first(), t.points.last()) {
                        <text x={CHART_PAD_LEFT.to_string()} y={(g.height - 2.0).to_string()}>{ text::date(first.date) }</text>
                        <text x={right.to_string()} y={(g.height - 2.0).to_string()} text-anchor="end">{ text::date(last.date) }</text>
                    }
                </svg>
            }
        </figure>
    }
}
