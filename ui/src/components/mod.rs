//! Generic view pieces every feature uses. Feature-specific ones live in `features/<feature>`.

pub mod actions;
pub mod attachments;
pub mod comments;
pub mod date_field;
pub mod earlier;
pub mod fetch_view;
pub mod history;
pub mod pager;

pub use actions::{action_progress, ActionEditor, ActionList, OpenActions, UserSelect};
pub use attachments::Attachments;
pub use comments::CommentThread;
pub use date_field::DateField;
pub use fetch_view::{FetchState, FetchView};
pub use history::HistoryTimeline;
pub use pager::Pager;

use govbench_protocol::{ApiError, EntityKind, ErrorCode};
use wasm_bindgen::JsValue;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::context::use_app;
use crate::route::Route;
use crate::state::FieldErrors;
use crate::text;

/// The `value` of the element an event came from (input, textarea or select).
pub fn value_of(e: &Event) -> String {
    e.target()
        .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("value")).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The `checked` state of the checkbox an event came from.
pub fn checked_of(e: &Event) -> bool {
    e.target()
        .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("checked")).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// A text input/textarea handler that forwards the new value.
pub fn on_text<F: Fn(String) + 'static>(f: F) -> Callback<InputEvent> {
    Callback::from(move |e: InputEvent| f(value_of(&e)))
}

/// A select `change` handler that forwards the new value.
/// A dialog's ways out: its Cancel button's click and Escape anywhere in it.
pub fn dialog_close(on_close: &Callback<()>) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let click = on_close.reform(|_: MouseEvent| ());
    let on_close = on_close.clone();
    let key = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            on_close.emit(());
        }
    });
    (click, key)
}

pub fn on_change<F: Fn(String) + 'static>(f: F) -> Callback<Event> {
    Callback::from(move |e: Event| f(value_of(&e)))
}

#[derive(Properties, PartialEq)]
pub struct RouteLinkProps {
    pub to: Route,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
    /// Marks the link as the current page (`aria-current`).
    #[prop_or_default]
    pub current: bool,
    #[prop_or_default]
    pub children: Html,
}

/// An `<a>` into the app's hash routes that navigates without reloading.
#[component]
pub fn RouteLink(props: &RouteLinkProps) -> Html {
    let navigator = use_navigator();
    let onclick = {
        let to = props.to.clone();
        Callback::from(move |e: MouseEvent| {
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
                return;
            }
            if let Some(nav) = &navigator {
                e.prevent_default();
                nav.push(&to);
            }
        })
    };
    let href = format!("#{}", props.to.to_path());
    html! {
        <a id={props.id.clone()} class={props.class.clone()} {href} {onclick}
            aria-current={props.current.then_some("page")}>
            { props.children.clone() }
        </a>
    }
}

#[derive(Properties, PartialEq)]
pub struct BrandProps {
    /// The login screen's large version.
    #[prop_or_default]
    pub large: bool,
}

/// The product's mark and name.
#[component]
pub fn Brand(props: &BrandProps) -> Html {
    let ctx = use_app();
    html! {
        <div class={classes!("brand", props.large.then_some("brand-large"))}>
            <span class="brand-mark" aria-hidden="true">{"G"}</span>
            <span class="brand-text">
                <span class="brand-name">{ ctx.t("brand.name") }</span>
                <span class="brand-tagline">{ ctx.t("brand.tagline") }</span>
            </span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct StatusBadgeProps {
    /// The kind of record, which decides the status's name.
    pub entity: EntityKind,
    /// The status key (`draft`).
    pub status: AttrValue,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

/// A record's status shown as colour AND text (for every feature's lifecycle).
#[component]
pub fn StatusBadge(props: &StatusBadgeProps) -> Html {
    let ctx = use_app();
    let key = props.status.as_str();
    html! {
        <span id={props.id.clone()} class={classes!("badge", "status-badge", format!("status-{key}"))} data-status={key.to_owned()}>
            <span class="badge-dot" aria-hidden="true"></span>
            { text::status(ctx.locale, props.entity, key) }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct ErrorAlertProps {
    pub id: AttrValue,
    pub error: Option<ApiError>,
}

/// A translated backend error in a live `role=alert` region (always present, empty when fine).
#[component]
pub fn ErrorAlert(props: &ErrorAlertProps) -> Html {
    let ctx = use_app();
    html! {
        <div id={props.id.clone()} role="alert" class={classes!("alert", props.error.is_none().then_some("alert-empty"))}>
            if let Some(err) = &props.error {
                <span class="alert-icon" aria-hidden="true">{"⚠"}</span>
                <span class="alert-text">{ ctx.error(err) }</span>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FieldErrorProps {
    /// The field's input id; the message gets `<for_id>-error`.
    pub for_id: AttrValue,
    pub errors: FieldErrors,
    /// The field name in `errors`.
    pub field: AttrValue,
}

/// The inline message under a field, in the user's language.
#[component]
pub fn FieldError(props: &FieldErrorProps) -> Html {
    let ctx = use_app();
    match props.errors.get(props.field.as_str()) {
        Some(rule) => html! {
            <p class="field-error" id={format!("{}-error", props.for_id)}>
                <span aria-hidden="true">{"⚠ "}</span>{ ctx.t(rule) }
            </p>
        },
        None => html! {},
    }
}

/// `aria-invalid` / `aria-describedby` values for a field.
pub fn invalid_attrs(
    errors: &FieldErrors,
    field: &str,
    id: &str,
) -> (Option<AttrValue>, Option<AttrValue>) {
    if errors.contains_key(field) {
        (Some("true".into()), Some(format!("{id}-error").into()))
    } else {
        (None, None)
    }
}

#[derive(Properties, PartialEq)]
pub struct OtherErrorsProps {
    pub errors: FieldErrors,
    pub known: Vec<String>,
}

/// Backend validation rules that no field of the form shows.
#[component]
pub fn OtherErrors(props: &OtherErrorsProps) -> Html {
    let ctx = use_app();
    let rest: Vec<_> = crate::state::unclaimed_errors(&props.errors, &props.known).collect();
    if rest.is_empty() {
        return html! {};
    }
    html! {
        <ul class="other-errors">
            { for rest.into_iter().map(|(field, rule)| html! {
                <li><code>{ field.clone() }</code>{": "}{ ctx.t(rule) }</li>
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct EmptyProps {
    pub title: AttrValue,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn Empty(props: &EmptyProps) -> Html {
    html! {
        <div class="empty">
            <p class="empty-title">{ props.title.clone() }</p>
            if let Some(hint) = &props.hint {
                <p class="empty-hint">{ hint.clone() }</p>
            }
            { props.children.clone() }
        </div>
    }
}

#[component]
pub fn Loading() -> Html {
    let ctx = use_app();
    html! {
        <div class="loading" aria-busy="true" role="status">
            <span class="spinner" aria-hidden="true"></span>{ ctx.t("common.loading") }
        </div>
    }
}

/// The gate's refusal as a list, one line per thing missing.
#[derive(Properties, PartialEq)]
pub struct GateRefusalProps {
    pub error: Option<ApiError>,
}

#[component]
pub fn GateRefusal(props: &GateRefusalProps) -> Html {
    let ctx = use_app();
    match &props.error {
        Some(err) if err.code == ErrorCode::GateClosed => html! {
            <div class="gate" id="gate-refusal" role="alert">
                <h3>{ ctx.t("gate.refused_title") }</h3>
                <ul>{ for ctx.locale.gate_gaps_of(err).into_iter().map(|g| html! { <li>{ g }</li> }) }</ul>
            </div>
        },
        _ => html! {},
    }
}
