//! Users: everyone may read who has access to the workspace; administrators add users (each
//! with their own passphrase, i.e. their own key slot) and remove them.

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{
    ApiError, ErrorCode, MemberDevice, NoRequest, Role, UserCommand, UserId, UserPermission,
    UserSummary,
};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::devices::Devices;
use super::state::{UserFilter, UserForm, UserFormAction};
use crate::api;
use crate::components::{
    invalid_attrs, on_change, on_text, Empty, FetchView, FieldError, OtherErrors,
};
use crate::context::{use_app, AppCtx};
use crate::hooks::{use_command, use_fetch, Commands, Exec};
use crate::state::{backend_field_errors, unclaimed_errors, FieldErrors};
use crate::text;

impl Reducible for UserForm {
    type Action = UserFormAction;
    fn reduce(self: Rc<Self>, action: UserFormAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

/// Who was added or removed: shown in the `role=status` notice.
#[derive(Clone, Debug, PartialEq)]
enum Notice {
    Added { name: String, display_name: String },
    Removed { name: String, display_name: String },
}

/// What went wrong, kept as data so it is shown in the current language.
#[derive(Clone, Debug, PartialEq)]
enum PageError {
    /// Loading the list, or adding a user, failed.
    Api(ApiError),
    /// Removing `name` failed (`rule.self`, `rule.last_admin`, forbidden, …).
    Remove { name: String, err: ApiError },
}

fn focus_by_id(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

fn remove_button_id(name: &str) -> String {
    format!("user-remove-{name}")
}

fn error_text(ctx: &AppCtx, error: &PageError) -> Html {
    match error {
        PageError::Api(err) => {
            let fields = backend_field_errors(err);
            let known: Vec<String> = super::state::FIELDS
                .iter()
                .map(|f| (*f).to_owned())
                .collect();
            html! {
                <>
                    { ctx.error(err) }
                    <OtherErrors errors={fields} {known} />
                </>
            }
        }
        PageError::Remove { name, err } => {
            let fields = backend_field_errors(err);
            let reason = match fields.get("id").or_else(|| fields.values().next()) {
                Some(rule) => ctx.t(rule),
                None => ctx.error(err),
            };
            html! { { ctx.format("users.remove_failed", &[("name", name), ("reason", &reason)]) } }
        }
    }
}

#[component]
pub fn UsersPage() -> Html {
    let ctx = use_app();
    let users = use_fetch((), |()| api::call::<endpoint::UsersList>(&NoRequest {}));
    // Fetched beside the list; if it fails, the list shows without them.
    let devices = use_fetch((), |()| api::call::<endpoint::MemberDevices>(&NoRequest {}));
    let devices: Rc<Vec<MemberDevice>> = devices.data.clone().unwrap_or_default();
    let filter = use_state(UserFilter::default);
    let notice = use_state(|| None::<Notice>);
    let error = use_state(|| None::<PageError>);
    let confirming = use_state(|| None::<UserId>);
    let removing = use_state(|| None::<UserId>);
    let commands = use_command();
    let confirm_ref = use_node_ref();
    // The remove button to give focus back to when a confirmation is cancelled.
    let restore_focus = use_mut_ref(|| None::<String>);

    // The inline confirmation takes the focus; cancelling gives it back to "Remove".
    {
        let confirm_ref = confirm_ref.clone();
        let restore_focus = restore_focus.clone();
        use_effect_with(*confirming, move |confirming| {
            if confirming.is_some() {
                if let Some(el) = confirm_ref.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            } else if let Some(id) = restore_focus.borrow_mut().take() {
                focus_by_id(&id);
            }
        });
    }

    let me = ctx.session.as_ref().map(|s| s.user.id);
    let may_manage = ctx.may(UserPermission::Manage);
    let (may_remove, may_create) = (may_manage, may_manage);

    let on_added = {
        let notice = notice.clone();
        let error = error.clone();
        Callback::from(move |(name, display_name): (String, String)| {
            error.set(None);
            notice.set(Some(Notice::Added { name, display_name }));
        })
    };
    let on_add_error = {
        let notice = notice.clone();
        let error = error.clone();
        Callback::from(move |err: Option<ApiError>| {
            notice.set(None);
            error.set(err.map(PageError::Api));
        })
    };
    let row_actions = RowActions {
        ask: {
            let (confirming, notice, error) = (confirming.clone(), notice.clone(), error.clone());
            Callback::from(move |id: UserId| {
                notice.set(None);
                error.set(None);
                confirming.set(Some(id));
            })
        },
        cancel: {
            let (confirming, restore_focus) = (confirming.clone(), restore_focus.clone());
            Callback::from(move |name: String| {
                *restore_focus.borrow_mut() = Some(remove_button_id(&name));
                confirming.set(None);
            })
        },
        confirm: remove_user(&commands, &confirming, &removing, &notice, &error),
    };
    let set_filter = {
        let filter = filter.clone();
        Callback::from(move |next: UserFilter| filter.set(next))
    };
    let clear = {
        let filter = filter.clone();
        Callback::from(move |_: MouseEvent| filter.set(UserFilter::default()))
    };

    // A list already shown stays when a reload fails; the failure goes to the alert.
    let list_error = users.error.clone().map(PageError::Api);
    let shown_error = (*error)
        .clone()
        .or_else(|| users.data.as_ref().and(list_error));
    let list = FetchView::new(&users, "users-list-error").keep_data().show(|all| {
        let shown = filter.apply(all);
        html! {
            <>
                <UserFilters filter={(*filter).clone()} on_change={set_filter} />
                <UserTable users={shown.iter().map(|u| (*u).clone()).collect::<Vec<_>>()} devices={devices.clone()} {me} {may_remove}
                    confirming={*confirming} removing={*removing} confirm_ref={confirm_ref.clone()}
                    actions={row_actions.clone()} />
                if shown.is_empty() {
                    if filter.is_filtered() {
                        <Empty title={ctx.t("users.empty_filtered")}>
                            <button type="button" class="btn btn-small" onclick={clear}>{ ctx.t("list.clear") }</button>
                        </Empty>
                    } else {
                        <Empty title={ctx.t("users.empty")} />
                    }
                }
                <p id="users-count" class="muted">
                    { ctx.format("users.count", &[("shown", &shown.len().to_string()), ("total", &all.len().to_string())]) }
                </p>
            </>
        }
    });
    let notice_text = (*notice).as_ref().map(|n| notice_text(&ctx, n));

    html! {
        <section class="page" id="page-users">
            <div class="page-head">
                <div>
                    <h1>{ ctx.t("users.title") }</h1>
                    <p class="subtitle">{ ctx.t("users.subtitle") }</p>
                </div>
            </div>
            <div id="users-notice" role="status" class={classes!("notice", notice_text.is_none().then_some("notice-empty"))}>
                if let Some(text) = notice_text {
                    <span class="notice-icon" aria-hidden="true">{"✓"}</span>
                    <span class="notice-text">{ text }</span>
                }
            </div>
            <div id="users-error" role="alert" class={classes!("alert", shown_error.is_none().then_some("alert-empty"))}>
                if let Some(err) = &shown_error {
                    <span class="alert-icon" aria-hidden="true">{"⚠"}</span>
                    <span class="alert-text">{ error_text(&ctx, err) }</span>
                }
            </div>
            <div class={classes!("users-layout", may_create.then_some("with-form"))}>
                <section class="panel" aria-labelledby="users-list-title">
                    <div class="panel-head">
                        <h2 id="users-list-title">{ ctx.t("users.list_title") }</h2>
                    </div>
                    if !may_create {
                        <p id="users-readonly" class="hint">{ ctx.t("users.readonly") }</p>
                    }
                    { list }
                </section>
                if may_create {
                    <AddUserForm {on_added} on_error={on_add_error} />
                }
            </div>
        </section>
    }
}

/// The `role=status` notice's text.
fn notice_text(ctx: &AppCtx, notice: &Notice) -> String {
    match notice {
        Notice::Added { name, display_name } => ctx.format(
            "users.added",
            &[("name", name), ("display_name", display_name)],
        ),
        Notice::Removed { name, display_name } => ctx.format(
            "users.removed",
            &[("name", name), ("display_name", display_name)],
        ),
    }
}

/// Removing a user once confirmed: one at a time; either way the confirmation closes, and
/// the notice or the alert says what happened.
fn remove_user(
    commands: &Commands,
    confirming: &UseStateHandle<Option<UserId>>,
    removing: &UseStateHandle<Option<UserId>>,
    notice: &UseStateHandle<Option<Notice>>,
    error: &UseStateHandle<Option<PageError>>,
) -> Callback<UserSummary> {
    let (confirming, removing) = (confirming.clone(), removing.clone());
    let (notice, error) = (notice.clone(), error.clone());
    let run = commands.run.clone();
    Callback::from(move |user: UserSummary| {
        if removing.is_some() {
            return;
        }
        removing.set(Some(user.id));
        let on_ok = {
            let (confirming, removing, notice) =
                (confirming.clone(), removing.clone(), notice.clone());
            let (name, display_name) = (user.name.clone(), user.display_name.clone());
            Callback::from(move |_| {
                removing.set(None);
                confirming.set(None);
                notice.set(Some(Notice::Removed {
                    name: name.clone(),
                    display_name: display_name.clone(),
                }));
            })
        };
        let on_fail = {
            let (confirming, removing, error) =
                (confirming.clone(), removing.clone(), error.clone());
            let name = user.display_name.clone();
            Callback::from(move |err: ApiError| {
                removing.set(None);
                confirming.set(None);
                error.set(Some(PageError::Remove {
                    name: name.clone(),
                    err,
                }));
            })
        };
        run.emit(
            Exec::new(UserCommand::Remove { id: user.id })
                .on_ok(on_ok)
                .on_fail(on_fail),
        );
    })
}

#[derive(Properties, PartialEq)]
struct FiltersProps {
    filter: UserFilter,
    on_change: Callback<UserFilter>,
}

/// Search by name and filter by role, and clearing both.
#[component]
fn UserFilters(props: &FiltersProps) -> Html {
    let ctx = use_app();
    let filter = &props.filter;
    let search = {
        let (filter, on_change) = (filter.clone(), props.on_change.clone());
        on_text(move |v| {
            let mut next = filter.clone();
            next.text = v;
            on_change.emit(next);
        })
    };
    let role_filter = {
        let (filter, emit) = (filter.clone(), props.on_change.clone());
        on_change(move |v| {
            let mut next = filter.clone();
            next.set_role(&v);
            emit.emit(next);
        })
    };
    let clear = props
        .on_change
        .reform(|_: MouseEvent| UserFilter::default());
    html! {
        <div class="filters" role="search" aria-label={ctx.t("users.filters")}>
            <div class="field field-grow">
                <label for="users-search">{ ctx.t("users.search") }</label>
                <input id="users-search" type="search" value={filter.text.clone()} oninput={search}
                    placeholder={ctx.t("users.search_placeholder")} />
            </div>
            <div class="field">
                <label for="users-role-filter">{ ctx.t("users.col.role") }</label>
                <select id="users-role-filter" onchange={role_filter}>
                    <option value="all" selected={filter.role.is_none()}>{ ctx.t("users.all_roles") }</option>
                    { for Role::ALL.iter().map(|r| html! {
                        <option value={r.key()} selected={filter.role == Some(*r)}>{ text::role(ctx.locale, *r) }</option>
                    }) }
                </select>
            </div>
            if filter.is_filtered() {
                <button type="button" id="users-filter-clear" class="btn btn-small btn-ghost" onclick={clear}>
                    { ctx.t("list.clear") }
                </button>
            }
        </div>
    }
}

/// What a row's buttons do: ask to remove a user (by id), cancel (by the user's name, whose
/// "Remove" gets the focus back), confirm.
#[derive(Clone, PartialEq)]
struct RowActions {
    ask: Callback<UserId>,
    cancel: Callback<String>,
    confirm: Callback<UserSummary>,
}

#[derive(Properties, PartialEq)]
struct TableProps {
    /// The users the filter lets through.
    users: Vec<UserSummary>,
    /// Every member's devices.
    devices: Rc<Vec<MemberDevice>>,
    /// The signed-in user.
    me: Option<UserId>,
    may_remove: bool,
    /// The user whose removal waits for a confirmation.
    confirming: Option<UserId>,
    removing: Option<UserId>,
    confirm_ref: NodeRef,
    actions: RowActions,
}

/// The users' table.
#[component]
fn UserTable(props: &TableProps) -> Html {
    let ctx = use_app();
    html! {
        <div class="table-wrap">
            <table id="users-table" class="table">
                <caption class="visually-hidden">{ ctx.t("users.caption") }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ ctx.t("users.col.display_name") }</th>
                        <th scope="col">{ ctx.t("users.col.name") }</th>
                        <th scope="col">{ ctx.t("users.col.role") }</th>
                        <th scope="col">{ ctx.t("users.col.devices") }</th>
                        if props.may_remove {
                            <th scope="col"><span class="visually-hidden">{ ctx.t("users.col.actions") }</span></th>
                        }
                    </tr>
                </thead>
                <tbody>
                    { for props.users.iter().map(|u| html! {
                        <UserRow key={u.id.to_string()} user={u.clone()} is_me={props.me == Some(u.id)} may_remove={props.may_remove}
                            devices={props.devices.iter().filter(|d| d.user == u.id).cloned().collect::<Vec<_>>()}
                            confirming={props.confirming == Some(u.id)} removing={props.removing} confirm_ref={props.confirm_ref.clone()}
                            actions={props.actions.clone()} />
                    }) }
                </tbody>
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    user: UserSummary,
    devices: Vec<MemberDevice>,
    /// The signed-in user's own row (which cannot remove itself).
    is_me: bool,
    may_remove: bool,
    /// Removing this user waits for a confirmation.
    confirming: bool,
    /// The user being removed, if any (every "Remove" waits meanwhile).
    removing: Option<UserId>,
    /// Where the confirm button goes, for the page to focus it.
    confirm_ref: NodeRef,
    actions: RowActions,
}

/// One user: display name, login name, role, and removing them.
#[component]
fn UserRow(props: &RowProps) -> Html {
    let ctx = use_app();
    let u = &props.user;
    let key = u.role.key();
    let actions = if !props.may_remove {
        html! {}
    } else if props.is_me {
        html! { <td class="cell-actions"></td> }
    } else if props.confirming {
        let busy = props.removing == Some(u.id);
        let confirm = {
            let (confirm, user) = (props.actions.confirm.clone(), u.clone());
            Callback::from(move |_: MouseEvent| confirm.emit(user.clone()))
        };
        let cancel = {
            let (cancel, name) = (props.actions.cancel.clone(), u.name.clone());
            Callback::from(move |_: MouseEvent| cancel.emit(name.clone()))
        };
        html! {
            <td class="cell-actions">
                <div class="confirm-remove" role="group"
                    aria-label={ctx.format("users.confirm_question", &[("name", &u.display_name)])}>
                    <span class="confirm-question">
                        { ctx.format("users.confirm_question", &[("name", &u.display_name)]) }
                    </span>
                    <span class="hint confirm-hint">{ ctx.t("users.confirm_hint") }</span>
                    <span class="inline-actions">
                        <button type="button" class="btn btn-small btn-danger" data-action="confirm_remove"
                            ref={props.confirm_ref.clone()} disabled={busy} aria-busy={busy.then_some("true")}
                            onclick={confirm}>
                            if busy {
                                <span class="spinner" aria-hidden="true"></span>
                                { ctx.t("users.removing") }
                            } else {
                                { ctx.t("users.confirm_remove") }
                            }
                        </button>
                        <button type="button" class="btn btn-small btn-ghost" data-action="cancel_remove"
                            disabled={busy} onclick={cancel}>
                            { ctx.t("common.cancel") }
                        </button>
                    </span>
                </div>
            </td>
        }
    } else {
        let id = u.id;
        html! {
            <td class="cell-actions">
                <button type="button" id={remove_button_id(&u.name)} class="btn btn-small btn-danger"
                    data-action="user.remove" disabled={props.removing.is_some()}
                    aria-label={ctx.format("users.remove_label", &[("name", &u.display_name)])}
                    onclick={props.actions.ask.reform(move |_: MouseEvent| id)}>
                    { ctx.t("users.remove") }
                </button>
            </td>
        }
    };
    html! {
        <tr class={classes!("user-row", props.is_me.then_some("is-me"))}
            data-name={u.name.clone()} data-role={key}>
            <td class="cell-title">
                { u.display_name.clone() }
                if props.is_me { {" "}<span class="tag">{ ctx.t("users.you") }</span> }
            </td>
            <td><code class="user-login">{ u.name.clone() }</code></td>
            <td>
                <span class={classes!("badge", "role-badge", format!("role-{key}"))} data-role={key}>
                    { text::role(ctx.locale, u.role) }
                </span>
            </td>
            <td class="cell-devices"><Devices devices={props.devices.clone()} /></td>
            { actions }
        </tr>
    }
}

#[derive(Properties, PartialEq)]
struct AddUserProps {
    /// The added user's name and display name.
    on_added: Callback<(String, String)>,
    /// An error for the page's alert (`None` clears it).
    on_error: Callback<Option<ApiError>>,
}

#[component]
fn AddUserForm(props: &AddUserProps) -> Html {
    let ctx = use_app();
    let form = use_reducer(UserForm::default);
    let commands = use_command();
    let busy = commands.busy;

    let submit = {
        let form = form.clone();
        let run = commands.run.clone();
        let on_added = props.on_added.clone();
        let on_error = props.on_error.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_error.emit(None);
            let user = match form.validate() {
                Ok(user) => user,
                Err(errors) => {
                    form.dispatch(UserFormAction::SetErrors(errors));
                    return;
                }
            };
            let on_ok = {
                let form = form.clone();
                let on_added = on_added.clone();
                let (name, display_name) = (user.name.clone(), user.display_name.clone());
                Callback::from(move |_| {
                    form.dispatch(UserFormAction::Reset);
                    on_added.emit((name.clone(), display_name.clone()));
                })
            };
            let on_fail = {
                let form = form.clone();
                let on_error = on_error.clone();
                Callback::from(move |err: ApiError| {
                    let fields = backend_field_errors(&err);
                    let known = form.known_fields();
                    let all_shown = err.code == ErrorCode::Validation
                        && !fields.is_empty()
                        && unclaimed_errors(&fields, &known).next().is_none();
                    form.dispatch(UserFormAction::SetErrors(fields));
                    // Field errors are shown at their fields; anything else in the alert.
                    if !all_shown {
                        on_error.emit(Some(err));
                    }
                })
            };
            run.emit(
                Exec::new(UserCommand::Create { user })
                    .on_ok(on_ok)
                    .on_fail(on_fail),
            );
        })
    };

    let errors: &FieldErrors = &form.errors;
    let input = |id: &'static str,
                 name: &'static str,
                 label: String,
                 hint: Option<String>,
                 kind: &'static str,
                 value: String,
                 make: fn(String) -> UserFormAction,
                 autocomplete: &'static str| {
        let (inv, desc) = invalid_attrs(errors, name, id);
        let hint_id = format!("{id}-hint");
        let describedby = match (&desc, &hint) {
            (Some(d), Some(_)) => Some(AttrValue::from(format!("{d} {hint_id}"))),
            (Some(d), None) => Some(d.clone()),
            (None, Some(_)) => Some(AttrValue::from(hint_id.clone())),
            (None, None) => None,
        };
        let form = form.clone();
        html! {
            <div class={classes!("field", errors.contains_key(name).then_some("has-error"))}>
                <label for={id}>
                    { label }<span class="req-mark" aria-hidden="true">{" *"}</span>
                </label>
                <input {id} type={kind} {value} {autocomplete} required=true
                    oninput={on_text(move |v| form.dispatch(make(v)))}
                    aria-invalid={inv} aria-describedby={describedby} />
                if let Some(hint) = hint {
                    <p class="hint" id={hint_id}>{ hint }</p>
                }
                <FieldError for_id={id} errors={errors.clone()} field={name} />
            </div>
        }
    };
    let role_change = {
        let form = form.clone();
        on_change(move |v| form.dispatch(UserFormAction::Role(v)))
    };
    let (inv_role, desc_role) = invalid_attrs(errors, "role", "user-role");
    let has_errors = !errors.is_empty();

