//! Login screen with the recent-workspace picker, demo users and "Create workspace…".

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{ApiError, PickFileRequest, SessionInfo, StartupState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::hooks::use_call;

use super::shell::LangSwitch;
use crate::api;
use crate::components::{
    checked_of, dialog_close, invalid_attrs, on_change, on_text, Brand, ErrorAlert, FieldError,
};
use crate::context::use_app;
use crate::features::sharing::JoinDialog;
use crate::state::login::{CreateAction, CreateForm, LoginAction, LoginForm};
use crate::state::FieldErrors;
use crate::text;

impl Reducible for LoginForm {
    type Action = LoginAction;
    fn reduce(self: Rc<Self>, action: LoginAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

impl Reducible for CreateForm {
    type Action = CreateAction;
    fn reduce(self: Rc<Self>, action: CreateAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

/// "Choose a file…" for a workspace (`save`: a new one): the path chosen, if any, goes to
/// `chosen`, a failure to `failed`.
fn pick_workspace(
    save: bool,
    chosen: Callback<String>,
    failed: Callback<ApiError>,
) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        let (chosen, failed) = (chosen.clone(), failed.clone());
        spawn_local(async move {
            match api::call::<endpoint::PickWorkspaceFile>(&PickFileRequest { save }).await {
                Ok(Some(path)) => chosen.emit(path),
                Ok(None) => {}
                Err(err) => failed.emit(err),
            }
        });
    })
}

#[derive(Properties, PartialEq)]
pub struct LoginProps {
    /// `None` when the startup state could not be read (then `error` says why).
    pub startup: Option<Rc<StartupState>>,
    pub error: Option<ApiError>,
    pub on_login: Callback<SessionInfo>,
}

#[component]
pub fn LoginPage(props: &LoginProps) -> Html {
    let ctx = use_app();
    let form = use_reducer(LoginForm::default);
    let login = use_call::<endpoint::Login>(props.error.clone());
    let creating = use_state(|| false);
    let joining = use_state(|| false);

    {
        let form = form.clone();
        use_effect_with(props.startup.clone(), move |startup| {
            if let Some(s) = startup {
                form.dispatch(LoginAction::Workspaces(s.recent.clone()));
            }
        });
    }

    let open_workspace = pick_workspace(
        false,
        form.dispatcher().to_callback().reform(LoginAction::Opened),
        login.show_error.clone(),
    );
    let submit = login.submit(
        {
            let form = form.clone();
            move || form.validate()
        },
        form.dispatcher()
            .to_callback()
            .reform(LoginAction::SetErrors),
        props.on_login.clone(),
    );

    let select_ws = {
        let form = form.clone();
        on_change(move |v| form.dispatch(LoginAction::Select(v)))
    };
    let errors = &form.errors;
    let (inv_user, desc_user) = invalid_attrs(errors, "user", "login-user");
    let (inv_pass, desc_pass) = invalid_attrs(errors, "passphrase", "login-passphrase");
    let demo_users = props
        .startup
        .as_ref()
        .map(|s| s.demo_users.clone())
        .unwrap_or_default();
    let show_demo = form.is_demo_selected() && !demo_users.is_empty();

    html! {
        <div class="login-screen">
            <div class="login-top">
                <LangSwitch />
            </div>
            <div class="login-layout">
                <section class="login-hero">
                    <Brand large=true />
                    <p class="login-pitch">{ ctx.t("login.pitch") }</p>
                    <ul class="login-points">
                        <li>{ ctx.t("login.point.requirements") }</li>
                        <li>{ ctx.t("login.point.audit") }</li>
                        <li>{ ctx.t("login.point.offline") }</li>
                    </ul>
                    // The demo's users sit beside the form, so the form stays above the fold.
                    if show_demo {
                        <DemoUsers users={demo_users} on_pick={{
                            let form = form.clone();
                            Callback::from(move |u| form.dispatch(LoginAction::UseDemoUser(u)))
                        }} />
                    }
                </section>
                <main class="card login-card" id="main">
                    <h1>{ ctx.t("login.title") }</h1>
                    <form class="form" onsubmit={submit} novalidate=true>
                        <div class={classes!("field", errors.contains_key("workspace").then_some("has-error"))}>
                            <label for="login-workspace">{ ctx.t("login.workspace") }</label>
                            <select id="login-workspace" onchange={select_ws}>
                                if form.workspaces.is_empty() {
                                    <option value="" selected=true disabled=true>{ ctx.t("login.no_workspaces") }</option>
                                }
                                { for form.workspaces.iter().map(|w| {
                                    let label = if w.is_demo {
                                        format!("{} ({}) — {}", w.name, ctx.t("login.demo"), w.path)
                                    } else {
                                        format!("{} — {}", w.name, w.path)
                                    };
                                    html! {
                                        <option value={w.path.clone()} selected={form.selected.as_deref() == Some(w.path.as_str())}
                                            data-demo={w.is_demo.to_string()}>
                                            { label }
                                        </option>
                                    }
                                }) }
                            </select>
                            <FieldError for_id="login-workspace" errors={errors.clone()} field="workspace" />
                            <div class="inline-actions">
                                <button type="button" id="ws-open" class="btn btn-small btn-ghost" onclick={open_workspace}>
                                    { ctx.t("login.open_workspace") }
                                </button>
                                <button type="button" id="ws-create" class="btn btn-small btn-ghost"
                                    onclick={{ let creating = creating.clone(); Callback::from(move |_: MouseEvent| creating.set(true)) }}>
                                    { ctx.t("login.create_workspace") }
                                </button>
                                <button type="button" id="ws-join" class="btn btn-small btn-ghost"
                                    onclick={{ let joining = joining.clone(); Callback::from(move |_: MouseEvent| joining.set(true)) }}>
                                    { ctx.t("sharing.join_button") }
                                </button>
                            </div>
                        </div>
                        <div class={classes!("field", errors.contains_key("user").then_some("has-error"))}>
                            <label for="login-user">{ ctx.t("login.user") }</label>
                            <input id="login-user" type="text" autocomplete="username" value={form.user.clone()}
                                oninput={{ let form = form.clone(); on_text(move |v| form.dispatch(LoginAction::User(v))) }}
                                aria-invalid={inv_user} aria-describedby={desc_user} />
                            <FieldError for_id="login-user" errors={errors.clone()} field="user" />
                        </div>
                        <div class={classes!("field", errors.contains_key("passphrase").then_some("has-error"))}>
                            <label for="login-passphrase">{ ctx.t("login.passphrase") }</label>
                            <input id="login-passphrase" type="password" autocomplete="current-password" value={form.passphrase.clone()}
                                oninput={{ let form = form.clone(); on_text(move |v| form.dispatch(LoginAction::Passphrase(v))) }}
                                aria-invalid={inv_pass} aria-describedby={desc_pass} />
                            <FieldError for_id="login-passphrase" errors={errors.clone()} field="passphrase" />
                        </div>
                        <div class="field field-check">
                            <input id="login-remember" type="checkbox" checked={form.remember}
                                onchange={{ let form = form.clone(); Callback::from(move |e: Event| form.dispatch(LoginAction::Remember(checked_of(&e)))) }} />
                            <label for="login-remember">{ ctx.t("login.remember") }</label>
                        </div>
                        <ErrorAlert id="login-error" error={login.error.clone()} />
                        <button id="login-submit" type="submit" class="btn btn-primary btn-block" disabled={login.busy}>
                            { if login.busy { ctx.t("login.signing_in") } else { ctx.t("login.submit") } }
                        </button>
                    </form>
                </main>
            </div>
            if *creating {
                <CreateWorkspaceDialog
                    on_close={{ let creating = creating.clone(); Callback::from(move |_| creating.set(false)) }}
                    on_created={props.on_login.clone()} />
            }
            if *joining {
                <JoinDialog
                    on_close={{ let joining = joining.clone(); Callback::from(move |_| joining.set(false)) }}
                    on_joined={props.on_login.clone()} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct DemoUsersProps {
    users: Vec<govbench_protocol::DemoUser>,
    on_pick: Callback<govbench_protocol::DemoUser>,
}

#[component]
fn DemoUsers(props: &DemoUsersProps) -> Html {
    let ctx = use_app();
    html! {
        <div class="demo-users" id="demo-users">
            <p class="hint">{ ctx.t("login.demo_hint") }</p>
            <table class="table table-compact">
                <thead>
                    <tr>
                        <th scope="col">{ ctx.t("login.demo_user") }</th>
                        <th scope="col">{ ctx.t("login.demo_role") }</th>
                        <th scope="col">{ ctx.t("login.demo_passphrase") }</th>
                    </tr>
                </thead>
                <tbody>
                    { for props.users.iter().map(|u| {
                        let pick = {
                            let on_pick = props.on_pick.clone();
                            let u = u.clone();
                            Callback::from(move |_: MouseEvent| on_pick.emit(u.clone()))
                        };
                        html! {
                            <tr class="demo-user clickable" data-user={u.name.clone()} onclick={pick.clone()}>
                                <td>
                                    <button type="button" class="link-button" onclick={{
                                        let pick = pick.clone();
                                        Callback::from(move |e: MouseEvent| { e.stop_propagation(); pick.emit(e) })
                                    }} aria-label={ctx.format("login.use_demo_user", &[("name", &u.name)])}>
                                        { u.name.clone() }
                                    </button>
                                </td>
                                <td>{ text::role(ctx.locale, u.role) }</td>
                                <td><code>{ u.passphrase.clone() }</code></td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CreateProps {
    on_close: Callback<()>,
    on_created: Callback<SessionInfo>,
}

#[component]
fn CreateWorkspaceDialog(props: &CreateProps) -> Html {
    let ctx = use_app();
    let form = use_reducer(CreateForm::default);
    let create = use_call::<endpoint::CreateWorkspace>(None);
    let pick = pick_workspace(
        true,
        form.dispatcher().to_callback().reform(CreateAction::Path),
        create.show_error.clone(),
    );
    let submit = create.submit(
        {
            let form = form.clone();
            move || form.validate()
        },
        form.dispatcher()
            .to_callback()
            .reform(CreateAction::SetErrors),
        props.on_created.clone(),
    );

    let (close, on_key) = dialog_close(&props.on_close);
    let errors: &FieldErrors = &form.errors;
    let input = |id: &'static str,
                 name: &'static str,
                 label: String,
                 kind: &'static str,
                 value: String,
                 make: fn(String) -> CreateAction,
                 autocomplete: &'static str| {
        let (inv, desc) = invalid_attrs(errors, name, id);
        let form = form.clone();
        html! {
            <div class={classes!("field", errors.contains_key(name).then_some("has-error"))}>
                <label for={id}>{ label }</label>
                <input {id} type={kind} {value} {autocomplete}
                    oninput={on_text(move |v| form.dispatch(make(v)))}
                    aria-invalid={inv} aria-describedby={desc} />
                <FieldError for_id={id} errors={errors.clone()} field={name} />
            </div>
        }
    };

    html! {
        <div class="modal-backdrop" onkeydown={on_key}>
            <div class="modal card" role="dialog" aria-modal="true" aria-labelledby="create-title" id="create-dialog">
                <h2 id="create-title">{ ctx.t("create.title") }</h2>
                <p class="hint">{ ctx.t("create.hint") }</p>
                <form class="form" onsubmit={submit} novalidate=true>
                    <div class={classes!("field", errors.contains_key("path").then_some("has-error"))}>
                        <span class="label" id="create-path-label">{ ctx.t("create.path") }</span>
                        <div class="path-picker">
                            <output id="create-path" aria-labelledby="create-path-label" class={classes!("path", form.path.is_empty().then_some("path-empty"))}>
                                { if form.path.is_empty() { ctx.t("create.no_path") } else { form.path.clone() } }
                            </output>
                            <button type="button" id="create-pick" class="btn btn-small" onclick={pick}>{ ctx.t("create.pick") }</button>
                        </div>
                        <FieldError for_id="create-pick" errors={errors.clone()} field="path" />
                    </div>
                    { input("create-admin", "admin_name", ctx.t("create.admin"), "text", form.admin.clone(), CreateAction::Admin, "username") }
                    { input("create-display-name", "admin_display_name", ctx.t("create.display_name"), "text", form.display_name.clone(), CreateAction::DisplayName, "name") }
                    { input("create-passphrase", "passphrase", ctx.t("create.passphrase"), "password", form.passphrase.clone(), CreateAction::Passphrase, "new-password") }
                    { input("create-passphrase2", "passphrase2", ctx.t("create.passphrase2"), "password", form.passphrase2.clone(), CreateAction::Passphrase2, "new-password") }
                    <ErrorAlert id="create-error" error={create.error.clone()} />
                    <div class="form-actions">
                        <button type="button" id="create-cancel" class="btn btn-ghost" onclick={close}>{ ctx.t("common.cancel") }</button>
                        <button type="submit" id="create-submit" class="btn btn-primary" disabled={create.busy}>
                            { if create.busy { ctx.t("create.creating") } else { ctx.t("create.submit") } }
                        </button>
                    </div>
                </form>
            </div>
        </div>
    }
}
