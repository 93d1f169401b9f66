//! The models card of the dashboard: live versions missing this month's evaluation, reports
//! awaiting review, and decided actions that wait for me.

use govbench_protocol::{EntityKind, EvaluationSummary, ModelsDashboard};
use yew::prelude::*;

use crate::components::{Empty, RouteLink, StatusBadge};
use crate::context::use_app;
use crate::route::Route;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub summary: ModelsDashboard,
}

#[component]
pub fn ModelsCard(props: &CardProps) -> Html {
    let ctx = use_app();
    let d = &props.summary;
    let due_title = if d.due_is_mine {
        ctx.t("dash.models.due_mine")
    } else {
        ctx.t("dash.models.due")
    };
    html! {
        <>
            <div class="two-col">
                <section class="panel" aria-labelledby="dash-eval-due-title" id="dash-eval-due">
                    <div class="panel-head">
                        <h2 id="dash-eval-due-title">{ due_title }</h2>
                        <span class={classes!("count-pill", (!d.evaluations_due.is_empty()).then_some("warn"))}>{ d.evaluations_due.len() }</span>
                    </div>
                    if d.evaluations_due.is_empty() {
                        <Empty title={ctx.t("dash.models.due_empty")} hint={ctx.format("dash.models.live_count", &[("live", &d.live.to_string()), ("models", &d.models.to_string())])} />
                    } else {
                        <ul class="item-list">
                            { for d.evaluations_due.iter().map(|m| html! {
                                <li class="item" data-model={m.id.to_string()}>
                                    <RouteLink to={Route::ModelDetail { id: m.id.to_string() }} class={classes!("item-title")}>{ m.name.clone() }</RouteLink>
                                    <span class="item-meta">
                                        { m.live.as_ref().map(|(_, label)| label.clone()).unwrap_or_default() }
                                        { " · " }
                                        { ctx.format("dash.models.months_missing", &[("months", &m.months_missing.join(", "))]) }
                                    </span>
                                </li>
                            }) }
                        </ul>
                    }
                </section>
                <section class="panel" aria-labelledby="dash-review-title" id="dash-eval-review">
                    <div class="panel-head">
                        <h2 id="dash-review-title">{ ctx.t("dash.models.awaiting_review") }</h2>
                        <span class="count-pill">{ d.awaiting_review.len() }</span>
                    </div>
                    <EvaluationList items={d.awaiting_review.clone()} empty={ctx.t("dash.models.review_empty")} />
                </section>
            </div>
            if !d.my_actions.is_empty() {
                <section class="panel" aria-labelledby="dash-my-actions-title" id="dash-my-actions">
                    <div class="panel-head">
                        <h2 id="dash-my-actions-title">{ ctx.t("dash.models.my_actions") }</h2>
                        <span class="count-pill">{ d.my_actions.len() }</span>
                    </div>
                    <EvaluationList items={d.my_actions.clone()} empty={AttrValue::from("")} />
                </section>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct EvaluationListProps {
    pub items: Vec<EvaluationSummary>,
    pub empty: AttrValue,
}

/// Evaluations as a list of links: model and version, date, verdict count, status.
#[component]
pub fn EvaluationList(props: &EvaluationListProps) -> Html {
    let ctx = use_app();
    if props.items.is_empty() {
        return html! { <Empty title={props.empty.clone()} /> };
    }
    html! {
        <ul class="item-list">
            { for props.items.iter().map(|e| {
                let all_pass = e.kpis_passed == e.kpis_total;
                html! {
                    <li class="item" data-evaluation={e.id.to_string()}>
                        <RouteLink to={Route::Evaluation { id: e.id.to_string() }} class={classes!("item-title")}>
                            { format!("{} · {}", e.model_name, e.version_label) }
                        </RouteLink>
                        <span class="item-meta">
                            <time datetime={text::date(e.date)}>{ text::date(e.date) }</time>
                            { " · " }
                            <span class={classes!("tag", if all_pass { "tag-ok" } else { "tag-bad" })}>
                                { ctx.format("eval.kpis_passed", &[("passed", &e.kpis_passed.to_string()), ("total", &e.kpis_total.to_string())]) }
                            </span>
                            if e.significant_degradations > 0 {
                                { " " }<span class="tag tag-warn">{ ctx.format("eval.significant_count", &[("count", &e.significant_degradations.to_string())]) }</span>
                            }
                            if let Some(decision) = &e.decision {
                                { " · " }{ ctx.t(&format!("decision.{}", decision.kind.key())) }
                                { format!(" → {}", text::date(decision.due)) }
                            }
                            { " " }
                            <StatusBadge entity={EntityKind::Evaluation} status={e.status.key()} />
                        </span>
                    </li>
                }
            }) }
        </ul>
    }
}
