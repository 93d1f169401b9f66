//! The response steps panel: the steps the user may take now, each with a note.

use std::rc::Rc;

use govbench_protocol::{
    ApiError, IncidentAction as A, IncidentCommand as C, IncidentDetail, TimelineKind,
};
use yew::prelude::*;

use crate::components::{invalid_attrs, on_change, on_text, FieldError};
use crate::context::use_app;
use crate::features::incidents::state::{response_command, NOTE_KINDS, RESPONSE_STEPS};
use crate::hooks::{Commands, Exec};
use crate::state::{backend_field_errors, FieldErrors};

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub detail: Rc<IncidentDetail>,
    pub commands: Commands,
}

/// The steps of the response the user may take now, each with the note typed above them.
#[component]
pub fn RespondPanel(props: &PanelProps) -> Html {
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
        A::Open
        | A::Edit
        | A::Review
        | A::CompleteAction
        | A::SetRules
        | A::AddMember
        | A::EditMember
        | A::RemoveMember => "incident-action",
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
