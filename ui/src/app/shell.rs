//! The signed-in frame around every page: header with navigation, workspace, audit
//! indicator, language and user menu; the routed page inside.

use std::rc::Rc;

use govbench_i18n::Locale;
use govbench_protocol::endpoint;
use govbench_protocol::{ApiError, LogoutRequest, NoRequest, SessionInfo};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::routes::switch;
use crate::api;
use crate::components::{value_of, Brand, ErrorAlert, FetchState, FetchView, RouteLink};
use crate::context::use_app;
use crate::features::incidents::AlertStrip;
use crate::features::sharing::SharingChip;
use crate::hooks::use_fetch;
use crate::nav::{section_of, NAV};
use crate::route::Route;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct ShellProps {
    pub session: Rc<SessionInfo>,
    pub on_logout: Callback<()>,
}

#[component]
pub fn Shell(props: &ShellProps) -> Html {
    let ctx = use_app();
    let location = use_location();
    let path = location
        .as_ref()
        .map(|l| l.path().to_owned())
        .unwrap_or_default();
    let current = section_of(&path);
    let user_menu = use_node_ref();
    // A new page starts at its top, like a page load would, with the user menu closed (it
    // holds a link to a page).
    {
        let user_menu = user_menu.clone();
        use_effect_with(path, move |_| {
            if let Some(window) = web_sys::window() {
                window.scroll_to_with_x_and_y(0.0, 0.0);
            }
            if let Some(menu) = user_menu.cast::<web_sys::Element>() {
                let _ = menu.remove_attribute("open");
            }
        });
    }

    let navigator = use_navigator();
    let logout_error = use_state(|| None::<ApiError>);
    let logout = {
        let on_logout = props.on_logout.clone();
        let logout_error = logout_error.clone();
        move |forget: bool| {
            let on_logout = on_logout.clone();
            let logout_error = logout_error.clone();
            let navigator = navigator.clone();
            Callback::from(move |_: MouseEvent| {
                let on_logout = on_logout.clone();
                let logout_error = logout_error.clone();
                let navigator = navigator.clone();
                spawn_local(async move {
                    match api::call::<endpoint::Logout>(&LogoutRequest { forget }).await {
                        Ok(()) => {
                            // The next person to sign in starts on the dashboard.
                            if let Some(nav) = navigator {
                                nav.replace(&Route::Dashboard);
                            }
                            on_logout.emit(())
                        }
                        Err(err) => logout_error.set(Some(err)),
                    }
                });
            })
        }
    };

    let user = &props.session.user;
    let workspace = &props.session.workspace;
    html! {
        <div class="shell">
            <a class="skip-link" href="#main">{ ctx.t("common.skip_to_content") }</a>
            <header class="app-header">
                <Brand />
                <nav class="main-nav" aria-label={ctx.t("nav.label")}>
                    <ul>
                        { for NAV.iter().map(|item| {
                            let active = current == Some(item.section);
                            html! {
                                <li>
                                    <RouteLink
                                        to={Route::for_section(item.section)}
                                        id={item.id}
                                        class={classes!("nav-link", active.then_some("active"))}
                                        current={active}
                                    >
                                        { ctx.t(item.label) }
                                    </RouteLink>
                                </li>
                            }
                        }) }
                    </ul>
                </nav>
                <div class="header-tools">
                    <span class="workspace-chip" title={workspace.path.clone()}>
                        { workspace.name.clone() }
                        if workspace.is_demo {
                            <span class="tag">{ ctx.t("login.demo") }</span>
                        }
                    </span>
                    <SharingChip />
                    <AuditStatus />
                    <LangSwitch />
                    <details id="user-menu" class="user-menu" ref={user_menu}>
                        <summary class="user-menu-button" title={ctx.t("shell.user_menu")}>
                            <span class="avatar" aria-hidden="true">
                                { user.display_name.chars().next().map(String::from).unwrap_or_default() }
                            </span>
                            <span class="user-id">
                                <span class="user-name">{ user.display_name.clone() }</span>
                                <span class="user-role">{ text::role(ctx.locale, user.role) }</span>
                            </span>
                            <span class="caret" aria-hidden="true">{ "▾" }</span>
                        </summary>
                        <div class="user-menu-panel" role="menu">
                            <p class="user-menu-who">
                                { user.name.clone() }
                                <span class="muted">{ format!(" · {}", text::role(ctx.locale, user.role)) }</span>
                            </p>
                            <RouteLink to={Route::Sharing} id="menu-sharing" class="menu-link">
                                { ctx.t("sharing.menu") }
                            </RouteLink>
                            <button id="logout" type="button" role="menuitem" class="btn btn-small" onclick={logout(false)}>
                                { ctx.t("shell.logout") }
                            </button>
                            <button id="logout-forget" type="button" role="menuitem" class="btn btn-small btn-ghost"
                                onclick={logout(true)} title={ctx.t("shell.logout_forget_hint")}>
                                { ctx.t("shell.logout_forget") }
                            </button>
                        </div>
                    </details>
                </div>
            </header>
            <ErrorAlert id="logout-error" error={(*logout_error).clone()} />
            <HeldBanner />
            <AlertStrip />
            <main id="main" class="app-main" tabindex="-1">
                <Switch<Route> render={switch} />
            </main>
        </div>
    }
}

/// Why the workspace is open for reading only, while it is (asked again after every change: an
/// Admin confirming this copy lifts it).
#[component]
fn HeldBanner() -> Html {
    let held = use_fetch((), |()| api::call::<endpoint::SessionHeld>(&NoRequest {}));
    let error = held.data.as_ref().and_then(|h| h.as_ref().clone());
    html! { <ErrorAlert id="held-banner" {error} /> }
}

#[component]
fn AuditStatus() -> Html {
    let ctx = use_app();
    let report = use_fetch((), |()| api::call::<endpoint::AuditVerify>(&NoRequest {}));
    // A failed check is said even while an earlier result is at hand.
    let (state, label) = match FetchView::new(&report, "audit-status").state() {
        FetchState::Failed(err) => (
            "error",
            format!(
                "⚠ {}",
                ctx.format("audit.failed", &[("reason", &ctx.error(err))])
            ),
        ),
        FetchState::Loading => ("pending", ctx.t("audit.checking")),
        FetchState::Ready(r) if r.is_intact() => {
            ("ok", format!("✓ {}", text::audit_summary(ctx.locale, r)))
        }
        FetchState::Ready(r) => ("bad", format!("⚠ {}", text::audit_summary(ctx.locale, r))),
    };
    // The full sentence of what was proved (or found) is the tooltip.
    let title = match &report.data {
        Some(r) => format!("{} {}", ctx.t("audit.title"), ctx.locale.audit_summary(r)),
        None => ctx.t("audit.title"),
    };
    html! {
        <span id="audit-status" class={classes!("audit-status", format!("audit-{state}"))}
            data-state={state} role="status" {title}>
            { label }
        </span>
    }
}

#[component]
pub fn LangSwitch() -> Html {
    let ctx = use_app();
    let onchange = {
        let set_locale = ctx.set_locale.clone();
        Callback::from(move |e: Event| set_locale.emit(Locale::from_tag(&value_of(&e))))
    };
    html! {
        <label class="lang-switch">
            <span class="visually-hidden">{ ctx.t("shell.language") }</span>
            <select id="lang-switch" {onchange}>
                { for Locale::ALL.iter().map(|l| html! {
                    <option value={l.tag()} selected={*l == ctx.locale}>{ ctx.t(&format!("lang.{}", l.tag())) }</option>
                }) }
            </select>
        </label>
    }
}
