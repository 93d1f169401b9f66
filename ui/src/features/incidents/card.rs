//! The incidents card of the dashboard: active incidents with their clocks, how many are
//! breached, the corrective actions waiting for me, and a missing team function.

use govbench_protocol::{EntityKind, IncidentsDashboard};
use yew::prelude::*;

use super::badges::{ClockBadge, CountdownText, DrillLabel, SeverityBadge};
use super::state::live_clock;
use crate::components::{Empty, OpenActions, RouteLink};
use crate::context::use_app;
use crate::hooks::use_now;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub summary: IncidentsDashboard,
}

#[component]
pub fn IncidentsCard(props: &CardProps) -> Html {
    let ctx = use_app();
    let now = use_now();
    let d = &props.summary;
    html! {
        <>
            if !d.team_missing.is_empty() {
                <div class="banner banner-warn" id="dash-team-missing" role="alert">
                    <span class="alert-icon" aria-hidden="true">{"⚠"}</span>
                    <span>
                        { ctx.format("team.missing", &[("functions", &d.team_missing.iter().map(|f| ctx.t(&format!("team_function.{}", f.key()))).collect::<Vec<_>>().join(&ctx.t("list.separator")))]) }
                        { " " }
                        <RouteLink to={Route::IncidentTeam}>{ ctx.t("incident.team_link") }</RouteLink>
                    </span>
                </div>
            }
            <div class="two-col">
                <section class="panel" aria-labelledby="dash-incidents-title" id="dash-incidents">
                    <div class="panel-head">
                        <h2 id="dash-incidents-title">{ ctx.t("dash.incidents.active") }</h2>
                        <span class="inline-actions">
                            if d.breached > 0 {
                                <span class="count-pill bad" id="dash-incidents-breached" title={ctx.t("dash.incidents.breached_hint")}>
                                    { ctx.format("dash.incidents.breached", &[("count", &d.breached.to_string())]) }
                                </span>
                            }
                            <span class="count-pill">{ d.active.len() }</span>
                        </span>
                    </div>
                    if d.active.is_empty() {
                        <Empty title={ctx.t("dash.incidents.none")} />
                    } else {
                        <ul class="item-list">
                            { for d.active.iter().map(|r| {
                                let clock = live_clock(r, now);
                                html! {
                                    <li class="item" data-incident={r.id.to_string()} data-clock={clock.map(|c| c.key())}>
                                        <RouteLink to={Route::IncidentDetail { id: r.id.to_string() }} class={classes!("item-title")}>
                                            { format!("{} · {}", r.number, r.title) }
                                        </RouteLink>
                                        <span class="item-meta">
                                            <SeverityBadge severity={r.severity} />
                                            if r.drill { {" "}<DrillLabel /> }
                                            { " " }
                                            <span class="muted">{ crate::text::status(ctx.locale, EntityKind::Incident, r.status.key()) }</span>
                                            if let Some(c) = clock { {" "}<ClockBadge status={c} /> }
                                            if let Some(due) = r.next_due { {" "}<CountdownText opened={r.opened_at} {due} {now} /> }
                                        </span>
                                    </li>
                                }
                            }) }
                        </ul>
                    }
                    <div class="panel-foot">
                        <RouteLink to={Route::Incidents}>{ ctx.t("dash.incidents.all") }</RouteLink>
                    </div>
                </section>
                <section class="panel" aria-labelledby="dash-incident-actions-title" id="dash-incident-actions">
                    <div class="panel-head">
                        <h2 id="dash-incident-actions-title">{ ctx.t("dash.incidents.my_actions") }</h2>
                        <span class="count-pill">{ d.my_actions.len() }</span>
                    </div>
                    <OpenActions items={d.my_actions.clone()} empty={ctx.t("dash.incidents.my_actions_none")} />
                </section>
            </div>
        </>
    }
}