    html! {
        <section class="panel" id="user-add-panel" aria-labelledby="user-add-title">
            <div class="panel-head">
                <h2 id="user-add-title">{ ctx.t("users.add_title") }</h2>
            </div>
            <p class="hint">{ ctx.t("users.add_hint") }</p>
            <form class="form" id="user-add-form" onsubmit={submit} novalidate=true aria-busy={busy.then_some("true")}>
                if has_errors {
                    <div class="form-alert" role="alert">
                        <span aria-hidden="true">{"⚠ "}</span>{ ctx.t("error.validation") }
                    </div>
                }
                { input("user-name", "name", ctx.t("users.field.name"), Some(ctx.t("users.field.name_hint")),
                    "text", form.name.clone(), UserFormAction::Name, "off") }
                { input("user-display-name", "display_name", ctx.t("users.field.display_name"), None,
                    "text", form.display_name.clone(), UserFormAction::DisplayName, "off") }
                <div class={classes!("field", errors.contains_key("role").then_some("has-error"))}>
                    <label for="user-role">{ ctx.t("users.field.role") }</label>
                    <select id="user-role" onchange={role_change} aria-invalid={inv_role} aria-describedby={desc_role}>
                        { for Role::ALL.iter().map(|r| html! {
                            <option value={r.key()} selected={*r == form.role}>{ text::role(ctx.locale, *r) }</option>
                        }) }
                    </select>
                    <FieldError for_id="user-role" errors={errors.clone()} field="role" />
                </div>
                { input("user-passphrase", "passphrase", ctx.t("users.field.passphrase"), Some(ctx.t("users.field.passphrase_hint")),
                    "password", form.passphrase.clone(), UserFormAction::Passphrase, "new-password") }
                { input("user-passphrase2", "passphrase2", ctx.t("users.field.passphrase2"), None,
                    "password", form.passphrase2.clone(), UserFormAction::Passphrase2, "new-password") }
                <div class="form-actions">
                    <button type="submit" id="user-add" class="btn btn-primary" disabled={busy}>
                        if busy {
                            <span class="spinner" aria-hidden="true"></span>
                            { ctx.t("users.adding") }
                        } else {
                            { ctx.t("users.add_submit") }
                        }
                    </button>
                </div>
            </form>
        </section>
    }
}
