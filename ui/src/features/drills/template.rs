//! The template editor: title and scenario in both languages, objectives, participants by
//! role, the steps (who, by when; added, removed, reordered) and the success criteria. Saving
//! stores a new revision; a template someone else saved in the meantime is refused.

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{ApiError, DrillCommand, DrillTemplate, ErrorCode, NoRequest, Role};
use yew::prelude::*;
use yew_router::prelude::*;

use super::state::{Bilingual, Lang, List, TemplateAction as A, TemplateForm};
use crate::api;
use crate::components::{on_change, on_text, Empty, ErrorAlert, FetchView, OtherErrors, RouteLink};
use crate::context::use_app;
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
    let errors = form.errors.clone();
    let error_of = |field: &str| errors.get(field).cloned();

    // One input of a bilingual pair, with its error.
    let input = |id: String,
                 field: String,
                 label: String,
                 value: String,
                 multiline: bool,
                 on: Callback<String>| {
        let error = error_of(&field);
        let oninput = on_text(move |v| on.emit(v));
        let (inv, desc) = match &error {
            Some(_) => (Some("true"), Some(format!("{id}-error"))),
            None => (None, None),
        };
        html! {
            <div class={classes!("field", error.is_some().then_some("has-error"))}>
                <label for={id.clone()} class="small-label">{ label }</label>
                if multiline {
                    <textarea id={id.clone()} rows="3" {value} {oninput} aria-invalid={inv} aria-describedby={desc.clone()} />
                } else {
                    <input id={id.clone()} type="text" {value} {oninput} aria-invalid={inv} aria-describedby={desc.clone()} />
                }
                if let Some(rule) = error {
                    <p class="field-error" id={format!("{id}-error")}><span aria-hidden="true">{"⚠ "}</span>{ ctx.t(&rule) }</p>
                }
            </div>
        }
    };
    let pair = |id: &str,
                field: &str,
                b: &Bilingual,
                multiline: bool,
                make: fn(Lang, String) -> A| {
        let on = |lang: Lang| {
            let form = form.clone();
            Callback::from(move |v: String| form.dispatch(make(lang, v)))
        };
        html! {
            <div class="field-row bilingual">
                { input(format!("{id}-zh"), format!("{field}.zh_cn"), ctx.t("drill.editor.zh"), b.zh.clone(), multiline, on(Lang::Zh)) }
                { input(format!("{id}-en"), format!("{field}.en"), ctx.t("drill.editor.en"), b.en.clone(), multiline, on(Lang::En)) }
            </div>
        }
    };
    let row_pair = |list: List, i: usize, id: &str, field: String, b: &Bilingual| {
        let on = |lang: Lang| {
            let form = form.clone();
            Callback::from(move |v: String| form.dispatch(A::RowText(list, i, lang, v)))
        };
        html! {
            <div class="field-row bilingual">
                { input(format!("{id}-zh"), format!("{field}.zh_cn"), ctx.t("drill.editor.zh"), b.zh.clone(), false, on(Lang::Zh)) }
                { input(format!("{id}-en"), format!("{field}.en"), ctx.t("drill.editor.en"), b.en.clone(), false, on(Lang::En)) }
            </div>
        }
    };
    let row_tools = |list: List, i: usize, len: usize, id: &str| {
        let dispatch = |action: A| {
            let form = form.clone();
            Callback::from(move |_: MouseEvent| form.dispatch(action.clone()))
        };
        let n = (i + 1).to_string();
        html! {
            <div class="row-tools">
                <button type="button" class="btn btn-icon btn-ghost" id={format!("{id}-up")} disabled={i == 0}
                    aria-label={ctx.format("drill.editor.move_up", &[("n", &n)])} onclick={dispatch(A::Move(list, i, -1))}>{ "↑" }</button>
                <button type="button" class="btn btn-icon btn-ghost" id={format!("{id}-down")} disabled={i + 1 >= len}
                    aria-label={ctx.format("drill.editor.move_down", &[("n", &n)])} onclick={dispatch(A::Move(list, i, 1))}>{ "↓" }</button>
                <button type="button" class="btn btn-icon btn-ghost" id={format!("{id}-remove")}
                    aria-label={ctx.format("drill.editor.remove", &[("n", &n)])} onclick={dispatch(A::Remove(list, i))}>{ "✕" }</button>
            </div>
        }
    };
    let role_select = |list: List, i: usize, id: String, role: Role| {
        let form = form.clone();
        html! {
            <div class="field">
                <label for={id.clone()} class="small-label">{ ctx.t("drill.editor.role") }</label>
                <select {id} onchange={on_change(move |v| if let Some(r) = Role::from_key(&v) { form.dispatch(A::RowRole(list, i, r)) })}>
                    { for Role::ALL.iter().filter(|r| **r != Role::Auditor).map(|r| html! {
                        <option value={r.key()} selected={*r == role}>{ text::role(ctx.locale, *r) }</option>
                    }) }
                </select>
            </div>
        }
    };
    let add = |list: List, id: &str, label: &str| {
        let form = form.clone();
        html! {
            <button type="button" id={format!("{id}-add")} class="btn btn-small btn-ghost"
                onclick={Callback::from(move |_: MouseEvent| form.dispatch(A::Add(list)))}>
                { format!("+ {}", ctx.t(label)) }
            </button>
        }
    };
    let simple_list = |list: List, rows: &[Bilingual], id: &str, legend: &str, add_label: &str| {
        html! {
            <fieldset class="list-editor" id={id.to_owned()}>
                <legend>{ ctx.t(legend) }</legend>
                <ol class="editor-rows">
                    { for rows.iter().enumerate().map(|(i, b)| {
                        let row_id = format!("{id}-{i}");
                        html! {
                            <li class="editor-row" key={i}>
                                { row_pair(list, i, &row_id, format!("{}.{i}", list.field()), b) }
                                { row_tools(list, i, rows.len(), &row_id) }
                            </li>
                        }
                    }) }
                </ol>
                { add(list, id, add_label) }
            </fieldset>
        }
    };

    let mut known: Vec<String> = [
        "title.zh_cn",
        "title.en",
        "scenario.zh_cn",
        "scenario.en",
        "steps",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for (list, len) in [
        (List::Objectives, form.objectives.len()),
        (List::Criteria, form.criteria.len()),
    ] {
        for i in 0..len {
            known.push(format!("{}.{i}.zh_cn", list.field()));
            known.push(format!("{}.{i}.en", list.field()));
        }
    }
    for i in 0..form.participants.len() {
        known.push(format!("participants.{i}.duty.zh_cn"));
        known.push(format!("participants.{i}.duty.en"));
    }
    for i in 0..form.steps.len() {
        known.push(format!("steps.{i}.title.zh_cn"));
        known.push(format!("steps.{i}.title.en"));
        known.push(format!("steps.{i}.target_minutes"));
    }

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
                    <button type="button" id="template-load-newer" class="btn btn-small"
                        onclick={{ let form = form.clone(); let latest = props.template.clone(); Callback::from(move |_: MouseEvent| form.dispatch(A::Load(Box::new(latest.clone())))) }}>
                        { ctx.t("drill.editor.load_newer") }
                    </button>
                </div>
            }
            <OtherErrors errors={errors.clone()} {known} />
            <section class="panel">
                <h3>{ ctx.t("drill.editor.title_label") }</h3>
                { pair("tpl-title", "title", &form.title, false, A::Title) }
                <h3>{ ctx.t("drill.scenario") }</h3>
                { pair("tpl-scenario", "scenario", &form.scenario, true, A::Scenario) }
            </section>
            <section class="panel">
                { simple_list(List::Objectives, &form.objectives, "tpl-objectives", "drill.objectives", "drill.editor.add_objective") }
            </section>
            <section class="panel">
                <fieldset class="list-editor" id="tpl-participants">
                    <legend>{ ctx.t("drill.participants") }</legend>
                    <ol class="editor-rows">
                        { for form.participants.iter().enumerate().map(|(i, p)| {
                            let row_id = format!("tpl-participants-{i}");
                            html! {
                                <li class="editor-row" key={i}>
                                    { role_select(List::Participants, i, format!("{row_id}-role"), p.role) }
                                    { row_pair(List::Participants, i, &row_id, format!("participants.{i}.duty"), &p.duty) }
                                    { row_tools(List::Participants, i, form.participants.len(), &row_id) }
                                </li>
                            }
                        }) }
                    </ol>
                    { add(List::Participants, "tpl-participants", "drill.editor.add_participant") }
                </fieldset>
            </section>
            <section class="panel">
                <fieldset class={classes!("list-editor", errors.contains_key("steps").then_some("has-error"))} id="tpl-steps">
                    <legend>{ ctx.t("drill.steps") }</legend>
                    if let Some(rule) = error_of("steps") {
                        <p class="field-error" id="tpl-steps-error"><span aria-hidden="true">{"⚠ "}</span>{ ctx.t(&rule) }</p>
                    }
                    <ol class="editor-rows">
                        { for form.steps.iter().enumerate().map(|(i, s)| {
                            let row_id = format!("tpl-steps-{i}");
                            let target_field = format!("steps.{i}.target_minutes");
                            let target_error = error_of(&target_field);
                            let target_id = format!("{row_id}-target");
                            let on_target = { let form = form.clone(); on_text(move |v| form.dispatch(A::StepTarget(i, v))) };
                            html! {
                                <li class="editor-row step-row" key={i}>
                                    <span class="step-number" aria-hidden="true">{ i + 1 }</span>
                                    { row_pair(List::Steps, i, &row_id, format!("steps.{i}.title"), &s.title) }
                                    <div class="field-row">
                                        { role_select(List::Steps, i, format!("{row_id}-role"), s.role) }
                                        <div class={classes!("field", target_error.is_some().then_some("has-error"))}>
                                            <label for={target_id.clone()} class="small-label">{ ctx.t("drill.editor.target") }</label>
                                            <input id={target_id.clone()} type="number" min="1" step="1" inputmode="numeric" value={s.target.clone()} oninput={on_target}
                                                aria-invalid={target_error.as_ref().map(|_| "true")} aria-describedby={target_error.as_ref().map(|_| format!("{target_id}-error"))} />
                                            if let Some(rule) = target_error {
                                                <p class="field-error" id={format!("{target_id}-error")}><span aria-hidden="true">{"⚠ "}</span>{ ctx.t(&rule) }</p>
                                            }
                                        </div>
                                    </div>
                                    { row_tools(List::Steps, i, form.steps.len(), &row_id) }
                                </li>
                            }
                        }) }
                    </ol>
                    { add(List::Steps, "tpl-steps", "drill.editor.add_step") }
                </fieldset>
            </section>
            <section class="panel">
                { simple_list(List::Criteria, &form.criteria, "tpl-criteria", "drill.success_criteria", "drill.editor.add_criterion") }
            </section>
            <div class="form-actions">
                <button type="submit" id="tpl-save" class="btn btn-primary" disabled={props.commands.busy}>{ ctx.t("drill.editor.save") }</button>
                <RouteLink to={Route::Drills} class={classes!("btn")}>{ ctx.t("common.cancel") }</RouteLink>
            </div>
        </form>
    }
}
