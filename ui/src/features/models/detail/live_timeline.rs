//! The timeline of which version was live when.

use govbench_protocol::{LiveChange, ModelVersionId};
use yew::prelude::*;

use super::ViewProps;
use crate::context::use_app;
use crate::text;

#[component]
pub fn LiveTimeline(props: &ViewProps) -> Html {
    let ctx = use_app();
    let d = &props.detail;
    let label = |id: ModelVersionId| {
        d.versions
            .iter()
            .find(|v| v.version.id == id)
            .map(|v| v.version.draft.label.clone())
            .unwrap_or_default()
    };
    html! {
        <section class="panel" aria-labelledby="live-title" id="model-timeline">
            <h2 id="live-title">{ ctx.t("model.timeline") }</h2>
            if d.model.timeline.is_empty() {
                <p class="muted">{ ctx.t("model.never_live") }</p>
            } else {
                <ol class="timeline-live">
                    { for d.model.timeline.iter().rev().map(|p| html! {
                        <li data-change={p.change.key()}>
                            <strong>{ label(p.version) }</strong>
                            { format!(" · {} ", ctx.t(&format!("live_change.{}", p.change.key()))) }
                            <time datetime={text::iso_time(p.from)}>{ text::local_time(p.from) }</time>
                            { match p.to { Some(to) => format!(" – {}", text::local_time(to)), None => format!(" – {}", ctx.t("model.now")) } }
                            if let Some(o) = &p.gate_override {
                                <div><span class="override-flag">{ "⚠ " }{ ctx.t("model.overridden") }</span>{ " " }<span class="prose">{ o.justification.clone() }</span></div>
                            }
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
