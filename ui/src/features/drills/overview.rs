//! The drills page: the template library (start one, edit one), the plans with their due
//! dates, and every drill run.

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{
    CommandOutcome, DrillCommand, DrillPlanId, DrillRunStatus, DrillRunSummary, DrillsOverview,
    EntityKind, ErrorCode, NoRequest, PlanRow, UserSummary,
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::state::{PlanAction, PlanForm};
use crate::api;
use crate::components::{
    checked_of, invalid_attrs, on_change, on_text, DateField, Empty, ErrorAlert, FetchView,
    FieldError, OtherErrors, RouteLink, StatusBadge, UserSelect,
};
use crate::context::use_app;
use crate::features::incidents::DrillLabel;
use crate::hooks::{errors_to, submit_form, use_command, use_fetch, use_users_if, Commands, Exec};
use crate::route::Route;
use crate::text;

impl Reducible for PlanForm {
    type Action = PlanAction;
    fn reduce(self: Rc<Self>, action: PlanAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

/// Starts a drill (from a template, optionally under a plan) and opens its runner.
#[hook]
fn use_start(commands: &Commands) -> Callback<(String, Option<DrillPlanId>)> {
    let navigator = use_navigator();
    let run = commands.run.clone();
    Callback::from(move |(template, plan): (String, Option<DrillPlanId>)| {
        let navigator = navigator.clone();
        let open = Callback::from(move |outcome: CommandOutcome| {
            if let Some(nav) = &navigator {
                nav.push(&Route::DrillRunner {
                    id: outcome.entity.id.to_string(),
                });
            }
        });
        run.emit(Exec::new(DrillCommand::Start { template, plan }).on_ok(open));
    })
}

#[component]
pub fn DrillsPage() -> Html {
    let ctx = use_app();
    let overview = use_fetch((), |()| {
        api::call::<endpoint::DrillsOverviewGet>(&NoRequest {})
    });
    let commands = use_command();
    let start = use_start(&commands);
    let body = FetchView::new(&overview, "drills-error")
        .keep_data()
        .show(|o| {
            html! {
                <>
                    <Templates overview={o.clone()} commands={commands.clone()} start={start.clone()} />
                    <Plans overview={o.clone()} commands={commands.clone()} start={start.clone()} />
                    <Runs runs={o.runs.clone()} />
                </>
            }
        });
    html! {
        <section class="page" id="page-drills">
            <div class="page-head">
                <div>
                    <h1>{ ctx.t("drill.title") }</h1>
                    <p class="subtitle">{ ctx.t("drill.subtitle") }</p>
                </div>
                <DrillLabel long=true />
            </div>
            <ErrorAlert id="action-error" error={commands.error.clone().filter(|e| e.code != ErrorCode::Validation)} />
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SectionProps {
    overview: Rc<DrillsOverview>,
    commands: Commands,
    start: Callback<(String, Option<DrillPlanId>)>,
}

#[component]
fn Templates(props: &SectionProps) -> Html {
    let ctx = use_app();
    let lang = ctx.locale.tag();
    let o = &props.overview;
    html! {
        <section class="panel" id="drill-templates" aria-labelledby="drill-templates-title">
            <div class="panel-head">
                <h2 id="drill-templates-title">{ ctx.t("drill.templates") }</h2>
                <span class="count-pill">{ o.templates.len() }</span>
            </div>
            <ul class="template-grid">
                { for o.templates.iter().map(|row| {
                    let t = &row.template;
                    let key = t.id.clone();
                    let total = t.steps.iter().map(|s| s.target_minutes).max().unwrap_or(0);
                    let start = {
                        let (start, key) = (props.start.clone(), key.clone());
                        Callback::from(move |_: MouseEvent| start.emit((key.clone(), None)))
                    };
                    html! {
                        <li class="template-card" data-template={key.clone()}>
                            <h3>{ t.title.get(lang).to_owned() }</h3>
                            <p class="muted">
                                <code>{ key.clone() }</code>
                                { " · " }
                                { ctx.format("drill.revision", &[("version", &t.version.to_string())]) }
                                if row.edited {
                                    { " " }<span class="tag tag-warn" title={row.updated_at.map(text::local_time).unwrap_or_default()}>{ ctx.t("drill.edited") }</span>
                                } else {
                                    { " " }<span class="tag">{ ctx.t("drill.built_in") }</span>
                                }
                            </p>
                            <p class="prose template-scenario">{ t.scenario.get(lang).to_owned() }</p>
                            <p class="item-meta">
                                { ctx.format("drill.steps_count", &[("count", &t.steps.len().to_string()), ("minutes", &total.to_string())]) }
                            </p>
                            <div class="button-row">
                                if o.can_run {
                                    <button type="button" id={format!("drill-start-{key}")} class="btn btn-primary btn-small"
                                        data-action="drill.start" disabled={props.commands.busy} onclick={start}>
                                        { format!("▶ {}", ctx.t("drill.start")) }
                                    </button>
                                }
                                if o.can_edit_templates {
                                    <RouteLink to={Route::DrillTemplate { key: key.clone() }} id={format!("drill-edit-{key}")} class={classes!("btn", "btn-small")}>
                                        { ctx.t("drill.edit_template") }
                                    </RouteLink>
                                }
                            </div>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

#[component]
fn Plans(props: &SectionProps) -> Html {
    let ctx = use_app();
    let lang = ctx.locale.tag();
    let o = &props.overview;
    // `None`: no form; `Some(None)`: adding; `Some(Some(id))`: editing that plan.
    let editing = use_state(|| None::<Option<DrillPlanId>>);
    let users = use_users_if(o.can_plan).list;
    let close = {
        let editing = editing.clone();
        Callback::from(move |_| editing.set(None))
    };
    let form = match *editing {
        None => html! {},
        Some(target) => {
            let plan = target.and_then(|id| o.plans.iter().find(|p| p.plan.id == id));
            let initial = match plan {
                Some(p) => PlanForm::from_draft(&p.plan.draft, p.plan.active),
                None => PlanForm::new(
                    o.templates
                        .first()
                        .map(|t| t.template.id.as_str())
                        .unwrap_or(""),
                ),
            };
            html! {
                <PlanEditor key={target.map(|id| id.to_string()).unwrap_or_default()} editing={target} {initial}
                    overview={o.clone()} users={users.clone()} commands={props.commands.clone()} on_close={close} />
            }
        }
    };
    html! {
        <section class="panel" id="drill-plans" aria-labelledby="drill-plans-title">
            <div class="panel-head">
                <h2 id="drill-plans-title">{ ctx.t("drill.plans") }</h2>
                if o.can_plan && editing.is_none() {
                    <button type="button" id="drill-plan-add" class="btn btn-small"
                        onclick={{ let editing = editing.clone(); Callback::from(move |_| editing.set(Some(None))) }}>
                        { format!("+ {}", ctx.t("drill.plan_add")) }
                    </button>
                }
            </div>
            { form }
            if o.plans.is_empty() {
                <Empty title={ctx.t("drill.plans_empty")} hint={ctx.t("drill.plans_empty_hint")} />
            } else {
                <div class="table-wrap">
                    <table class="table" id="drill-plans-table">
                        <thead><tr>
                            <th scope="col">{ ctx.t("drill.plan.title") }</th>
                            <th scope="col">{ ctx.t("drill.plan.template") }</th>
                            <th scope="col">{ ctx.t("drill.plan.every") }</th>
                            <th scope="col">{ ctx.t("drill.plan.owner") }</th>
                            <th scope="col">{ ctx.t("drill.plan.next_due") }</th>
                            <th scope="col" class="num">{ ctx.t("drill.plan.done") }</th>
                            <th scope="col"><span class="visually-hidden">{ ctx.t("drill.actions") }</span></th>
                        </tr></thead>
                        <tbody>
                            { for o.plans.iter().map(|p: &PlanRow| {
                                let id = p.plan.id;
                                let start = {
                                    let (start, key) = (props.start.clone(), p.plan.draft.template.clone());
                                    Callback::from(move |_: MouseEvent| start.emit((key.clone(), Some(id))))
                                };
                                html! {
                                    <tr class={classes!("plan-row", p.overdue.then_some("overdue"), (!p.plan.active).then_some("inactive"))}
                                        data-id={id.to_string()} data-overdue={p.overdue.to_string()}>
                                        <td class="cell-title">
                                            { p.plan.draft.title.clone() }
                                            if !p.plan.active { {" "}<span class="tag">{ ctx.t("drill.plan.paused") }</span> }
                                        </td>
                                        <td>{ p.template_title.as_ref().map(|t| t.get(lang).to_owned()).unwrap_or_else(|| p.plan.draft.template.clone()) }</td>
                                        <td>{ ctx.format("drill.plan.every_n", &[("n", &p.plan.draft.every_months.to_string())]) }</td>
                                        <td>{ p.owner_name.clone() }</td>
                                        <td class="cell-date">
                                            <time datetime={text::date(p.next_due)}>{ text::date(p.next_due) }</time>
                                            if p.overdue && p.plan.active { {" "}<span class="overdue-flag">{ ctx.t("drill.plan.overdue") }</span> }
                                        </td>
                                        <td class="num">{ p.done }</td>
                                        <td class="cell-actions">
                                            <span class="inline-actions">
                                                if o.can_run && p.plan.active {
                                                    <button type="button" class="btn btn-small btn-primary" data-action="drill.start"
                                                        disabled={props.commands.busy} onclick={start}>{ ctx.t("drill.start") }</button>
                                                }
                                                if o.can_plan {
                                                    <button type="button" class="btn btn-small" data-action="drill.edit_plan"
                                                        onclick={{ let editing = editing.clone(); Callback::from(move |_| editing.set(Some(Some(id)))) }}>
                                                        { ctx.t("drill.plan.edit") }
                                                    </button>
                                                }
                                            </span>
                                        </td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PlanEditorProps {
    editing: Option<DrillPlanId>,
    initial: PlanForm,
    overview: Rc<DrillsOverview>,
    users: Rc<Vec<UserSummary>>,
    commands: Commands,
    on_close: Callback<()>,
}

#[component]
fn PlanEditor(props: &PlanEditorProps) -> Html {
    let ctx = use_app();
    let lang = ctx.locale.tag();
    let form = use_reducer({
        let initial = props.initial.clone();
        move || initial
    });
    let submit = {
        let close = props.on_close.clone();
        let editing = props.editing;
        submit_form(
            &props.commands.run,
            {
                let form = form.clone();
                move || form.draft().map(|draft| (draft, form.active))
            },
            errors_to(&form, PlanAction::Errors),
            move |(draft, active)| {
                let command = match editing {
                    Some(id) => DrillCommand::EditPlan { id, draft, active },
                    None => DrillCommand::AddPlan { draft },
                };
                Exec::new(command).on_ok(close.reform(|_| ()))
            },
        )
    };
    let errors = &form.errors;
    let text_in = |make: fn(String) -> PlanAction| {
        let form = form.clone();
        on_text(move |v| form.dispatch(make(v)))
    };
    let attrs = |field: &str, id: &str| invalid_attrs(errors, field, id);
    let (inv_t, desc_t) = attrs("title", "drill-plan-title");
    let (inv_e, desc_e) = attrs("every_months", "drill-plan-every");
    let (inv_d, desc_d) = attrs("first_due", "drill-plan-first-due");
    let (inv_o, desc_o) = attrs("owner", "drill-plan-owner");
    let class = |field: &str| classes!("field", errors.contains_key(field).then_some("has-error"));
    let known: Vec<String> = [
        "title",
        "template",
        "every_months",
        "first_due",
        "owner",
        "active",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    html! {
        <form class="form sub-panel" id="drill-plan-form" onsubmit={submit} novalidate=true aria-labelledby="drill-plan-form-title">
            <h3 id="drill-plan-form-title">{ ctx.t(if props.editing.is_some() { "drill.plan.edit_title" } else { "drill.plan_add" }) }</h3>
            <OtherErrors errors={errors.clone()} {known} />
            <div class="field-row">
                <div class={class("title")}>
                    <label for="drill-plan-title">{ ctx.t("drill.plan.title") }<span class="req-mark" aria-hidden="true">{" *"}</span></label>
                    <input id="drill-plan-title" type="text" value={form.title.clone()} oninput={text_in(PlanAction::Title)}
                        placeholder={ctx.t("drill.plan.title_placeholder")} aria-invalid={inv_t} aria-describedby={desc_t} />
                    <FieldError for_id="drill-plan-title" errors={errors.clone()} field="title" />
                </div>
                <div class={class("template")}>
                    <label for="drill-plan-template">{ ctx.t("drill.plan.template") }</label>
                    <select id="drill-plan-template" onchange={{ let form = form.clone(); on_change(move |v| form.dispatch(PlanAction::Template(v))) }}>
                        { for props.overview.templates.iter().map(|t| html! {
                            <option value={t.template.id.clone()} selected={form.template == t.template.id}>{ t.template.title.get(lang).to_owned() }</option>
                        }) }
                    </select>
                    <FieldError for_id="drill-plan-template" errors={errors.clone()} field="template" />
                </div>
            </div>
            <div class="field-row">
                <div class={class("every_months")}>
                    <label for="drill-plan-every">{ ctx.t("drill.plan.every_label") }</label>
                    <input id="drill-plan-every" type="number" min="1" max="36" step="1" inputmode="numeric" value={form.every_months.clone()}
                        oninput={text_in(PlanAction::EveryMonths)} aria-invalid={inv_e} aria-describedby={desc_e} />
                    <p class="hint">{ ctx.t("drill.plan.every_hint") }</p>
                    <FieldError for_id="drill-plan-every" errors={errors.clone()} field="every_months" />
                </div>
                <div class={class("first_due")}>
                    <label for="drill-plan-first-due">{ ctx.t("drill.plan.first_due") }<span class="req-mark" aria-hidden="true">{" *"}</span></label>
                    <DateField id="drill-plan-first-due" value={form.first_due.clone()} invalid={inv_d} describedby={desc_d}
                        on_input={{ let form = form.clone(); Callback::from(move |v| form.dispatch(PlanAction::FirstDue(v))) }} />
                    <FieldError for_id="drill-plan-first-due" errors={errors.clone()} field="first_due" />
                </div>
                <div class={class("owner")}>
                    <label for="drill-plan-owner">{ ctx.t("drill.plan.owner") }<span class="req-mark" aria-hidden="true">{" *"}</span></label>
                    <UserSelect id="drill-plan-owner" value={form.owner.clone()} users={props.users.clone()} placeholder={ctx.t("actions.choose_owner")}
                        on_change={{ let form = form.clone(); Callback::from(move |v| form.dispatch(PlanAction::Owner(v))) }}
                        invalid={inv_o} describedby={desc_o} />
                    <FieldError for_id="drill-plan-owner" errors={errors.clone()} field="owner" />
                </div>
            </div>
            if props.editing.is_some() {
                <div class="field field-check">
                    <input id="drill-plan-active" type="checkbox" checked={form.active}
                        onchange={{ let form = form.clone(); Callback::from(move |e: Event| form.dispatch(PlanAction::Active(checked_of(&e)))) }} />
                    <label for="drill-plan-active">{ ctx.t("drill.plan.active") }</label>
                </div>
            }
            <div class="form-actions">
                <button type="submit" id="drill-plan-submit" class="btn btn-primary" disabled={props.commands.busy}>{ ctx.t("drill.plan.save") }</button>
                <button type="button" class="btn" onclick={{ let close = props.on_close.clone(); Callback::from(move |_| close.emit(())) }}>{ ctx.t("common.cancel") }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct RunsProps {
    runs: Vec<DrillRunSummary>,
}

#[component]
fn Runs(props: &RunsProps) -> Html {
    let ctx = use_app();
    let lang = ctx.locale.tag();
    html! {
        <section class="panel" id="drill-runs" aria-labelledby="drill-runs-title">
            <div class="panel-head">
                <h2 id="drill-runs-title">{ ctx.t("drill.runs") }</h2>
                <span class="count-pill">{ props.runs.len() }</span>
            </div>
            if props.runs.is_empty() {
                <Empty title={ctx.t("drill.runs_empty")} hint={ctx.t("drill.runs_empty_hint")} />
            } else {
                <div class="table-wrap">
                    <table class="table" id="drill-runs-table">
                        <thead><tr>
                            <th scope="col">{ ctx.t("drill.run.number") }</th>
                            <th scope="col">{ ctx.t("drill.run.title") }</th>
                            <th scope="col">{ ctx.t("drill.run.status") }</th>
                            <th scope="col">{ ctx.t("drill.run.result") }</th>
                            <th scope="col">{ ctx.t("drill.run.started") }</th>
                            <th scope="col" class="num">{ ctx.t("drill.run.steps") }</th>
                            <th scope="col"><span class="visually-hidden">{ ctx.t("drill.actions") }</span></th>
                        </tr></thead>
                        <tbody>
                            { for props.runs.iter().map(|r| html! {
                                <tr class="run-row" data-id={r.id.to_string()} data-status={r.status.key()}
                                    data-result={r.result.map(|x| x.key())}>
                                    <td class="mono"><RouteLink to={Route::DrillRun { id: r.id.to_string() }}>{ r.number.clone() }</RouteLink></td>
                                    <td class="cell-title">
                                        { r.title.get(lang).to_owned() }
                                        if let Some(plan) = &r.plan_title { <div class="muted">{ plan.clone() }</div> }
                                    </td>
                                    <td><StatusBadge entity={EntityKind::DrillRun} status={r.status.key()} /></td>
                                    <td>
                                        if let Some(result) = r.result {
                                            <span class={classes!("tag", format!("result-{}", result.key()))}>{ ctx.t(&format!("drill.result.{}", result.key())) }</span>
                                        } else {
                                            <span class="muted">{ "—" }</span>
                                        }
                                    </td>
                                    <td class="cell-date muted"><time datetime={text::iso_time(r.started_at)}>{ text::local_time(r.started_at) }</time></td>
                                    <td class="num">
                                        { ctx.format("drill.run.steps_of", &[("passed", &r.steps_passed.to_string()), ("failed", &r.steps_failed.to_string()), ("total", &r.steps_total.to_string())]) }
                                    </td>
                                    <td class="cell-actions">
                                        if r.status == DrillRunStatus::Running {
                                            <RouteLink to={Route::DrillRunner { id: r.id.to_string() }} class={classes!("btn", "btn-small", "btn-primary")}>{ ctx.t("drill.resume") }</RouteLink>
                                        } else {
                                            <RouteLink to={Route::DrillRun { id: r.id.to_string() }} class={classes!("btn", "btn-small")}>{ ctx.t("drill.report") }</RouteLink>
                                        }
                                    </td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}
