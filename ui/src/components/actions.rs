//! Corrective and preventive actions, wherever they come from (a post-incident review, a
//! drill's findings): the list with owners, due dates and "Mark done", the editor of new
//! ones, and the person picker both use.

use std::rc::Rc;

use chrono::Local;
use govbench_protocol::{CorrectiveAction, EntityKind, OpenAction, UserId, UserSummary};
use yew::prelude::*;

use crate::components::{
    checked_of, invalid_attrs, on_change, on_text, DateField, Empty, FieldError, RouteLink,
};
use crate::context::{use_app, AppCtx};
use crate::route::Route;
use crate::state::actions::{action_counts, ActionRow, RowEdit};
use crate::state::FieldErrors;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct UserSelectProps {
    pub id: AttrValue,
    /// The chosen user's id as text; empty for none.
    pub value: AttrValue,
    pub users: Rc<Vec<UserSummary>>,
    pub on_change: Callback<String>,
    /// Text of the empty choice.
    pub placeholder: AttrValue,
    #[prop_or_default]
    pub invalid: Option<AttrValue>,
    #[prop_or_default]
    pub describedby: Option<AttrValue>,
}

/// A select of the workspace's members (name, login and role).
#[component]
pub fn UserSelect(props: &UserSelectProps) -> Html {
    let ctx = use_app();
    let onchange = {
        let cb = props.on_change.clone();
        on_change(move |v| cb.emit(v))
    };
    html! {
        <select id={props.id.clone()} {onchange} aria-invalid={props.invalid.clone()} aria-describedby={props.describedby.clone()}>
            <option value="" selected={props.value.is_empty()}>{ props.placeholder.clone() }</option>
            { for props.users.iter().map(|u| {
                let value = u.id.to_string();
                html! {
                    <option value={value.clone()} selected={props.value.as_str() == value}>
                        { format!("{} ({}) · {}", u.display_name, u.name, text::role(ctx.locale, u.role)) }
                    </option>
                }
            }) }
        </select>
    }
}

#[derive(Properties, PartialEq)]
pub struct ActionListProps {
    /// Element id of the list; each row's controls derive theirs (`<id>-<n>-done`).
    pub id: AttrValue,
    pub actions: Vec<CorrectiveAction>,
    /// Display names of the people the record mentions.
    pub names: Rc<Vec<(UserId, String)>>,
    /// The user may mark actions done.
    pub can_complete: bool,
    pub busy: bool,
    /// An action marked done, with the note typed.
    pub on_complete: Callback<(CorrectiveAction, String)>,
}

