//! The share section (an Admin, on a workspace not shared yet) and the join dialog (login
//! screen): a server's address, its CA file and "Test connection" alike in both, then the
//! long exchange with its progress.

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{
    ApiError, NoRequest, PickFileRequest, ServerChecked, SessionInfo, ShareReport, SharingProgress,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::state::{JoinForm, ServerFields, ShareForm};
use crate::api;
use crate::components::{checked_of, dialog_close, invalid_attrs, on_text, ErrorAlert, FieldError};
use crate::context::use_app;
use crate::hooks::{use_call, use_ticks};
use crate::state::FieldErrors;

#[derive(Properties, PartialEq)]
struct ServerProps {
    /// Element ids start with it (`share`, `join`).
    prefix: &'static str,
    fields: ServerFields,
    errors: FieldErrors,
    on_change: Callback<ServerFields>,
}

/// Address, CA file and plaintext, with "Test connection".
#[component]
fn ServerFieldsView(props: &ServerProps) -> Html {
    let ctx = use_app();
    let checked = use_state(|| None::<ServerChecked>);
    let check_error = use_state(|| None::<ApiError>);
    let id = |what: &str| format!("{}-{what}", props.prefix);
    let set = |change: fn(&mut ServerFields, String)| {
        let (fields, on_change, checked) = (
            props.fields.clone(),
            props.on_change.clone(),
            checked.clone(),
        );
        on_text(move |v| {
            let mut next = fields.clone();
            change(&mut next, v);
            checked.set(None);
            on_change.emit(next);
        })
    };
    let pick_ca = {
        let (fields, on_change, check_error) = (
            props.fields.clone(),
            props.on_change.clone(),
            check_error.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (fields, on_change, check_error) =
                (fields.clone(), on_change.clone(), check_error.clone());
            spawn_local(async move {
                match api::call::<endpoint::PickCaFile>(&NoRequest {}).await {
                    Ok(Some(path)) => on_change.emit(ServerFields { ca: path, ..fields }),
                    Ok(None) => {}
                    Err(e) => check_error.set(Some(e)),
                }
            });
        })
    };
    let plaintext = {
        let (fields, on_change) = (props.fields.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            on_change.emit(ServerFields {
                allow_plaintext: checked_of(&e),
                ..fields.clone()
            })
        })
    };
    let test = {
        let (fields, checked, check_error) =
            (props.fields.clone(), checked.clone(), check_error.clone());
        Callback::from(move |_: MouseEvent| {
            let Ok(request) = fields.request() else {
                return;
            };
            let (checked, check_error) = (checked.clone(), check_error.clone());
            spawn_local(async move {
                match api::call::<endpoint::SharingCheck>(&request).await {
                    Ok(c) => {
                        checked.set(Some(c));
                        check_error.set(None);
                    }
                    Err(e) => {
                        checked.set(None);
                        check_error.set(Some(e));
                    }
                }
            });
        })
    };
    let errors = &props.errors;
    let (address_id, ca_id, plain_id) = (id("address"), id("ca"), id("plaintext"));
    let (inv, desc) = invalid_attrs(errors, "address", &address_id);
    html! {
        <>
            <div class={classes!("field", errors.contains_key("address").then_some("has-error"))}>
                <label for={address_id.clone()}>{ ctx.t("sharing.address") }</label>
                <input id={address_id.clone()} type="text" spellcheck="false" value={props.fields.address.clone()}
                    placeholder="postgresql://govbench@db.example.cn:5432/govbench"
                    oninput={set(|f, v| f.address = v)} aria-invalid={inv} aria-describedby={desc} />
                <p class="hint">{ ctx.t("sharing.address_hint") }</p>
                <FieldError for_id={address_id} errors={errors.clone()} field="address" />
            </div>
            <div class="field">
                <label for={ca_id.clone()}>{ ctx.t("sharing.ca") }</label>
                <div class="path-picker">
                    <input id={ca_id} type="text" spellcheck="false" value={props.fields.ca.clone()}
                        oninput={set(|f, v| f.ca = v)} />
                    <button type="button" id={id("pick-ca")} class="btn btn-small" onclick={pick_ca}>{ ctx.t("create.pick") }</button>
                </div>
                <p class="hint">{ ctx.t("sharing.ca_hint") }</p>
            </div>
            <div class="field field-check">
                <input id={plain_id.clone()} type="checkbox" checked={props.fields.allow_plaintext} onchange={plaintext} />
                <label for={plain_id}>{ ctx.t("sharing.allow_plaintext") }</label>
            </div>
            if props.fields.allow_plaintext {
                <p class="alert alert-warning" role="alert">{ ctx.t("sharing.plaintext_warning") }</p>
            }
            <div class="inline-actions">
                <button type="button" id={id("test")} class="btn btn-small" onclick={test}>{ ctx.t("sharing.test") }</button>
                if let Some(c) = &*checked {
                    <span id={id("checked")} class="ok-text" role="status">{ checked_text(&ctx, c) }</span>
                }
            </div>
            <ErrorAlert id={id("check-error")} error={(*check_error).clone()} />
        </>
    }
}

