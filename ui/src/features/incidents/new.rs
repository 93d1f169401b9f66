//! Opening an incident: title, severity, the affected model and version, how and when it
//! was detected, a description, and whether it must be reported outside.

use std::rc::Rc;
use std::str::FromStr;

use chrono::{Local, Utc};
use govbench_protocol::endpoint;
use govbench_protocol::{
    CommandOutcome, Detection, DrillRunId, ErrorCode, IncidentCommand, ModelId, NoRequest,
    ResponseRules, Severity, VersionStage,
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::badges::DrillLabel;
use super::state::{target_text, IncidentForm, IncidentFormAction as A};
use crate::api;
use crate::components::{
    checked_of, invalid_attrs, on_change, on_text, DateField, ErrorAlert, FieldError, OtherErrors,
    RouteLink,
};
use crate::context::use_app;
use crate::hooks::{errors_to, submit_form, use_command, use_fetch, Exec};
use crate::route::Route;
use crate::state::FieldErrors;

impl Reducible for IncidentForm {
    type Action = A;
    fn reduce(self: Rc<Self>, action: A) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
pub struct NewIncidentProps {
    /// Opened as part of this drill run (labelled a drill, never counted in statistics).
    #[prop_or_default]
    pub drill: Option<String>,
}

#[component]
pub fn NewIncidentPage(props: &NewIncidentProps) -> Html {
    let ctx = use_app();
    let drill = props
        .drill
        .as_deref()
        .and_then(|d| DrillRunId::from_str(d).ok());
    let navigator = use_navigator();
    let commands = use_command();
    let form = use_reducer(|| IncidentForm::new(Local::now().naive_local()));

    let submit = submit_form(
        &commands.run,
        {
            let form = form.clone();
            move || form.draft(&Local, Utc::now())
        },
        errors_to(&form, A::Errors),
        move |draft| {
            let open_it = {
                let navigator = navigator.clone();
                Callback::from(move |outcome: CommandOutcome| {
                    if let Some(nav) = &navigator {
                        nav.push(&Route::IncidentDetail {
                            id: outcome.entity.id.to_string(),
                        });
                    }
                })
            };
            Exec::new(IncidentCommand::Open { draft, drill }).on_ok(open_it)
        },
    );

    let errors: &FieldErrors = &form.errors;
    let text = |id: &'static str, field: &'static str, make: fn(String) -> A| {
        let (inv, desc) = invalid_attrs(errors, field, id);
        let form = form.clone();
        (on_text(move |v| form.dispatch(make(v))), inv, desc)
    };
    let (title_in, title_inv, title_desc) = text("incident-title", "title", A::Title);
    let (desc_in, desc_inv, desc_desc) =
        text("incident-description", "description", A::Description);
    let field_class =
        |name: &str| classes!("field", errors.contains_key(name).then_some("has-error"));
    let known: Vec<String> = FIELDS.iter().map(|s| (*s).to_owned()).collect();

    html! {
        <section class="page page-narrow" id="page-incident-new">
            <nav class="breadcrumbs" aria-label={ctx.t("common.breadcrumbs")}>
                if let Some(run) = drill {
                    <RouteLink to={Route::DrillRun { id: run.to_string() }}>{ ctx.t("nav.drills") }</RouteLink>
                } else {
                    <RouteLink to={Route::Incidents}>{ ctx.t("nav.incidents") }</RouteLink>
                }
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ ctx.t("incident.new") }</span>
            </nav>
            <div class="page-head">
                <div>
                    <h1>{ ctx.t("incident.new_title") }</h1>
                    <p class="subtitle">{ ctx.t(if drill.is_some() { "incident.new_drill_subtitle" } else { "incident.new_subtitle" }) }</p>
                </div>
                if drill.is_some() {
                    <DrillLabel long=true id="incident-form-drill" />
                }
            </div>
            <form class="form card" id="incident-form" onsubmit={submit} novalidate=true aria-labelledby="incident-form-title">
                <h2 id="incident-form-title" class="visually-hidden">{ ctx.t("incident.new") }</h2>
                <ErrorAlert id="action-error" error={commands.error.clone().filter(|e| e.code != ErrorCode::Validation)} />
                <OtherErrors errors={errors.clone()} {known} />
                <div class={field_class("title")}>
                    <label for="incident-title">{ ctx.t("incident.field.title") }<span class="req-mark" aria-hidden="true">{" *"}</span></label>
                    <input id="incident-title" type="text" value={form.title.clone()} oninput={title_in}
                        aria-invalid={title_inv} aria-describedby={title_desc} />
                    <FieldError for_id="incident-title" errors={errors.clone()} field="title" />
                </div>
                <SeverityChoice form={form.clone()} />
                <ModelChoice form={form.clone()} />
                <DetectedFields form={form.clone()} />
                <div class={field_class("description")}>
                    <label for="incident-description">{ ctx.t("incident.field.description") }<span class="req-mark" aria-hidden="true">{" *"}</span></label>
                    <textarea id="incident-description" rows="5" value={form.description.clone()} oninput={desc_in}
                        aria-invalid={desc_inv} aria-describedby={desc_desc} />
                    <FieldError for_id="incident-description" errors={errors.clone()} field="description" />
                </div>
                <div class="field field-check">
                    <input id="incident-external" type="checkbox" checked={form.qualifies_external}
                        onchange={{ let form = form.clone(); Callback::from(move |e: Event| form.dispatch(A::QualifiesExternal(checked_of(&e)))) }} />
                    <label for="incident-external">{ ctx.t("incident.field.qualifies_external") }</label>
                </div>
                <p class="hint">{ ctx.t("incident.form.external_hint") }</p>
                <div class="form-actions">
                    <button type="submit" id="incident-submit" class="btn btn-primary" disabled={commands.busy}>{ ctx.t("incident.form.submit") }</button>
                    <RouteLink to={drill.map(|run| Route::DrillRun { id: run.to_string() }).unwrap_or(Route::Incidents)} class={classes!("btn")}>{ ctx.t("common.cancel") }</RouteLink>
                </div>
            </form>
        </section>
    }
}

/// The fields the form shows errors at; the backend's errors for anything else are listed
/// above them.
const FIELDS: [&str; 8] = [
    "title",
    "severity",
    "model",
    "model_version",
    "detection",
    "detected_at",
    "description",
    "qualifies_external",
];

#[derive(Properties, PartialEq)]
struct PartProps {
    /// The form itself: a part reads its fields and errors and dispatches its edits (it renders
    /// again whenever the form's value changed).
    form: UseReducerHandle<IncidentForm>,
}

/// A `change` handler that hands the new value to the form as `make`'s action.
fn dispatch_change(
    form: &UseReducerHandle<IncidentForm>,
    make: fn(String) -> A,
) -> Callback<Event> {
    let form = form.clone();
    on_change(move |v| form.dispatch(make(v)))
}

/// The level, each with its meaning, and the clocks the chosen level's flow will start.
#[component]
fn SeverityChoice(props: &PartProps) -> Html {
    let ctx = use_app();
    let form = &props.form;
    let errors = &form.errors;
    let rules = use_fetch((), |()| {
        api::call::<endpoint::ResponseRulesGet>(&NoRequest {})
    });
    // What the chosen level's flow promises, so the person opening it sees the clocks to come.
    let flow_hint = rules
        .data
        .as_ref()
        .and_then(|r: &Rc<ResponseRules>| r.flow(form.severity).cloned())
        .map(|f| {
            ctx.format(
                "incident.form.flow_hint",
                &[
                    ("ack", &target_text(ctx.locale, f.acknowledge_minutes)),
                    ("mitigate", &target_text(ctx.locale, f.mitigate_minutes)),
                    ("resolve", &target_text(ctx.locale, f.resolve_minutes)),
                ],
            )
        });
    html! {
        <fieldset class={classes!("field", "severity-choice", errors.contains_key("severity").then_some("has-error"))} id="incident-severity">
            <legend>{ ctx.t("incident.field.severity") }<span class="req-mark" aria-hidden="true">{" *"}</span></legend>
            <div class="choice-row">
                { for Severity::ALL.iter().map(|s| {
                    let id = format!("incident-severity-{}", s.key());
                    html! {
                        <label for={id.clone()} class={classes!("choice", format!("severity-{}", s.key()), (form.severity == *s).then_some("chosen"))}>
                            <input type="radio" id={id} name="incident-severity" value={s.key()} checked={form.severity == *s}
                                onchange={dispatch_change(form, A::Severity)} />
                            <span class="choice-title">{ ctx.t(&format!("severity.{}", s.key())) }</span>
                            <span class="choice-hint">{ ctx.t(&format!("severity.{}.hint", s.key())) }</span>
                        </label>
                    }
                }) }
            </div>
            if let Some(hint) = flow_hint {
                <p class="hint" id="incident-flow-hint">{ hint }</p>
            }
            <FieldError for_id="incident-severity" errors={errors.clone()} field="severity" />
        </fieldset>
    }
}

/// The affected model and version (both optional), from the workspace's models.
#[component]
fn ModelChoice(props: &PartProps) -> Html {
    let ctx = use_app();
    let form = &props.form;
    let errors = &form.errors;
    let models = use_fetch((), |()| api::call::<endpoint::ModelsList>(&NoRequest {}));
    let model_id = form.model.parse::<ModelId>().ok();
    let model = use_fetch(model_id, |id: Option<ModelId>| async move {
        match id {
            Some(id) => api::call::<endpoint::ModelGet>(&id).await.map(Some),
            None => Ok(None),
        }
    });
    let versions = match model.data.as_deref().and_then(Option::as_ref) {
        Some(detail) if Some(detail.model.id) == model_id => detail
            .versions
            .iter()
            .map(|v| {
                let id = v.version.id.to_string();
                let live = v.version.stage == VersionStage::Live;
                let label = if live {
                    ctx.format("incident.form.version_live", &[("version", &v.version.draft.label)])
                } else {
                    v.version.draft.label.clone()
                };
                html! { <option value={id.clone()} selected={form.version == id}>{ label }</option> }
            })
            .collect::<Html>(),
        _ => html! {},
    };
    let field_class =
        |name: &str| classes!("field", errors.contains_key(name).then_some("has-error"));
    html! {
        <>
            <div class="field-row">
                <div class={field_class("model")}>
                    <label for="incident-model">{ ctx.t("incident.field.model") }</label>
                    <select id="incident-model" onchange={dispatch_change(form, A::Model)}>
                        <option value="" selected={form.model.is_empty()}>{ ctx.t("incident.form.no_model") }</option>
                        { for models.data.iter().flat_map(|l| l.iter()).map(|m| {
                            let id = m.id.to_string();
                            html! { <option value={id.clone()} selected={form.model == id}>{ m.name.clone() }</option> }
                        }) }
                    </select>
                    <FieldError for_id="incident-model" errors={errors.clone()} field="model" />
                </div>
                <div class={field_class("model_version")}>
                    <label for="incident-version">{ ctx.t("incident.field.version") }</label>
                    <select id="incident-version" onchange={dispatch_change(form, A::Version)} disabled={model_id.is_none()}>
                        <option value="" selected={form.version.is_empty()}>{ ctx.t("incident.form.no_version") }</option>
                        { versions }
                    </select>
                    <FieldError for_id="incident-version" errors={errors.clone()} field="model_version" />
                </div>
            </div>
            if let Some(err) = models.error.clone().or(model.error.clone()) {
                <ErrorAlert id="incident-models-error" error={Some(err)} />
            }
        </>
    }
}

/// How the incident was detected, and when (the user's local date and time).
#[component]
fn DetectedFields(props: &PartProps) -> Html {
    let ctx = use_app();
    let form = &props.form;
    let errors = &form.errors;
    let (time_inv, time_desc) = invalid_attrs(errors, "detected_at", "incident-detected-time");
    let (date_inv, date_desc) = invalid_attrs(errors, "detected_at", "incident-detected-date");
    let field_class =
        |name: &str| classes!("field", errors.contains_key(name).then_some("has-error"));
    let on_time = {
        let form = form.clone();
        on_text(move |v| form.dispatch(A::Time(v)))
    };
    html! {
        <div class="field-row">
            <div class={field_class("detection")}>
                <label for="incident-detection">{ ctx.t("incident.field.detection") }</label>
                <select id="incident-detection" onchange={dispatch_change(form, A::Detection)}>
                    { for Detection::ALL.iter().map(|d| html! {
                        <option value={d.key()} selected={form.detection == *d}>{ ctx.t(&format!("detection.{}", d.key())) }</option>
                    }) }
                </select>
            </div>
            <div class={field_class("detected_at")}>
                <label for="incident-detected-date">{ ctx.t("incident.field.detected_at") }<span class="req-mark" aria-hidden="true">{" *"}</span></label>
                <div class="input-row">
                    <DateField id="incident-detected-date" value={form.date.clone()} invalid={date_inv} describedby={date_desc}
                        on_input={{ let form = form.clone(); Callback::from(move |v| form.dispatch(A::Date(v))) }} />
                    <label for="incident-detected-time" class="visually-hidden">{ ctx.t("incident.field.detected_time") }</label>
                    <input id="incident-detected-time" type="text" inputmode="numeric" size="6" autocomplete="off"
                        placeholder={ctx.t("incident.form.time_placeholder")} value={form.time.clone()} oninput={on_time}
                        aria-invalid={time_inv} aria-describedby={time_desc} />
                </div>
                <p class="hint">{ ctx.t("incident.form.local_time_hint") }</p>
                <FieldError for_id="incident-detected-date" errors={errors.clone()} field="detected_at" />
            </div>
        </div>
    }
}
