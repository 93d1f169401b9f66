//! The application root: startup, login vs. shell, routes, locale and the shared context.

use std::rc::Rc;

use govbench_i18n::Locale;
use govbench_protocol::{ApiError, AuditReport, SessionInfo, StartupState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::{value_of, ErrorAlert, RouteLink};
use crate::nav::{section_of, Section, NAV};
use crate::pages::dashboard::DashboardPage;
use crate::pages::detail::DetailPage;
use crate::pages::list::ListPage;
use crate::pages::login::LoginPage;
use crate::pages::new_requirement::NewRequirementPage;
use crate::pages::users::UsersPage;
use crate::text;

const LOCALE_STORAGE_KEY: &str = "govbench.locale";

#[derive(Clone, Debug, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/dashboard")]
    Dashboard,
    #[at("/requirements")]
    Requirements,
    #[at("/requirements/new")]
    RequirementNew,
    #[at("/requirements/:id")]
    RequirementDetail { id: String },
    #[at("/users")]
    Users,
    #[not_found]
    #[at("/not-found")]
    NotFound,
}

impl Route {
    pub fn for_section(section: Section) -> Route {
        match section {
            Section::Dashboard => Route::Dashboard,
            Section::Requirements => Route::Requirements,
            Section::Users => Route::Users,
        }
    }
}

/// What every page may read: the language, the signed-in user, and a way to say "data changed"
/// (which re-verifies the audit chain).
#[derive(Clone, PartialEq)]
pub struct AppCtx {
    pub locale: Locale,
    pub set_locale: Callback<Locale>,
    pub session: Option<Rc<SessionInfo>>,
    pub changed: Callback<()>,
    pub audit_tick: u32,
}

impl Default for AppCtx {
    fn default() -> Self {
        AppCtx {
            locale: Locale::En,
            set_locale: Callback::noop(),
            session: None,
            changed: Callback::noop(),
            audit_tick: 0,
        }
    }
}

impl AppCtx {
    /// May the signed-in user's role take `action` at all? (The backend decides for real.)
    pub fn may(&self, action: &str) -> bool {
        self.session.as_ref().is_some_and(|s| s.may(action))
    }

    pub fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }

    pub fn format(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.locale.format(key, args.iter().copied())
    }

    pub fn error(&self, err: &ApiError) -> String {
        text::error_message(self.locale, err)
    }
}

#[hook]
pub fn use_app() -> AppCtx {
    use_context::<AppCtx>().unwrap_or_default()
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn stored_locale() -> Option<Locale> {
    let tag = local_storage()?.get_item(LOCALE_STORAGE_KEY).ok()??;
    Some(Locale::from_tag(&tag))
}

fn apply_document_locale(locale: Locale) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Some(root) = doc.document_element() {
            let _ = root.set_attribute("lang", locale.tag());
        }
        doc.set_title(&format!(
            "{} · {}",
            locale.t("brand.name"),
            locale.t("brand.tagline")
        ));
    }
}

fn browser_locale() -> Locale {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map(|tag| Locale::from_tag(&tag))
        .unwrap_or(Locale::En)
}

#[derive(Clone, PartialEq)]
enum Startup {
    Loading,
    Ready(Rc<StartupState>),
    Failed(ApiError),
}

pub struct Tick(pub u32);

impl Reducible for Tick {
    type Action = ();
    fn reduce(self: Rc<Self>, _: ()) -> Rc<Self> {
        Rc::new(Tick(self.0.wrapping_add(1)))
    }
}

