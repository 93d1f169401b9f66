//! The model inventory: every model with its live version, evaluations and what is due; and
//! the form that registers a new one.

use govbench_protocol::endpoint;
use govbench_protocol::{
    ModelCommand, ModelPermission, ModelSummary, NoRequest, RiskTier, DEFAULT_DOMAINS,
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::state::ModelForm;
use crate::api;
use crate::components::{
    invalid_attrs, on_change, on_text, Empty, ErrorAlert, FetchView, FieldError, RouteLink,
};
use crate::context::use_app;
use crate::hooks::{errors_into, submit_form, use_command, use_fetch, Exec};
use crate::route::Route;
use crate::state::FieldErrors;

/// The domain's name in the user's language, or the domain as typed.
pub fn domain_text(ctx: &crate::context::AppCtx, domain: &str) -> String {
    let key = format!("domain.{domain}");
    let text = ctx.t(&key);
    if text == key {
        domain.to_owned()
    } else {
        text
    }
}

#[component]
pub fn ModelsPage() -> Html {
    let ctx = use_app();
    let models = use_fetch((), |()| api::call::<endpoint::ModelsList>(&NoRequest {}));
    let adding = use_state(|| false);
    let body = FetchView::new(&models, "models-error")
        .empty_when(
            |list| list.is_empty(),
            html! { <Empty title={ctx.t("models.empty")} hint={ctx.t("models.empty_hint")} /> },
        )
        .show(|list| html! { <ModelTable models={(**list).clone()} /> });
    let domains: Vec<String> = {
        let mut all: Vec<String> = DEFAULT_DOMAINS.iter().map(|d| (*d).to_owned()).collect();
        for m in models.data.iter().flat_map(|l| l.iter()) {
            if !all.contains(&m.domain) {
                all.push(m.domain.clone());
            }
        }
        all
    };
    html! {
        <section class="page" id="page-models">
            <div class="page-head">
                <div>
                    <h1>{ ctx.t("models.title") }</h1>
                    <p class="subtitle">{ ctx.t("models.subtitle") }</p>
                </div>
                if ctx.may(ModelPermission::Manage) && !*adding {
                    <button type="button" id="model-new" class="btn btn-primary"
                        onclick={{ let adding = adding.clone(); Callback::from(move |_| adding.set(true)) }}>
                        { format!("+ {}", ctx.t("models.new")) }
                    </button>
                }
            </div>
            if *adding {
                <RegisterForm {domains} on_close={{ let adding = adding.clone(); Callback::from(move |_| adding.set(false)) }} />
            }
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TableProps {
    models: Vec<ModelSummary>,
}

#[component]
fn ModelTable(props: &TableProps) -> Html {
    let ctx = use_app();
    html! {
        <div class="panel table-panel">
            <table class="table" id="models-table">
                <thead>
                    <tr>
                        <th scope="col">{ ctx.t("model.field.name") }</th>
                        <th scope="col">{ ctx.t("model.field.domain") }</th>
                        <th scope="col">{ ctx.t("model.field.risk") }</th>
                        <th scope="col">{ ctx.t("model.live_version") }</th>
                        <th scope="col" class="num">{ ctx.t("model.versions") }</th>
                        <th scope="col" class="num">{ ctx.t("model.evaluations") }</th>
                        <th scope="col">{ ctx.t("model.monthly") }</th>
                    </tr>
                </thead>
                <tbody>
                    { for props.models.iter().map(|m| html! {
                        <tr class="model-row" data-model={m.id.to_string()}>
                            <td><RouteLink to={Route::ModelDetail { id: m.id.to_string() }}>{ m.name.clone() }</RouteLink>
                                <div class="muted">{ m.business_department.clone() }</div></td>
                            <td>{ domain_text(&ctx, &m.domain) }</td>
                            <td><span class={classes!("tag", format!("risk-{}", m.risk_tier.key()))}>{ ctx.t(&format!("risk.{}", m.risk_tier.key())) }</span></td>
                            <td>
                                { m.live.as_ref().map(|(_, l)| l.clone()).unwrap_or_else(|| "—".into()) }
                                if m.live_overridden { {" "}<span class="override-flag" title={ctx.t("model.override_hint")}>{ "⚠ " }{ ctx.t("model.overridden") }</span> }
                            </td>
                            <td class="num">{ m.versions }</td>
                            <td class="num">{ m.evaluations }</td>
                            <td>
                                if m.live.is_none() { <span class="muted">{ "—" }</span> }
                                else if m.months_missing.is_empty() { <span class="tag tag-ok">{ ctx.t("model.monthly_ok") }</span> }
                                else { <span class="tag tag-warn">{ ctx.format("dash.models.months_missing", &[("months", &m.months_missing.join(", "))]) }</span> }
                            </td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RegisterProps {
    domains: Vec<String>,
    on_close: Callback<()>,
}

#[component]
fn RegisterForm(props: &RegisterProps) -> Html {
    let ctx = use_app();
    let form = use_state(ModelForm::default);
    let errors = use_state(FieldErrors::new);
    let commands = use_command();
    let navigator = use_navigator();
    let set = |f: fn(&mut ModelForm, String)| {
        let form = form.clone();
        move |v: String| {
            let mut next = (*form).clone();
            f(&mut next, v);
            form.set(next);
        }
    };
    let submit = submit_form(
        &commands.run,
        {
            let form = form.clone();
            move || form.draft()
        },
        errors_into(&errors),
        move |draft| {
            let on_ok = {
                let navigator = navigator.clone();
                Callback::from(move |outcome: govbench_protocol::CommandOutcome| {
                    if let Some(nav) = &navigator {
                        nav.push(&Route::ModelDetail {
                            id: outcome.entity.id.to_string(),
                        });
                    }
                })
            };
            Exec::new(ModelCommand::Register { draft }).on_ok(on_ok)
        },
    );
    let field = |id: &'static str,
                 name: &'static str,
                 label: String,
                 value: String,
                 make: fn(&mut ModelForm, String)| {
        let (inv, desc) = invalid_attrs(&errors, name, id);
        html! {
            <div class={classes!("field", errors.contains_key(name).then_some("has-error"))}>
                <label for={id}>{ label }</label>
                <input {id} type="text" {value} oninput={on_text(set(make))} aria-invalid={inv} aria-describedby={desc} />
                <FieldError for_id={id} errors={(*errors).clone()} field={name} />
            </div>
        }
    };
    html! {
        <form class="form panel" id="model-form" onsubmit={submit} novalidate=true aria-labelledby="model-form-title">
            <h2 id="model-form-title">{ ctx.t("models.new") }</h2>
            <ErrorAlert id="model-form-error" error={commands.error.clone().filter(|e| e.code != govbench_protocol::ErrorCode::Validation)} />
            <div class="field-row">
                { field("model-name", "name", ctx.t("model.field.name"), form.name.clone(), |f, v| f.name = v) }
                <div class="field">
                    <label for="model-domain">{ ctx.t("model.field.domain") }</label>
                    <input id="model-domain" list="model-domains" value={form.domain.clone()}
                        oninput={on_text(set(|f, v| f.domain = v))} />
                    <datalist id="model-domains">
                        { for props.domains.iter().map(|d| html! { <option value={d.clone()}>{ domain_text(&ctx, d) }</option> }) }
                    </datalist>
                    <FieldError for_id="model-domain" errors={(*errors).clone()} field="domain" />
                </div>
            </div>
            <div class="field-row">
                { field("model-department", "business_department", ctx.t("model.field.department"), form.department.clone(), |f, v| f.department = v) }
                <div class="field">
                    <label for="model-risk">{ ctx.t("model.field.risk") }</label>
                    <select id="model-risk" onchange={on_change(set(|f, v| if let Some(r) = RiskTier::from_key(&v) { f.risk = r }))}>
                        { for RiskTier::ALL.iter().map(|r| html! {
                            <option value={r.key()} selected={*r == form.risk}>{ ctx.t(&format!("risk.{}", r.key())) }</option>
                        }) }
                    </select>
                </div>
            </div>
            <div class="field">
                <label for="model-description">{ ctx.t("model.field.description") }</label>
                <textarea id="model-description" rows="3" value={form.description.clone()} oninput={on_text(set(|f, v| f.description = v))} />
            </div>
            <div class="form-actions">
                <button type="submit" id="model-submit" class="btn btn-primary" disabled={commands.busy}>{ ctx.t("models.register") }</button>
                <button type="button" class="btn" onclick={{ let close = props.on_close.clone(); Callback::from(move |_| close.emit(())) }}>{ ctx.t("common.cancel") }</button>
            </div>
        </form>
    }
}
