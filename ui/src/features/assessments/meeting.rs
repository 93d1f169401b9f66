//! The meeting's record: the form while the assessment is a draft (date, attendees by name,
//! conclusions, strategy adjustments with owners and dates), the record as read once it is
//! signed, and the adjustments as actions anyone responsible can mark done.

use std::rc::Rc;

use chrono::Local;
use govbench_protocol::{AssessmentCommand, AssessmentId, CorrectiveAction, Meeting, UserId};
use yew::prelude::*;

use super::state::{MeetingAction, MeetingForm, ADJUSTMENTS};
use crate::components::{
    action_progress, invalid_attrs, on_text, ActionEditor, ActionList, DateField, FieldError,
    OtherErrors,
};
use crate::context::use_app;
use crate::hooks::{errors_to, submit_form, use_users, Commands, Exec};
use crate::text;

impl Reducible for MeetingForm {
    type Action = MeetingAction;
    fn reduce(self: Rc<Self>, action: MeetingAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub id: AssessmentId,
    /// The record as saved (the form starts from it).
    pub meeting: Meeting,
    pub commands: Commands,
    /// The record was saved.
    pub on_saved: Callback<()>,
}

/// The meeting record's form. Keyed by the assessment's version by its page, so it starts
/// again from the saved record whenever that changes.
#[component]
pub fn MeetingEditor(props: &EditorProps) -> Html {
    let ctx = use_app();
    let form = {
        let meeting = props.meeting.clone();
        use_reducer(move || MeetingForm::from_meeting(&meeting))
    };
    let users = use_users().list;
    let id = props.id;
    let submit = {
        let on_saved = props.on_saved.clone();
        submit_form(
            &props.commands.run,
            {
                let form = form.clone();
                move || form.draft(Local::now().date_naive())
            },
            errors_to(&form, MeetingAction::Errors),
            move |meeting| {
                Exec::new(AssessmentCommand::SaveMeeting { id, meeting })
                    .on_ok(on_saved.reform(|_| ()))
            },
        )
    };
    let dispatch = |make: fn(String) -> MeetingAction| {
        let form = form.clone();
        Callback::from(move |v: String| form.dispatch(make(v)))
    };
    let add_attendee = {
        let form = form.clone();
        Callback::from(move |_: MouseEvent| form.dispatch(MeetingAction::AddAttendee))
    };
    // Enter in the attendee field adds the name instead of submitting the whole form.
    let attendee_key = {
        let form = form.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && !e.is_composing() {
                e.prevent_default();
                form.dispatch(MeetingAction::AddAttendee);
            }
        })
    };
    let errors = &form.errors;
    let (inv_date, desc_date) = invalid_attrs(errors, "held_on", "meeting-held-on");
    let (inv_conc, desc_conc) = invalid_attrs(errors, "conclusions", "meeting-conclusions");
    let (inv_att, desc_att) = invalid_attrs(errors, "attendees", "meeting-attendee-input");
    html! {
        <form class="form panel" id="meeting-form" onsubmit={submit} novalidate=true aria-labelledby="meeting-form-title">
            <h2 id="meeting-form-title">{ ctx.t("assessment.meeting.title") }</h2>
            <p class="hint">{ ctx.t("assessment.meeting.hint") }</p>
            <OtherErrors errors={errors.clone()} known={form.known_fields()} />
            <div class={classes!("field", "field-date", errors.contains_key("held_on").then_some("has-error"))}>
                <label for="meeting-held-on">{ ctx.t("assessment.meeting.held_on") }</label>
                <DateField id="meeting-held-on" value={form.held_on.clone()} on_input={dispatch(MeetingAction::HeldOn)}
                    invalid={inv_date} describedby={desc_date} />
                <FieldError for_id="meeting-held-on" errors={errors.clone()} field="held_on" />
            </div>
            <fieldset class="field attendees" id="meeting-attendees">
                <legend>{ ctx.t("assessment.meeting.attendees") }</legend>
                if form.attendees.is_empty() {
                    <p class="muted">{ ctx.t("assessment.meeting.no_attendees") }</p>
                } else {
                    <ul class="chip-list" id="meeting-attendee-list">
                        { for form.attendees.iter().enumerate().map(|(i, name)| {
                            let remove = { let form = form.clone(); Callback::from(move |_: MouseEvent| form.dispatch(MeetingAction::RemoveAttendee(i))) };
                            html! {
                                <li class="chip" data-attendee={name.clone()}>
                                    <span>{ name.clone() }</span>
                                    <button type="button" class="chip-remove" id={format!("meeting-attendee-{i}-remove")}
                                        aria-label={ctx.format("assessment.meeting.remove_attendee", &[("name", name)])} onclick={remove}>{ "×" }</button>
                                </li>
                            }
                        }) }
                    </ul>
                }
                <div class="form-inline">
                    <label for="meeting-attendee-input" class="visually-hidden">{ ctx.t("assessment.meeting.attendee_name") }</label>
                    <input id="meeting-attendee-input" type="text" value={form.attendee_input.clone()} autocomplete="off"
                        placeholder={ctx.t("assessment.meeting.attendee_name")}
                        oninput={{ let cb = dispatch(MeetingAction::AttendeeInput); on_text(move |v| cb.emit(v)) }}
                        onkeydown={attendee_key} aria-invalid={inv_att} aria-describedby={desc_att} />
                    <button type="button" id="meeting-attendee-add" class="btn btn-small" onclick={add_attendee}>
                        { format!("+ {}", ctx.t("assessment.meeting.add_attendee")) }
                    </button>
                </div>
                <FieldError for_id="meeting-attendee-input" errors={errors.clone()} field="attendees" />
            </fieldset>
            <div class={classes!("field", errors.contains_key("conclusions").then_some("has-error"))}>
                <label for="meeting-conclusions">{ ctx.t("assessment.meeting.conclusions") }</label>
                <textarea id="meeting-conclusions" rows="5" value={form.conclusions.clone()}
                    oninput={{ let cb = dispatch(MeetingAction::Conclusions); on_text(move |v| cb.emit(v)) }}
                    aria-invalid={inv_conc} aria-describedby={desc_conc} />
                <FieldError for_id="meeting-conclusions" errors={errors.clone()} field="conclusions" />
            </div>
            <ActionEditor id="meeting-adjustment" field={ADJUSTMENTS} rows={form.adjustments.clone()} errors={errors.clone()}
                users={users} legend={ctx.t("assessment.meeting.adjustments")}
                on_edit={{ let form = form.clone(); Callback::from(move |(i, e)| form.dispatch(MeetingAction::EditAdjustment(i, e))) }}
                on_add={{ let form = form.clone(); Callback::from(move |_| form.dispatch(MeetingAction::AddAdjustment)) }}
                on_remove={{ let form = form.clone(); Callback::from(move |i| form.dispatch(MeetingAction::RemoveAdjustment(i))) }} />
            <div class="form-actions">
                <button type="submit" id="meeting-save" class="btn btn-primary" disabled={props.commands.busy}>
                    { ctx.t("assessment.meeting.save") }
                </button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct AdjustmentsProps {
    pub id: AssessmentId,
    pub adjustments: Vec<CorrectiveAction>,
    pub names: Rc<Vec<(UserId, String)>>,
    pub can_complete: bool,
    pub commands: Commands,
}

/// The strategy adjustments as recorded, each open one markable done by whoever may.
#[component]
pub fn Adjustments(props: &AdjustmentsProps) -> Html {
    let ctx = use_app();
    let id = props.id;
    let on_complete = {
        let run = props.commands.run.clone();
        Callback::from(move |(action, note): (CorrectiveAction, String)| {
            run.emit(Exec::new(AssessmentCommand::CompleteAction {
                id,
                action: action.id,
                note,
            }))
        })
    };
    html! {
        <>
            <div class="panel-head">
                <h3>{ ctx.t("assessment.meeting.adjustments") }</h3>
                { action_progress(&ctx, &props.adjustments) }
            </div>
            <ActionList id="meeting-adjustments" actions={props.adjustments.clone()} names={props.names.clone()}
                can_complete={props.can_complete} busy={props.commands.busy} {on_complete} />
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ViewProps {
    pub id: AssessmentId,
    pub meeting: Meeting,
    pub names: Rc<Vec<(UserId, String)>>,
    pub can_complete: bool,
    pub commands: Commands,
}

/// The meeting record as read (signed or approved, or a reader without the right to edit).
#[component]
pub fn MeetingView(props: &ViewProps) -> Html {
    let ctx = use_app();
    let m = &props.meeting;
    html! {
        <section class="panel" id="meeting-record" aria-labelledby="meeting-record-title">
            <h2 id="meeting-record-title">{ ctx.t("assessment.meeting.title") }</h2>
            <dl class="dl-grid">
                <dt>{ ctx.t("assessment.meeting.held_on") }</dt>
                <dd id="meeting-held-on-text">{ m.held_on.map(text::date).unwrap_or_else(|| "—".into()) }</dd>
                <dt>{ ctx.t("assessment.meeting.attendees") }</dt>
                <dd id="meeting-attendees-text">
                    if m.attendees.is_empty() { { "—" } } else { { m.attendees.join(ctx.t("assessment.list_separator").as_str()) } }
                </dd>
            </dl>
            <div class="prose-block">
                <h3>{ ctx.t("assessment.meeting.conclusions") }</h3>
                <p class="prose" id="meeting-conclusions-text">
                    { if m.conclusions.is_empty() { "—".to_owned() } else { m.conclusions.clone() } }
                </p>
            </div>
            <Adjustments id={props.id} adjustments={m.adjustments.clone()} names={props.names.clone()}
                can_complete={props.can_complete} commands={props.commands.clone()} />
        </section>
    }
}
