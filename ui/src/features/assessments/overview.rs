//! The assessments page: every quarter assessed so far with its status and tally, opening the
//! assessment of a recent quarter, and every report and audit pack exported (numbered and
//! hashed, as recorded in the log).

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{
    AssessmentCommand, AssessmentsOverview, CommandOutcome, EntityKind, ErrorCode, NoRequest,
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::scorecard::Tally;
use crate::api;
use crate::components::{on_change, Empty, ErrorAlert, FetchView, RouteLink, StatusBadge};
use crate::context::use_app;
use crate::hooks::{use_command, use_fetch, Commands, Exec};
use crate::route::Route;
use crate::text;

#[component]
pub fn AssessmentsPage() -> Html {
    let ctx = use_app();
    let overview = use_fetch((), |()| {
        api::call::<endpoint::AssessmentsOverviewGet>(&NoRequest {})
    });
    let commands = use_command();
    let body = FetchView::new(&overview, "assessments-error")
        .keep_data()
        .show(|o| {
            html! {
                <>
                    if o.can_open && !o.open_quarters.is_empty() {
                        <OpenForm overview={o.clone()} commands={commands.clone()} />
                    }
                    <Quarters overview={o.clone()} />
                    <Exports overview={o.clone()} />
                </>
            }
        });
    html! {
        <section class="page" id="page-assessments">
            <div class="page-head">
                <div>
                    <h1>{ ctx.t("assessment.title") }</h1>
                    <p class="subtitle">{ ctx.t("assessment.subtitle") }</p>
                </div>
            </div>
            <ErrorAlert id="action-error" error={commands.error.clone().filter(|e| e.code != ErrorCode::Validation)} />
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct OverviewProps {
    overview: Rc<AssessmentsOverview>,
}

#[derive(Properties, PartialEq)]
struct OpenProps {
    overview: Rc<AssessmentsOverview>,
    commands: Commands,
}

/// "Open the assessment of quarter [..]": opens it and goes to its page.
#[component]
fn OpenForm(props: &OpenProps) -> Html {
    let ctx = use_app();
    let navigator = use_navigator();
    let quarters = &props.overview.open_quarters;
    // The chosen quarter; the first (the current quarter) until one is picked.
    let chosen = use_state(String::new);
    let quarter = if quarters.contains(&*chosen) {
        (*chosen).clone()
    } else {
        quarters.first().cloned().unwrap_or_default()
    };
    let submit = {
        let run = props.commands.run.clone();
        let quarter = quarter.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if quarter.is_empty() {
                return;
            }
            let navigator = navigator.clone();
            let to = Route::Assessment {
                quarter: quarter.clone(),
            };
            let go = Callback::from(move |_: CommandOutcome| {
                if let Some(nav) = &navigator {
                    nav.push(&to);
                }
            });
            run.emit(
                Exec::new(AssessmentCommand::Open {
                    quarter: quarter.clone(),
                })
                .on_ok(go),
            );
        })
    };
    html! {
        <form class="panel form-inline open-form" id="assessment-open-form" onsubmit={submit} novalidate=true>
            <label for="assessment-open-quarter">{ ctx.t("assessment.open_label") }</label>
            <select id="assessment-open-quarter" onchange={{ let chosen = chosen.clone(); on_change(move |v| chosen.set(v)) }}>
                { for quarters.iter().map(|q| html! {
                    <option value={q.clone()} selected={*q == quarter}>{ q.clone() }</option>
                }) }
            </select>
            <button type="submit" id="assessment-open" class="btn btn-primary" disabled={props.commands.busy}>
                { ctx.t("assessment.open") }
            </button>
        </form>
    }
}

#[component]
fn Quarters(props: &OverviewProps) -> Html {
    let ctx = use_app();
    let o = &props.overview;
    html! {
        <section class="panel" id="assessment-quarters" aria-labelledby="assessment-quarters-title">
            <div class="panel-head">
                <h2 id="assessment-quarters-title">{ ctx.t("assessment.quarters") }</h2>
                <span class="count-pill">{ o.assessments.len() }</span>
            </div>
            if o.assessments.is_empty() {
                <Empty title={ctx.t("assessment.none")} hint={ctx.t("assessment.none_hint")}>
                    // The current quarter can be looked at (live) before anyone opens it.
                    if let Some(q) = o.open_quarters.first() {
                        <RouteLink to={Route::Assessment { quarter: q.clone() }} id="assessment-current" class={classes!("btn")}>
                            { ctx.format("assessment.look_at", &[("quarter", q)]) }
                        </RouteLink>
                    }
                </Empty>
            } else {
                <div class="table-wrap">
                    <table class="table" id="assessments-table">
                        <thead><tr>
                            <th scope="col">{ ctx.t("assessment.col.quarter") }</th>
                            <th scope="col">{ ctx.t("assessment.col.state") }</th>
                            <th scope="col">{ ctx.t("assessment.col.tally") }</th>
                            <th scope="col" class="num">{ ctx.t("assessment.col.open_adjustments") }</th>
                            <th scope="col">{ ctx.t("assessment.col.updated") }</th>
                        </tr></thead>
                        <tbody>
                            { for o.assessments.iter().map(|a| html! {
                                <tr class="assessment-row" data-quarter={a.quarter.clone()} data-status={a.status.key()}>
                                    <td class="cell-title">
                                        <RouteLink to={Route::Assessment { quarter: a.quarter.clone() }} id={format!("assessment-link-{}", a.quarter)} class={classes!("mono")}>
                                            { a.quarter.clone() }
                                        </RouteLink>
                                    </td>
                                    <td><StatusBadge entity={EntityKind::Assessment} status={a.status.key()} /></td>
                                    <td>
                                        if let Some(tally) = a.tally {
                                            <Tally {tally} />
                                        } else {
                                            <span class="muted">{ "—" }</span>
                                        }
                                    </td>
                                    <td class="num">
                                        <span class={classes!("count-pill", (a.open_adjustments > 0).then_some("warn"))}>{ a.open_adjustments }</span>
                                    </td>
                                    <td class="cell-date"><time datetime={text::iso_time(a.updated_at)}>{ text::local_time(a.updated_at) }</time></td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}

#[component]
fn Exports(props: &OverviewProps) -> Html {
    let ctx = use_app();
    let o = &props.overview;
    html! {
        <section class="panel" id="assessment-exports-list" aria-labelledby="assessment-exports-list-title">
            <div class="panel-head">
                <h2 id="assessment-exports-list-title">{ ctx.t("export.list_title") }</h2>
                <span class="count-pill">{ o.exports.len() }</span>
            </div>
            <p class="hint">{ ctx.t("export.list_hint") }</p>
            if o.exports.is_empty() {
                <Empty title={ctx.t("export.none")} />
            } else {
                <div class="table-wrap">
                    <table class="table table-compact" id="exports-table">
                        <thead><tr>
                            <th scope="col">{ ctx.t("export.col.number") }</th>
                            <th scope="col">{ ctx.t("export.col.exported") }</th>
                            <th scope="col">{ ctx.t("assessment.col.quarter") }</th>
                            <th scope="col">{ ctx.t("export.col.kind") }</th>
                            <th scope="col">{ ctx.t("export.col.lang") }</th>
                            <th scope="col">{ ctx.t("export.col.file") }</th>
                            <th scope="col">{ ctx.t("export.col.sha256") }</th>
                            <th scope="col" title={ctx.t("export.col.head_hint")}>{ ctx.t("export.col.head") }</th>
                            <th scope="col">{ ctx.t("export.col.by") }</th>
                        </tr></thead>
                        <tbody>
                            { for o.exports.iter().map(|e| html! {
                                <tr class="export-row" data-number={e.number.clone()} data-kind={e.kind.key()}>
                                    <td class="mono export-number">{ e.number.clone() }</td>
                                    <td class="cell-date"><time datetime={text::iso_time(e.exported_at)}>{ text::local_time(e.exported_at) }</time></td>
                                    <td>
                                        <RouteLink to={Route::Assessment { quarter: e.quarter.clone() }} class={classes!("mono")}>{ e.quarter.clone() }</RouteLink>
                                    </td>
                                    <td>{ ctx.t(&format!("export.kind.{}", e.kind.key())) }</td>
                                    <td>{ language_name(&ctx, &e.lang) }</td>
                                    <td class="file-name">{ e.file_name.clone() }<span class="muted">{ format!(" · {}", text::file_size(e.bytes)) }</span></td>
                                    <td class="mono" title={e.sha256.clone()}>{ text::short_sha(&e.sha256) }</td>
                                    // The head printed in the file: what the Integrity page checks a
                                    // printed report against.
                                    // On a shared workspace the frontier beside it, for the shared log.
                                    <td class="mono export-head" title={e.frontier.as_ref().map_or_else(|| e.head.clone(), |f| format!("{}\n{f}", e.head))}
                                        data-head={e.head.clone()} data-frontier={e.frontier.clone()}>{ short_head(&e.head) }</td>
                                    <td>{ text::name_of(&o.names, e.exported_by) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}

/// `<seq>:<first hex digits>` of a printed head (`<copy>:<seq>:<hash>`).
fn short_head(head: &str) -> String {
    let mut parts = head.rsplitn(3, ':');
    match (parts.next(), parts.next()) {
        (Some(hash), Some(seq)) => format!("{seq}:{}…", hash.chars().take(12).collect::<String>()),
        _ => head.to_owned(),
    }
}

/// A report's language by name (`中文`, `English`); a tag the catalogue does not know as is.
fn language_name(ctx: &crate::context::AppCtx, tag: &str) -> String {
    let key = format!("export.lang.{tag}");
    let name = ctx.t(&key);
    if name == key {
        tag.to_owned()
    } else {
        name
    }
}
