//! A model's page: its versions with their stage, latest verdict and what the go-live gate
//! still misses (and the moves the user may make), the KPI policy, trends per KPI, every
//! evaluation (pick two to compare), which version was live when, the requirements it
//! delivers, history and comments.

use std::rc::Rc;
use std::str::FromStr;

use govbench_i18n::number;
use govbench_protocol::endpoint;
use govbench_protocol::{
    ApiError, EntityKind, EntityRef, ErrorCode, EvaluationPermission, LiveChange, ModelAction as A,
    ModelCommand as C, ModelDetail, ModelId, ModelVersionId, RequirementLink, RequirementQuery,
    VersionDraft, VersionRow, VersionStage,
};
use yew::prelude::*;

use super::card::EvaluationList;
use super::chart::TrendChart;
use super::list::domain_text;
use super::state::{KpiRow, PolicyForm, VersionForm};
use crate::api;
use crate::app::{use_app, AppCtx, Route};
use crate::components::{
    checked_of, invalid_attrs, on_text, CommentThread, Empty, ErrorAlert, FieldError, GateRefusal,
    HistoryTimeline, Loading, OtherErrors, RouteLink, StatusBadge,
};
use crate::hooks::{use_command, use_fetch, Commands, Exec};
use crate::state::FieldErrors;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub id: String,
}

