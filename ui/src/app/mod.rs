//! The application root: startup, the language, login vs. the shell. The route table and the
//! shell live beside it; the context it provides (`crate::context`) and the routes
//! (`crate::route`) live below every page, so nothing below `app` imports it.

mod login;
mod routes;
mod shell;

use std::rc::Rc;

use govbench_i18n::Locale;
use govbench_protocol::endpoint;
use govbench_protocol::{ApiError, LogoutRequest, NoRequest, SessionInfo, StartupState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::context::{AppCtx, Tick};
use login::LoginPage;
use shell::Shell;

const LOCALE_STORAGE_KEY: &str = "govbench.locale";

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

#[component]
pub fn App() -> Html {
    let locale = use_state(|| stored_locale().unwrap_or_else(browser_locale));
    let startup = use_state(|| Startup::Loading);
    let session = use_state(|| None::<Rc<SessionInfo>>);
    // Why the last session ended without a logout, shown on the login screen.
    let ended = use_state(|| None::<ApiError>);
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
                match api::call::<endpoint::StartupState>(&NoRequest {}).await {
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
        session_ended: {
            let (session, startup, startup_tick, ended) = (
                session.clone(),
                startup.clone(),
                startup_tick.clone(),
                ended.clone(),
            );
            Callback::from(move |err: ApiError| {
                let (session, startup, startup_tick, ended) = (
                    session.clone(),
                    startup.clone(),
                    startup_tick.clone(),
                    ended.clone(),
                );
                spawn_local(async move {
                    // The shell drops the session it can no longer use; the answer does not
                    // matter, the login screen comes next either way.
                    let _ = api::call::<endpoint::Logout>(&LogoutRequest { forget: false }).await;
                    ended.set(Some(err));
                    session.set(None);
                    startup.set(Startup::Loading);
                    startup_tick.dispatch(());
                });
            })
        },
    };

    let on_login = {
        let session = session.clone();
        let audit_tick = audit_tick.clone();
        let ended = ended.clone();
        Callback::from(move |info: SessionInfo| {
            ended.set(None);
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
            html! { <LoginPage startup={Some(state.clone())} error={(*ended).clone()} {on_login} /> }
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
