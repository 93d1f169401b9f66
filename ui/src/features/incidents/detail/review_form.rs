//! The post-incident review form.

use std::rc::Rc;

use chrono::Local;
use govbench_protocol::{IncidentCommand as C, IncidentId};
use yew::prelude::*;

use crate::components::{invalid_attrs, on_text, ActionEditor, FieldError, OtherErrors};
use crate::context::use_app;
use crate::features::incidents::state::{ReviewAction, ReviewForm};
use crate::hooks::{errors_to, submit_form, use_users, Commands, Exec};

impl Reducible for ReviewForm {
    type Action = ReviewAction;
    fn reduce(self: Rc<Self>, action: ReviewAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
pub struct ReviewProps {
    pub id: IncidentId,
    pub commands: Commands,
}

/// The post-incident review form: root cause, impact, what went well and badly, and the
/// corrective and preventive actions that follow.
#[component]
pub fn ReviewPanel(props: &ReviewProps) -> Html {
    let ctx = use_app();
    let form = use_reducer(ReviewForm::new);
    let users = use_users().list;
    let id = props.id;
    let submit = submit_form(
        &props.commands.run,
        {
            let form = form.clone();
            move || form.review(Local::now().date_naive())
        },
        errors_to(&form, ReviewAction::Errors),
        move |review| Exec::new(C::Review { id, review }),
    );
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
