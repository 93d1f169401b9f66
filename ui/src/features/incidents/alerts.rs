//! Response clocks about to be breached or breached, for the people the level's rules name:
//! polled every minute while the app runs and shown in a strip under the header. (Desktop
//! notifications come from the shell, which watches the same clocks while the app runs.)

use std::collections::BTreeSet;

use govbench_protocol::endpoint;
use govbench_protocol::{IncidentAlert, IncidentPermission, NoRequest};
use yew::prelude::*;

use super::badges::{ClockBadge, SeverityBadge};
use super::state::{alert_key, AlertKey};
use crate::api;
use crate::components::RouteLink;
use crate::context::use_app;
use crate::hooks::{use_fetch, use_ticks};
use crate::route::Route;
use crate::text;

/// How often the alerts are fetched again (any change in the workspace fetches them too).
const POLL_MS: i32 = 60_000;
/// Alerts listed in the strip; the others are counted.
const MAX_SHOWN: usize = 3;

#[component]
pub fn AlertStrip() -> Html {
    let ctx = use_app();
    let may = ctx.may(IncidentPermission::Read);
    let tick = use_ticks(POLL_MS);
    let alerts = use_fetch((tick, may), |(_, may): (u64, bool)| async move {
        if may {
            api::call::<endpoint::IncidentAlerts>(&NoRequest {}).await
        } else {
            Ok(Vec::new())
        }
    });
    let dismissed = use_state(BTreeSet::<AlertKey>::new);
    let shown: Vec<IncidentAlert> = alerts
        .data
        .iter()
        .flat_map(|l| l.iter())
        .filter(|a| !dismissed.contains(&alert_key(a)))
        .cloned()
        .collect();
    if shown.is_empty() {
        return html! {};
    }
    // A few lines at most: the strip must not push the page away; the rest are one click on.
    let more = shown.len().saturating_sub(MAX_SHOWN);
    let dismiss = {
        let dismissed = dismissed.clone();
        let keys: Vec<AlertKey> = shown.iter().map(alert_key).collect();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*dismissed).clone();
            next.extend(keys.iter().copied());
            dismissed.set(next);
        })
    };
    html! {
        <aside class="alert-strip" id="incident-alerts" role="status" aria-label={ctx.t("incident.alerts.title")}>
            <strong>{ ctx.t("incident.alerts.title") }</strong>
            <ul>
                { for shown.iter().take(MAX_SHOWN).map(|a| html! {
                    <li data-incident={a.incident.to_string()} data-kind={a.kind.key()} data-status={a.status.key()}>
                        <SeverityBadge severity={a.severity} />
                        <RouteLink to={Route::IncidentDetail { id: a.incident.to_string() }}>
                            { format!("{} · {}", a.number, a.title) }
                        </RouteLink>
                        <span class="muted">{ ctx.t(&format!("clock_kind.{}", a.kind.key())) }</span>
                        <ClockBadge status={a.status} />
                        <span class="muted">{ ctx.format("incident.alerts.due", &[("due", &text::local_time(a.due))]) }</span>
                    </li>
                }) }
                if more > 0 {
                    <li class="muted">
                        <RouteLink to={Route::Incidents}>
                            { ctx.format("incident.alerts.more", &[("n", &more.to_string())]) }
                        </RouteLink>
                    </li>
                }
            </ul>
            <button type="button" id="incident-alerts-dismiss" class="btn btn-small btn-ghost" onclick={dismiss}>
                { ctx.t("incident.alerts.dismiss") }
            </button>
        </aside>
    }
}