/// The actions with their owner, due date and state; open ones can be marked done with a note.
#[component]
pub fn ActionList(props: &ActionListProps) -> Html {
    let ctx = use_app();
    let today = Local::now().date_naive();
    let completing = use_state(|| None::<usize>);
    let note = use_state(String::new);
    if props.actions.is_empty() {
        return html! { <p class="muted" id={props.id.clone()}>{ ctx.t("actions.none") }</p> };
    }
    let id = props.id.to_string();
    html! {
        <ol class="action-list" id={id.clone()}>
            { for props.actions.iter().enumerate().map(|(i, a)| {
                let overdue = a.done.is_none() && a.due < today;
                let kind = if a.preventive { "preventive" } else { "corrective" };
                let row_id = format!("{id}-{i}");
                let form = if *completing == Some(i) {
                    let submit = {
                        let (completing, note, on_complete) = (completing.clone(), note.clone(), props.on_complete.clone());
                        let action = a.clone();
                        Callback::from(move |e: SubmitEvent| {
                            e.prevent_default();
                            on_complete.emit((action.clone(), note.trim().to_owned()));
                            completing.set(None);
                            note.set(String::new());
                        })
                    };
                    let note_id = format!("{row_id}-note");
                    html! {
                        <form class="form-inline action-done-form" onsubmit={submit} novalidate=true>
                            <label for={note_id.clone()} class="small-label">{ ctx.t("actions.done_note") }</label>
                            <input id={note_id} type="text" value={(*note).clone()}
                                oninput={{ let note = note.clone(); on_text(move |v| note.set(v)) }} />
                            <button type="submit" id={format!("{row_id}-confirm")} class="btn btn-small btn-primary" disabled={props.busy}>
                                { ctx.t("actions.mark_done") }
                            </button>
                            <button type="button" class="btn btn-small btn-ghost"
                                onclick={{ let completing = completing.clone(); Callback::from(move |_| completing.set(None)) }}>
                                { ctx.t("common.cancel") }
                            </button>
                        </form>
                    }
                } else {
                    html! {}
                };
                html! {
                    <li class={classes!("action-item", a.done.is_some().then_some("done"), overdue.then_some("overdue"))}
                        data-done={if a.done.is_some() { "true" } else { "false" }} data-kind={kind}>
                        <div class="action-text">
                            <span class={classes!("tag", if a.preventive { "tag-ok" } else { "tag-warn" })}>{ ctx.t(&format!("actions.kind.{kind}")) }</span>
                            { " " }{ a.text.clone() }
                        </div>
                        <div class="item-meta">
                            { ctx.format("actions.owner_due", &[("owner", &text::name_of(&props.names, a.owner)), ("due", &text::date(a.due))]) }
                            if overdue { {" "}<span class="overdue-flag">{ ctx.t("actions.overdue") }</span> }
                        </div>
                        if let Some(done) = &a.done {
                            <div class="item-meta action-done">
                                <span aria-hidden="true">{ "✓ " }</span>
                                { ctx.format("actions.done_by", &[("name", &text::name_of(&props.names, done.by)), ("at", &text::local_time(done.at))]) }
                                if !done.note.is_empty() { { " — " }{ done.note.clone() } }
                            </div>
                        } else if props.can_complete && *completing != Some(i) {
                            <button type="button" id={format!("{row_id}-done")} class="btn btn-small" data-action="complete_action"
                                disabled={props.busy}
                                onclick={{ let completing = completing.clone(); let note = note.clone(); Callback::from(move |_| { note.set(String::new()); completing.set(Some(i)) }) }}>
                                { ctx.t("actions.mark_done") }
                            </button>
                        }
                        { form }
                    </li>
                }
            }) }
        </ol>
    }
}

#[derive(Properties, PartialEq)]
pub struct ActionEditorProps {
    /// Prefix of the rows' element ids (`review-action` → `review-action-0-text`).
    pub id: AttrValue,
    /// The field path the backend and the form name the rows by (`actions`, `findings`).
    pub field: AttrValue,
    pub rows: Vec<ActionRow>,
    pub errors: FieldErrors,
    pub users: Rc<Vec<UserSummary>>,
    pub on_edit: Callback<(usize, RowEdit)>,
    pub on_add: Callback<()>,
    pub on_remove: Callback<usize>,
    /// Legend of the fieldset.
    pub legend: AttrValue,
}

