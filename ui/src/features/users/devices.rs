//! A member's devices on the Users page: the copies of the workspace they wrote on (on a
//! shared workspace, each desk's own copy) and when each was last used.

use govbench_protocol::MemberDevice;
use yew::prelude::*;

use crate::context::use_app;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct DevicesProps {
    /// This member's devices, the most recently used first.
    pub devices: Vec<MemberDevice>,
}

/// "n devices · last used …", opening onto one line per device.
#[component]
pub fn Devices(props: &DevicesProps) -> Html {
    let ctx = use_app();
    let Some(latest) = props.devices.first() else {
        return html! { <span class="muted devices-none">{ ctx.t("users.devices.none") }</span> };
    };
    let summary = ctx.format(
        "users.devices.summary",
        &[
            ("count", &props.devices.len().to_string()),
            ("time", &text::local_time(latest.last_at)),
        ],
    );
    html! {
        <details class="devices" data-devices={props.devices.len().to_string()}>
            <summary>{ summary }</summary>
            <ul class="devices-list">
                { for props.devices.iter().map(|d| {
                    let device = if d.this_copy {
                        ctx.t("users.devices.this")
                    } else {
                        // The copy id's random end: its beginning is a timestamp, alike for
                        // copies made the same day.
                        let tail = d.copy_id.len().saturating_sub(8);
                        ctx.format("users.devices.copy", &[("id", d.copy_id.get(tail..).unwrap_or_default())])
                    };
                    html! {
                        <li class={classes!("device", d.this_copy.then_some("this-device"))} title={d.copy_id.clone()}>
                            { ctx.format("users.devices.line", &[
                                ("device", &device),
                                ("events", &d.events.to_string()),
                                ("time", &text::local_time(d.last_at)),
                            ]) }
                        </li>
                    }
                }) }
            </ul>
        </details>
    }
}
