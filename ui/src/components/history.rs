//! The history of any record (from its audit events), as a timeline.

use std::rc::Rc;

use govbench_protocol::endpoint::HistoryPage;
use govbench_protocol::{EntityKind, EntityRef, HistoryEntry, RecentPage};
use yew::prelude::*;

use crate::components::earlier::use_earlier;
use crate::components::ErrorAlert;
use crate::context::use_app;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct HistoryProps {
    /// Element id of the timeline.
    pub id: AttrValue,
    /// The record (its kind names its statuses).
    pub of: EntityRef,
    /// The most recent entries; earlier ones are fetched on demand.
    pub entries: Rc<RecentPage<HistoryEntry>>,
}

#[component]
pub fn HistoryTimeline(props: &HistoryProps) -> Html {
    let ctx = use_app();
    let earlier = use_earlier::<HistoryPage, _>(props.of, props.entries.clone());
    let title_id = format!("{}-title", props.id);
    let kind: EntityKind = props.of.kind;
    html! {
        <section class="panel" aria-labelledby={title_id.clone()}>
            <h2 id={title_id}>{ ctx.t("detail.history") }</h2>
            if earlier.remaining > 0 {
                <button type="button" id={format!("{}-earlier", props.id)} class="btn btn-small btn-ghost earlier"
                    disabled={earlier.loading}
                    onclick={{ let load = earlier.load.clone(); Callback::from(move |_| load.emit(())) }}>
                    { ctx.format("detail.earlier_history", &[("count", &earlier.remaining.to_string())]) }
                </button>
            }
            <ErrorAlert id={format!("{}-earlier-error", props.id)} error={earlier.error.clone()} />
            <ol id={props.id.clone()} class="timeline">
                { for earlier.items.iter().chain(props.entries.items.iter()).map(|h| {
                    let (action, change) = text::history_line(ctx.locale, kind, h);
                    html! {
                        <li data-action={h.action.clone()}>
                            <time datetime={text::iso_time(h.at)}>{ text::local_time(h.at) }</time>
                            <span class="actor">{ h.actor.clone() }</span>
                            <span class="what">{ action }</span>
                            if let Some(change) = change {
                                <span class="change">{ change }</span>
                            }
                            if h.not_yet_shared {
                                <span class="tag tag-pending not-yet-shared" title={ctx.t("sharing.not_yet_shared_hint")}>
                                    { ctx.t("sharing.not_yet_shared") }
                                </span>
                            }
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
