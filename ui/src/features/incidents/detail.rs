//! An incident's page: its level, state and live response clocks; the response steps the
//! user may take now (with a note), the post-incident review and its actions, rolling the
//! affected model back, the timeline, evidence files, history and comments.

use std::rc::Rc;
use std::str::FromStr;

use chrono::Local;
use govbench_protocol::endpoint;
use govbench_protocol::{
    clock_status, ApiError, CorrectiveAction, EntityKind, EntityRef, ErrorCode,
    IncidentAction as A, IncidentCommand as C, IncidentDetail, IncidentId, IncidentStatus,
    LiveChange, ModelCommand, ModelId, ModelVersionId, NoRequest, RecentRequest, TimelineKind,
};
use yew::prelude::*;

use super::badges::{ClockBadge, CountdownText, DrillLabel, IncidentStatusBadge, SeverityBadge};
use super::state::{
    lifecycle, response_command, target_text, ReviewAction, ReviewForm, NOTE_KINDS, RESPONSE_STEPS,
};
use crate::api;
use crate::app::{use_app, Route};
use crate::components::{
    action_progress, invalid_attrs, on_change, on_text, ActionEditor, ActionList, Attachments,
    CommentThread, ErrorAlert, FieldError, GateRefusal, HistoryTimeline, Loading, OtherErrors,
    RouteLink,
};
use crate::hooks::{errors_to, use_command, use_fetch, use_now, Commands, Exec};
use crate::state::{backend_field_errors, FieldErrors};
use crate::text;

impl Reducible for ReviewForm {
    type Action = ReviewAction;
    fn reduce(self: Rc<Self>, action: ReviewAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub id: String,
}

/// Element id of a response step's button (`incident-acknowledge`).
fn step_button_id(action: A) -> &'static str {
    match action {
        A::Acknowledge => "incident-acknowledge",
        A::Mitigate => "incident-mitigate",
        A::Resolve => "incident-resolve",
        A::InformManagement => "incident-inform-management",
        A::ReportExternally => "incident-report-external",
        A::AddNote => "incident-add-note",
        A::Close => "incident-close",
        _ => "incident-action",
    }
}