/// Rows of new actions: text, owner, due date, corrective or preventive.
#[component]
pub fn ActionEditor(props: &ActionEditorProps) -> Html {
    let ctx = use_app();
    let id = props.id.to_string();
    let field = props.field.to_string();
    let edit = |i: usize, make: fn(String) -> RowEdit| {
        let cb = props.on_edit.clone();
        Callback::from(move |v: String| cb.emit((i, make(v))))
    };
    html! {
        <fieldset class="action-editor" id={format!("{id}-rows")}>
            <legend>{ props.legend.clone() }</legend>
            <ol class="kpi-list">
                { for props.rows.iter().enumerate().map(|(i, row)| {
                    let ids = |f: &str| format!("{id}-{i}-{f}");
                    let path = |f: &str| format!("{field}.{i}.{f}");
                    let (inv_t, desc_t) = invalid_attrs(&props.errors, &path("text"), &ids("text"));
                    let (inv_o, desc_o) = invalid_attrs(&props.errors, &path("owner"), &ids("owner"));
                    let (inv_d, desc_d) = invalid_attrs(&props.errors, &path("due"), &ids("due"));
                    let n = (i + 1).to_string();
                    let text_in = { let cb = edit(i, RowEdit::Text); on_text(move |v| cb.emit(v)) };
                    let preventive = { let cb = props.on_edit.clone(); Callback::from(move |e: Event| cb.emit((i, RowEdit::Preventive(checked_of(&e))))) };
                    html! {
                        <li class="kpi-row action-row" key={i}>
                            <div class="kpi-cell kpi-metric">
                                <label for={ids("text")} class="small-label">{ ctx.format("actions.n", &[("n", &n)]) }</label>
                                <input id={ids("text")} type="text" value={row.text.clone()} oninput={text_in}
                                    aria-invalid={inv_t} aria-describedby={desc_t} />
                                <FieldError for_id={ids("text")} errors={props.errors.clone()} field={path("text")} />
                            </div>
                            <div class="kpi-cell">
                                <label for={ids("owner")} class="small-label">{ ctx.t("actions.owner") }</label>
                                <UserSelect id={ids("owner")} value={row.owner.clone()} users={props.users.clone()}
                                    placeholder={ctx.t("actions.choose_owner")} on_change={edit(i, RowEdit::Owner)}
                                    invalid={inv_o} describedby={desc_o} />
                                <FieldError for_id={ids("owner")} errors={props.errors.clone()} field={path("owner")} />
                            </div>
                            <div class="kpi-cell">
                                <label for={ids("due")} class="small-label">{ ctx.t("actions.due") }</label>
                                <DateField id={ids("due")} value={row.due.clone()} invalid={inv_d} describedby={desc_d}
                                    on_input={edit(i, RowEdit::Due)} />
                                <FieldError for_id={ids("due")} errors={props.errors.clone()} field={path("due")} />
                            </div>
                            <div class="kpi-cell field-check">
                                <input id={ids("preventive")} type="checkbox" checked={row.preventive} onchange={preventive} />
                                <label for={ids("preventive")}>{ ctx.t("actions.preventive") }</label>
                            </div>
                            <div class="kpi-cell kpi-remove">
                                <button type="button" class="btn btn-icon btn-ghost" id={ids("remove")}
                                    aria-label={ctx.format("actions.remove_n", &[("n", &n)])}
                                    onclick={{ let cb = props.on_remove.clone(); Callback::from(move |_: MouseEvent| cb.emit(i)) }}>
                                    {"✕"}
                                </button>
                            </div>
                        </li>
                    }
                }) }
            </ol>
            <button type="button" id={format!("{id}-add")} class="btn btn-small btn-ghost"
                onclick={{ let cb = props.on_add.clone(); Callback::from(move |_: MouseEvent| cb.emit(())) }}>
                { format!("+ {}", ctx.t("actions.add")) }
            </button>
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
pub struct OpenActionsProps {
    pub items: Vec<OpenAction>,
    pub empty: AttrValue,
}

/// Corrective actions waiting for someone, each linked to its incident or drill run.
#[component]
pub fn OpenActions(props: &OpenActionsProps) -> Html {
    let ctx = use_app();
    let today = Local::now().date_naive();
    if props.items.is_empty() {
        return html! { <Empty title={props.empty.clone()} /> };
    }
    html! {
        <ul class="item-list">
            { for props.items.iter().map(|o| {
                let a = &o.action;
                let overdue = a.due < today;
                let to = match o.on.kind {
                    EntityKind::DrillRun => Route::DrillRun { id: o.on.id.to_string() },
                    // An assessment's actions carry its quarter as their number.
                    EntityKind::Assessment => Route::Assessment { quarter: o.number.clone() },
                    _ => Route::IncidentDetail { id: o.on.id.to_string() },
                };
                html! {
                    <li class={classes!("item", overdue.then_some("overdue"))} data-action-id={a.id.to_string()}>
                        <RouteLink {to} class={classes!("item-title")}>{ a.text.clone() }</RouteLink>
                        <span class="item-meta">
                            <span class="mono">{ o.number.clone() }</span>
                            { " · " }
                            { ctx.format("actions.due_on", &[("due", &text::date(a.due))]) }
                            if overdue { {" "}<span class="overdue-flag">{ ctx.t("actions.overdue") }</span> }
                        </span>
                    </li>
                }
            }) }
        </ul>
    }
}

/// "2 of 3 done", and how many are overdue.
pub fn action_progress(ctx: &AppCtx, actions: &[CorrectiveAction]) -> Html {
    if actions.is_empty() {
        return html! {};
    }
    let (done, overdue) = action_counts(actions, Local::now().date_naive());
    html! {
        <span class="inline-actions">
            <span class={classes!("count-pill", (done == actions.len()).then_some("ok"))}>
                { ctx.format("actions.progress", &[("done", &done.to_string()), ("total", &actions.len().to_string())]) }
            </span>
            if overdue > 0 {
                <span class="overdue-flag">{ ctx.format("actions.overdue_count", &[("count", &overdue.to_string())]) }</span>
            }
        </span>
    }
}
