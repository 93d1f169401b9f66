//! A drill run's page and report: the scenario and objectives, every step's measured time
//! against its target with its outcome, who checked it and when, the totals, the evaluation,
//! the findings as actions, incidents opened in the drill, and evidence files. Prints as a
//! report.

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{
    CorrectiveAction, DrillAction, DrillCommand, DrillRunDetail, DrillRunStatus, EntityKind,
    EntityRef, StepOutcome,
};
use yew::prelude::*;

use super::state::{elapsed_face, target_face, took_face, totals};
use crate::components::{
    action_progress, ActionList, Attachments, ErrorAlert, FetchView, RouteLink, StatusBadge,
};
use crate::context::use_app;
use crate::features::incidents::{DrillLabel, IncidentStatusBadge, SeverityBadge};
use crate::hooks::{use_command, use_detail, Exec};
use crate::route::Route;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct RunProps {
    pub id: String,
}

#[component]
pub fn DrillRunPage(props: &RunProps) -> Html {
    let ctx = use_app();
    let detail = use_detail::<endpoint::DrillRunGet>(&props.id);
    let commands = use_command();
    let d: Rc<DrillRunDetail> = match FetchView::new(&detail.fetched, "drill-run-error").page(
        "page-drill-run",
        Route::Drills,
        ctx.t("nav.drills"),
    ) {
        Ok(d) => d,
        Err(page) => return page,
    };
    let lang = ctx.locale.tag();
    let r = &d.run;
    let t = &r.template;
    let names = Rc::new(d.names.clone());
    let running = r.status == DrillRunStatus::Running;
    let run_id = r.id;
    let on_complete = {
        let run = commands.run.clone();
        Callback::from(move |(action, note): (CorrectiveAction, String)| {
            run.emit(Exec::new(DrillCommand::CompleteAction {
                run: run_id,
                action: action.id,
                note,
            }))
        })
    };
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });

    html! {
        <section class="page report-page" id="page-drill-run" data-id={r.id.to_string()} data-status={r.status.key()}
            data-result={r.evaluation.as_ref().map(|e| e.result.key())}>
            <nav class="breadcrumbs no-print" aria-label={ctx.t("common.breadcrumbs")}>
                <RouteLink to={Route::Drills}>{ ctx.t("nav.drills") }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ r.number.clone() }</span>
            </nav>
            <header class="detail-head">
                <div>
                    <DrillLabel long=true id="drill-run-label" />
                    <p class="record-number mono" id="drill-run-number">{ r.number.clone() }</p>
                    <h1 id="drill-run-heading">{ ctx.format("drill.report.heading", &[("title", t.title.get(lang))]) }</h1>
                    if let Some(plan) = &d.plan_title { <p class="muted">{ ctx.format("drill.report.plan", &[("plan", plan)]) }</p> }
                </div>
                <div class="detail-badges">
                    <StatusBadge id="drill-run-status" entity={EntityKind::DrillRun} status={r.status.key()} />
                    if let Some(e) = &r.evaluation {
                        <span class={classes!("tag", format!("result-{}", e.result.key()))} id="drill-run-result">{ ctx.t(&format!("drill.result.{}", e.result.key())) }</span>
                    }
                </div>
            </header>
            <div class="button-row no-print">
                if running {
                    <RouteLink to={Route::DrillRunner { id: r.id.to_string() }} id="drill-resume" class={classes!("btn", "btn-primary")}>
                        { format!("▶ {}", ctx.t("drill.resume")) }
                    </RouteLink>
                    if ctx.may(govbench_protocol::IncidentPermission::Open) {
                        <RouteLink to={Route::DrillIncidentNew { id: r.id.to_string() }} id="drill-open-incident" class={classes!("btn")}>
                            { ctx.t("drill.report.open_incident") }
                        </RouteLink>
                    }
                }
                <button type="button" id="drill-print" class="btn" onclick={print}>{ ctx.t("drill.report.print") }</button>
            </div>
            <ErrorAlert id="action-error" error={commands.error.clone()} />
            <ScenarioPanel detail={d.clone()} />
            <StepsPanel detail={d.clone()} />
            <EvaluationPanel detail={d.clone()} />
            <section class="panel" aria-labelledby="drill-findings-title">
                <div class="panel-head">
                    <h2 id="drill-findings-title">{ ctx.t("drill.report.findings") }</h2>
                    { action_progress(&ctx, &r.findings) }
                </div>
                <ActionList id="drill-findings" actions={r.findings.clone()} names={names.clone()}
                    can_complete={d.allowed_actions.contains(&DrillAction::CompleteAction)}
                    busy={commands.busy} {on_complete} />
            </section>
            <DrillIncidents detail={d.clone()} />
            <Attachments id="drill-attachments" on={EntityRef::from(r.id)} items={Some(Rc::new(d.attachments.clone()))} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PanelProps {
    detail: Rc<DrillRunDetail>,
}

