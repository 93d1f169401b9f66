//! The incident's timeline panel.

use std::rc::Rc;

use govbench_protocol::IncidentDetail;
use yew::prelude::*;

use crate::context::use_app;
use crate::features::incidents::badges::IncidentStatusBadge;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct NamedProps {
    pub detail: Rc<IncidentDetail>,
    pub names: Rc<Vec<(govbench_protocol::UserId, String)>>,
}

/// The timestamped entries, oldest first (the newest last).
#[component]
pub fn TimelinePanel(props: &NamedProps) -> Html {
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