fn checked_text(ctx: &crate::context::AppCtx, c: &ServerChecked) -> String {
    let tls = if c.verified_tls {
        ctx.t("sharing.checked_tls")
    } else {
        ctx.t("sharing.checked_plaintext")
    };
    let login = match (c.logged_in, c.schema_ready) {
        (true, Some(true)) => ctx.t("sharing.checked_ready"),
        (true, _) => ctx.t("sharing.checked_no_schema"),
        (false, _) => ctx.t("sharing.checked_reached"),
    };
    format!("✓ {tls} {login}")
}

/// While a share or join runs: its stage and how far it is, asked every 300 ms.
#[component]
fn ProgressLine() -> Html {
    let ctx = use_app();
    let tick = use_ticks(300);
    let progress = use_state(|| None::<SharingProgress>);
    let asking = use_mut_ref(|| false);
    {
        let progress = progress.clone();
        use_effect_with(tick, move |_| {
            if !*asking.borrow() {
                *asking.borrow_mut() = true;
                spawn_local(async move {
                    let answer = api::call::<endpoint::SharingProgressGet>(&NoRequest {}).await;
                    *asking.borrow_mut() = false;
                    if let Ok(Some(now)) = answer {
                        progress.set(Some(now));
                    }
                });
            }
        });
    }
    let text = match progress.as_ref() {
        Some(p) if p.total > 0 => ctx.format(
            "sharing.progress_of",
            &[
                ("stage", &ctx.t(&p.stage)),
                ("done", &p.done.to_string()),
                ("total", &p.total.to_string()),
            ],
        ),
        Some(p) => ctx.format(
            "sharing.progress",
            &[("stage", &ctx.t(&p.stage)), ("done", &p.done.to_string())],
        ),
        None => ctx.t("sharing.working"),
    };
    html! { <p id="sharing-progress" role="status" class="muted">{ text }</p> }
}

