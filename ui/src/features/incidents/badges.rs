//! How an incident's severity, status, clocks and drill origin look, wherever they appear.

use chrono::{DateTime, Utc};
use govbench_protocol::{ClockStatus, EntityKind, IncidentStatus, Severity};
use yew::prelude::*;

use super::state::{clock_tone, countdown, countdown_text};
use crate::components::StatusBadge;
use crate::context::use_app;

#[derive(Properties, PartialEq)]
pub struct SeverityProps {
    pub severity: Severity,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

/// A fault level (严重 / 一般 / 轻微) as colour and text.
#[component]
pub fn SeverityBadge(props: &SeverityProps) -> Html {
    let ctx = use_app();
    let key = props.severity.key();
    html! {
        <span id={props.id.clone()} class={classes!("badge", "severity", format!("severity-{key}"))} data-severity={key}>
            <span class="badge-dot" aria-hidden="true"></span>
            { ctx.t(&format!("severity.{key}")) }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct IncidentStatusProps {
    pub status: IncidentStatus,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

#[component]
pub fn IncidentStatusBadge(props: &IncidentStatusProps) -> Html {
    html! {
        <StatusBadge id={props.id.clone()} entity={EntityKind::Incident} status={props.status.key()} />
    }
}

#[derive(Properties, PartialEq)]
pub struct ClockBadgeProps {
    pub status: ClockStatus,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

/// A response clock's state: breached red, due soon amber, met green.
#[component]
pub fn ClockBadge(props: &ClockBadgeProps) -> Html {
    let ctx = use_app();
    let key = props.status.key();
    // Glyphs every desktop font has (no emoji: a machine without an emoji font shows boxes).
    let icon = match props.status {
        ClockStatus::Breached | ClockStatus::MetLate => "⚠",
        ClockStatus::DueSoon => "◔",
        ClockStatus::Met => "✓",
        ClockStatus::Running => "○",
    };
    html! {
        <span id={props.id.clone()} class={classes!("badge", "clock-badge", format!("clock-{}", clock_tone(props.status)))} data-clock={key}>
            <span aria-hidden="true">{ icon }</span>
            { ctx.t(&format!("clock.{key}")) }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct CountdownProps {
    pub opened: DateTime<Utc>,
    pub due: DateTime<Utc>,
    #[prop_or_default]
    pub done: Option<DateTime<Utc>>,
    /// The time to measure against (the page's ticking clock).
    pub now: DateTime<Utc>,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

/// "还剩 12:03" / "超时 5 分钟", re-read every time `now` moves.
#[component]
pub fn CountdownText(props: &CountdownProps) -> Html {
    let ctx = use_app();
    let c = countdown(props.opened, props.due, props.done, props.now);
    let over = matches!(
        c,
        super::state::Countdown::Over(_) | super::state::Countdown::MetLate(_)
    );
    html! {
        <span id={props.id.clone()} class={classes!("countdown", over.then_some("over"))} role="timer">
            { countdown_text(ctx.locale, c) }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct DrillLabelProps {
    /// The long form ("演练 · 非真实事故").
    #[prop_or_default]
    pub long: bool,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

/// The mark every drill, and every incident opened in one, carries.
#[component]
pub fn DrillLabel(props: &DrillLabelProps) -> Html {
    let ctx = use_app();
    let text = if props.long {
        ctx.t("drill.label_long")
    } else {
        ctx.t("drill.label")
    };
    html! {
        <span id={props.id.clone()} class="drill-label" data-drill="true">{ text }</span>
    }
}