#[component]
pub fn IncidentDetailPage(props: &DetailProps) -> Html {
    let ctx = use_app();
    let id = IncidentId::from_str(&props.id).ok();
    let detail = use_fetch(id, |id: Option<IncidentId>| async move {
        match id {
            Some(id) => api::call::<endpoint::IncidentGet>(&id).await,
            None => Err(ApiError::new(ErrorCode::NotFound)),
        }
    });
    let history = use_fetch(id, |id: Option<IncidentId>| async move {
        match id {
            Some(id) => {
                let request = RecentRequest {
                    of: EntityRef::from(id),
                    before: None,
                };
                api::call::<endpoint::HistoryPage>(&request).await.map(Some)
            }
            None => Ok(None),
        }
    });
    let comments = use_fetch(id, |id: Option<IncidentId>| async move {
        match id {
            Some(id) => {
                let request = RecentRequest {
                    of: EntityRef::from(id),
                    before: None,
                };
                api::call::<endpoint::CommentsPage>(&request)
                    .await
                    .map(Some)
            }
            None => Ok(None),
        }
    });
    let commands = use_command();

    let d = match (&detail.data, &detail.error) {
        (Some(d), _) if Some(d.incident.id) == id => d.clone(),
        (_, Some(err)) => {
            return html! {
                <section class="page" id="page-incident">
                    <ErrorAlert id="incident-error" error={Some(err.clone())} />
                    <RouteLink to={Route::Incidents} class={classes!("btn")}>{ ctx.t("nav.incidents") }</RouteLink>
                </section>
            }
        }
        _ => return html! { <section class="page" id="page-incident"><Loading /></section> },
    };
    let inc = &d.incident;
    let allowed = |a: A| d.allowed_actions.contains(&a);
    let names = Rc::new(d.names.clone());
    let entity = EntityRef::from(inc.id);
    let respond =
        RESPONSE_STEPS.iter().any(|a| allowed(*a)) || allowed(A::AddNote) || allowed(A::Close);
    let reviewing =
        inc.status == IncidentStatus::Resolved && allowed(A::Review) && inc.review.is_none();

    html! {
        <section class="page" id="page-incident" data-id={inc.id.to_string()} data-status={inc.status.key()}
            data-severity={inc.draft.severity.key()} data-drill={inc.drill.is_some().then_some("true")}>
            <nav class="breadcrumbs" aria-label={ctx.t("common.breadcrumbs")}>
                <RouteLink to={Route::Incidents}>{ ctx.t("nav.incidents") }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ inc.number.clone() }</span>
            </nav>
            <header class="detail-head">
                <div>
                    <p class="record-number mono" id="incident-number">{ inc.number.clone() }</p>
                    <h1 id="incident-heading">{ inc.draft.title.clone() }</h1>
                </div>
                <div class="detail-badges">
                    <SeverityBadge id="incident-severity" severity={inc.draft.severity} />
                    <IncidentStatusBadge id="incident-status" status={inc.status} />
                    if let Some(run) = inc.drill {
                        <RouteLink to={Route::DrillRun { id: run.to_string() }} class={classes!("drill-link")}>
                            <DrillLabel id="incident-drill" long=true />
                        </RouteLink>
                    }
                </div>
            </header>
            <ol class="lifecycle" id="incident-lifecycle" aria-label={ctx.t("incident.lifecycle")}>
                { for lifecycle(inc.status).into_iter().map(|(s, at)| {
                    let state = match at {
                        std::cmp::Ordering::Less => "done",
                        std::cmp::Ordering::Equal => "current",
                        std::cmp::Ordering::Greater => "next",
                    };
                    html! {
                        <li class={classes!("lifecycle-step", state)} data-status={s.key()}
                            aria-current={(state == "current").then_some("step")}>
                            { text::status(ctx.locale, EntityKind::Incident, s.key()) }
                        </li>
                    }
                }) }
            </ol>
            <ErrorAlert id="action-error" error={commands.error.clone().filter(|e| e.code != ErrorCode::GateClosed && e.code != ErrorCode::Validation)} />
            <GateRefusal error={commands.error.clone()} />
            <div class="detail-grid">
                <div class="detail-main">
                    <ClocksPanel detail={d.clone()} />
                    if respond {
                        <RespondPanel detail={d.clone()} commands={commands.clone()} />
                    }
                    if d.can_roll_back {
                        if let Some(target) = &d.rollback_to {
                            <RollbackPanel detail={d.clone()} version={target.version} label={target.label.clone()} commands={commands.clone()} />
                        }
                    }
                    <DescriptionPanel detail={d.clone()} />
                    if reviewing {
                        <ReviewPanel id={inc.id} commands={commands.clone()} />
                    }
                    if inc.review.is_some() {
                        <ReviewView detail={d.clone()} names={names.clone()} commands={commands.clone()} />
                    }
                    <TimelinePanel detail={d.clone()} names={names.clone()} />
                    <Attachments id="incident-attachments" on={entity} items={Some(Rc::new(d.attachments.clone()))}
                        open={inc.status != IncidentStatus::Closed} />
                    if let Some(Some(h)) = history.data.as_deref() {
                        <HistoryTimeline id="incident-history" of={entity} entries={Rc::new(h.clone())} />
                    }
                    if let Some(Some(c)) = comments.data.as_deref() {
                        <CommentThread id="incident-comments" on={entity} comments={Rc::new(c.clone())} commands={commands.clone()} />
                    }
                    <ErrorAlert id="incident-thread-error" error={history.error.clone().or(comments.error.clone())} />
                </div>
                <aside class="detail-side">
                    <FactsPanel detail={d.clone()} />
                    <ModelChanges detail={d.clone()} />
                </aside>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    detail: Rc<IncidentDetail>,
}

