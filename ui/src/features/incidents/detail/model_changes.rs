//! Which version of the affected model was live when, since the incident was opened.

use govbench_protocol::{endpoint, LiveChange, ModelId, ModelVersionId};
use yew::prelude::*;

use super::ViewProps;
use crate::context::use_app;
use crate::hooks::use_fetch;
use crate::{api, text};

/// Which version of the affected model was live when, since the incident was opened.
#[component]
pub fn ModelChanges(props: &ViewProps) -> Html {
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
