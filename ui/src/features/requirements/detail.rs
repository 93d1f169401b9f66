//! Requirement detail: every field, the actions the user may take now, history and comments.

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{
    ApiError, Decision, EntityRef, Feasibility, RequirementAction as A, RequirementCommand as C,
    RequirementDetail, RequirementDraft, RequirementId,
};
use yew::prelude::*;

use super::badges::{OverdueFlag, PriorityBadge, RequirementStatusBadge};
use super::draft_form::{DraftEditor, FormMode};
use super::state::assess::{AssessAction, AssessForm};
use super::state::decide::{build_decision, DecisionKind};
use super::state::draft::{format_number, DraftForm};
use super::state::plan::{PlanAction, PlanForm};
use crate::components::{
    invalid_attrs, on_change, on_text, CommentThread, DateField, Empty, ErrorAlert, FetchView,
    FieldError, HistoryTimeline, OtherErrors, RouteLink,
};
use crate::context::use_app;
use crate::hooks::{errors_to, submit_form, use_command, use_detail, use_users, Exec};
use crate::route::Route;
use crate::state::{backend_field_errors, FieldErrors, SubmitForm};
use crate::text;

impl Reducible for AssessForm {
    type Action = AssessAction;
    fn reduce(self: Rc<Self>, action: AssessAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

impl Reducible for PlanForm {
    type Action = PlanAction;
    fn reduce(self: Rc<Self>, action: PlanAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

/// Submits a panel's form as one command: the form's own checks first (inline errors, nothing
/// sent), the backend's field errors inline after.
fn submit_command<F>(
    form: &UseReducerHandle<F>,
    run: &Callback<Exec>,
    command: impl Fn(F::Payload) -> C + 'static,
) -> Callback<SubmitEvent>
where
    F: Reducible + SubmitForm<Action = <F as Reducible>::Action> + 'static,
{
    submit_form(
        run,
        {
            let form = form.clone();
            move || form.check()
        },
        errors_to(form, F::errors_action),
        move |payload| Exec::new(command(payload)),
    )
}

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub id: String,
}

#[component]
pub fn DetailPage(props: &DetailProps) -> Html {
    let ctx = use_app();
    let detail = use_detail::<endpoint::RequirementGet>(&props.id);
    let commands = use_command();
    let editing = use_state(|| false);

    let Some(id) = detail.id else {
        return html! {
            <section class="page" id="page-req-detail">
                <Empty title={ctx.t("detail.not_found")} />
            </section>
        };
    };
    let d = match FetchView::new(&detail.fetched, "action-error").page(
        "page-req-detail",
        Route::Requirements,
        ctx.t("nav.requirements"),
    ) {
        Ok(d) => d,
        Err(page) => return page,
    };
    let r = &d.requirement;
    let allowed = |a: A| d.allowed_actions.contains(&a);
    let status_key = r.status.key();
    let busy = commands.busy;

    let simple_button = |action: A, command: C, primary: bool| {
        if !allowed(action) {
            return html! {};
        }
        let run = commands.run.clone();
        html! {
            <button type="button" data-action={action.key()} disabled={busy}
                class={classes!("btn", primary.then_some("btn-primary"))}
                onclick={Callback::from(move |_: MouseEvent| run.emit(Exec::new(command.clone())))}>
                { ctx.t(&format!("detail.do.{}", action.key())) }
            </button>
        }
    };

    let edit_button = if allowed(A::Edit) && !*editing {
        let editing = editing.clone();
        html! {
            <button type="button" data-action={A::Edit.key()} class="btn"
                onclick={Callback::from(move |_: MouseEvent| editing.set(true))}>
                { ctx.t(&format!("detail.do.{}", A::Edit.key())) }
            </button>
        }
    } else {
        html! {}
    };

    let quick_actions = html! {
        <>
            { edit_button }
            { simple_button(A::Submit, C::Submit { id }, true) }
            { simple_button(A::StartAssessment, C::StartAssessment { id }, true) }
            { simple_button(A::StartDevelopment, C::StartDevelopment { id }, true) }
            { simple_button(A::MarkDelivered, C::MarkDelivered { id }, true) }
            { simple_button(A::Close, C::Close { id }, false) }
        </>
    };
    let decide_allowed: Vec<DecisionKind> = [
        DecisionKind::Approve,
        DecisionKind::Reject,
        DecisionKind::Return,
    ]
    .into_iter()
    .filter(|k| allowed(k.action()))
    .collect();
    let any_action = !d.allowed_actions.is_empty();

    let on_edit_submit = {
        let run = commands.run.clone();
        let editing = editing.clone();
        Callback::from(move |(draft, _): (RequirementDraft, bool)| {
            let done = {
                let editing = editing.clone();
                Callback::from(move |_| editing.set(false))
            };
            run.emit(Exec::new(C::Edit { id, draft }).on_ok(done))
        })
    };
    let edit_errors = match &commands.error {
        Some(err) if *editing => backend_field_errors(err),
        _ => FieldErrors::new(),
    };
    let run = commands.run.clone();

    html! {
        <section class="page" id="page-req-detail" data-status={status_key} data-id={r.id.to_string()}>
            <nav class="breadcrumbs" aria-label={ctx.t("common.breadcrumbs")}>
                <RouteLink to={Route::Requirements}>{ ctx.t("nav.requirements") }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ r.draft.title.clone() }</span>
            </nav>
            <header class="detail-head">
                <h1 id="req-heading">{ r.draft.title.clone() }</h1>
                <div class="detail-badges">
                    <RequirementStatusBadge id="req-status" status={r.status} />
                    <PriorityBadge priority={r.draft.priority} />
                    if r.overdue { <OverdueFlag /> }
                </div>
            </header>
            <ErrorAlert id="action-error" error={commands.error.clone()} />
            <div class="detail-grid">
                <div class="detail-main">
                    if any_action {
                        <section class="panel actions-panel" id="req-actions" aria-labelledby="req-actions-title">
                            <div class="panel-head">
                                <h2 id="req-actions-title">{ ctx.t("detail.next_step") }</h2>
                                if let Some(role) = r.status.next_actor() {
                                    <span class="muted">{ ctx.format("detail.whose_move", &[("role", &text::role(ctx.locale, role))]) }</span>
                                }
                            </div>
                            <div class="button-row">{ quick_actions }</div>
                            if allowed(A::Assess) {
                                <AssessPanel {id} run={run.clone()} {busy} />
                            }
                            if !decide_allowed.is_empty() {
                                <DecidePanel {id} kinds={decide_allowed} run={run.clone()} {busy} />
                            }
                            if allowed(A::Plan) {
                                <PlanPanel {id} run={run.clone()} {busy} />
                            }
                        </section>
                    }
                    if *editing {
                        <section class="panel" aria-labelledby="edit-title">
                            <h2 id="edit-title">{ ctx.t("detail.edit_title") }</h2>
                            <DraftEditor initial={DraftForm::from_draft(&r.draft)} mode={FormMode::Edit}
                                backend_errors={edit_errors} {busy} on_submit={on_edit_submit}
                                on_cancel={Some({ let editing = editing.clone(); Callback::from(move |_| editing.set(false)) })} />
                        </section>
                    } else {
                        <DraftView detail={d.clone()} />
                    }
                    <AssessmentView detail={d.clone()} />
                    <HistoryTimeline id="req-history" of={EntityRef::from(r.id)} entries={Rc::new(d.history.clone())} />
                    <CommentThread id="req-comments" on={EntityRef::from(r.id)} comments={Rc::new(d.comments.clone())} commands={commands.clone()} />
                </div>
                <aside class="detail-side">
                    <FactsView detail={d.clone()} />
                </aside>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DetailViewProps {
    detail: Rc<RequirementDetail>,
}

#[component]
fn DraftView(props: &DetailViewProps) -> Html {
    let ctx = use_app();
    let draft = &props.detail.requirement.draft;
    html! {
        <section class="panel" aria-labelledby="draft-title">
            <h2 id="draft-title" class="visually-hidden">{ ctx.t("detail.request") }</h2>
            <div class="prose-block">
                <h3>{ ctx.t("req.field.scenario") }</h3>
                <p id="req-scenario-text" class="prose">{ draft.scenario.clone() }</p>
            </div>
            <div class="prose-block">
                <h3>{ ctx.t("req.field.goals") }</h3>
                <p id="req-goals-text" class="prose">{ draft.goals.clone() }</p>
            </div>
            <div class="prose-block">
                <h3>{ ctx.t("req.field.kpis") }</h3>
                if draft.kpis.is_empty() {
                    <p class="muted">{ ctx.t("detail.no_kpis") }</p>
                } else {
                    <table class="table table-compact" id="req-kpis">
                        <thead>
                            <tr>
                                <th scope="col">{ ctx.t("req.kpi.metric") }</th>
                                <th scope="col">{ ctx.t("req.kpi.target") }</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for draft.kpis.iter().map(|k| html! {
                                <tr class="kpi">
                                    <td>{ k.metric.clone() }</td>
                                    <td>
                                        <span title={ctx.t(&format!("comparator.{}", k.comparator.key()))}>
                                            { k.comparator.symbol() }
                                        </span>
                                        { format!(" {} {}", format_number(k.target), k.unit) }
                                    </td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            </div>
        </section>
    }
}

#[component]
fn FactsView(props: &DetailViewProps) -> Html {
    let ctx = use_app();
    let r = &props.detail.requirement;
    html! {
        <section class="panel facts" aria-labelledby="facts-title">
            <h2 id="facts-title">{ ctx.t("detail.facts") }</h2>
            <dl>
                <dt>{ ctx.t("req.field.department") }</dt>
                <dd id="req-department-text">{ r.draft.department.clone() }</dd>
                <dt>{ ctx.t("req.field.wanted_by") }</dt>
                <dd id="req-wanted-by-text">
                    <time datetime={text::date(r.draft.wanted_by)}>{ text::date(r.draft.wanted_by) }</time>
                    if r.overdue { {" "}<OverdueFlag /> }
                </dd>
                <dt>{ ctx.t("detail.filed_by") }</dt>
                <dd id="req-filed-by">{ r.filed_by.display_name.clone() }<span class="muted">{ format!(" ({})", r.filed_by.name) }</span></dd>
                <dt>{ ctx.t("detail.created") }</dt>
                <dd><time datetime={text::iso_time(r.created_at)}>{ text::local_time(r.created_at) }</time></dd>
                <dt>{ ctx.t("detail.updated") }</dt>
                <dd><time datetime={text::iso_time(r.updated_at)}>{ text::local_time(r.updated_at) }</time></dd>
                <dt>{ ctx.t("detail.version") }</dt>
                <dd>{ r.version }</dd>
                <dt>{ ctx.t("req.delivered_by") }</dt>
                <dd id="req-models">
                    if props.detail.models.is_empty() { { "—" } }
                    { for props.detail.models.iter().map(|m| html! {
                        <div>
                            <RouteLink to={Route::ModelDetail { id: m.id.to_string() }}>{ m.name.clone() }</RouteLink>
                            { m.version.as_ref().map(|(_, label)| format!(" · {label}")).unwrap_or_default() }
                        </div>
                    }) }
                </dd>
            </dl>
        </section>
    }
}

#[component]
fn AssessmentView(props: &DetailViewProps) -> Html {
    let ctx = use_app();
    let r = &props.detail.requirement;
    let assessment = r.assessment.as_ref().map(|a| html! {
        <section class="panel" id="req-assessment" aria-labelledby="assessment-title">
            <h2 id="assessment-title">{ ctx.t("detail.assessment") }</h2>
            <dl class="dl-grid">
                <dt>{ ctx.t("assess.feasibility") }</dt>
                <dd><span class={classes!("tag", format!("feasibility-{}", a.feasibility.key()))}>{ ctx.t(&format!("feasibility.{}", a.feasibility.key())) }</span></dd>
                <dt>{ ctx.t("assess.effort") }</dt>
                <dd>{ ctx.format("assess.person_days", &[("n", &a.effort_person_days.to_string())]) }</dd>
                <dt>{ ctx.t("assess.resources") }</dt>
                <dd class="prose">{ a.resources.clone() }</dd>
                <dt>{ ctx.t("assess.plan") }</dt>
                <dd class="prose">{ a.plan.clone() }</dd>
                <dt>{ ctx.t("assess.risks") }</dt>
                <dd class="prose">{ if a.risks.is_empty() { ctx.t("common.none") } else { a.risks.clone() } }</dd>
            </dl>
        </section>
    });
    let decision = r.decision.as_ref().map(|dec| {
        let (kind, reason) = match dec {
            Decision::Approve => ("approve", None),
            Decision::Reject { reason } => ("reject", Some(reason.clone())),
            Decision::Return { reason } => ("return", Some(reason.clone())),
        };
        html! {
            <section class="panel" id="req-decision" aria-labelledby="decision-title" data-decision={kind}>
                <h2 id="decision-title">{ ctx.t("detail.decision") }</h2>
                <p><span class={classes!("tag", format!("decision-{kind}"))}>{ ctx.t(&format!("decide.kind.{kind}")) }</span></p>
                if let Some(reason) = reason {
                    <p class="prose"><strong>{ ctx.t("decide.reason") }{ ": " }</strong>{ reason }</p>
                }
            </section>
        }
    });
    let plan = r.plan.as_ref().map(|p| {
        let owner = r
            .plan_owner
            .as_ref()
            .map(|u| u.display_name.clone())
            .unwrap_or_else(|| p.owner.to_string());
        html! {
            <section class="panel" id="req-plan" aria-labelledby="plan-title">
                <h2 id="plan-title">{ ctx.t("detail.plan") }</h2>
                <dl class="dl-grid">
                    <dt>{ ctx.t("plan.owner") }</dt>
                    <dd id="req-plan-owner">{ owner }</dd>
                    <dt>{ ctx.t("plan.target") }</dt>
                    <dd><time datetime={text::date(p.target_delivery)}>{ text::date(p.target_delivery) }</time></dd>
                </dl>
                if !p.milestones.is_empty() {
                    <h3>{ ctx.t("plan.milestones") }</h3>
                    <ol class="milestones">
                        { for p.milestones.iter().map(|m| html! {
                            <li><time datetime={text::date(m.due)}>{ text::date(m.due) }</time>{ " " }{ m.title.clone() }</li>
                        }) }
                    </ol>
                }
            </section>
        }
    });
    html! { <>{ for assessment }{ for decision }{ for plan }</> }
}

#[derive(Properties, PartialEq)]
struct PanelProps {
    id: RequirementId,
    run: Callback<Exec>,
    busy: bool,
}

#[component]
fn AssessPanel(props: &PanelProps) -> Html {
    let ctx = use_app();
    let form = use_reducer(AssessForm::default);
    let id = props.id;
    let submit = submit_command(&form, &props.run, move |assessment| C::Assess {
        id,
        assessment,
    });
    let errors = &form.errors;
    let text_field = |id: &'static str,
                      name: &'static str,
                      label: String,
                      value: String,
                      make: fn(String) -> AssessAction,
                      required: bool| {
        let (inv, desc) = invalid_attrs(errors, name, id);
        let form = form.clone();
        html! {
            <div class={classes!("field", errors.contains_key(name).then_some("has-error"))}>
                <label for={id}>{ label }if required { <span class="req-mark" aria-hidden="true">{" *"}</span> }</label>
                <textarea {id} rows="3" {value} oninput={on_text(move |v| form.dispatch(make(v)))}
                    aria-invalid={inv} aria-describedby={desc} />
                <FieldError for_id={id} errors={errors.clone()} field={name} />
            </div>
        }
    };
    let (inv_e, desc_e) = invalid_attrs(errors, "effort_person_days", "assess-effort");
    let known: Vec<String> = [
        "feasibility",
        "resources",
        "effort_person_days",
        "plan",
        "risks",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    html! {
        <form class="form sub-panel" id="assess-form" onsubmit={submit} novalidate=true aria-labelledby="assess-title">
            <h3 id="assess-title">{ ctx.t("assess.title") }</h3>
            <OtherErrors errors={form.errors.clone()} {known} />
            <div class="field-row">
                <div class="field">
                    <label for="assess-feasibility">{ ctx.t("assess.feasibility") }</label>
                    <select id="assess-feasibility" onchange={{
                        let form = form.clone();
                        on_change(move |v| if let Some(f) = Feasibility::from_key(&v) { form.dispatch(AssessAction::Feasibility(f)) })
                    }}>
                        { for Feasibility::ALL.iter().map(|f| html! {
                            <option value={f.key()} selected={*f == form.feasibility}>{ ctx.t(&format!("feasibility.{}", f.key())) }</option>
                        }) }
                    </select>
                </div>
                <div class={classes!("field", errors.contains_key("effort_person_days").then_some("has-error"))}>
                    <label for="assess-effort">{ ctx.t("assess.effort_label") }<span class="req-mark" aria-hidden="true">{" *"}</span></label>
                    <input id="assess-effort" type="number" min="1" step="1" inputmode="numeric" value={form.effort.clone()}
                        oninput={{ let form = form.clone(); on_text(move |v| form.dispatch(AssessAction::Effort(v))) }}
                        aria-invalid={inv_e} aria-describedby={desc_e} />
                    <FieldError for_id="assess-effort" errors={errors.clone()} field="effort_person_days" />
                </div>
            </div>
            { text_field("assess-resources", "resources", ctx.t("assess.resources"), form.resources.clone(), AssessAction::Resources, true) }
            { text_field("assess-plan", "plan", ctx.t("assess.plan"), form.plan.clone(), AssessAction::Plan, true) }
            { text_field("assess-risks", "risks", ctx.t("assess.risks"), form.risks.clone(), AssessAction::Risks, false) }
            <div class="form-actions">
                <button type="submit" id="assess-submit" class="btn btn-primary" disabled={props.busy}>{ ctx.t("assess.submit") }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct DecideProps {
    id: RequirementId,
    kinds: Vec<DecisionKind>,
    run: Callback<Exec>,
    busy: bool,
}

#[component]
fn DecidePanel(props: &DecideProps) -> Html {
    let ctx = use_app();
    let reason = use_state(String::new);
    let errors = use_state(FieldErrors::new);
    let decide = |kind: DecisionKind| {
        let reason = reason.clone();
        let errors = errors.clone();
        let run = props.run.clone();
        let id = props.id;
        Callback::from(move |_: MouseEvent| match build_decision(kind, &reason) {
            Err(errs) => errors.set(errs),
            Ok(decision) => {
                errors.set(FieldErrors::new());
                let on_fail = {
                    let errors = errors.clone();
                    Callback::from(move |err: ApiError| errors.set(backend_field_errors(&err)))
                };
                run.emit(Exec::new(C::Decide { id, decision }).on_fail(on_fail));
            }
        })
    };
    let (inv, desc) = invalid_attrs(&errors, "reason", "decide-reason");
    let button = |kind: DecisionKind,
                  id: &'static str,
                  class: &'static str,
                  label: &'static str| {
        if props.kinds.contains(&kind) {
            html! {
                <button type="button" {id} data-action={kind.action().key()} class={classes!("btn", class)}
                    disabled={props.busy} onclick={decide(kind)}>{ ctx.t(label) }</button>
            }
        } else {
            html! {}
        }
    };
    html! {
        <form class="form sub-panel" id="decide-form" aria-labelledby="decide-title"
            onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())} novalidate=true>
            <h3 id="decide-title">{ ctx.t("decide.title") }</h3>
            <div class={classes!("field", errors.contains_key("reason").then_some("has-error"))}>
                <label for="decide-reason">{ ctx.t("decide.reason") }</label>
                <textarea id="decide-reason" rows="3" value={(*reason).clone()}
                    oninput={{ let reason = reason.clone(); let errors = errors.clone(); on_text(move |v| { errors.set(FieldErrors::new()); reason.set(v) }) }}
                    aria-invalid={inv} aria-describedby={desc} />
                <p class="hint">{ ctx.t("decide.reason_hint") }</p>
                <FieldError for_id="decide-reason" errors={(*errors).clone()} field="reason" />
            </div>
            <div class="form-actions">
                { button(DecisionKind::Approve, "decide-approve", "btn-primary", "decide.approve") }
                { button(DecisionKind::Return, "decide-return", "", "decide.return") }
                { button(DecisionKind::Reject, "decide-reject", "btn-danger", "decide.reject") }
            </div>
        </form>
    }
}

#[component]
fn PlanPanel(props: &PanelProps) -> Html {
    let ctx = use_app();
    let form = use_reducer(PlanForm::default);
    let users = use_users();
    let id = props.id;
    let submit = submit_command(&form, &props.run, move |plan| C::Plan { id, plan });
    let errors = &form.errors;
    let (inv_o, desc_o) = invalid_attrs(errors, "owner", "plan-owner");
    let (inv_t, desc_t) = invalid_attrs(errors, "target_delivery", "plan-target");
    let user_options = users
        .list
        .iter()
        .map(|u| {
            let value = u.id.to_string();
            html! {
                <option value={value.clone()} selected={form.owner == value}>
                    { format!("{} ({}) · {}", u.display_name, u.name, text::role(ctx.locale, u.role)) }
                </option>
            }
        })
        .collect::<Html>();
    let mut known: Vec<String> = vec![
        "owner".into(),
        "target_delivery".into(),
        "milestones".into(),
    ];
    for i in 0..form.milestones.len() {
        known.push(format!("milestones.{i}.title"));
        known.push(format!("milestones.{i}.due"));
    }
    html! {
        <form class="form sub-panel" id="plan-form" onsubmit={submit} novalidate=true aria-labelledby="plan-form-title">
            <h3 id="plan-form-title">{ ctx.t("plan.title") }</h3>
            if let Some(err) = &users.error {
                <ErrorAlert id="plan-users-error" error={Some(err.clone())} />
            }
            <OtherErrors errors={form.errors.clone()} {known} />
            <div class="field-row">
                <div class={classes!("field", errors.contains_key("owner").then_some("has-error"))}>
                    <label for="plan-owner">{ ctx.t("plan.owner") }<span class="req-mark" aria-hidden="true">{" *"}</span></label>
                    <select id="plan-owner" aria-invalid={inv_o} aria-describedby={desc_o}
                        onchange={{ let form = form.clone(); on_change(move |v| form.dispatch(PlanAction::Owner(v))) }}>
                        <option value="" selected={form.owner.is_empty()}>{ ctx.t("plan.choose_owner") }</option>
                        { user_options }
                    </select>
                    <FieldError for_id="plan-owner" errors={errors.clone()} field="owner" />
                </div>
                <div class={classes!("field", errors.contains_key("target_delivery").then_some("has-error"))}>
                    <label for="plan-target">{ ctx.t("plan.target") }<span class="req-mark" aria-hidden="true">{" *"}</span></label>
                    <DateField id="plan-target" value={form.target.clone()} invalid={inv_t} describedby={desc_t}
                        on_input={{ let form = form.clone(); Callback::from(move |v| form.dispatch(PlanAction::Target(v))) }} />
                    <FieldError for_id="plan-target" errors={errors.clone()} field="target_delivery" />
                </div>
            </div>
            <fieldset class="milestone-editor">
                <legend>{ ctx.t("plan.milestones") }</legend>
                <ol class="kpi-list">
                    { for form.milestones.iter().enumerate().map(|(i, m)| {
                        let title_id = format!("ms-title-{i}");
                        let due_id = format!("ms-due-{i}");
                        let title_field = format!("milestones.{i}.title");
                        let due_field = format!("milestones.{i}.due");
                        let (inv_mt, desc_mt) = invalid_attrs(errors, &title_field, &title_id);
                        let (inv_md, desc_md) = invalid_attrs(errors, &due_field, &due_id);
                        let n = (i + 1).to_string();
                        html! {
                            <li class="kpi-row ms-row" key={i}>
                                <div class="kpi-cell kpi-metric">
                                    <label for={title_id.clone()} class="small-label">{ ctx.format("plan.milestone_n", &[("n", &n)]) }</label>
                                    <input id={title_id.clone()} type="text" value={m.title.clone()} aria-invalid={inv_mt} aria-describedby={desc_mt}
                                        oninput={{ let form = form.clone(); on_text(move |v| form.dispatch(PlanAction::MilestoneTitle(i, v))) }} />
                                    <FieldError for_id={title_id} errors={errors.clone()} field={title_field} />
                                </div>
                                <div class="kpi-cell">
                                    <label for={due_id.clone()} class="small-label">{ ctx.t("plan.due") }</label>
                                    <DateField id={due_id.clone()} value={m.due.clone()} invalid={inv_md} describedby={desc_md}
                                        on_input={{ let form = form.clone(); Callback::from(move |v| form.dispatch(PlanAction::MilestoneDue(i, v))) }} />
                                    <FieldError for_id={due_id} errors={errors.clone()} field={due_field} />
                                </div>
                                <div class="kpi-cell kpi-remove">
                                    <button type="button" class="btn btn-icon btn-ghost" id={format!("ms-remove-{i}")}
                                        aria-label={ctx.format("plan.remove_n", &[("n", &n)])}
                                        onclick={{ let form = form.clone(); Callback::from(move |_: MouseEvent| form.dispatch(PlanAction::RemoveMilestone(i))) }}>
                                        {"✕"}
                                    </button>
                                </div>
                            </li>
                        }
                    }) }
                </ol>
                <button type="button" id="ms-add" class="btn btn-small btn-ghost"
                    onclick={{ let form = form.clone(); Callback::from(move |_: MouseEvent| form.dispatch(PlanAction::AddMilestone)) }}>
                    { format!("+ {}", ctx.t("plan.add_milestone")) }
                </button>
            </fieldset>
            <div class="form-actions">
                <button type="submit" id="plan-submit" class="btn btn-primary" disabled={props.busy}>{ ctx.t("plan.submit") }</button>
            </div>
        </form>
    }
}