/// The response clocks, judged again every second against the browser's time.
#[component]
fn ClocksPanel(props: &ViewProps) -> Html {
    let ctx = use_app();
    let now = use_now();
    let inc = &props.detail.incident;
    html! {
        <section class="panel" id="incident-clocks" aria-labelledby="incident-clocks-title">
            <div class="panel-head">
                <h2 id="incident-clocks-title">{ ctx.t("incident.clocks.title") }</h2>
                <span class="muted">{ ctx.format("incident.clocks.revision", &[("revision", &inc.rules_revision.to_string())]) }</span>
            </div>
            if props.detail.clocks.is_empty() {
                <p class="muted">{ ctx.t("incident.clocks.none") }</p>
            } else {
                <ul class="clock-list">
                    { for props.detail.clocks.iter().map(|c| {
                        let status = clock_status(inc.opened_at, c.due, c.done, now);
                        html! {
                            <li class={classes!("clock", format!("clock-{}", super::state::clock_tone(status)))}
                                data-kind={c.kind.key()} data-status={status.key()}>
                                <div class="clock-name">
                                    <strong>{ ctx.t(&format!("clock_kind.{}", c.kind.key())) }</strong>
                                    <span class="muted">{ ctx.format("incident.clocks.target", &[("target", &target_text(ctx.locale, c.target_minutes))]) }</span>
                                </div>
                                <div class="clock-due">
                                    <span class="muted">{ ctx.t("incident.clocks.due") }{ " " }</span>
                                    <time datetime={text::iso_time(c.due)}>{ text::local_time(c.due) }</time>
                                    if let Some(done) = c.done {
                                        <div class="muted">
                                            { ctx.t("incident.clocks.reached") }{ " " }
                                            <time datetime={text::iso_time(done)}>{ text::local_time(done) }</time>
                                        </div>
                                    }
                                </div>
                                <div class="clock-state">
                                    <ClockBadge status={status} />
                                    <CountdownText opened={inc.opened_at} due={c.due} done={c.done} {now} />
                                </div>
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PanelProps {
    detail: Rc<IncidentDetail>,
    commands: Commands,
}

/// The steps of the response the user may take now, each with the note typed above them.
#[component]
fn RespondPanel(props: &PanelProps) -> Html {
    let ctx = use_app();
    let d = &props.detail;
    let id = d.incident.id;
    let note = use_state(String::new);
    let kind = use_state(|| TimelineKind::Note);
    let errors = use_state(FieldErrors::new);
    let busy = props.commands.busy;
    let allowed = |a: A| d.allowed_actions.contains(&a);
    let run_step = |action: A| {
        let (note, kind, errors) = (note.clone(), kind.clone(), errors.clone());
        let run = props.commands.run.clone();
        Callback::from(
            move |_: MouseEvent| match response_command(action, id, &note, *kind) {
                Err(errs) => errors.set(errs),
                Ok(command) => {
                    errors.set(FieldErrors::new());
                    let on_ok = {
                        let note = note.clone();
                        Callback::from(move |_| note.set(String::new()))
                    };
                    let on_fail = {
                        let errors = errors.clone();
                        Callback::from(move |err: ApiError| {
                            // The note is the one field here, whatever the command calls it.
                            let mut errs = FieldErrors::new();
                            for (_, rule) in backend_field_errors(&err) {
                                errs.insert("text".into(), rule);
                            }
                            errors.set(errs)
                        })
                    };
                    run.emit(Exec::new(command).on_ok(on_ok).on_fail(on_fail));
                }
            },
        )
    };
    let button = |action: A, primary: bool| {
        if !allowed(action) {
            return html! {};
        }
        html! {
            <button type="button" id={step_button_id(action)} data-action={action.key()} disabled={busy}
                class={classes!("btn", primary.then_some("btn-primary"))} onclick={run_step(action)}>
                { ctx.t(&format!("incident.do.{}", action.key())) }
            </button>
        }
    };
    let (inv, desc) = invalid_attrs(&errors, "text", "incident-note");
    let takes_note = RESPONSE_STEPS.iter().any(|a| allowed(*a)) || allowed(A::AddNote);
    html! {
        <section class="panel actions-panel" id="incident-actions" aria-labelledby="incident-actions-title">
            <div class="panel-head">
                <h2 id="incident-actions-title">{ ctx.t("incident.respond.title") }</h2>
                <span class="muted">{ ctx.t(&next_step_key(&d.incident)) }</span>
            </div>
            if takes_note {
                <div class={classes!("field", errors.contains_key("text").then_some("has-error"))}>
                    <label for="incident-note">{ ctx.t("incident.respond.note") }</label>
                    <textarea id="incident-note" rows="3" value={(*note).clone()} aria-invalid={inv} aria-describedby={desc}
                        oninput={{ let note = note.clone(); let errors = errors.clone(); on_text(move |v| { errors.set(FieldErrors::new()); note.set(v) }) }} />
                    <p class="hint">{ ctx.t("incident.respond.note_hint") }</p>
                    <FieldError for_id="incident-note" errors={(*errors).clone()} field="text" />
                </div>
            }
            <div class="button-row">
                { button(A::Acknowledge, true) }
                { button(A::Mitigate, true) }
                { button(A::Resolve, true) }
                { button(A::InformManagement, false) }
                { button(A::ReportExternally, false) }
            </div>
            if allowed(A::AddNote) {
                <div class="button-row note-row">
                    <label for="incident-note-kind" class="small-label">{ ctx.t("incident.respond.kind") }</label>
                    <select id="incident-note-kind" onchange={{ let kind = kind.clone(); on_change(move |v| if let Some(k) = TimelineKind::from_key(&v) { kind.set(k) }) }}>
                        { for NOTE_KINDS.iter().map(|k| html! {
                            <option value={k.key()} selected={*kind == *k}>{ ctx.t(&format!("timeline_kind.{}", k.key())) }</option>
                        }) }
                    </select>
                    { button(A::AddNote, false) }
                </div>
            }
            if allowed(A::Close) {
                <div class="button-row">
                    <button type="button" id="incident-close" data-action={A::Close.key()} class="btn" disabled={busy}
                        onclick={{ let run = props.commands.run.clone(); Callback::from(move |_: MouseEvent| run.emit(Exec::new(C::Close { id }))) }}>
                        { ctx.t(&format!("incident.do.{}", A::Close.key())) }
                    </button>
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RollbackProps {
    detail: Rc<IncidentDetail>,
    version: ModelVersionId,
    label: String,
    commands: Commands,
}

/// Rolling the affected model back to its previous live version, through the go-live rules.
#[component]
fn RollbackPanel(props: &RollbackProps) -> Html {
    let ctx = use_app();
    let inc = &props.detail.incident;
    let prefill = ctx.format(
        "incident.rollback.reason_prefill",
        &[("number", &inc.number), ("title", &inc.draft.title)],
    );
    let open = use_state(|| false);
    let reason = use_state(String::new);
    let errors = use_state(FieldErrors::new);
    let dialog = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with(*open, move |open| {
            if *open {
                if let Some(el) = dialog
                    .cast::<web_sys::Element>()
                    .and_then(|d| d.query_selector("textarea").ok().flatten())
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
                {
                    let _ = el.focus();
                }
            }
        });
    }
    let show = {
        let (open, reason, errors) = (open.clone(), reason.clone(), errors.clone());
        Callback::from(move |_: MouseEvent| {
            reason.set(prefill.clone());
            errors.set(FieldErrors::new());
            open.set(true);
        })
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    let on_key = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                open.set(false);
            }
        })
    };
    let version = props.version;
    let submit = {
        let (open, reason, errors) = (open.clone(), reason.clone(), errors.clone());
        let run = props.commands.run.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if reason.trim().is_empty() {
                let mut errs = FieldErrors::new();
                errs.insert("reason".into(), "rule.required".into());
                errors.set(errs);
                return;
            }
            let on_ok = {
                let open = open.clone();
                Callback::from(move |_| open.set(false))
            };
            let on_fail = {
                let (open, errors) = (open.clone(), errors.clone());
                Callback::from(move |err: ApiError| {
                    let errs = backend_field_errors(&err);
                    if errs.is_empty() {
                        // The gate's refusal (or another error) shows on the page.
                        open.set(false);
                    }
                    errors.set(errs);
                })
            };
            run.emit(
                Exec::new(ModelCommand::Rollback {
                    version,
                    reason: reason.trim().to_owned(),
                })
                .on_ok(on_ok)
                .on_fail(on_fail),
            );
        })
    };
    let (inv, desc) = invalid_attrs(&errors, "reason", "rollback-reason");
    let label = ctx.format("incident.rollback.button", &[("version", &props.label)]);
    html! {
        <section class="panel" id="incident-rollback-panel" aria-labelledby="incident-rollback-title">
            <h2 id="incident-rollback-title">{ ctx.t("incident.rollback.title") }</h2>
            <p class="hint">{ ctx.format("incident.rollback.hint", &[("model", props.detail.model_name.as_deref().unwrap_or("—")), ("version", &props.label)]) }</p>
            <div class="button-row">
                <button type="button" id="incident-rollback" class="btn btn-danger" onclick={show} disabled={props.commands.busy}>
                    { label.clone() }
                </button>
            </div>
            if *open {
                <div class="modal-backdrop" onkeydown={on_key}>
                    <form class="modal card form" role="dialog" aria-modal="true" aria-labelledby="rollback-dialog-title"
                        id="rollback-dialog" ref={dialog} onsubmit={submit} novalidate=true>
                        <h2 id="rollback-dialog-title">{ label }</h2>
                        <p>{ ctx.format("incident.rollback.confirm", &[("model", props.detail.model_name.as_deref().unwrap_or("—")), ("version", &props.label)]) }</p>
                        <div class={classes!("field", errors.contains_key("reason").then_some("has-error"))}>
                            <label for="rollback-reason">{ ctx.t("incident.rollback.reason") }</label>
                            <textarea id="rollback-reason" rows="3" value={(*reason).clone()} aria-invalid={inv} aria-describedby={desc}
                                oninput={{ let reason = reason.clone(); on_text(move |v| reason.set(v)) }} />
                            <FieldError for_id="rollback-reason" errors={(*errors).clone()} field="reason" />
                        </div>
                        <div class="form-actions">
                            <button type="submit" id="rollback-confirm" class="btn btn-danger" disabled={props.commands.busy}>{ ctx.t("incident.rollback.do") }</button>
                            <button type="button" id="rollback-cancel" class="btn" onclick={close}>{ ctx.t("common.cancel") }</button>
                        </div>
                    </form>
                </div>
            }
        </section>
    }
}

#[component]
fn DescriptionPanel(props: &ViewProps) -> Html {
    let ctx = use_app();
    let draft = &props.detail.incident.draft;
    html! {
        <section class="panel" aria-labelledby="incident-description-title">
            <h2 id="incident-description-title">{ ctx.t("incident.field.description") }</h2>
            <p class="prose" id="incident-description-text">{ draft.description.clone() }</p>
        </section>
    }
}

#[component]
fn FactsPanel(props: &ViewProps) -> Html {
    let ctx = use_app();
    let d = &props.detail;
    let inc = &d.incident;
    let flow = &inc.flow;
    html! {
        <section class="panel facts" aria-labelledby="incident-facts-title">
            <h2 id="incident-facts-title">{ ctx.t("detail.facts") }</h2>
            <dl>
                <dt>{ ctx.t("incident.col.number") }</dt>
                <dd class="mono">{ inc.number.clone() }</dd>
                <dt>{ ctx.t("incident.field.model") }</dt>
                <dd id="incident-model">
                    if let Some(model) = inc.draft.model {
                        <RouteLink to={Route::ModelDetail { id: model.to_string() }}>{ d.model_name.clone().unwrap_or_default() }</RouteLink>
                        if let Some(label) = &d.version_label { { format!(" · {label}") } }
                    } else {
                        { "—" }
                    }
                </dd>
                <dt>{ ctx.t("incident.field.detection") }</dt>
                <dd>{ ctx.t(&format!("detection.{}", inc.draft.detection.key())) }</dd>
                <dt>{ ctx.t("incident.field.detected_at") }</dt>
                <dd><time datetime={text::iso_time(inc.draft.detected_at)}>{ text::local_time(inc.draft.detected_at) }</time></dd>
                <dt>{ ctx.t("incident.facts.opened") }</dt>
                <dd>
                    <time datetime={text::iso_time(inc.opened_at)}>{ text::local_time(inc.opened_at) }</time>
                    { format!(" · {}", d.opened_by_name) }
                </dd>
                <dt>{ ctx.t("incident.field.qualifies_external") }</dt>
                <dd>{ ctx.t(if inc.draft.qualifies_external { "incident.facts.yes" } else { "incident.facts.no" }) }</dd>
                <dt>{ ctx.t("incident.facts.flow") }</dt>
                <dd>
                    { ctx.format("incident.form.flow_hint", &[
                        ("ack", &target_text(ctx.locale, flow.acknowledge_minutes)),
                        ("mitigate", &target_text(ctx.locale, flow.mitigate_minutes)),
                        ("resolve", &target_text(ctx.locale, flow.resolve_minutes)),
                    ]) }
                    <div class="muted">{ ctx.t(if flow.review_required { "rules.review_required" } else { "rules.review_optional" }) }</div>
                </dd>
                <dt>{ ctx.t("detail.updated") }</dt>
                <dd><time datetime={text::iso_time(inc.updated_at)}>{ text::local_time(inc.updated_at) }</time></dd>
            </dl>
        </section>
    }
}

/// Which version of the affected model was live when, since the incident was opened.
#[component]
fn ModelChanges(props: &ViewProps) -> Html {
    let ctx = use_app();
    let d = &props.detail;
    let model: Option<ModelId> = d.incident.draft.model;
    let versions = use_fetch(model, |model: Option<ModelId>| async move {
        match model {
            Some(id) => api::call::<endpoint::ModelGet>(&id).await.map(|m| {
                m.versions
                    .iter()
                    .map(|v| (v.version.id, v.version.draft.label.clone()))
                    .collect::<Vec<_>>()
            }),
            None => Ok(Vec::new()),
        }
    });
    if model.is_none() {
        return html! {};
    }
    let label = |id: ModelVersionId| -> String {
        versions
            .data
            .as_ref()
            .and_then(|list| list.iter().find(|(v, _)| *v == id).map(|(_, l)| l.clone()))
            .or_else(|| {
                d.rollback_to
                    .as_ref()
                    .filter(|r| r.version == id)
                    .map(|r| r.label.clone())
            })
            .unwrap_or_else(|| id.to_string().chars().take(8).collect())
    };
    html! {
        <section class="panel" id="incident-model-changes" aria-labelledby="incident-model-changes-title">
            <h2 id="incident-model-changes-title">{ ctx.t("incident.model_changes.title") }</h2>
            if d.model_changes.is_empty() {
                <p class="muted">{ ctx.t("incident.model_changes.none") }</p>
            } else {
                <ol class="timeline-live">
                    { for d.model_changes.iter().map(|p| html! {
                        <li data-change={p.change.key()}>
                            <strong>{ label(p.version) }</strong>
                            { format!(" · {} ", ctx.t(&format!("live_change.{}", p.change.key()))) }
                            <time datetime={text::iso_time(p.from)}>{ text::local_time(p.from) }</time>
                            { format!(" · {}", text::name_of(&d.names, p.by)) }
                            if let Some(reason) = &p.reason {
                                if p.change == LiveChange::Rollback { <div class="prose">{ reason.clone() }</div> }
                            }
                        </li>
                    }) }
                </ol>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct NamedProps {
    detail: Rc<IncidentDetail>,
    names: Rc<Vec<(govbench_protocol::UserId, String)>>,
}

/// The timestamped entries, oldest first (the newest last).
#[component]
fn TimelinePanel(props: &NamedProps) -> Html {
    let ctx = use_app();
    let entries = &props.detail.incident.timeline;
    html! {
        <section class="panel" aria-labelledby="incident-timeline-title">
            <h2 id="incident-timeline-title">{ ctx.t("incident.timeline.title") }</h2>
            if entries.is_empty() {
                <p class="muted">{ ctx.t("incident.timeline.none") }</p>
            } else {
                <ol class="timeline incident-timeline" id="incident-timeline">
                    { for entries.iter().map(|e| html! {
                        <li data-kind={e.kind.key()} data-status={e.status.map(|s| s.key())}>
                            <time datetime={text::iso_time(e.at)}>{ text::local_time(e.at) }</time>
                            <span class="actor">{ text::name_of(&props.names, e.by) }</span>
                            <span class={classes!("tag", format!("timeline-{}", e.kind.key()))}>{ ctx.t(&format!("timeline_kind.{}", e.kind.key())) }</span>
                            if let Some(s) = e.status {
                                { " " }<IncidentStatusBadge status={s} />
                            }
                            if !e.text.is_empty() {
                                <p class="prose">{ e.text.clone() }</p>
                            }
                        </li>
                    }) }
                </ol>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ReviewProps {
    id: IncidentId,
    commands: Commands,
}

/// The post-incident review form: root cause, impact, what went well and badly, and the
/// corrective and preventive actions that follow.
#[component]
fn ReviewPanel(props: &ReviewProps) -> Html {
    let ctx = use_app();
    let form = use_reducer(ReviewForm::new);
    let users = use_fetch((), |()| api::call::<endpoint::UsersList>(&NoRequest {}));
    let users = Rc::new(users.data.as_deref().cloned().unwrap_or_default());
    let id = props.id;
    let submit = {
        let form = form.clone();
        let run = props.commands.run.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match form.review(Local::now().date_naive()) {
                Err(errors) => form.dispatch(ReviewAction::Errors(errors)),
                Ok(review) => {
                    let on_fail = errors_to(&form, ReviewAction::Errors);
                    run.emit(Exec::new(C::Review { id, review }).field_errors_to(on_fail));
                }
            }
        })
    };
    let errors = &form.errors;
    let area = |id: &'static str,
                field: &'static str,
                value: String,
                make: fn(String) -> ReviewAction,
                required: bool| {
        let (inv, desc) = invalid_attrs(errors, field, id);
        let form = form.clone();
        html! {
            <div class={classes!("field", errors.contains_key(field).then_some("has-error"))}>
                <label for={id}>{ ctx.t(&format!("review.field.{field}")) }if required { <span class="req-mark" aria-hidden="true">{" *"}</span> }</label>
                <textarea {id} rows="3" {value} oninput={on_text(move |v| form.dispatch(make(v)))}
                    aria-invalid={inv} aria-describedby={desc} />
                <FieldError for_id={id} errors={errors.clone()} field={field} />
            </div>
        }
    };
    html! {
        <form class="form panel" id="review-form" onsubmit={submit} novalidate=true aria-labelledby="review-form-title">
            <h2 id="review-form-title">{ ctx.t("review.title") }</h2>
            <p class="hint">{ ctx.t("review.hint") }</p>
            <OtherErrors errors={errors.clone()} known={form.known_fields()} />
            { area("review-root-cause", "root_cause", form.root_cause.clone(), ReviewAction::RootCause, true) }
            { area("review-impact", "impact", form.impact.clone(), ReviewAction::Impact, true) }
            <div class="field-row">
                { area("review-went-well", "went_well", form.went_well.clone(), ReviewAction::WentWell, false) }
                { area("review-went-badly", "went_badly", form.went_badly.clone(), ReviewAction::WentBadly, false) }
            </div>
            <ActionEditor id="review-action" field="actions" rows={form.actions.clone()} errors={errors.clone()}
                users={users} legend={ctx.t("review.actions")}
                on_edit={{ let form = form.clone(); Callback::from(move |(i, e)| form.dispatch(ReviewAction::EditAction(i, e))) }}
                on_add={{ let form = form.clone(); Callback::from(move |_| form.dispatch(ReviewAction::AddAction)) }}
                on_remove={{ let form = form.clone(); Callback::from(move |i| form.dispatch(ReviewAction::RemoveAction(i))) }} />
            <div class="form-actions">
                <button type="submit" id="review-submit" class="btn btn-primary" disabled={props.commands.busy}>{ ctx.t("review.submit") }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ReviewViewProps {
    detail: Rc<IncidentDetail>,
    names: Rc<Vec<(govbench_protocol::UserId, String)>>,
    commands: Commands,
}

/// The review as recorded, with its actions and "Mark done".
#[component]
fn ReviewView(props: &ReviewViewProps) -> Html {
    let ctx = use_app();
    let inc = &props.detail.incident;
    let Some(review) = &inc.review else {
        return html! {};
    };
    let id = inc.id;
    let on_complete = {
        let run = props.commands.run.clone();
        Callback::from(move |(action, note): (CorrectiveAction, String)| {
            run.emit(Exec::new(C::CompleteAction {
                id,
                action: action.id,
                note,
            }))
        })
    };
    let block = |key: &str, value: &str, id: &str| {
        html! {
            <div class="prose-block">
                <h3>{ ctx.t(&format!("review.field.{key}")) }</h3>
                <p class="prose" id={id.to_owned()}>{ if value.is_empty() { "—".to_owned() } else { value.to_owned() } }</p>
            </div>
        }
    };
    html! {
        <section class="panel" id="incident-review" aria-labelledby="incident-review-title">
            <div class="panel-head">
                <h2 id="incident-review-title">{ ctx.t("review.done_title") }</h2>
                <span class="muted">{ format!("{} · {}", text::name_of(&props.names, review.by), text::local_time(review.at)) }</span>
            </div>
            { block("root_cause", &review.root_cause, "review-root-cause-text") }
            { block("impact", &review.impact, "review-impact-text") }
            { block("went_well", &review.went_well, "review-went-well-text") }
            { block("went_badly", &review.went_badly, "review-went-badly-text") }
            <div class="panel-head">
                <h3>{ ctx.t("review.actions") }</h3>
                { action_progress(&ctx, &review.actions) }
            </div>
            <ActionList id="review-actions" actions={review.actions.clone()} names={props.names.clone()}
                can_complete={props.detail.allowed_actions.contains(&A::CompleteAction)}
                busy={props.commands.busy} {on_complete} />
        </section>
    }
}

/// What comes next for the incident, as its level's flow has it (a review first where one is
/// required).
fn next_step_key(incident: &govbench_protocol::Incident) -> String {
    let status = incident.status.key();
    if incident.status == govbench_protocol::IncidentStatus::Resolved
        && incident.flow.review_required
    {
        "incident.respond.next.resolved_review".to_owned()
    } else {
        format!("incident.respond.next.{status}")
    }
}
