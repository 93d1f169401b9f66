//! The response rules: per fault level, how soon to acknowledge, mitigate and resolve, who is
//! told, what must be reported by when, and whether a review follows. An Admin edits all
//! three flows at once; incidents keep the revision they were opened under.

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{
    ErrorCode, IncidentCommand as C, IncidentPermission, NoRequest, NotifyTarget, ResponseFlow,
    Role, UserSummary,
};
use yew::prelude::*;

use super::badges::SeverityBadge;
use super::state::{target_text, FlowEdit, RulesAction, RulesForm};
use crate::api;
use crate::components::{
    checked_of, on_change, on_text, ErrorAlert, FetchView, OtherErrors, RouteLink,
};
use crate::context::{use_app, AppCtx};
use crate::hooks::{errors_to, submit_form, use_command, use_fetch, use_users, Commands, Exec};
use crate::route::Route;
use crate::state::FieldErrors;
use crate::text;

impl Reducible for RulesForm {
    type Action = RulesAction;
    fn reduce(self: Rc<Self>, action: RulesAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

fn target_name(ctx: &AppCtx, users: &[UserSummary], t: &NotifyTarget) -> String {
    match t {
        NotifyTarget::Role(r) => text::role(ctx.locale, *r),
        NotifyTarget::Member(id) => users
            .iter()
            .find(|u| u.id == *id)
            .map(|u| u.display_name.clone())
            .unwrap_or_else(|| id.to_string().chars().take(8).collect()),
    }
}

#[component]
pub fn RulesPage() -> Html {
    let ctx = use_app();
    let rules = use_fetch((), |()| {
        api::call::<endpoint::ResponseRulesGet>(&NoRequest {})
    });
    let users = use_users().list;
    let commands = use_command();
    let editing = use_state(|| false);
    let may_edit = ctx.may(IncidentPermission::SetRules);

    let body = FetchView::new(&rules, "rules-error").keep_data().show(|r| {
        if *editing {
            html! {
                <RulesEditor flows={r.flows.clone()} users={users.clone()} commands={commands.clone()}
                    on_close={{ let editing = editing.clone(); Callback::from(move |_| editing.set(false)) }} />
            }
        } else {
            html! {
                <div class="rules-grid">
                    { for r.flows.iter().map(|f| html! { <FlowCard flow={f.clone()} users={users.clone()} /> }) }
                </div>
            }
        }
    });
    let revision = rules.data.as_ref().map(|r| {
        if r.revision == 0 {
            ctx.t("rules.revision_default")
        } else {
            ctx.format("rules.revision", &[("revision", &r.revision.to_string())])
        }
    });

    html! {
        <section class="page" id="page-rules">
            <nav class="breadcrumbs" aria-label={ctx.t("common.breadcrumbs")}>
                <RouteLink to={Route::Incidents}>{ ctx.t("nav.incidents") }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ ctx.t("rules.title") }</span>
            </nav>
            <div class="page-head">
                <div>
                    <h1>{ ctx.t("rules.title") }</h1>
                    <p class="subtitle">{ ctx.t("rules.subtitle") }</p>
                    if let Some(revision) = revision {
                        <p class="muted" id="rules-revision">{ revision }</p>
                    }
                </div>
                if may_edit && !*editing && rules.data.is_some() {
                    <button type="button" id="rules-edit" class="btn btn-primary"
                        onclick={{ let editing = editing.clone(); Callback::from(move |_| editing.set(true)) }}>
                        { ctx.t("rules.edit") }
                    </button>
                }
            </div>
            <ErrorAlert id="action-error" error={commands.error.clone().filter(|e| e.code != ErrorCode::Validation)} />
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FlowProps {
    flow: ResponseFlow,
    users: Rc<Vec<UserSummary>>,
}

#[component]
fn FlowCard(props: &FlowProps) -> Html {
    let ctx = use_app();
    let f = &props.flow;
    let key = f.severity.key();
    let within = |m: Option<u32>, none: &str| match m {
        Some(m) => ctx.format("rules.within", &[("time", &target_text(ctx.locale, m))]),
        None => ctx.t(none),
    };
    html! {
        <section class={classes!("panel", "flow-card", format!("flow-{key}"))} id={format!("rules-{key}")} data-severity={key}
            aria-labelledby={format!("rules-{key}-title")}>
            <div class="panel-head">
                <h2 id={format!("rules-{key}-title")}><SeverityBadge severity={f.severity} /></h2>
            </div>
            <dl class="dl-grid">
                <dt>{ ctx.t("clock_kind.acknowledge") }</dt>
                <dd data-target="acknowledge">{ target_text(ctx.locale, f.acknowledge_minutes) }</dd>
                <dt>{ ctx.t("clock_kind.mitigate") }</dt>
                <dd data-target="mitigate">{ target_text(ctx.locale, f.mitigate_minutes) }</dd>
                <dt>{ ctx.t("clock_kind.resolve") }</dt>
                <dd data-target="resolve">{ target_text(ctx.locale, f.resolve_minutes) }</dd>
                <dt>{ ctx.t("clock_kind.management") }</dt>
                <dd data-target="management">{ within(f.management_minutes, "rules.not_required") }</dd>
                <dt>{ ctx.t("clock_kind.external") }</dt>
                <dd data-target="external">
                    { within(f.external_minutes, "rules.never") }
                    if f.external_minutes.is_some() { <div class="muted">{ ctx.t("rules.external_when") }</div> }
                </dd>
                <dt>{ ctx.t("rules.review") }</dt>
                <dd data-target="review">{ ctx.t(if f.review_required { "rules.review_required" } else { "rules.review_optional" }) }</dd>
                <dt>{ ctx.t("rules.notify") }</dt>
                <dd data-target="notify">
                    if f.notify.is_empty() { { "—" } }
                    <ul class="chip-list">
                        { for f.notify.iter().map(|t| html! { <li class="tag">{ target_name(&ctx, &props.users, t) }</li> }) }
                    </ul>
                </dd>
            </dl>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    flows: Vec<ResponseFlow>,
    users: Rc<Vec<UserSummary>>,
    commands: Commands,
    on_close: Callback<()>,
}

#[component]
fn RulesEditor(props: &EditorProps) -> Html {
    let ctx = use_app();
    let form = use_reducer({
        let flows = props.flows.clone();
        move || RulesForm::from_flows(&flows)
    });
    let submit = {
        let close = props.on_close.clone();
        submit_form(
            &props.commands.run,
            {
                let form = form.clone();
                move || form.flows()
            },
            errors_to(&form, RulesAction::Errors),
            move |flows| Exec::new(C::SetRules { flows }).on_ok(close.reform(|_| ())),
        )
    };
    let errors: &FieldErrors = &form.errors;
    let mut known = Vec::new();
    for i in 0..form.flows.len() {
        for f in [
            "acknowledge_minutes",
            "mitigate_minutes",
            "resolve_minutes",
            "management_minutes",
            "external_minutes",
            "review_required",
            "notify",
        ] {
            known.push(format!("flows.{i}.{f}"));
        }
    }
    let minutes_field = |i: usize,
                         sev: &str,
                         name: &str,
                         label: String,
                         value: String,
                         make: fn(String) -> FlowEdit,
                         enabled: bool| {
        let id = format!("rules-{sev}-{name}");
        let field = format!("flows.{i}.{name}_minutes");
        let error = errors.get(&field).cloned();
        let form = form.clone();
        let reading = value
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|m| *m > 0)
            .map(|m| target_text(ctx.locale, m));
        html! {
            <div class={classes!("field", error.is_some().then_some("has-error"))}>
                <label for={id.clone()}>{ label }</label>
                <div class="input-row">
                    <input id={id.clone()} type="number" min="1" step="1" inputmode="numeric" value={value} disabled={!enabled}
                        aria-invalid={error.as_ref().map(|_| "true")} aria-describedby={error.as_ref().map(|_| format!("{id}-error"))}
                        oninput={on_text(move |v| form.dispatch(RulesAction::Edit(i, make(v))))} />
                    <span class="muted unit">{ ctx.t("rules.minutes") }</span>
                </div>
                if let (Some(reading), true) = (reading, enabled) { <p class="hint">{ format!("= {reading}") }</p> }
                if let Some(rule) = error {
                    <p class="field-error" id={format!("{id}-error")}><span aria-hidden="true">{"⚠ "}</span>{ ctx.t(&rule) }</p>
                }
            </div>
        }
    };
    let check = |i: usize, id: String, label: String, checked: bool, make: fn(bool) -> FlowEdit| {
        let form = form.clone();
        html! {
            <div class="field field-check">
                <input id={id.clone()} type="checkbox" {checked}
                    onchange={Callback::from(move |e: Event| form.dispatch(RulesAction::Edit(i, make(checked_of(&e)))))} />
                <label for={id}>{ label }</label>
            </div>
        }
    };
    html! {
        <form class="form" id="rules-form" onsubmit={submit} novalidate=true aria-labelledby="rules-form-title">
            <h2 id="rules-form-title" class="visually-hidden">{ ctx.t("rules.edit") }</h2>
            <p class="hint">{ ctx.t("rules.edit_hint") }</p>
            <OtherErrors errors={errors.clone()} {known} />
            <div class="rules-grid">
                { for form.flows.iter().enumerate().map(|(i, row)| {
                    let sev = row.severity.key();
                    let members: Vec<&UserSummary> = props.users.iter()
                        .filter(|u| !row.notify.contains(&NotifyTarget::Member(u.id)))
                        .collect();
                    html! {
                        <fieldset class={classes!("panel", "flow-card", format!("flow-{sev}"))} id={format!("rules-form-{sev}")} data-severity={sev}>
                            <legend><SeverityBadge severity={row.severity} /></legend>
                            { minutes_field(i, sev, "acknowledge", ctx.t("clock_kind.acknowledge"), row.acknowledge.clone(), FlowEdit::Acknowledge, true) }
                            { minutes_field(i, sev, "mitigate", ctx.t("clock_kind.mitigate"), row.mitigate.clone(), FlowEdit::Mitigate, true) }
                            { minutes_field(i, sev, "resolve", ctx.t("clock_kind.resolve"), row.resolve.clone(), FlowEdit::Resolve, true) }
                            { check(i, format!("rules-{sev}-management-on"), ctx.t("rules.management_required"), row.management, FlowEdit::Management) }
                            { minutes_field(i, sev, "management", ctx.t("clock_kind.management"), row.management_minutes.clone(), FlowEdit::ManagementMinutes, row.management) }
                            { check(i, format!("rules-{sev}-external-on"), ctx.t("rules.external_required"), row.external, FlowEdit::External) }
                            { minutes_field(i, sev, "external", ctx.t("clock_kind.external"), row.external_minutes.clone(), FlowEdit::ExternalMinutes, row.external) }
                            { check(i, format!("rules-{sev}-review"), ctx.t("rules.review_required"), row.review_required, FlowEdit::ReviewRequired) }
                            <fieldset class="notify-editor">
                                <legend>{ ctx.t("rules.notify") }</legend>
                                <div class="choice-row">
                                    { for Role::ALL.iter().filter(|r| **r != Role::Auditor).map(|r| {
                                        let on = row.notify.contains(&NotifyTarget::Role(*r));
                                        let id = format!("rules-{sev}-notify-{}", r.key());
                                        let form = form.clone();
                                        let role = *r;
                                        html! {
                                            <span class="field-check">
                                                <input id={id.clone()} type="checkbox" checked={on}
                                                    onchange={Callback::from(move |e: Event| form.dispatch(RulesAction::Edit(i, FlowEdit::NotifyRole(role, checked_of(&e)))))} />
                                                <label for={id}>{ text::role(ctx.locale, role) }</label>
                                            </span>
                                        }
                                    }) }
                                </div>
                                <ul class="chip-list">
                                    { for row.notify.iter().enumerate().filter(|(_, t)| matches!(t, NotifyTarget::Member(_))).map(|(t, target)| {
                                        let form = form.clone();
                                        let name = target_name(&ctx, &props.users, target);
                                        html! {
                                            <li class="tag chip">
                                                { name.clone() }
                                                <button type="button" class="chip-remove" aria-label={ctx.format("rules.remove_member", &[("name", &name)])}
                                                    onclick={Callback::from(move |_: MouseEvent| form.dispatch(RulesAction::Edit(i, FlowEdit::RemoveTarget(t))))}>
                                                    { "×" }
                                                </button>
                                            </li>
                                        }
                                    }) }
                                </ul>
                                <label for={format!("rules-{sev}-notify-member")} class="small-label">{ ctx.t("rules.add_member") }</label>
                                <select id={format!("rules-{sev}-notify-member")}
                                    onchange={{ let form = form.clone(); on_change(move |v| form.dispatch(RulesAction::Edit(i, FlowEdit::AddMember(v)))) }}>
                                    <option value="" selected=true>{ ctx.t("rules.choose_member") }</option>
                                    { for members.iter().map(|u| html! {
                                        <option value={u.id.to_string()}>{ format!("{} ({})", u.display_name, text::role(ctx.locale, u.role)) }</option>
                                    }) }
                                </select>
                            </fieldset>
                        </fieldset>
                    }
                }) }
            </div>
            <div class="form-actions">
                <button type="submit" id="rules-save" class="btn btn-primary" disabled={props.commands.busy}>{ ctx.t("rules.save") }</button>
                <button type="button" id="rules-cancel" class="btn" onclick={{ let close = props.on_close.clone(); Callback::from(move |_| close.emit(())) }}>{ ctx.t("common.cancel") }</button>
            </div>
        </form>
    }
}