/// Sharing the open workspace: an Admin names the server IT set up, confirms with their
/// passphrase, and gets the workspace id members join with.
#[component]
pub fn ShareSection() -> Html {
    let ctx = use_app();
    let form = use_state(ShareForm::default);
    let errors = use_state(FieldErrors::new);
    let share = use_call::<endpoint::SharingShare>(None);
    let done = use_state(|| None::<ShareReport>);
    let submit = share.submit(
        {
            let form = form.clone();
            move || form.validate()
        },
        {
            let errors = errors.clone();
            Callback::from(move |e| errors.set(e))
        },
        {
            let done = done.clone();
            Callback::from(move |r| done.set(Some(r)))
        },
    );
    if let Some(report) = &*done {
        return html! {
            <div class="card" id="share-done">
                <h2>{ ctx.t("sharing.shared_title") }</h2>
                <p>{ ctx.format("sharing.shared", &[("events", &report.events.to_string())]) }</p>
                <p><code id="share-workspace-id">{ report.workspace_id.to_string() }</code></p>
                <p class="hint">{ ctx.t("sharing.workspace_id_hint") }</p>
                <button type="button" class="btn btn-primary" id="share-continue"
                    onclick={{ let changed = ctx.changed.clone(); Callback::from(move |_: MouseEvent| changed.emit(())) }}>
                    { ctx.t("sharing.continue") }
                </button>
            </div>
        };
    }
    let on_server = {
        let form = form.clone();
        Callback::from(move |server| {
            form.set(ShareForm {
                server,
                ..(*form).clone()
            })
        })
    };
    let (inv, desc) = invalid_attrs(&errors, "passphrase", "share-passphrase");
    html! {
        <div class="card" id="share-section">
            <h2>{ ctx.t("sharing.share_title") }</h2>
            <p class="hint">{ ctx.t("sharing.share_lead") }</p>
            <form class="form" onsubmit={submit} novalidate=true>
                <ServerFieldsView prefix="share" fields={form.server.clone()} errors={(*errors).clone()} on_change={on_server} />
                <div class={classes!("field", errors.contains_key("passphrase").then_some("has-error"))}>
                    <label for="share-passphrase">{ ctx.t("sharing.your_passphrase") }</label>
                    <input id="share-passphrase" type="password" autocomplete="current-password" value={form.passphrase.clone()}
                        oninput={{ let form = form.clone(); on_text(move |v| form.set(ShareForm { passphrase: v, ..(*form).clone() })) }}
                        aria-invalid={inv} aria-describedby={desc} />
                    <FieldError for_id="share-passphrase" errors={(*errors).clone()} field="passphrase" />
                </div>
                <ErrorAlert id="share-error" error={share.error.clone()} />
                if share.busy {
                    <ProgressLine />
                }
                <div class="form-actions">
                    <button type="submit" id="share-submit" class="btn btn-primary" disabled={share.busy}>
                        { if share.busy { ctx.t("sharing.sharing") } else { ctx.t("sharing.share") } }
                    </button>
                </div>
            </form>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct JoinProps {
    pub on_close: Callback<()>,
    pub on_joined: Callback<SessionInfo>,
}

/// "Join a shared workspace" on the login screen: server, workspace id, who one is, and where
/// the local copy goes; then signed in to it.
#[component]
pub fn JoinDialog(props: &JoinProps) -> Html {
    let ctx = use_app();
    let form = use_state(JoinForm::default);
    let errors = use_state(FieldErrors::new);
    let join = use_call::<endpoint::SharingJoin>(None);
    let submit = join.submit(
        {
            let form = form.clone();
            move || form.validate()
        },
        {
            let errors = errors.clone();
            Callback::from(move |e| errors.set(e))
        },
        props.on_joined.clone(),
    );
    let update = |change: fn(&mut JoinForm, String)| {
        let form = form.clone();
        on_text(move |v| {
            let mut next = (*form).clone();
            change(&mut next, v);
            form.set(next);
        })
    };
    let pick_into = {
        let (form, show_error) = (form.clone(), join.show_error.clone());
        Callback::from(move |_: MouseEvent| {
            let (form, show_error) = (form.clone(), show_error.clone());
            spawn_local(async move {
                match api::call::<endpoint::PickWorkspaceFile>(&PickFileRequest { save: true })
                    .await
                {
                    Ok(Some(path)) => form.set(JoinForm {
                        into: path,
                        ..(*form).clone()
                    }),
                    Ok(None) => {}
                    Err(e) => show_error.emit(e),
                }
            });
        })
    };
    let (close, on_key) = dialog_close(&props.on_close);
    let on_server = {
        let form = form.clone();
        Callback::from(move |server| {
            form.set(JoinForm {
                server,
                ..(*form).clone()
            })
        })
    };
    let errors_now: Rc<FieldErrors> = Rc::new((*errors).clone());
    let input = |id: &'static str,
                 name: &'static str,
                 label: String,
                 kind: &'static str,
                 value: String,
                 change: fn(&mut JoinForm, String),
                 autocomplete: &'static str| {
        let (inv, desc) = invalid_attrs(&errors_now, name, id);
        html! {
            <div class={classes!("field", errors_now.contains_key(name).then_some("has-error"))}>
                <label for={id}>{ label }</label>
                <input {id} type={kind} {value} {autocomplete} spellcheck="false"
                    oninput={update(change)} aria-invalid={inv} aria-describedby={desc} />
                <FieldError for_id={id} errors={(*errors_now).clone()} field={name} />
            </div>
        }
    };
    html! {
        <div class="modal-backdrop" onkeydown={on_key}>
            <div class="modal card modal-wide" role="dialog" aria-modal="true" aria-labelledby="join-title" id="join-dialog">
                <h2 id="join-title">{ ctx.t("sharing.join_title") }</h2>
                <p class="hint">{ ctx.t("sharing.join_lead") }</p>
                <form class="form" onsubmit={submit} novalidate=true>
                    <ServerFieldsView prefix="join" fields={form.server.clone()} errors={(*errors).clone()} on_change={on_server} />
                    { input("join-workspace-id", "workspace_id", ctx.t("sharing.workspace_id"), "text", form.workspace_id.clone(), |f, v| f.workspace_id = v, "off") }
                    { input("join-user", "user", ctx.t("login.user"), "text", form.user.clone(), |f, v| f.user = v, "username") }
                    { input("join-passphrase", "passphrase", ctx.t("login.passphrase"), "password", form.passphrase.clone(), |f, v| f.passphrase = v, "current-password") }
                    { input("join-code", "join_code", ctx.t("sharing.join_code"), "text", form.join_code.clone(), |f, v| f.join_code = v, "off") }
                    <p class="hint">{ ctx.t("sharing.join_code_hint") }</p>
                    <div class={classes!("field", errors.contains_key("into").then_some("has-error"))}>
                        <span class="label" id="join-into-label">{ ctx.t("sharing.into") }</span>
                        <div class="path-picker">
                            <output id="join-into" aria-labelledby="join-into-label" class={classes!("path", form.into.is_empty().then_some("path-empty"))}>
                                { if form.into.is_empty() { ctx.t("create.no_path") } else { form.into.clone() } }
                            </output>
                            <button type="button" id="join-pick" class="btn btn-small" onclick={pick_into}>{ ctx.t("create.pick") }</button>
                        </div>
                        <FieldError for_id="join-pick" errors={(*errors).clone()} field="into" />
                    </div>
                    <div class="field field-check">
                        <input id="join-remember" type="checkbox" checked={form.remember}
                            onchange={{ let form = form.clone(); Callback::from(move |e: Event| form.set(JoinForm { remember: checked_of(&e), ..(*form).clone() })) }} />
                        <label for="join-remember">{ ctx.t("login.remember") }</label>
                    </div>
                    <ErrorAlert id="join-error" error={join.error.clone()} />
                    if join.busy {
                        <ProgressLine />
                    }
                    <div class="form-actions">
                        <button type="button" id="join-cancel" class="btn btn-ghost" onclick={close} disabled={join.busy}>{ ctx.t("common.cancel") }</button>
                        <button type="submit" id="join-submit" class="btn btn-primary" disabled={join.busy}>
                            { if join.busy { ctx.t("sharing.joining") } else { ctx.t("sharing.join") } }
                        </button>
                    </div>
                </form>
            </div>
        </div>
    }
}
