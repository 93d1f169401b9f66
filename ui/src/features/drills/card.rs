//! The drills card of the dashboard: plans due or overdue, drills running now, and the
//! findings waiting for me.

use govbench_protocol::{DrillsDashboard, EntityKind};
use yew::prelude::*;

use crate::components::{Empty, OpenActions, RouteLink, StatusBadge};
use crate::context::use_app;
use crate::features::incidents::DrillLabel;
use crate::route::Route;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub summary: DrillsDashboard,
}

#[component]
pub fn DrillsCard(props: &CardProps) -> Html {
    let ctx = use_app();
    let lang = ctx.locale.tag();
    let d = &props.summary;
    let overdue = d.due.iter().filter(|p| p.overdue).count();
    html! {
        <div class="two-col">
            <section class="panel" aria-labelledby="dash-drills-title" id="dash-drills">
                <div class="panel-head">
                    <h2 id="dash-drills-title">{ ctx.t("dash.drills.due") }{ " " }<DrillLabel /></h2>
                    <span class={classes!("count-pill", (overdue > 0).then_some("warn"))}>{ d.due.len() }</span>
                </div>
                if d.due.is_empty() && d.running.is_empty() {
                    <Empty title={ctx.t("dash.drills.none_due")} />
                }
                if !d.running.is_empty() {
                    <h3 class="small-label">{ ctx.t("dash.drills.running") }</h3>
                    <ul class="item-list" id="dash-drills-running">
                        { for d.running.iter().map(|r| html! {
                            <li class="item" data-run={r.id.to_string()}>
                                <RouteLink to={Route::DrillRunner { id: r.id.to_string() }} class={classes!("item-title")}>
                                    { format!("{} · {}", r.number, r.title.get(lang)) }
                                </RouteLink>
                                <span class="item-meta">
                                    <StatusBadge entity={EntityKind::DrillRun} status={r.status.key()} />
                                    { " " }
                                    { ctx.format("drill.run.steps_of", &[("passed", &r.steps_passed.to_string()), ("failed", &r.steps_failed.to_string()), ("total", &r.steps_total.to_string())]) }
                                </span>
                            </li>
                        }) }
                    </ul>
                }
                if !d.due.is_empty() {
                    <ul class="item-list" id="dash-drills-due">
                        { for d.due.iter().map(|p| html! {
                            <li class={classes!("item", p.overdue.then_some("overdue"))} data-plan={p.plan.id.to_string()} data-overdue={p.overdue.to_string()}>
                                <RouteLink to={Route::Drills} class={classes!("item-title")}>{ p.plan.draft.title.clone() }</RouteLink>
                                <span class="item-meta">
                                    { p.template_title.as_ref().map(|t| t.get(lang).to_owned()).unwrap_or_else(|| p.plan.draft.template.clone()) }
                                    { " · " }
                                    { ctx.format("dash.drills.due_on", &[("date", &text::date(p.next_due)), ("owner", &p.owner_name)]) }
                                    if p.overdue { {" "}<span class="overdue-flag">{ ctx.t("drill.plan.overdue") }</span> }
                                </span>
                            </li>
                        }) }
                    </ul>
                }
                <div class="panel-foot">
                    <RouteLink to={Route::Drills}>{ ctx.t("dash.drills.all") }</RouteLink>
                </div>
            </section>
            <section class="panel" aria-labelledby="dash-drill-actions-title" id="dash-drill-actions">
                <div class="panel-head">
                    <h2 id="dash-drill-actions-title">{ ctx.t("dash.drills.my_actions") }</h2>
                    <span class="count-pill">{ d.my_actions.len() }</span>
                </div>
                <OpenActions items={d.my_actions.clone()} empty={ctx.t("dash.drills.my_actions_none")} />
            </section>
        </div>
    }
}
