//! How a requirement's status, priority and lateness look, wherever they appear.

use govbench_protocol::{EntityKind, Priority, RequirementStatus};
use yew::prelude::*;

use crate::components::StatusBadge;
use crate::context::use_app;

#[derive(Properties, PartialEq)]
pub struct RequirementStatusProps {
    pub status: RequirementStatus,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

#[component]
pub fn RequirementStatusBadge(props: &RequirementStatusProps) -> Html {
    html! {
        <StatusBadge id={props.id.clone()} entity={EntityKind::Requirement} status={props.status.key()} />
    }
}

#[derive(Properties, PartialEq)]
pub struct PriorityBadgeProps {
    pub priority: Priority,
}

#[component]
pub fn PriorityBadge(props: &PriorityBadgeProps) -> Html {
    let ctx = use_app();
    let key = props.priority.key();
    html! {
        <span class={classes!("priority", format!("priority-{key}"))} data-priority={key}>
            <span class="priority-bars" aria-hidden="true">
                { for (0..4u8).map(|i| html! {
                    <span class={classes!("bar", (i <= props.priority.rank()).then_some("on"))}></span>
                }) }
            </span>
            { ctx.t(&format!("priority.{key}")) }
        </span>
    }
}

#[component]
pub fn OverdueFlag() -> Html {
    let ctx = use_app();
    html! {
        <span class="overdue-flag">{ ctx.t("req.overdue") }</span>
    }
}