/// The scenario, objectives and participants of the template the run started from, and when
/// it started and finished.
#[component]
fn ScenarioPanel(props: &PanelProps) -> Html {
    let ctx = use_app();
    let lang = ctx.locale.tag();
    let r = &props.detail.run;
    let t = &r.template;
    let names = &props.detail.names;
    html! {
        <section class="panel" aria-labelledby="drill-scenario-title">
            <h2 id="drill-scenario-title">{ ctx.t("drill.scenario") }</h2>
            <p class="prose" id="drill-scenario">{ t.scenario.get(lang).to_owned() }</p>
            <div class="two-col">
                <div>
                    <h3>{ ctx.t("drill.objectives") }</h3>
                    <ul id="drill-objectives">{ for t.objectives.iter().map(|o| html! { <li>{ o.get(lang).to_owned() }</li> }) }</ul>
                </div>
                <div>
                    <h3>{ ctx.t("drill.participants") }</h3>
                    <ul id="drill-participants">
                        { for t.participants.iter().map(|p| html! {
                            <li><strong>{ text::role(ctx.locale, p.role) }</strong>{ " — " }{ p.duty.get(lang).to_owned() }</li>
                        }) }
                    </ul>
                </div>
            </div>
            <dl class="dl-grid">
                <dt>{ ctx.t("drill.report.started") }</dt>
                <dd>
                    <time datetime={text::iso_time(r.started_at)}>{ text::local_time(r.started_at) }</time>
                    { format!(" · {}", text::name_of(names, r.started_by)) }
                </dd>
                <dt>{ ctx.t("drill.report.finished") }</dt>
                <dd>
                    if let Some(f) = r.finished_at {
                        <time datetime={text::iso_time(f)}>{ text::local_time(f) }</time>
                    } else {
                        <span class="muted">{ ctx.t("drill.report.still_running") }</span>
                    }
                </dd>
                <dt>{ ctx.t("drill.report.template") }</dt>
                <dd><code>{ t.id.clone() }</code>{ " · " }{ ctx.format("drill.revision", &[("version", &t.version.to_string())]) }</dd>
            </dl>
        </section>
    }
}

