//! The post-incident review as recorded, with its actions and "Mark done".

use std::rc::Rc;

use govbench_protocol::{
    CorrectiveAction, IncidentAction as A, IncidentCommand as C, IncidentDetail,
};
use yew::prelude::*;

use crate::components::{action_progress, ActionList};
use crate::context::use_app;
use crate::hooks::{Commands, Exec};
use crate::text;

#[derive(Properties, PartialEq)]
pub struct ReviewViewProps {
    pub detail: Rc<IncidentDetail>,
    pub names: Rc<Vec<(govbench_protocol::UserId, String)>>,
    pub commands: Commands,
}

/// The review as recorded, with its actions and "Mark done".
#[component]
pub fn ReviewView(props: &ReviewViewProps) -> Html {
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
