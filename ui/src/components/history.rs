//! The history of any record (from its audit events), as a timeline.

use std::rc::Rc;

use govbench_protocol::{EntityKind, HistoryEntry};
use yew::prelude::*;

use crate::app::use_app;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct HistoryProps {
    /// Element id of the timeline.
    pub id: AttrValue,
    /// The kind of record, which names its statuses.
    pub entity: EntityKind,
    pub entries: Rc<Vec<HistoryEntry>>,
}

#[component]
pub fn HistoryTimeline(props: &HistoryProps) -> Html {
    let ctx = use_app();
    let title_id = format!("{}-title", props.id);
    html! {
        <section class="panel" aria-labelledby={title_id.clone()}>
            <h2 id={title_id}>{ ctx.t("detail.history") }</h2>
            <ol id={props.id.clone()} class="timeline">
                { for props.entries.iter().map(|h| {
                    let (action, change) = text::history_line(ctx.locale, props.entity, h);
                    html! {
                        <li data-action={h.action.clone()}>
                            <time datetime={text::iso_time(h.at)}>{ text::local_time(h.at) }</time>
                            <span class="actor">{ h.actor.clone() }</span>
                            <span class="what">{ action }</span>
                            if let Some(change) = change {
                                <span class="change">{ change }</span>
                            }
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