#[component]
pub fn ModelDetailPage(props: &DetailProps) -> Html {
    let ctx = use_app();
    let id = ModelId::from_str(&props.id).ok();
    let detail = use_fetch(id, |id: Option<ModelId>| async move {
        match id {
            Some(id) => api::call::<endpoint::ModelGet>(&id).await,
            None => Err(ApiError::new(ErrorCode::NotFound)),
        }
    });
    let trends = use_fetch(id, |id: Option<ModelId>| async move {
        match id {
            Some(id) => api::call::<endpoint::KpiTrends>(&id).await,
            None => Ok(Vec::new()),
        }
    });
    let commands = use_command();
    let d = match (&detail.data, &detail.error) {
        (Some(d), _) if Some(d.model.id) == id => d.clone(),
        (_, Some(err)) => {
            return html! {
                <section class="page" id="page-model">
                    <ErrorAlert id="model-error" error={Some(err.clone())} />
                    <RouteLink to={Route::Models} class={classes!("btn")}>{ ctx.t("nav.models") }</RouteLink>
                </section>
            }
        }
        _ => return html! { <section class="page" id="page-model"><Loading /></section> },
    };
    let m = &d.model;
    let live = d
        .versions
        .iter()
        .find(|v| v.version.stage == VersionStage::Live);
    let allowed = |a: A| d.allowed_actions.contains(&a);
    html! {
        <section class="page" id="page-model" data-id={m.id.to_string()}>
            <nav class="breadcrumbs" aria-label={ctx.t("common.breadcrumbs")}>
                <RouteLink to={Route::Models}>{ ctx.t("nav.models") }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ m.draft.name.clone() }</span>
            </nav>
            <header class="detail-head">
                <h1 id="model-heading">{ m.draft.name.clone() }</h1>
                <div class="detail-badges">
                    <span class="tag">{ domain_text(&ctx, &m.draft.domain) }</span>
                    <span class={classes!("tag", format!("risk-{}", m.draft.risk_tier.key()))}>
                        { ctx.format("model.risk_tier", &[("tier", &ctx.t(&format!("risk.{}", m.draft.risk_tier.key())))]) }
                    </span>
                    if let Some(v) = live {
                        <span class="badge status-badge status-live" id="model-live">
                            <span class="badge-dot" aria-hidden="true"></span>
                            { ctx.format("model.live_is", &[("version", &v.version.draft.label)]) }
                        </span>
                        if v.version.gate_override.is_some() {
                            <span class="override-flag" title={ctx.t("model.override_hint")}>{ "⚠ " }{ ctx.t("model.overridden") }</span>
                        }
                    }
                    if !d.months_missing.is_empty() {
                        <span class="tag tag-warn" id="model-months-missing">
                            { ctx.format("dash.models.months_missing", &[("months", &d.months_missing.join(", "))]) }
                        </span>
                    }
                </div>
            </header>
            <ErrorAlert id="action-error" error={commands.error.clone().filter(|e| e.code != ErrorCode::GateClosed)} />
            <GateRefusal error={commands.error.clone()} />
            <div class="detail-grid">
                <div class="detail-main">
                    <VersionsPanel detail={d.clone()} commands={commands.clone()} />
                    if allowed(A::AddVersion) {
                        <AddVersion model={m.id} commands={commands.clone()} />
                    }
                    <section class="panel" aria-labelledby="trends-title" id="model-trends">
                        <h2 id="trends-title">{ ctx.t("model.trends") }</h2>
                        if let Some(trends) = &trends.data {
                            <div class="trend-grid">
                                { for trends.iter().map(|t| html! { <TrendChart trend={t.clone()} /> }) }
                            </div>
                        } else {
                            <Loading />
                        }
                    </section>
                    <EvaluationsPanel detail={d.clone()} />
                    <PolicyPanel detail={d.clone()} commands={commands.clone()} editable={allowed(A::SetPolicy)} />
                    <HistoryTimeline id="model-history" of={EntityRef::from(m.id)} entries={Rc::new(d.history.clone())} />
                    <CommentThread id="model-comments" on={EntityRef::from(m.id)} comments={Rc::new(d.comments.clone())} commands={commands.clone()} />
                </div>
                <aside class="detail-side">
                    <section class="panel facts" aria-labelledby="model-facts-title">
                        <h2 id="model-facts-title">{ ctx.t("detail.facts") }</h2>
                        <dl>
                            <dt>{ ctx.t("model.field.department") }</dt>
                            <dd>{ if m.draft.business_department.is_empty() { "—".to_owned() } else { m.draft.business_department.clone() } }</dd>
                            <dt>{ ctx.t("model.field.rnd_owner") }</dt>
                            <dd>{ d.rnd_owner.as_ref().map(|u| u.display_name.clone()).unwrap_or_else(|| "—".into()) }</dd>
                            <dt>{ ctx.t("detail.created") }</dt>
                            <dd>{ format!("{} · {}", text::local_time(m.created_at), m.created_by.display_name) }</dd>
                        </dl>
                        if !m.draft.description.is_empty() {
                            <p class="prose">{ m.draft.description.clone() }</p>
                        }
                    </section>
                    <LiveTimeline detail={d.clone()} />
                    <RequirementsPanel detail={d.clone()} commands={commands.clone()} editable={allowed(A::LinkRequirements)} />
                </aside>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PanelProps {
    detail: Rc<ModelDetail>,
    commands: Commands,
}

fn gate_cell(ctx: &AppCtx, row: &VersionRow) -> Html {
    if row.version.stage == VersionStage::Live || row.version.stage == VersionStage::Retired {
        return html! { <span class="muted">{ "—" }</span> };
    }
    if row.gate.is_empty() {
        return html! { <span class="tag tag-ok">{ ctx.t("gate.open") }</span> };
    }
    html! {
        <ul class="gate-gaps">
            { for row.gate.iter().map(|g| html! { <li>{ ctx.locale.gate_gap(g) }</li> }) }
        </ul>
    }
}

#[component]
fn VersionsPanel(props: &PanelProps) -> Html {
    let ctx = use_app();
    let d = &props.detail;
    let busy = props.commands.busy;
    // Which version's override or rollback form is open, if any.
    let open = use_state(|| None::<(ModelVersionId, A)>);
    let text = use_state(String::new);
    let errors = use_state(FieldErrors::new);
    let run = props.commands.run.clone();
    let may_record = ctx.may(EvaluationPermission::Record);
    let simple = |row: &VersionRow, action: A, command: C, primary: bool| {
        if !row.allowed_actions.contains(&action) {
            return html! {};
        }
        let run = run.clone();
        html! {
            <button type="button" data-action={action.key()} disabled={busy}
                class={classes!("btn", "btn-small", primary.then_some("btn-primary"))}
                onclick={Callback::from(move |_: MouseEvent| run.emit(Exec::new(command.clone())))}>
                { ctx.t(&format!("model.do.{}", action.key())) }
            </button>
        }
    };
    let opener = |row: &VersionRow, action: A| {
        if !row.allowed_actions.contains(&action) {
            return html! {};
        }
        let (open, text, errors) = (open.clone(), text.clone(), errors.clone());
        let id = row.version.id;
        html! {
            <button type="button" data-action={action.key()} class="btn btn-small" disabled={busy}
                onclick={Callback::from(move |_: MouseEvent| { text.set(String::new()); errors.set(FieldErrors::new()); open.set(Some((id, action))) })}>
                { ctx.t(&format!("model.do.{}", action.key())) }
            </button>
        }
    };
    let form = |row: &VersionRow| -> Html {
        let Some((id, action)) = *open else {
            return html! {};
        };
        if id != row.version.id {
            return html! {};
        }
        let field = if action == A::OverrideGate {
            "justification"
        } else {
            "reason"
        };
        let (inv, desc) = invalid_attrs(&errors, field, "live-reason");
        let submit = {
            let (text, errors, open, run) =
                (text.clone(), errors.clone(), open.clone(), run.clone());
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let command = if action == A::OverrideGate {
                    C::GoLive {
                        version: id,
                        justification: Some((*text).clone()),
                    }
                } else {
                    C::Rollback {
                        version: id,
                        reason: (*text).clone(),
                    }
                };
                let on_ok = {
                    let open = open.clone();
                    Callback::from(move |_| open.set(None))
                };
                run.emit(Exec::new(command).on_ok(on_ok).field_errors_into(&errors));
            })
        };
        html! {
            <tr class="sub-row"><td colspan="5">
                <form class="form sub-panel" id="live-form" onsubmit={submit} novalidate=true>
                    <h3>{ ctx.t(&format!("model.form.{}", action.key())) }</h3>
                    if action == A::OverrideGate {
                        <p class="hint">{ ctx.t("model.override_explain") }</p>
                    }
                    <div class={classes!("field", errors.contains_key(field).then_some("has-error"))}>
                        <label for="live-reason">{ ctx.t(&format!("model.field.{field}")) }</label>
                        <textarea id="live-reason" rows="3" value={(*text).clone()} aria-invalid={inv} aria-describedby={desc}
                            oninput={{ let text = text.clone(); on_text(move |v| text.set(v)) }} />
                        <FieldError for_id="live-reason" errors={(*errors).clone()} field={field} />
                    </div>
                    <div class="form-actions">
                        <button type="submit" id="live-submit" class="btn btn-primary" disabled={busy}>{ ctx.t(&format!("model.do.{}", action.key())) }</button>
                        <button type="button" class="btn" onclick={{ let open = open.clone(); Callback::from(move |_| open.set(None)) }}>{ ctx.t("common.cancel") }</button>
                    </div>
                </form>
            </td></tr>
        }
    };
    html! {
        <section class="panel" aria-labelledby="versions-title" id="model-versions">
            <h2 id="versions-title">{ ctx.t("model.versions") }</h2>
            if d.versions.is_empty() {
                <Empty title={ctx.t("model.no_versions")} />
            } else {
                <table class="table" id="versions-table">
                    <thead><tr>
                        <th scope="col">{ ctx.t("version.field.label") }</th>
                        <th scope="col">{ ctx.t("version.stage") }</th>
                        <th scope="col">{ ctx.t("version.latest") }</th>
                        <th scope="col">{ ctx.t("gate.title") }</th>
                        <th scope="col">{ ctx.t("detail.next_step") }</th>
                    </tr></thead>
                    <tbody>
                        { for d.versions.iter().map(|row| {
                            let v = &row.version;
                            let id = v.id;
                            html! {
                                <>
                                <tr class="version-row" data-version={v.draft.label.clone()} data-stage={v.stage.key()}>
                                    <td>
                                        <strong>{ v.draft.label.clone() }</strong>
                                        <div class="sha" title={v.draft.code_repo.clone()}>{ format!("{} @ {}", v.draft.code_repo, v.draft.code_commit.chars().take(10).collect::<String>()) }</div>
                                        if !v.draft.base_model.is_empty() { <div class="muted">{ v.draft.base_model.clone() }</div> }
                                    </td>
                                    <td>
                                        <StatusBadge entity={EntityKind::ModelVersion} status={v.stage.key()} />
                                        if let Some(o) = &v.gate_override {
                                            <div><span class="override-flag" title={o.justification.clone()}>{ "⚠ " }{ ctx.t("model.overridden") }</span></div>
                                        }
                                    </td>
                                    <td>
                                        if let Some(e) = &row.latest {
                                            <RouteLink to={Route::Evaluation { id: e.id.to_string() }}>{ text::date(e.date) }</RouteLink>
                                            <div>
                                                <span class={classes!("tag", if e.kpis_passed == e.kpis_total { "tag-ok" } else { "tag-bad" })}>
                                                    { ctx.format("eval.kpis_passed", &[("passed", &e.kpis_passed.to_string()), ("total", &e.kpis_total.to_string())]) }
                                                </span>
                                                { " " }<StatusBadge entity={EntityKind::Evaluation} status={e.status.key()} />
                                            </div>
                                        } else {
                                            <span class="muted">{ ctx.t("version.no_evaluation") }</span>
                                        }
                                    </td>
                                    <td class="gate-cell">{ gate_cell(&ctx, row) }</td>
                                    <td>
                                        <div class="button-row">
                                            { simple(row, A::StartTesting, C::StartTesting { id }, true) }
                                            { simple(row, A::ApproveVersion, C::ApproveVersion { id }, true) }
                                            { simple(row, A::GoLive, C::GoLive { version: id, justification: None }, true) }
                                            { opener(row, A::OverrideGate) }
                                            { opener(row, A::Rollback) }
                                            { simple(row, A::RetireVersion, C::RetireVersion { id }, false) }
                                            if may_record && !matches!(v.stage, VersionStage::Retired) {
                                                <RouteLink to={Route::EvaluationImport { id: d.model.id.to_string(), version: id.to_string() }}
                                                    class={classes!("btn", "btn-small")}>{ ctx.t("model.do.import") }</RouteLink>
                                            }
                                        </div>
                                    </td>
                                </tr>
                                { form(row) }
                                </>
                            }
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AddVersionProps {
    model: ModelId,
    commands: Commands,
}

#[component]
fn AddVersion(props: &AddVersionProps) -> Html {
    let ctx = use_app();
    let open = use_state(|| false);
    let form = use_state(VersionForm::default);
    let errors = use_state(FieldErrors::new);
    if !*open {
        let open = open.clone();
        return html! {
            <div class="button-row">
                <button type="button" id="version-new" class="btn" onclick={Callback::from(move |_| open.set(true))}>{ format!("+ {}", ctx.t("version.new")) }</button>
            </div>
        };
    }
    let set = |f: fn(&mut VersionDraft, String)| {
        let form = form.clone();
        on_text(move |v| {
            let mut next = (*form).clone();
            f(&mut next.draft, v);
            form.set(next);
        })
    };
    let model = props.model;
    let submit = {
        let (form, errors, open, run) = (
            form.clone(),
            errors.clone(),
            open.clone(),
            props.commands.run.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match form.check() {
                Err(errs) => errors.set(errs),
                Ok(draft) => {
                    let on_ok = {
                        let open = open.clone();
                        let form = form.clone();
                        Callback::from(move |_| {
                            form.set(VersionForm::default());
                            open.set(false)
                        })
                    };
                    run.emit(
                        Exec::new(C::AddVersion { model, draft })
                            .on_ok(on_ok)
                            .field_errors_into(&errors),
                    );
                }
            }
        })
    };
    let input = |id: &'static str,
                 name: &'static str,
                 value: String,
                 make: fn(&mut VersionDraft, String),
                 required: bool| {
        let (inv, desc) = invalid_attrs(&errors, name, id);
        html! {
            <div class={classes!("field", errors.contains_key(name).then_some("has-error"))}>
                <label for={id}>{ ctx.t(&format!("version.field.{name}")) }if required { <span class="req-mark" aria-hidden="true">{" *"}</span> }</label>
                <input {id} type="text" {value} oninput={set(make)} aria-invalid={inv} aria-describedby={desc} />
                <FieldError for_id={id} errors={(*errors).clone()} field={name} />
            </div>
        }
    };
    let dr = &form.draft;
    let known: Vec<String> = [
        "label",
        "code_repo",
        "code_commit",
        "config_repo",
        "config_commit",
        "base_model",
        "training_data",
        "release_notes",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    html! {
        <form class="form panel" id="version-form" onsubmit={submit} novalidate=true aria-labelledby="version-form-title">
            <h2 id="version-form-title">{ ctx.t("version.new") }</h2>
            <OtherErrors errors={(*errors).clone()} {known} />
            <div class="field-row">
                { input("version-label", "label", dr.label.clone(), |d, v| d.label = v, true) }
                { input("version-base", "base_model", dr.base_model.clone(), |d, v| d.base_model = v, false) }
            </div>
            <div class="field-row">
                { input("version-repo", "code_repo", dr.code_repo.clone(), |d, v| d.code_repo = v, true) }
                { input("version-commit", "code_commit", dr.code_commit.clone(), |d, v| d.code_commit = v, true) }
            </div>
            <div class="field-row">
                { input("version-config-repo", "config_repo", dr.config_repo.clone(), |d, v| d.config_repo = v, false) }
                { input("version-config-commit", "config_commit", dr.config_commit.clone(), |d, v| d.config_commit = v, false) }
            </div>
            <div class="field">
                <label for="version-training">{ ctx.t("version.field.training_data") }</label>
                <textarea id="version-training" rows="2" value={dr.training_data.clone()} oninput={set(|d, v| d.training_data = v)} />
            </div>
            <div class="field">
                <label for="version-notes">{ ctx.t("version.field.release_notes") }</label>
                <textarea id="version-notes" rows="3" value={dr.release_notes.clone()} oninput={set(|d, v| d.release_notes = v)} />
            </div>
            <div class="form-actions">
                <button type="submit" id="version-submit" class="btn btn-primary" disabled={props.commands.busy}>{ ctx.t("version.add") }</button>
                <button type="button" class="btn" onclick={{ let open = open.clone(); Callback::from(move |_| open.set(false)) }}>{ ctx.t("common.cancel") }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    detail: Rc<ModelDetail>,
}

#[component]
fn EvaluationsPanel(props: &ViewProps) -> Html {
    let ctx = use_app();
    let picked = use_state(Vec::<String>::new);
    let d = &props.detail;
    let toggle = |id: String| {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            let mut next: Vec<String> = (*picked).clone();
            next.retain(|p| *p != id);
            if checked_of(&e) {
                next.push(id.clone());
                while next.len() > 2 {
                    next.remove(0);
                }
            }
            picked.set(next);
        })
    };
    html! {
        <section class="panel" aria-labelledby="evaluations-title" id="model-evaluations">
            <div class="panel-head">
                <h2 id="evaluations-title">{ ctx.t("model.evaluations") }</h2>
                if let [a, b] = picked.as_slice() {
                    <RouteLink to={Route::EvaluationCompare { a: a.clone(), b: b.clone() }} class={classes!("btn", "btn-small")}>{ ctx.t("eval.compare") }</RouteLink>
                } else if !d.evaluations.is_empty() {
                    <span class="muted">{ ctx.t("eval.compare_hint") }</span>
                }
            </div>
            if d.evaluations.is_empty() {
                <Empty title={ctx.t("model.no_evaluations")} />
            } else {
                <ul class="item-list">
                    { for d.evaluations.iter().map(|e| {
                        let id = e.id.to_string();
                        html! {
                            <li class="item">
                                <label class="compare-pick">
                                    <input type="checkbox" checked={picked.contains(&id)} onchange={toggle(id.clone())}
                                        aria-label={ctx.t("eval.compare_pick")} />
                                </label>
                                <EvaluationList items={vec![e.clone()]} empty={AttrValue::from("")} />
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}

#[component]
fn LiveTimeline(props: &ViewProps) -> Html {
    let ctx = use_app();
    let d = &props.detail;
    let label = |id: ModelVersionId| {
        d.versions
            .iter()
            .find(|v| v.version.id == id)
            .map(|v| v.version.draft.label.clone())
            .unwrap_or_default()
    };
    html! {
        <section class="panel" aria-labelledby="live-title" id="model-timeline">
            <h2 id="live-title">{ ctx.t("model.timeline") }</h2>
            if d.model.timeline.is_empty() {
                <p class="muted">{ ctx.t("model.never_live") }</p>
            } else {
                <ol class="timeline-live">
                    { for d.model.timeline.iter().rev().map(|p| html! {
                        <li data-change={p.change.key()}>
                            <strong>{ label(p.version) }</strong>
                            { format!(" · {} ", ctx.t(&format!("live_change.{}", p.change.key()))) }
                            <time datetime={text::iso_time(p.from)}>{ text::local_time(p.from) }</time>
                            { match p.to { Some(to) => format!(" – {}", text::local_time(to)), None => format!(" – {}", ctx.t("model.now")) } }
                            if let Some(o) = &p.gate_override {
                                <div><span class="override-flag">{ "⚠ " }{ ctx.t("model.overridden") }</span>{ " " }<span class="prose">{ o.justification.clone() }</span></div>
                            }
                            if let Some(reason) = &p.reason {
                                if p.change == LiveChange::Rollback { <div class="prose">{ reason.clone() }</div> }
                            }
                        </li>
                    }) }
                </ol>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct EditableProps {
    detail: Rc<ModelDetail>,
    commands: Commands,
    editable: bool,
}

#[component]
fn PolicyPanel(props: &EditableProps) -> Html {
    let ctx = use_app();
    let d = &props.detail;
    let editing = use_state(|| None::<PolicyForm>);
    let errors = use_state(FieldErrors::new);
    let policy = &d.model.policy;
    let Some(form) = (*editing).clone() else {
        return html! {
            <section class="panel" aria-labelledby="policy-title" id="model-policy">
                <div class="panel-head">
                    <h2 id="policy-title">{ ctx.t("model.policy") }</h2>
                    if props.editable {
                        <button type="button" id="policy-edit" class="btn btn-small"
                            onclick={{ let editing = editing.clone(); let p = policy.clone(); Callback::from(move |_| editing.set(Some(PolicyForm::from_policy(&p)))) }}>
                            { ctx.t("model.policy_edit") }
                        </button>
                    }
                </div>
                <table class="table table-compact" id="policy-table">
                    <thead><tr>
                        <th scope="col">{ ctx.t("kpi.name") }</th>
                        <th scope="col">{ ctx.t("kpi.threshold") }</th>
                        <th scope="col">{ ctx.t("kpi.allowed_drop") }</th>
                        <th scope="col">{ ctx.t("kpi.min_samples") }</th>
                        <th scope="col">{ ctx.t("kpi.max_group_gap") }</th>
                    </tr></thead>
                    <tbody>
                        { for policy.kpis.iter().map(|k| {
                            let symbol = if k.direction == govbench_protocol::Direction::HigherIsBetter { "≥" } else { "≤" };
                            let mut drops = Vec::new();
                            if let Some(a) = k.max_drop_abs { drops.push(number(a)); }
                            if let Some(r) = k.max_drop_rel { drops.push(format!("{}%", number(r * 100.0))); }
                            html! {
                                <tr data-kpi={k.key.clone()}>
                                    <td>{ k.name.clone() }<div class="muted">{ format!("{} · {}", k.key, ctx.t(&format!("direction.{}", k.direction.key()))) }</div></td>
                                    <td class="num">{ format!("{symbol} {} {}", number(k.threshold), k.unit) }</td>
                                    <td class="num">{ if drops.is_empty() { "0".to_owned() } else { drops.join(" / ") } }</td>
                                    <td class="num">{ k.min_samples.map(|n| n.to_string()).unwrap_or_else(|| "—".into()) }</td>
                                    <td class="num">{ k.max_group_gap.map(number).unwrap_or_else(|| "—".into()) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                if !policy.mappings.is_empty() {
                    <h3>{ ctx.t("model.mappings") }</h3>
                    <ul class="muted">
                        { for policy.mappings.iter().map(|m| html! {
                            <li><code>{ if m.task.is_empty() { m.metric.clone() } else { format!("{}/{}", m.task, m.metric) } }</code>{ format!(" → {}", m.kpi) }</li>
                        }) }
                    </ul>
                }
            </section>
        };
    };
    let update = |i: usize, f: fn(&mut KpiRow, String)| {
        let editing = editing.clone();
        on_text(move |v| {
            if let Some(mut next) = (*editing).clone() {
                if let Some(row) = next.rows.get_mut(i) {
                    f(row, v);
                }
                editing.set(Some(next));
            }
        })
    };
    let cell = |i: usize, field: &'static str, value: String, f: fn(&mut KpiRow, String)| {
        let id = format!("policy-{i}-{field}");
        let key = format!("kpis.{i}.{field}");
        html! {
            <td class={classes!(errors.contains_key(&key).then_some("has-error"))}>
                <input id={id} type="text" size="6" {value} oninput={update(i, f)} aria-invalid={errors.contains_key(&key).then_some("true")} />
                if let Some(rule) = errors.get(&key) { <div class="field-error">{ ctx.t(rule) }</div> }
            </td>
        }
    };
    let model = d.model.id;
    let save = {
        let (editing, errors, run) = (editing.clone(), errors.clone(), props.commands.run.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(form) = (*editing).clone() else {
                return;
            };
            match form.policy() {
                Err(errs) => errors.set(errs),
                Ok(policy) => {
                    let on_ok = {
                        let editing = editing.clone();
                        Callback::from(move |_| editing.set(None))
                    };
                    run.emit(
                        Exec::new(C::SetPolicy { id: model, policy })
                            .on_ok(on_ok)
                            .field_errors_into(&errors),
                    );
                }
            }
        })
    };
    let add_row = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(mut next) = (*editing).clone() {
                next.rows.push(KpiRow {
                    higher: true,
                    ..KpiRow::default()
                });
                editing.set(Some(next));
            }
        })
    };
    html! {
        <form class="form panel" id="policy-form" onsubmit={save} novalidate=true aria-labelledby="policy-form-title">
            <h2 id="policy-form-title">{ ctx.t("model.policy_edit") }</h2>
            <p class="hint">{ ctx.t("model.policy_hint") }</p>
            <OtherErrors errors={(*errors).clone()} known={Vec::<String>::new()} />
            <div class="table-scroll">
            <table class="table table-compact">
                <thead><tr>
                    <th scope="col">{ ctx.t("kpi.key") }</th>
                    <th scope="col">{ ctx.t("kpi.name") }</th>
                    <th scope="col">{ ctx.t("kpi.higher") }</th>
                    <th scope="col">{ ctx.t("kpi.threshold") }</th>
                    <th scope="col">{ ctx.t("kpi.max_drop_abs") }</th>
                    <th scope="col">{ ctx.t("kpi.max_drop_rel") }</th>
                    <th scope="col">{ ctx.t("kpi.min_samples") }</th>
                    <th scope="col">{ ctx.t("kpi.max_group_gap") }</th>
                    <th scope="col">{ ctx.t("kpi.unit") }</th>
                    <th scope="col"></th>
                </tr></thead>
                <tbody>
                    { for form.rows.iter().enumerate().map(|(i, r)| {
                        let toggle = { let editing = editing.clone(); Callback::from(move |e: Event| {
                            if let Some(mut next) = (*editing).clone() { if let Some(row) = next.rows.get_mut(i) { row.higher = checked_of(&e); } editing.set(Some(next)); }
                        }) };
                        let remove = { let editing = editing.clone(); Callback::from(move |_: MouseEvent| {
                            if let Some(mut next) = (*editing).clone() { if i < next.rows.len() { next.rows.remove(i); } editing.set(Some(next)); }
                        }) };
                        html! {
                            <tr>
                                { cell(i, "key", r.key.clone(), |row, v| row.key = v) }
                                { cell(i, "name", r.name.clone(), |row, v| row.name = v) }
                                <td><input type="checkbox" checked={r.higher} onchange={toggle} aria-label={ctx.t("kpi.higher")} /></td>
                                { cell(i, "threshold", r.threshold.clone(), |row, v| row.threshold = v) }
                                { cell(i, "max_drop_abs", r.max_drop_abs.clone(), |row, v| row.max_drop_abs = v) }
                                { cell(i, "max_drop_rel", r.max_drop_rel_percent.clone(), |row, v| row.max_drop_rel_percent = v) }
                                { cell(i, "min_samples", r.min_samples.clone(), |row, v| row.min_samples = v) }
                                { cell(i, "max_group_gap", r.max_group_gap.clone(), |row, v| row.max_group_gap = v) }
                                { cell(i, "unit", r.unit.clone(), |row, v| row.unit = v) }
                                <td><button type="button" class="btn btn-small" onclick={remove} aria-label={ctx.t("kpi.remove")}>{ "×" }</button></td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            </div>
            if !form.mappings.is_empty() {
                <h3>{ ctx.t("model.mappings") }</h3>
                <ul class="item-list" id="policy-mappings">
                    { for form.mappings.iter().enumerate().map(|(i, m)| {
                        let remove = { let editing = editing.clone(); Callback::from(move |_: MouseEvent| {
                            if let Some(mut next) = (*editing).clone() { if i < next.mappings.len() { next.mappings.remove(i); } editing.set(Some(next)); }
                        }) };
                        html! {
                            <li class="item">
                                <span><code>{ if m.task.is_empty() { m.metric.clone() } else { format!("{}/{}", m.task, m.metric) } }</code>{ format!(" → {}", m.kpi) }</span>
                                <button type="button" class="btn btn-small" onclick={remove} aria-label={ctx.t("model.mapping_remove")}>{ "×" }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
            <div class="form-actions">
                <button type="button" class="btn" onclick={add_row}>{ format!("+ {}", ctx.t("kpi.add")) }</button>
                <button type="submit" id="policy-save" class="btn btn-primary" disabled={props.commands.busy}>{ ctx.t("model.policy_save") }</button>
                <button type="button" class="btn" onclick={{ let editing = editing.clone(); Callback::from(move |_| editing.set(None)) }}>{ ctx.t("common.cancel") }</button>
            </div>
        </form>
    }
}

#[component]
fn RequirementsPanel(props: &EditableProps) -> Html {
    let ctx = use_app();
    let d = &props.detail;
    let picking = use_state(|| false);
    let choices = use_fetch(*picking, |picking: bool| async move {
        if picking {
            api::call::<endpoint::RequirementsList>(&RequirementQuery {
                limit: 200,
                ..Default::default()
            })
            .await
            .map(|p| p.items)
        } else {
            Ok(Vec::new())
        }
    });
    let links = d.model.links.clone();
    let model = d.model.id;
    let set_links: Rc<dyn Fn(Vec<RequirementLink>)> = {
        let run = props.commands.run.clone();
        Rc::new(move |links| run.emit(Exec::new(C::LinkRequirements { id: model, links })))
    };
    html! {
        <section class="panel" aria-labelledby="model-req-title" id="model-requirements">
            <h2 id="model-req-title">{ ctx.t("model.requirements") }</h2>
            if d.requirements.is_empty() {
                <p class="muted">{ ctx.t("model.no_requirements") }</p>
            } else {
                <ul class="item-list">
                    { for d.requirements.iter().map(|r| {
                        let remove = {
                            let links: Vec<RequirementLink> = links.iter().filter(|l| l.requirement != r.id).cloned().collect();
                            let run = set_links.clone();
                            Callback::from(move |_: MouseEvent| run(links.clone()))
                        };
                        html! {
                            <li class="item">
                                <RouteLink to={Route::RequirementDetail { id: r.id.to_string() }}>{ r.title.clone() }</RouteLink>
                                <span class="item-meta">
                                    <StatusBadge entity={EntityKind::Requirement} status={r.status.key()} />
                                    if props.editable { <button type="button" class="btn btn-small" onclick={remove} aria-label={ctx.t("model.unlink")}>{ "×" }</button> }
                                </span>
                            </li>
                        }
                    }) }
                </ul>
            }
            if props.editable {
                if *picking {
                    <select id="model-link-pick" onchange={{
                        let links = links.clone();
                        let run = set_links.clone();
                        let picking = picking.clone();
                        crate::components::on_change(move |v| {
                            if let Ok(id) = v.parse() {
                                let mut next = links.clone();
                                if !next.iter().any(|l| l.requirement == id) {
                                    next.push(RequirementLink { requirement: id, version: None });
                                }
                                run(next);
                                picking.set(false);
                            }
                        })
                    }}>
                        <option value="" selected=true>{ ctx.t("model.link_pick") }</option>
                        { for choices.data.iter().flat_map(|c| c.iter()).filter(|r| !links.iter().any(|l| l.requirement == r.id)).map(|r| html! {
                            <option value={r.id.to_string()}>{ r.title.clone() }</option>
                        }) }
                    </select>
                } else {
                    <button type="button" id="model-link" class="btn btn-small" onclick={{ let picking = picking.clone(); Callback::from(move |_| picking.set(true)) }}>
                        { format!("+ {}", ctx.t("model.link")) }
                    </button>
                }
            }
        </section>
    }
}