#[component]
pub fn App() -> Html {
    let locale = use_state(|| stored_locale().unwrap_or_else(browser_locale));
    let startup = use_state(|| Startup::Loading);
    let session = use_state(|| None::<Rc<SessionInfo>>);
    let audit_tick = use_reducer(|| Tick(0));
    let startup_tick = use_reducer(|| Tick(0));

    {
        let locale = *locale;
        use_effect_with(locale, move |l| apply_document_locale(*l));
    }

    {
        let startup = startup.clone();
        let session = session.clone();
        let locale = locale.clone();
        use_effect_with(startup_tick.0, move |_| {
            spawn_local(async move {
                match api::startup_state().await {
                    Ok(state) => {
                        if stored_locale().is_none() {
                            locale.set(Locale::from_tag(&state.os_locale));
                        }
                        session.set(state.session.clone().map(Rc::new));
                        startup.set(Startup::Ready(Rc::new(state)));
                    }
                    Err(err) => startup.set(Startup::Failed(err)),
                }
            });
        });
    }

    let set_locale = {
        let locale = locale.clone();
        Callback::from(move |l: Locale| {
            if let Some(storage) = local_storage() {
                let _ = storage.set_item(LOCALE_STORAGE_KEY, l.tag());
            }
            locale.set(l);
        })
    };

    let ctx = AppCtx {
        locale: *locale,
        set_locale,
        session: (*session).clone(),
        changed: {
            let audit_tick = audit_tick.clone();
            Callback::from(move |_| audit_tick.dispatch(()))
        },
        audit_tick: audit_tick.0,
    };

    let on_login = {
        let session = session.clone();
        let audit_tick = audit_tick.clone();
        Callback::from(move |info: SessionInfo| {
            session.set(Some(Rc::new(info)));
            audit_tick.dispatch(());
        })
    };
    let on_logout = {
        let session = session.clone();
        let startup = startup.clone();
        let startup_tick = startup_tick.clone();
        Callback::from(move |_| {
            session.set(None);
            startup.set(Startup::Loading);
            startup_tick.dispatch(());
        })
    };

    let body = match (&*startup, &*session) {
        (Startup::Loading, _) => html! {
            <div class="splash" aria-busy="true">
                <div class="brand-mark" aria-hidden="true">{"G"}</div>
                <p>{ ctx.t("common.loading") }</p>
            </div>
        },
        (_, Some(info)) => html! { <Shell session={info.clone()} {on_logout} /> },
        (Startup::Ready(state), None) => {
            html! { <LoginPage startup={Some(state.clone())} error={None::<ApiError>} {on_login} /> }
        }
        (Startup::Failed(err), None) => {
            html! { <LoginPage startup={None::<Rc<StartupState>>} error={Some(err.clone())} {on_login} /> }
        }
    };

    html! {
        <ContextProvider<AppCtx> context={ctx}>
            <HashRouter>{ body }</HashRouter>
        </ContextProvider<AppCtx>>
    }
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Redirect<Route> to={Route::Dashboard} /> },
        Route::Dashboard => html! { <DashboardPage /> },
        Route::Requirements => html! { <ListPage /> },
        Route::RequirementNew => html! { <NewRequirementPage /> },
        Route::RequirementDetail { id } => html! { <DetailPage {id} /> },
        Route::Users => html! { <UsersPage /> },
        Route::NotFound => html! { <NotFoundPage /> },
    }
}

#[component]
fn NotFoundPage() -> Html {
    let ctx = use_app();
    html! {
        <section class="page" id="page-not-found">
            <div class="empty">
                <h1>{ ctx.t("common.not_found") }</h1>
                <RouteLink to={Route::Dashboard} class={classes!("btn")}>{ ctx.t("nav.dashboard") }</RouteLink>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ShellProps {
    pub session: Rc<SessionInfo>,
    pub on_logout: Callback<()>,
}

#[component]
fn Shell(props: &ShellProps) -> Html {
    let ctx = use_app();
    let location = use_location();
    let path = location
        .as_ref()
        .map(|l| l.path().to_owned())
        .unwrap_or_default();
    let current = section_of(&path);
    // A new page starts at its top, like a page load would.
    use_effect_with(path, |_| {
        if let Some(window) = web_sys::window() {
            window.scroll_to_with_x_and_y(0.0, 0.0);
        }
    });

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
                    match api::logout(forget).await {
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
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true">{"G"}</span>
                    <span class="brand-text">
                        <span class="brand-name">{ ctx.t("brand.name") }</span>
                        <span class="brand-tagline">{ ctx.t("brand.tagline") }</span>
                    </span>
                </div>
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
                    <AuditStatus />
                    <LangSwitch />
                    <details id="user-menu" class="user-menu">
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
            <main id="main" class="app-main" tabindex="-1">
                <Switch<Route> render={switch} />
            </main>
        </div>
    }
}

#[component]
fn AuditStatus() -> Html {
    let ctx = use_app();
    let report = use_state(|| None::<Result<AuditReport, ApiError>>);
    {
        let report = report.clone();
        use_effect_with(ctx.audit_tick, move |_| {
            spawn_local(async move {
                report.set(Some(api::audit_verify().await));
            });
        });
    }
    let (state, label) = match &*report {
        None => ("pending", ctx.t("audit.checking")),
        Some(Ok(r)) if r.is_intact() => ("ok", format!("✓ {}", text::audit_summary(ctx.locale, r))),
        Some(Ok(r)) => ("bad", format!("⚠ {}", text::audit_summary(ctx.locale, r))),
        Some(Err(err)) => (
            "error",
            format!(
                "⚠ {}",
                ctx.format("audit.failed", &[("reason", &ctx.error(err))])
            ),
        ),
    };
    html! {
        <span id="audit-status" class={classes!("audit-status", format!("audit-{state}"))}
            data-state={state} role="status" title={ctx.t("audit.title")}>
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
