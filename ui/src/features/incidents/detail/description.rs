//! The incident's description panel.

use yew::prelude::*;

use super::ViewProps;
use crate::context::use_app;

#[component]
pub fn DescriptionPanel(props: &ViewProps) -> Html {
    let ctx = use_app();
    let draft = &props.detail.incident.draft;
    html! {
        <section class="panel" aria-labelledby="incident-description-title">
            <h2 id="incident-description-title">{ ctx.t("incident.field.description") }</h2>
            <p class="prose" id="incident-description-text">{ draft.description.clone() }</p>
        </section>
    }
}
