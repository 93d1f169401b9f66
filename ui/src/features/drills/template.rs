//! The template editor: title and scenario in both languages, objectives, participants by
//! role, the steps (who, by when; added, removed, reordered) and the success criteria. Saving
//! stores a new revision; a template someone else saved in the meantime is refused.

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{ApiError, DrillCommand, DrillTemplate, ErrorCode, NoRequest, Role};
use yew::prelude::*;
use yew_router::prelude::*;

use super::state::{
    Bilingual, Lang, List, ParticipantRow, StepRow, TemplateAction as A, TemplateForm,
};
use crate::api;
use crate::components::{on_change, on_text, Empty, ErrorAlert, FetchView, OtherErrors, RouteLink};
use crate::context::{use_app, AppCtx};
use crate::hooks::{use_command, use_fetch, Commands, Exec};
use crate::route::Route;
use crate::state::{backend_field_errors, FieldErrors};
use crate::text;

impl Reducible for TemplateForm {
    type Action = A;
    fn reduce(self: Rc<Self>, action: A) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
pub struct TemplateProps {
    pub template_key: String,
}

#[component]
pub fn TemplateEditorPage(props: &TemplateProps) -> Html {
    let ctx = use_app();
    let overview = use_fetch((), |()| {
        api::call::<endpoint::DrillsOverviewGet>(&NoRequest {})
    });
    let commands = use_command();
    let body = FetchView::new(&overview, "template-error")
        .keep_data()
        .show(|o| {
            match o
                .templates
                .iter()
                .find(|t| t.template.id == props.template_key)
            {
                None => html! { <Empty title={ctx.t("drill.template_not_found")} /> },
                Some(row) if !o.can_edit_templates => html! {
                    <Empty title={ctx.t("drill.template_read_only")} hint={row.template.title.get(ctx.locale.tag()).to_owned()} />
                },
                Some(row) => html! {
                    <Editor key={row.template.id.clone()} template={row.template.clone()} commands={commands.clone()} />
                },
            }
        });
    let title = overview
        .data
        .as_ref()
        .and_then(|o| {
            o.templates
                .iter()
                .find(|t| t.template.id == props.template_key)
        })
        .map(|t| t.template.title.get(ctx.locale.tag()).to_owned())
        .unwrap_or_else(|| props.template_key.clone());
    html! {
        <section class="page" id="page-drill-template" data-template={props.template_key.clone()}>
            <nav class="breadcrumbs" aria-label={ctx.t("common.breadcrumbs")}>
                <RouteLink to={Route::Drills}>{ ctx.t("nav.drills") }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ title.clone() }</span>
            </nav>
            <div class="page-head">
                <div>
                    <h1>{ ctx.format("drill.editor.title", &[("title", &title)]) }</h1>
                    <p class="subtitle">{ ctx.t("drill.editor.subtitle") }</p>
                </div>
            </div>
            <ErrorAlert id="action-error" error={commands.error.clone().filter(|e| e.code != ErrorCode::Validation)} />
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    template: DrillTemplate,
    commands: Commands,
}

/// Backend paths may name the Chinese text by its wire name (`zh-CN`); the form says `zh_cn`.
fn form_errors(err: &ApiError) -> FieldErrors {
    backend_field_errors(err)
        .into_iter()
        .map(|(k, v)| (k.replace("zh-CN", "zh_cn"), v))
        .collect()
}

#[component]
fn Editor(props: &EditorProps) -> Html {
    let ctx = use_app();
    let navigator = use_navigator();
    let form = use_reducer({
        let t = props.template.clone();
        move || TemplateForm::from_template(&t)
    });
    let submit = {
        let form = form.clone();
        let run = props.commands.run.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match form.template() {
                Err(errors) => form.dispatch(A::Errors(errors)),
                Ok(template) => {
                    let on_ok = {
                        let navigator = navigator.clone();
                        Callback::from(move |_| {
                            if let Some(nav) = &navigator {
                                nav.push(&Route::Drills);
                            }
                        })
                    };
                    let on_fail = {
                        let form = form.clone();
                        Callback::from(move |err: ApiError| {
                            form.dispatch(A::Errors(form_errors(&err)))
                        })
                    };
                    run.emit(
                        Exec::new(DrillCommand::SaveTemplate { template })
                            .on_ok(on_ok)
                            .on_fail(on_fail),
                    );
                }
            }
        })
    };
    let dispatch = {
        let form = form.clone();
        Callback::from(move |action: A| form.dispatch(action))
    };
    let errors = form.errors.clone();
    let load_newer = {
        let latest = props.template.clone();
        dispatch.reform(move |_: MouseEvent| A::Load(Box::new(latest.clone())))
    };

    html! {
        <form class="form" id="template-form" onsubmit={submit} novalidate=true aria-labelledby="template-form-title">
            <h2 id="template-form-title" class="visually-hidden">{ ctx.t("drill.edit_template") }</h2>
            <p class="muted" id="template-revision">
                <code>{ form.id.clone() }</code>{ " · " }
                { ctx.format("drill.revision", &[("version", &form.version.to_string())]) }
            </p>
            if props.template.version != form.version {
                <div class="banner banner-warn" id="template-newer" role="alert">
                    <span class="alert-icon" aria-hidden="true">{"⚠"}</span>
                    <span>{ ctx.format("drill.editor.newer", &[("version", &props.template.version.to_string())]) }</span>
                    <button type="button" id="template-load-newer" class="btn btn-small" onclick={load_newer}>
                        { ctx.t("drill.editor.load_newer") }
                    </button>
                </div>
            }
            <OtherErrors errors={errors.clone()} known={form.known_fields()} />
            <section class="panel">
                <h3>{ ctx.t("drill.editor.title_label") }</h3>
                <BilingualPair id="tpl-title" field="title" text={form.title.clone()} errors={errors.clone()}
                    on_input={dispatch.reform(|(lang, v)| A::Title(lang, v))} />
                <h3>{ ctx.t("drill.scenario") }</h3>
                <BilingualPair id="tpl-scenario" field="scenario" text={form.scenario.clone()} multiline=true errors={errors.clone()}
                    on_input={dispatch.reform(|(lang, v)| A::Scenario(lang, v))} />
            </section>
            <section class="panel">
                <TextList list={List::Objectives} rows={form.objectives.clone()} id="tpl-objectives" legend="drill.objectives"
                    add_label="drill.editor.add_objective" errors={errors.clone()} dispatch={dispatch.clone()} />
            </section>
            <section class="panel">
                <ParticipantList rows={form.participants.clone()} errors={errors.clone()} dispatch={dispatch.clone()} />
            </section>
            <section class="panel">
                <StepList rows={form.steps.clone()} errors={errors.clone()} dispatch={dispatch.clone()} />
            </section>
            <section class="panel">
                <TextList list={List::Criteria} rows={form.criteria.clone()} id="tpl-criteria" legend="drill.success_criteria"
                    add_label="drill.editor.add_criterion" {errors} {dispatch} />
            </section>
            <div class="form-actions">
                <button type="submit" id="tpl-save" class="btn btn-primary" disabled={props.commands.busy}>{ ctx.t("drill.editor.save") }</button>
                <RouteLink to={Route::Drills} class={classes!("btn")}>{ ctx.t("common.cancel") }</RouteLink>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct TextInputProps {
    id: String,
    label: String,
    value: String,
    #[prop_or_default]
    multiline: bool,
    /// The rule the text breaks, if any.
    error: Option<String>,
    on_input: Callback<String>,
}

/// One input of a bilingual pair, with its error.
#[component]
fn TextInput(props: &TextInputProps) -> Html {
    let ctx = use_app();
    let id = props.id.clone();
    let value = props.value.clone();
    let oninput = {
        let on = props.on_input.clone();
        on_text(move |v| on.emit(v))
    };
    let (inv, desc) = match &props.error {
        Some(_) => (Some("true"), Some(format!("{id}-error"))),
        None => (None, None),
    };
    html! {
        <div class={classes!("field", props.error.is_some().then_some("has-error"))}>
            <label for={id.clone()} class="small-label">{ props.label.clone() }</label>
            if props.multiline {
                <textarea id={id.clone()} rows="3" {value} {oninput} aria-invalid={inv} aria-describedby={desc.clone()} />
            } else {
                <input id={id.clone()} type="text" {value} {oninput} aria-invalid={inv} aria-describedby={desc.clone()} />
            }
            if let Some(rule) = &props.error {
                <p class="field-error" id={format!("{id}-error")}><span aria-hidden="true">{"⚠ "}</span>{ ctx.t(rule) }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct PairProps {
    /// Element id; the inputs are `<id>-zh` and `<id>-en`.
    id: String,
    /// Field path; the errors are at `<field>.zh_cn` and `<field>.en`.
    field: String,
    text: Bilingual,
    #[prop_or_default]
    multiline: bool,
    errors: FieldErrors,
    on_input: Callback<(Lang, String)>,
}

/// A text in both languages, side by side.
#[component]
fn BilingualPair(props: &PairProps) -> Html {
    let ctx = use_app();
    let input = |lang: Lang, suffix: &str, label: &str, value: &str| {
        let field = format!("{}.{}", props.field, lang.key());
        html! {
            <TextInput id={format!("{}-{suffix}", props.id)} label={ctx.t(label)} value={value.to_owned()}
                multiline={props.multiline} error={props.errors.get(&field).cloned()}
                on_input={props.on_input.reform(move |v| (lang, v))} />
        }
    };
    html! {
        <div class="field-row bilingual">
            { input(Lang::Zh, "zh", "drill.editor.zh", &props.text.zh) }
            { input(Lang::En, "en", "drill.editor.en", &props.text.en) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RowToolsProps {
    list: List,
    index: usize,
    len: usize,
    /// The row's element id; the buttons are `<id>-up`, `<id>-down` and `<id>-remove`.
    id: String,
    dispatch: Callback<A>,
}

/// A row's buttons: up, down, remove.
#[component]
fn RowTools(props: &RowToolsProps) -> Html {
    let ctx = use_app();
    let (list, i, id) = (props.list, props.index, &props.id);
    let on = |action: A| props.dispatch.reform(move |_: MouseEvent| action.clone());
    let n = (i + 1).to_string();
    html! {
        <div class="row-tools">
            <button type="button" class="btn btn-icon btn-ghost" id={format!("{id}-up")} disabled={i == 0}
                aria-label={ctx.format("drill.editor.move_up", &[("n", &n)])} onclick={on(A::Move(list, i, -1))}>{ "↑" }</button>
            <button type="button" class="btn btn-icon btn-ghost" id={format!("{id}-down")} disabled={i + 1 >= props.len}
                aria-label={ctx.format("drill.editor.move_down", &[("n", &n)])} onclick={on(A::Move(list, i, 1))}>{ "↓" }</button>
            <button type="button" class="btn btn-icon btn-ghost" id={format!("{id}-remove")}
                aria-label={ctx.format("drill.editor.remove", &[("n", &n)])} onclick={on(A::Remove(list, i))}>{ "✕" }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RoleSelectProps {
    id: String,
    role: Role,
    on_change: Callback<Role>,
}

/// Who does a step or takes part: any role but the auditor's.
#[component]
fn RoleSelect(props: &RoleSelectProps) -> Html {
    let ctx = use_app();
    let on = props.on_change.clone();
    html! {
        <div class="field">
            <label for={props.id.clone()} class="small-label">{ ctx.t("drill.editor.role") }</label>
            <select id={props.id.clone()} onchange={on_change(move |v| if let Some(r) = Role::from_key(&v) { on.emit(r) })}>
                { for Role::ALL.iter().filter(|r| **r != Role::Auditor).map(|r| html! {
                    <option value={r.key()} selected={*r == props.role}>{ text::role(ctx.locale, *r) }</option>
                }) }
            </select>
        </div>
    }
}

/// A list's "+ Add" button (`<id>-add`).
fn add_button(ctx: &AppCtx, list: List, id: &str, label: &str, dispatch: &Callback<A>) -> Html {
    html! {
        <button type="button" id={format!("{id}-add")} class="btn btn-small btn-ghost"
            onclick={dispatch.reform(move |_: MouseEvent| A::Add(list))}>
            { format!("+ {}", ctx.t(label)) }
        </button>
    }
}

#[derive(Properties, PartialEq)]
struct TextListProps {
    list: List,
    rows: Vec<Bilingual>,
    id: &'static str,
    legend: &'static str,
    add_label: &'static str,
    errors: FieldErrors,
    dispatch: Callback<A>,
}

/// A list of bilingual texts (objectives, success criteria).
#[component]
fn TextList(props: &TextListProps) -> Html {
    let ctx = use_app();
    let (list, id) = (props.list, props.id);
    html! {
        <fieldset class="list-editor" id={id}>
            <legend>{ ctx.t(props.legend) }</legend>
            <ol class="editor-rows">
                { for props.rows.iter().enumerate().map(|(i, b)| {
                    let row_id = format!("{id}-{i}");
                    html! {
                        <li class="editor-row" key={i}>
                            <BilingualPair id={row_id.clone()} field={format!("{}.{i}", list.field())} text={b.clone()}
                                errors={props.errors.clone()} on_input={props.dispatch.reform(move |(lang, v)| A::RowText(list, i, lang, v))} />
                            <RowTools {list} index={i} len={props.rows.len()} id={row_id} dispatch={props.dispatch.clone()} />
                        </li>
                    }
                }) }
            </ol>
            { add_button(&ctx, list, id, props.add_label, &props.dispatch) }
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct ParticipantsProps {
    rows: Vec<ParticipantRow>,
    errors: FieldErrors,
    dispatch: Callback<A>,
}

/// Who takes part, by role, and their duty.
#[component]
fn ParticipantList(props: &ParticipantsProps) -> Html {
    let ctx = use_app();
    let list = List::Participants;
    html! {
        <fieldset class="list-editor" id="tpl-participants">
            <legend>{ ctx.t("drill.participants") }</legend>
            <ol class="editor-rows">
                { for props.rows.iter().enumerate().map(|(i, p)| {
                    let row_id = format!("tpl-participants-{i}");
                    html! {
                        <li class="editor-row" key={i}>
                            <RoleSelect id={format!("{row_id}-role")} role={p.role}
                                on_change={props.dispatch.reform(move |r| A::RowRole(list, i, r))} />
                            <BilingualPair id={row_id.clone()} field={format!("participants.{i}.duty")} text={p.duty.clone()}
                                errors={props.errors.clone()} on_input={props.dispatch.reform(move |(lang, v)| A::RowText(list, i, lang, v))} />
                            <RowTools {list} index={i} len={props.rows.len()} id={row_id} dispatch={props.dispatch.clone()} />
                        </li>
                    }
                }) }
            </ol>
            { add_button(&ctx, list, "tpl-participants", "drill.editor.add_participant", &props.dispatch) }
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct StepsProps {
    rows: Vec<StepRow>,
    errors: FieldErrors,
    dispatch: Callback<A>,
}

/// The steps: what, by whom, within how many minutes.
#[component]
fn StepList(props: &StepsProps) -> Html {
    let ctx = use_app();
    let list = List::Steps;
    let errors = &props.errors;
    html! {
        <fieldset class={classes!("list-editor", errors.contains_key("steps").then_some("has-error"))} id="tpl-steps">
            <legend>{ ctx.t("drill.steps") }</legend>
            if let Some(rule) = errors.get("steps") {
                <p class="field-error" id="tpl-steps-error"><span aria-hidden="true">{"⚠ "}</span>{ ctx.t(rule) }</p>
            }
            <ol class="editor-rows">
                { for props.rows.iter().enumerate().map(|(i, s)| {
                    let row_id = format!("tpl-steps-{i}");
                    let target_error = errors.get(&format!("steps.{i}.target_minutes")).cloned();
                    let target_id = format!("{row_id}-target");
                    let on_target = { let dispatch = props.dispatch.clone(); on_text(move |v| dispatch.emit(A::StepTarget(i, v))) };
                    html! {
                        <li class="editor-row step-row" key={i}>
                            <span class="step-number" aria-hidden="true">{ i + 1 }</span>
                            <BilingualPair id={row_id.clone()} field={format!("steps.{i}.title")} text={s.title.clone()}
                                errors={errors.clone()} on_input={props.dispatch.reform(move |(lang, v)| A::RowText(list, i, lang, v))} />
                            <div class="field-row">
                                <RoleSelect id={format!("{row_id}-role")} role={s.role}
                                    on_change={props.dispatch.reform(move |r| A::RowRole(list, i, r))} />
                                <div class={classes!("field", target_error.is_some().then_some("has-error"))}>
                                    <label for={target_id.clone()} class="small-label">{ ctx.t("drill.editor.target") }</label>
                                    <input id={target_id.clone()} type="number" min="1" step="1" inputmode="numeric" value={s.target.clone()} oninput={on_target}
                                        aria-invalid={target_error.as_ref().map(|_| "true")} aria-describedby={target_error.as_ref().map(|_| format!("{target_id}-error"))} />
                                    if let Some(rule) = target_error {
                                        <p class="field-error" id={format!("{target_id}-error")}><span aria-hidden="true">{"⚠ "}</span>{ ctx.t(&rule) }</p>
                                    }
                                </div>
                            </div>
                            <RowTools {list} index={i} len={props.rows.len()} id={row_id} dispatch={props.dispatch.clone()} />
                        </li>
                    }
                }) }
            </ol>
            { add_button(&ctx, list, "tpl-steps", "drill.editor.add_step", &props.dispatch) }
        </fieldset>
    }
}
