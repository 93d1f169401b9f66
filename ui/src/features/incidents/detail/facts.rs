//! The facts panel: the number, affected model, detection and opening of the incident.

use yew::prelude::*;

use super::ViewProps;
use crate::components::RouteLink;
use crate::context::use_app;
use crate::features::incidents::state::target_text;
use crate::route::Route;
use crate::text;

#[component]
pub fn FactsPanel(props: &ViewProps) -> Html {
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
