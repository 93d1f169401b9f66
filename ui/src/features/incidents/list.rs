//! The incident list: filters (status, severity, quarter, active only, drills), paging, each
//! incident's live clock, and the quarter's statistics by severity.

use std::rc::Rc;

use chrono::Local;
use govbench_protocol::endpoint;
use govbench_protocol::{EntityKind, IncidentPage, IncidentPermission, IncidentStatus, Severity};
use yew::prelude::*;

use super::badges::{ClockBadge, CountdownText, DrillLabel, IncidentStatusBadge, SeverityBadge};
use super::state::{
    live_clock, mean_text, next_quarter, percent, previous_quarter, quarter_error, quarter_of,
    FilterAction, IncidentFilters,
};
use crate::api;
use crate::components::Pager;
use crate::components::{checked_of, on_change, on_text, Empty, FetchView, RouteLink};
use crate::context::use_app;
use crate::hooks::{use_fetch, use_now};
use crate::route::Route;
use crate::text;

impl Reducible for IncidentFilters {
    type Action = FilterAction;
    fn reduce(self: Rc<Self>, action: FilterAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[component]
pub fn IncidentsPage() -> Html {
    let ctx = use_app();
    let filters = use_reducer(IncidentFilters::default);
    let query = filters.to_query();
    let page = use_fetch(query, |q| async move {
        api::call::<endpoint::IncidentsList>(&q).await
    });

    let dispatch = |make: fn(String) -> FilterAction| {
        let filters = filters.clone();
        on_change(move |v| filters.dispatch(make(v)))
    };
    let toggle = |make: fn(bool) -> FilterAction| {
        let filters = filters.clone();
        Callback::from(move |e: Event| filters.dispatch(make(checked_of(&e))))
    };
    let quarter = {
        let filters = filters.clone();
        on_text(move |v| filters.dispatch(FilterAction::Quarter(v)))
    };
    let on_page = {
        let filters = filters.clone();
        Callback::from(move |p: u32| filters.dispatch(FilterAction::Page(p)))
    };
    let clear = {
        let filters = filters.clone();
        Callback::from(move |_: MouseEvent| filters.dispatch(FilterAction::Clear))
    };
    let quarter_problem = filters.quarter_error();

    let filter_bar = html! {
        <div class="filters" role="search" aria-label={ctx.t("incident.filter.label")}>
            <div class="field">
                <label for="incident-filter-status">{ ctx.t("incident.field.status") }</label>
                <select id="incident-filter-status" onchange={dispatch(FilterAction::Status)}>
                    <option value="all" selected={filters.status.is_none()}>{ ctx.t("list.all") }</option>
                    { for IncidentStatus::ALL.iter().map(|s| html! {
                        <option value={s.key()} selected={filters.status == Some(*s)}>{ text::status(ctx.locale, EntityKind::Incident, s.key()) }</option>
                    }) }
                </select>
            </div>
            <div class="field">
                <label for="incident-filter-severity">{ ctx.t("incident.field.severity") }</label>
                <select id="incident-filter-severity" onchange={dispatch(FilterAction::Severity)}>
                    <option value="all" selected={filters.severity.is_none()}>{ ctx.t("list.all") }</option>
                    { for Severity::ALL.iter().map(|s| html! {
                        <option value={s.key()} selected={filters.severity == Some(*s)}>{ ctx.t(&format!("severity.{}", s.key())) }</option>
                    }) }
                </select>
            </div>
            <div class={classes!("field", quarter_problem.is_some().then_some("has-error"))}>
                <label for="incident-filter-quarter">{ ctx.t("incident.filter.quarter") }</label>
                <input id="incident-filter-quarter" type="text" size="8" value={filters.quarter.clone()} oninput={quarter}
                    placeholder={ctx.t("incident.filter.quarter_placeholder")}
                    aria-invalid={quarter_problem.map(|_| "true")}
                    aria-describedby={quarter_problem.map(|_| "incident-filter-quarter-error")} />
                if let Some(rule) = quarter_problem {
                    <p class="field-error" id="incident-filter-quarter-error"><span aria-hidden="true">{"⚠ "}</span>{ ctx.t(rule) }</p>
                }
            </div>
            <div class="field field-check field-inline">
                <input id="incident-filter-active" type="checkbox" checked={filters.active_only} onchange={toggle(FilterAction::ActiveOnly)} />
                <label for="incident-filter-active">{ ctx.t("incident.filter.active") }</label>
            </div>
            <div class="field field-check field-inline">
                <input id="incident-filter-drills" type="checkbox" checked={filters.include_drills} onchange={toggle(FilterAction::IncludeDrills)} />
                <label for="incident-filter-drills">{ ctx.t("incident.filter.drills") }</label>
            </div>
            if filters.is_filtered() {
                <button type="button" id="incident-filter-clear" class="btn btn-small btn-ghost" onclick={clear.clone()}>
                    { ctx.t("list.clear") }
                </button>
            }
        </div>
    };

    let empty = html! {
            <>
                <table id="incidents-table" class="table" hidden=true><tbody></tbody></table>
                if filters.is_filtered() {
                    <Empty title={ctx.t("incident.list.empty_filtered")} hint={Some(AttrValue::from(ctx.t("list.empty_filtered_hint")))}>
                        <button type="button" class="btn btn-small" onclick={clear}>{ ctx.t("list.clear") }</button>
                    </Empty>
                } else {
                    <Empty title={ctx.t("incident.list.empty")} hint={Some(AttrValue::from(ctx.t("incident.list.empty_hint")))} />
                }
            </>
    };
    let body = FetchView::new(&page, "incidents-error")
        .empty_when(|p| p.items.is_empty(), empty)
        .show(|p| {
            html! {
                <>
                    <IncidentTable page={p.clone()} loading={page.loading} />
                    <Pager ids={(AttrValue::from("incident-count"), AttrValue::from("incident-page-prev"), AttrValue::from("incident-page-next"))}
                        page={filters.page} shown={p.items.len()} total={p.total} on_page={on_page.clone()} />
                </>
            }
        });

    html! {
        <section class="page" id="page-incidents">
            <div class="page-head">
                <div>
                    <h1>{ ctx.t("incident.list.title") }</h1>
                    <p class="subtitle">{ ctx.t("incident.list.subtitle") }</p>
                </div>
                <div class="button-row">
                    <RouteLink to={Route::IncidentTeam} id="incidents-team-link" class={classes!("btn")}>{ ctx.t("incident.team_link") }</RouteLink>
                    <RouteLink to={Route::IncidentRules} id="incidents-rules-link" class={classes!("btn")}>{ ctx.t("incident.rules_link") }</RouteLink>
                    if ctx.may(IncidentPermission::Open) {
                        <RouteLink to={Route::IncidentNew} id="incident-new" class={classes!("btn", "btn-primary")}>
                            { format!("+ {}", ctx.t("incident.new")) }
                        </RouteLink>
                    }
                </div>
            </div>
            { filter_bar }
            { body }
            <StatsPanel />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TableProps {
    page: Rc<IncidentPage>,
    loading: bool,
}

/// The rows, with their clocks ticking every second.
#[component]
fn IncidentTable(props: &TableProps) -> Html {
    let ctx = use_app();
    let now = use_now();
    html! {
        <div class="table-wrap">
            <table id="incidents-table" class="table" aria-busy={props.loading.then_some("true")}>
                <caption class="visually-hidden">{ ctx.t("incident.list.caption") }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ ctx.t("incident.col.number") }</th>
                        <th scope="col">{ ctx.t("incident.field.title") }</th>
                        <th scope="col">{ ctx.t("incident.field.severity") }</th>
                        <th scope="col">{ ctx.t("incident.field.status") }</th>
                        <th scope="col">{ ctx.t("incident.col.model") }</th>
                        <th scope="col">{ ctx.t("incident.col.opened") }</th>
                        <th scope="col">{ ctx.t("incident.col.clock") }</th>
                    </tr>
                </thead>
                <tbody>
                    { for props.page.items.iter().map(|r| {
                        let clock = live_clock(r, now);
                        html! {
                            <tr class={classes!("incident-row", r.drill.then_some("is-drill"))} data-id={r.id.to_string()}
                                data-status={r.status.key()} data-severity={r.severity.key()}
                                data-clock={clock.map(|c| c.key())} data-drill={r.drill.then_some("true")}>
                                <td class="mono">
                                    <RouteLink to={Route::IncidentDetail { id: r.id.to_string() }} class={classes!("incident-link")}>{ r.number.clone() }</RouteLink>
                                </td>
                                <td class="cell-title">
                                    <RouteLink to={Route::IncidentDetail { id: r.id.to_string() }}>{ r.title.clone() }</RouteLink>
                                    if r.drill { {" "}<DrillLabel /> }
                                </td>
                                <td><SeverityBadge severity={r.severity} /></td>
                                <td><IncidentStatusBadge status={r.status} /></td>
                                <td>{ r.model_name.clone().unwrap_or_else(|| "—".into()) }</td>
                                <td class="cell-date muted">
                                    <time datetime={text::iso_time(r.opened_at)}>{ text::local_time(r.opened_at) }</time>
                                </td>
                                <td class="cell-clock">
                                    if let Some(c) = clock {
                                        <ClockBadge status={c} />
                                    } else {
                                        <span class="muted">{ "—" }</span>
                                    }
                                    if let Some(due) = r.next_due {
                                        <div><CountdownText opened={r.opened_at} {due} {now} /></div>
                                    }
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// Statistics of one quarter, by severity (drills excluded).
#[component]
fn StatsPanel() -> Html {
    let ctx = use_app();
    let quarter = use_state(|| quarter_of(Local::now().date_naive()));
    let valid = quarter_error(&quarter).is_none() && !quarter.trim().is_empty();
    let stats = use_fetch(
        ((*quarter).clone(), valid),
        |(q, valid): (String, bool)| async move {
            if valid {
                api::call::<endpoint::IncidentStatsGet>(&q.trim().to_uppercase())
                    .await
                    .map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let step = |f: fn(&str) -> Option<String>| {
        let quarter = quarter.clone();
        let target = f(&quarter);
        let disabled = target.is_none();
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(t) = &target {
                quarter.set(t.clone());
            }
        });
        (onclick, disabled)
    };
    let (prev, prev_disabled) = step(previous_quarter);
    let (next, next_disabled) = step(next_quarter);
    let problem = quarter_error(&quarter);
    let table = FetchView::new(&stats, "incident-stats-error").show(|data| match data.as_ref() {
            None => html! {},
            Some(s) => {
                let total: u64 = s.rows.iter().map(|r| r.count).sum();
                html! {
                    <div class="table-wrap">
                        <table class="table" id="incident-stats-table" data-quarter={s.quarter.clone()}>
                            <caption class="visually-hidden">{ ctx.format("incident.stats.caption", &[("quarter", &s.quarter)]) }</caption>
                            <thead><tr>
                                <th scope="col">{ ctx.t("incident.field.severity") }</th>
                                <th scope="col" class="num">{ ctx.t("incident.stats.count") }</th>
                                <th scope="col" class="num">{ ctx.t("incident.stats.mtta") }</th>
                                <th scope="col" class="num">{ ctx.t("incident.stats.mttr") }</th>
                                <th scope="col" class="num">{ ctx.t("incident.stats.within") }</th>
                            </tr></thead>
                            <tbody>
                                { for s.rows.iter().map(|r| html! {
                                    <tr data-severity={r.severity.key()}>
                                        <th scope="row"><SeverityBadge severity={r.severity} /></th>
                                        <td class="num" data-stat="count">{ r.count }</td>
                                        <td class="num" data-stat="mtta">{ mean_text(ctx.locale, r.mean_acknowledge_minutes) }</td>
                                        <td class="num" data-stat="mttr">{ mean_text(ctx.locale, r.mean_resolve_minutes) }</td>
                                        <td class="num" data-stat="within">{ percent(r.within_targets) }</td>
                                    </tr>
                                }) }
                            </tbody>
                            <tfoot>
                                <tr>
                                    <th scope="row">{ ctx.t("incident.stats.total") }</th>
                                    <td class="num" id="incident-stats-total">{ total }</td>
                                    <td colspan="3"></td>
                                </tr>
                            </tfoot>
                        </table>
                    </div>
                }
            }
        });
    html! {
        <section class="panel" id="incident-stats" aria-labelledby="incident-stats-title">
            <div class="panel-head">
                <div>
                    <h2 id="incident-stats-title">{ ctx.t("incident.stats.title") }</h2>
                    <p class="hint">{ ctx.t("incident.stats.hint") }</p>
                </div>
                <div class="quarter-picker">
                    <button type="button" id="incident-stats-prev" class="btn btn-small btn-icon" onclick={prev} disabled={prev_disabled}
                        aria-label={ctx.t("incident.stats.previous")}>{ "‹" }</button>
                    <label for="incident-stats-quarter" class="visually-hidden">{ ctx.t("incident.stats.quarter") }</label>
                    <input id="incident-stats-quarter" type="text" size="7" value={(*quarter).clone()}
                        aria-invalid={problem.map(|_| "true")}
                        oninput={{ let quarter = quarter.clone(); on_text(move |v| quarter.set(v)) }} />
                    <button type="button" id="incident-stats-next" class="btn btn-small btn-icon" onclick={next} disabled={next_disabled}
                        aria-label={ctx.t("incident.stats.next")}>{ "›" }</button>
                </div>
            </div>
            if let Some(rule) = problem {
                <p class="field-error" id="incident-stats-quarter-error"><span aria-hidden="true">{"⚠ "}</span>{ ctx.t(rule) }</p>
            }
            { table }
        </section>
    }
}
