//! The response clocks panel, judged again every second.

use govbench_protocol::clock_status;
use yew::prelude::*;

use super::ViewProps;
use crate::context::use_app;
use crate::features::incidents::badges::{ClockBadge, CountdownText};
use crate::features::incidents::state::{clock_tone, target_text};
use crate::hooks::use_now;
use crate::text;

/// The response clocks, judged again every second against the browser's time.
#[component]
pub fn ClocksPanel(props: &ViewProps) -> Html {
    let ctx = use_app();
    let now = use_now();
    let inc = &props.detail.incident;
    html! {
        <section class="panel" id="incident-clocks" aria-labelledby="incident-clocks-title">
            <div class="panel-head">
                <h2 id="incident-clocks-title">{ ctx.t("incident.clocks.title") }</h2>
                <span class="muted">{ ctx.format("incident.clocks.revision", &[("revision", &inc.rules_revision.to_string())]) }</span>
            </div>
            if props.detail.clocks.is_empty() {
                <p class="muted">{ ctx.t("incident.clocks.none") }</p>
            } else {
                <ul class="clock-list">
                    { for props.detail.clocks.iter().map(|c| {
                        let status = clock_status(inc.opened_at, c.due, c.done, now);
                        html! {
                            <li class={classes!("clock", format!("clock-{}", clock_tone(status)))}
                                data-kind={c.kind.key()} data-status={status.key()}>
                                <div class="clock-name">
                                    <strong>{ ctx.t(&format!("clock_kind.{}", c.kind.key())) }</strong>
                                    <span class="muted">{ ctx.format("incident.clocks.target", &[("target", &target_text(ctx.locale, c.target_minutes))]) }</span>
                                </div>
                                <div class="clock-due">
                                    <span class="muted">{ ctx.t("incident.clocks.due") }{ " " }</span>
                                    <time datetime={text::iso_time(c.due)}>{ text::local_time(c.due) }</time>
                                    if let Some(done) = c.done {
                                        <div class="muted">
                                            { ctx.t("incident.clocks.reached") }{ " " }
                                            <time datetime={text::iso_time(done)}>{ text::local_time(done) }</time>
                                        </div>
                                    }
                                </div>
                                <div class="clock-state">
                                    <ClockBadge status={status} />
                                    <CountdownText opened={inc.opened_at} due={c.due} done={c.done} {now} />
                                </div>
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}
