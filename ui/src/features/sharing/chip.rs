//! The header's indicator of a shared workspace: connected, offline with what waits, changes
//! on their way, or conflicts to look at; the last contact in its tooltip. It asks every few
//! seconds (a local read: it never waits for the server), and when other desks' changes
//! arrived it says "the workspace changed", so the page on screen shows them.

use govbench_protocol::endpoint;
use govbench_protocol::NoRequest;
use yew::prelude::*;

use super::state::Indicator;
use crate::api;
use crate::components::RouteLink;
use crate::context::use_app;
use crate::hooks::{use_fetch, use_ticks};
use crate::route::Route;
use crate::text;

const POLL_MS: i32 = 3_000;

#[component]
pub fn SharingChip() -> Html {
    let ctx = use_app();
    let tick = use_ticks(POLL_MS);
    let status = use_fetch(tick, |_| {
        api::call::<endpoint::SharingStatusGet>(&NoRequest {})
    });
    let seen = use_mut_ref(|| None::<u64>);
    let position = status
        .data
        .as_ref()
        .and_then(|s| s.as_ref().as_ref().map(|s| s.position));
    {
        let changed = ctx.changed.clone();
        use_effect_with(position, move |position| {
            let before = seen.borrow_mut().replace(position.unwrap_or(0));
            if matches!((before, position), (Some(b), Some(p)) if b != *p) {
                changed.emit(());
            }
        });
    }
    let Some(Some(status)) = status.data.as_deref() else {
        return html! {};
    };
    let indicator = Indicator::of(status);
    let label = match indicator {
        Indicator::Refused => format!("⚠ {}", ctx.t("sharing.chip.refused")),
        Indicator::Connected => ctx.t("sharing.chip.connected"),
        Indicator::Pending(n) => ctx.format("sharing.chip.pending", &[("count", &n.to_string())]),
        Indicator::Offline(0) => ctx.t("sharing.chip.offline"),
        Indicator::Offline(n) => {
            ctx.format("sharing.chip.offline_pending", &[("count", &n.to_string())])
        }
        Indicator::Conflicts(n) => {
            ctx.format("sharing.chip.conflicts", &[("count", &n.to_string())])
        }
    };
    let contact = match status.last_contact {
        Some(at) => ctx.format("sharing.last_contact", &[("at", &text::local_time(at))]),
        None => ctx.t("sharing.no_contact"),
    };
    let mut title = format!("{} · {}", status.server, contact);
    if let (false, Some(problem)) = (status.connected, &status.problem) {
        title = format!("{title}\n{}", ctx.error(problem));
    }
    html! {
        <RouteLink to={Route::Sharing} id="sharing-status"
            class={classes!("sharing-chip", format!("sharing-{}", indicator.key()))}>
            <span data-state={indicator.key()} {title} role="status">
                <span class="sharing-dot" aria-hidden="true"></span>
                { label }
            </span>
        </RouteLink>
    }
}
