//! The versions panel: each version's stage, latest verdict, go-live gate and the moves allowed.

use std::rc::Rc;

use govbench_protocol::{
    EntityKind, EvaluationPermission, ModelAction as A, ModelCommand as C, ModelDetail,
    ModelVersionId, VersionRow, VersionStage,
};
use yew::prelude::*;

use crate::components::{invalid_attrs, on_text, Empty, FieldError, RouteLink, StatusBadge};
use crate::context::{use_app, AppCtx};
use crate::hooks::{Commands, Exec};
use crate::route::Route;
use crate::state::FieldErrors;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub detail: Rc<ModelDetail>,
    pub commands: Commands,
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

/// A version's label and code, its stage (and any gate override), and its latest evaluation.
fn version_cells(ctx: &AppCtx, row: &VersionRow) -> Html {
    let v = &row.version;
    html! {
        <>
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
        </>
    }
}

#[component]
pub fn VersionsPanel(props: &PanelProps) -> Html {
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
                                    { version_cells(&ctx, row) }
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
