//! The emergency team: who is on it for R&D, operations and business, in which team role,
//! how to reach them and who stands in; a warning while a function is missing; adding,
//! editing and removing members for those who manage the team.

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{
    ErrorCode, IncidentCommand as C, NoRequest, Team, TeamFunction, TeamMemberId, TeamMemberRow,
    TeamRole, UserSummary,
};
use yew::prelude::*;

use super::state::{active_in, roster_order, MemberAction, MemberForm};
use crate::api;
use crate::components::{
    invalid_attrs, on_change, on_text, Empty, ErrorAlert, FetchView, FieldError, OtherErrors,
    RouteLink, UserSelect,
};
use crate::context::use_app;
use crate::hooks::{errors_to, submit_form, use_command, use_fetch, use_users, Commands, Exec};
use crate::route::Route;

impl Reducible for MemberForm {
    type Action = MemberAction;
    fn reduce(self: Rc<Self>, action: MemberAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[component]
pub fn TeamPage() -> Html {
    let ctx = use_app();
    let team = use_fetch((), |()| api::call::<endpoint::TeamGet>(&NoRequest {}));
    let users = use_users();
    let commands = use_command();
    // `None`: no form; `Some(None)`: adding; `Some(Some(id))`: editing that member.
    let editing = use_state(|| None::<Option<TeamMemberId>>);

    let body = FetchView::new(&team, "team-error").keep_data().show(|t| {
        let on_edit = {
            let editing = editing.clone();
            Callback::from(move |id: TeamMemberId| editing.set(Some(Some(id))))
        };
        html! {
            <>
                <Coverage team={t.clone()} />
                if t.members.is_empty() {
                    <Empty title={ctx.t("team.empty")} hint={ctx.t("team.empty_hint")} />
                } else {
                    <TeamTable team={t.clone()} commands={commands.clone()} {on_edit} />
                }
                if t.can_manage {
                    if let Some(target) = *editing {
                        <MemberEditor
                            key={target.map(|id| id.to_string()).unwrap_or_default()}
                            editing={target}
                            initial={target.and_then(|id| t.members.iter().find(|r| r.member.id == id)).map(|r| MemberForm::from_draft(&r.member.draft)).unwrap_or_default()}
                            users={users.list.clone()} commands={commands.clone()}
                            on_close={{ let editing = editing.clone(); Callback::from(move |_| editing.set(None)) }} />
                    } else {
                        <div class="button-row">
                            <button type="button" id="team-add" class="btn btn-primary"
                                onclick={{ let editing = editing.clone(); Callback::from(move |_| editing.set(Some(None))) }}>
                                { format!("+ {}", ctx.t("team.add")) }
                            </button>
                        </div>
                    }
                }
                if let Some(err) = &users.error {
                    <ErrorAlert id="team-users-error" error={Some(err.clone())} />
                }
            </>
        }
    });

    let missing = team
        .data
        .as_ref()
        .map(|t| t.missing.clone())
        .unwrap_or_default();
    html! {
        <section class="page" id="page-team">
            <nav class="breadcrumbs" aria-label={ctx.t("common.breadcrumbs")}>
                <RouteLink to={Route::Incidents}>{ ctx.t("nav.incidents") }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ ctx.t("team.title") }</span>
            </nav>
            <div class="page-head">
                <div>
                    <h1>{ ctx.t("team.title") }</h1>
                    <p class="subtitle">{ ctx.t("team.subtitle") }</p>
                </div>
            </div>
            if !missing.is_empty() {
                <div class="banner banner-warn" id="team-missing" role="alert">
                    <span class="alert-icon" aria-hidden="true">{"⚠"}</span>
                    <span>
                        { ctx.format("team.missing", &[("functions", &missing.iter().map(|f| ctx.t(&format!("team_function.{}", f.key()))).collect::<Vec<_>>().join(&ctx.t("list.separator")))]) }
                    </span>
                </div>
            }
            <ErrorAlert id="action-error" error={commands.error.clone().filter(|e| e.code != ErrorCode::Validation)} />
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CoverageProps {
    team: Rc<Team>,
}

/// How many active members each function has (a function with none is marked missing).
#[component]
fn Coverage(props: &CoverageProps) -> Html {
    let ctx = use_app();
    html! {
        <ul class="coverage" id="team-coverage" aria-label={ctx.t("team.coverage")}>
            { for TeamFunction::ALL.iter().map(|f| {
                let count = active_in(&props.team.members, *f);
                html! {
                    <li class={classes!("coverage-item", (count == 0).then_some("missing"))} data-function={f.key()}>
                        <span class="count">{ count }</span>
                        <span class="label">{ ctx.t(&format!("team_function.{}", f.key())) }</span>
                    </li>
                }
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct TableProps {
    team: Rc<Team>,
    commands: Commands,
    /// "Edit" on a member's row.
    on_edit: Callback<TeamMemberId>,
}

/// The members by function and role; for those who manage the team, each row's edit and
/// remove (asked to confirm in the row).
#[component]
fn TeamTable(props: &TableProps) -> Html {
    let ctx = use_app();
    let confirming = use_state(|| None::<TeamMemberId>);
    let t = &props.team;
    let on_confirm = {
        let confirming = confirming.clone();
        Callback::from(move |id: Option<TeamMemberId>| confirming.set(id))
    };
    html! {
        <div class="table-wrap">
            <table class="table" id="team-table">
                <caption class="visually-hidden">{ ctx.t("team.caption") }</caption>
                <thead><tr>
                    <th scope="col">{ ctx.t("team.field.user") }</th>
                    <th scope="col">{ ctx.t("team.field.function") }</th>
                    <th scope="col">{ ctx.t("team.field.team_role") }</th>
                    <th scope="col">{ ctx.t("team.field.contact") }</th>
                    <th scope="col">{ ctx.t("team.field.backup") }</th>
                    if t.can_manage { <th scope="col"><span class="visually-hidden">{ ctx.t("team.actions") }</span></th> }
                </tr></thead>
                <tbody>
                    { for roster_order(&t.members).into_iter().enumerate().map(|(i, r)| html! {
                        <TeamRow row={r.clone()} index={i} can_manage={t.can_manage}
                            confirming={*confirming == Some(r.member.id)} commands={props.commands.clone()}
                            on_edit={props.on_edit.clone()} on_confirm={on_confirm.clone()} />
                    }) }
                </tbody>
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    row: TeamMemberRow,
    /// The row's place in the table (its buttons' ids).
    index: usize,
    can_manage: bool,
    /// Removing this member waits for a confirmation.
    confirming: bool,
    commands: Commands,
    on_edit: Callback<TeamMemberId>,
    /// Asks to confirm removing a member (`None`: no longer).
    on_confirm: Callback<Option<TeamMemberId>>,
}

/// One member: name, function, team role, contact, backup, and the actions.
#[component]
fn TeamRow(props: &RowProps) -> Html {
    let ctx = use_app();
    let (r, i) = (&props.row, props.index);
    let m = &r.member;
    let id = m.id;
    let commands = &props.commands;
    let actions = if !props.can_manage {
        html! {}
    } else if props.confirming {
        let remove = {
            let (run, on_confirm) = (commands.run.clone(), props.on_confirm.clone());
            Callback::from(move |_: MouseEvent| {
                let done = on_confirm.reform(|_| None);
                run.emit(Exec::new(C::RemoveMember { id }).on_ok(done))
            })
        };
        html! {
            <td class="cell-actions">
                <div class="confirm-remove" role="group" aria-label={ctx.format("team.confirm_remove", &[("name", &r.name)])}>
                    <span class="confirm-question">{ ctx.format("team.confirm_remove", &[("name", &r.name)]) }</span>
                    <span class="inline-actions">
                        <button type="button" class="btn btn-small btn-danger" data-action="confirm_remove"
                            disabled={commands.busy} onclick={remove}>{ ctx.t("team.remove") }</button>
                        <button type="button" class="btn btn-small btn-ghost" data-action="cancel_remove"
                            onclick={props.on_confirm.reform(|_| None)}>
                            { ctx.t("common.cancel") }
                        </button>
                    </span>
                </div>
            </td>
        }
    } else {
        html! {
            <td class="cell-actions">
                <span class="inline-actions">
                    <button type="button" id={format!("team-edit-{i}")} class="btn btn-small" data-action="incident.edit_member"
                        onclick={props.on_edit.reform(move |_| id)} aria-label={ctx.format("team.edit_label", &[("name", &r.name)])}>
                        { ctx.t("team.edit") }
                    </button>
                    <button type="button" id={format!("team-remove-{i}")} class="btn btn-small btn-danger" data-action="incident.remove_member"
                        onclick={props.on_confirm.reform(move |_| Some(id))}
                        aria-label={ctx.format("team.remove_label", &[("name", &r.name)])}>
                        { ctx.t("team.remove") }
                    </button>
                </span>
            </td>
        }
    };
    html! {
        <tr class={classes!("team-row", r.inactive.then_some("inactive"))} data-id={id.to_string()}
            data-function={m.draft.function.key()} data-role={m.draft.team_role.key()}>
            <td class="cell-title">
                { r.name.clone() }
                if r.inactive { {" "}<span class="tag tag-warn" title={ctx.t("team.inactive_hint")}>{ ctx.t("team.inactive") }</span> }
            </td>
            <td>{ ctx.t(&format!("team_function.{}", m.draft.function.key())) }</td>
            <td>{ ctx.t(&format!("team_role.{}", m.draft.team_role.key())) }</td>
            <td>{ m.draft.contact.clone() }</td>
            <td>{ r.backup_name.clone().unwrap_or_else(|| "—".into()) }</td>
            { actions }
        </tr>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    editing: Option<TeamMemberId>,
    initial: MemberForm,
    users: Rc<Vec<UserSummary>>,
    commands: Commands,
    on_close: Callback<()>,
}

#[component]
fn MemberEditor(props: &EditorProps) -> Html {
    let ctx = use_app();
    let form = use_reducer({
        let initial = props.initial.clone();
        move || initial
    });
    let submit = {
        let close = props.on_close.clone();
        let editing = props.editing;
        submit_form(
            &props.commands.run,
            {
                let form = form.clone();
                move || form.draft()
            },
            errors_to(&form, MemberAction::Errors),
            move |draft| {
                let command = match editing {
                    Some(id) => C::EditMember { id, draft },
                    None => C::AddMember { draft },
                };
                Exec::new(command).on_ok(close.reform(|_| ()))
            },
        )
    };
    let errors = &form.errors;
    let (inv_u, desc_u) = invalid_attrs(errors, "user", "team-user");
    let (inv_c, desc_c) = invalid_attrs(errors, "contact", "team-contact");
    let (inv_b, desc_b) = invalid_attrs(errors, "backup", "team-backup");
    let dispatch = |make: fn(String) -> MemberAction| {
        let form = form.clone();
        Callback::from(move |v: String| form.dispatch(make(v)))
    };
    let select = |make: fn(String) -> MemberAction| {
        let form = form.clone();
        on_change(move |v| form.dispatch(make(v)))
    };
    let known: Vec<String> = ["user", "function", "team_role", "contact", "backup"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let title = if props.editing.is_some() {
        ctx.t("team.edit_title")
    } else {
        ctx.t("team.add")
    };
    html! {
        <form class="form panel" id="team-form" onsubmit={submit} novalidate=true aria-labelledby="team-form-title">
            <h2 id="team-form-title">{ title }</h2>
            <OtherErrors errors={errors.clone()} {known} />
            <div class="field-row">
                <div class={classes!("field", errors.contains_key("user").then_some("has-error"))}>
                    <label for="team-user">{ ctx.t("team.field.user") }<span class="req-mark" aria-hidden="true">{" *"}</span></label>
                    <UserSelect id="team-user" value={form.user.clone()} users={props.users.clone()} placeholder={ctx.t("team.choose_user")}
                        on_change={dispatch(MemberAction::User)} invalid={inv_u} describedby={desc_u} />
                    <FieldError for_id="team-user" errors={errors.clone()} field="user" />
                </div>
                <div class="field">
                    <label for="team-function">{ ctx.t("team.field.function") }</label>
                    <select id="team-function" onchange={select(MemberAction::Function)}>
                        { for TeamFunction::ALL.iter().map(|f| html! {
                            <option value={f.key()} selected={form.function == *f}>{ ctx.t(&format!("team_function.{}", f.key())) }</option>
                        }) }
                    </select>
                </div>
                <div class="field">
                    <label for="team-role">{ ctx.t("team.field.team_role") }</label>
                    <select id="team-role" onchange={select(MemberAction::TeamRole)}>
                        { for TeamRole::ALL.iter().map(|r| html! {
                            <option value={r.key()} selected={form.team_role == *r}>{ ctx.t(&format!("team_role.{}", r.key())) }</option>
                        }) }
                    </select>
                </div>
            </div>
            <div class="field-row">
                <div class={classes!("field", errors.contains_key("contact").then_some("has-error"))}>
                    <label for="team-contact">{ ctx.t("team.field.contact") }<span class="req-mark" aria-hidden="true">{" *"}</span></label>
                    <input id="team-contact" type="text" value={form.contact.clone()} placeholder={ctx.t("team.contact_placeholder")}
                        oninput={{ let form = form.clone(); on_text(move |v| form.dispatch(MemberAction::Contact(v))) }}
                        aria-invalid={inv_c} aria-describedby={desc_c} />
                    <FieldError for_id="team-contact" errors={errors.clone()} field="contact" />
                </div>
                <div class={classes!("field", errors.contains_key("backup").then_some("has-error"))}>
                    <label for="team-backup">{ ctx.t("team.field.backup") }</label>
                    <UserSelect id="team-backup" value={form.backup.clone()} users={props.users.clone()} placeholder={ctx.t("team.no_backup")}
                        on_change={dispatch(MemberAction::Backup)} invalid={inv_b} describedby={desc_b} />
                    <FieldError for_id="team-backup" errors={errors.clone()} field="backup" />
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" id="team-submit" class="btn btn-primary" disabled={props.commands.busy}>{ ctx.t("team.save") }</button>
                <button type="button" id="team-cancel" class="btn" onclick={{ let close = props.on_close.clone(); Callback::from(move |_| close.emit(())) }}>{ ctx.t("common.cancel") }</button>
            </div>
        </form>
    }
}