/// Every step's measured time against its target, its outcome and who checked it, and the
/// totals.
#[component]
fn StepsPanel(props: &PanelProps) -> Html {
    let ctx = use_app();
    let d = &props.detail;
    let r = &d.run;
    let sums = totals(r, &d.times);
    html! {
        <section class="panel" aria-labelledby="drill-steps-title">
            <h2 id="drill-steps-title">{ ctx.t("drill.report.steps") }</h2>
            <div class="table-wrap">
                <table class="table" id="drill-report-table">
                    <thead><tr>
                        <th scope="col" class="num">{ "#" }</th>
                        <th scope="col">{ ctx.t("drill.report.step") }</th>
                        <th scope="col">{ ctx.t("drill.editor.role") }</th>
                        <th scope="col" class="num">{ ctx.t("drill.report.target") }</th>
                        <th scope="col" class="num">{ ctx.t("drill.report.measured") }</th>
                        <th scope="col">{ ctx.t("drill.report.timing") }</th>
                        <th scope="col">{ ctx.t("drill.report.outcome") }</th>
                        <th scope="col">{ ctx.t("drill.report.checked") }</th>
                        <th scope="col">{ ctx.t("drill.runner.note") }</th>
                    </tr></thead>
                    <tbody>
                        { for (0..r.template.steps.len().min(r.steps.len())).map(|i| html! {
                            <StepRow detail={d.clone()} index={i} />
                        }) }
                    </tbody>
                </table>
            </div>
            <dl class="totals" id="drill-totals">
                <div>
                    <dt>{ ctx.t("drill.report.elapsed") }</dt>
                    <dd class="mono" data-total="elapsed">{ sums.elapsed_seconds.map(elapsed_face).unwrap_or_else(|| "—".into()) }</dd>
                </div>
                <div>
                    <dt>{ ctx.t("drill.report.passed") }</dt>
                    <dd data-total="passed">{ ctx.format("drill.report.passed_of", &[("passed", &sums.passed.to_string()), ("total", &sums.total.to_string()), ("failed", &sums.failed.to_string())]) }</dd>
                </div>
                <div>
                    <dt>{ ctx.t("drill.report.on_time_share") }</dt>
                    <dd data-total="on_time">{ sums.on_time_percent().map(|p| format!("{p}%")).unwrap_or_else(|| "—".into()) }</dd>
                </div>
            </dl>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct StepRowProps {
    detail: Rc<DrillRunDetail>,
    /// The step's place in the template (and in the run's records).
    index: usize,
}

/// One step of the report's table.
#[component]
fn StepRow(props: &StepRowProps) -> Html {
    let ctx = use_app();
    let lang = ctx.locale.tag();
    let d = &props.detail;
    let i = props.index;
    let (Some(step), Some(record)) = (d.run.template.steps.get(i), d.run.steps.get(i)) else {
        return html! {};
    };
    let time = d.times.get(i).copied();
    let on_time = time.and_then(|x| x.on_time);
    html! {
        <tr class="report-step" data-step={i.to_string()} data-outcome={record.outcome.map(|o| o.key())}
            data-on-time={on_time.map(|b| b.to_string())}>
            <td class="num">{ i + 1 }</td>
            <td>{ step.title.get(lang).to_owned() }</td>
            <td>{ text::role(ctx.locale, step.role) }</td>
            <td class="num mono">{ target_face(step.target_minutes) }</td>
            <td class="num mono">{ time.and_then(|x| x.took_seconds).map(took_face).unwrap_or_else(|| "—".into()) }</td>
            <td>
                { match on_time {
                    Some(true) => html! { <span class="tag tag-ok">{ ctx.t("drill.report.on_time") }</span> },
                    Some(false) => html! { <span class="tag tag-bad">{ ctx.t("drill.report.late") }</span> },
                    None => html! { <span class="muted">{ "—" }</span> },
                } }
            </td>
            <td>
                { match record.outcome {
                    Some(o) => html! {
                        <span class={classes!("tag", if o == StepOutcome::Pass { "tag-ok" } else { "tag-bad" })}>
                            { ctx.t(&format!("step_outcome.{}", o.key())) }
                        </span>
                    },
                    None => html! { <span class="muted">{ ctx.t("drill.report.not_checked") }</span> },
                } }
            </td>
            <td class="muted">
                { record.by.map(|by| text::name_of(&d.names, by)).unwrap_or_default() }
                if let Some(at) = record.at { <div><time datetime={text::iso_time(at)}>{ text::local_time(at) }</time></div> }
            </td>
            <td class="prose">{ record.note.clone() }</td>
        </tr>
    }
}

/// The evaluation (or that there is none yet) and the template's success criteria.
#[component]
fn EvaluationPanel(props: &PanelProps) -> Html {
    let ctx = use_app();
    let lang = ctx.locale.tag();
    let r = &props.detail.run;
    html! {
        <section class="panel" aria-labelledby="drill-evaluation-title" id="drill-evaluation">
            <h2 id="drill-evaluation-title">{ ctx.t("drill.report.evaluation") }</h2>
            if let Some(e) = &r.evaluation {
                <p><span class={classes!("tag", format!("result-{}", e.result.key()))}>{ ctx.t(&format!("drill.result.{}", e.result.key())) }</span></p>
                <p class="prose" id="drill-summary">{ e.summary.clone() }</p>
            } else {
                <p class="muted">{ ctx.t("drill.report.no_evaluation") }</p>
            }
            <h3>{ ctx.t("drill.success_criteria") }</h3>
            <ul id="drill-criteria">{ for r.template.success_criteria.iter().map(|c| html! { <li>{ c.get(lang).to_owned() }</li> }) }</ul>
        </section>
    }
}

/// The incidents opened in the drill.
#[component]
fn DrillIncidents(props: &PanelProps) -> Html {
    let ctx = use_app();
    let incidents = &props.detail.incidents;
    html! {
        <section class="panel" aria-labelledby="drill-incidents-title" id="drill-incidents">
            <h2 id="drill-incidents-title">{ ctx.t("drill.report.incidents") }</h2>
            if incidents.is_empty() {
                <p class="muted">{ ctx.t("drill.report.no_incidents") }</p>
            } else {
                <ul class="item-list">
                    { for incidents.iter().map(|i| html! {
                        <li class="item" data-incident={i.id.to_string()}>
                            <RouteLink to={Route::IncidentDetail { id: i.id.to_string() }} class={classes!("item-title")}>
                                { format!("{} · {}", i.number, i.title) }
                            </RouteLink>
                            <span class="item-meta">
                                <SeverityBadge severity={i.severity} />{ " " }<IncidentStatusBadge status={i.status} />
                            </span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}
