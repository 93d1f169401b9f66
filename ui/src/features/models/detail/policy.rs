//! The KPI policy panel: the thresholds a version must meet, and editing them.

use govbench_i18n::number;
use govbench_protocol::{KpiPolicy, ModelCommand as C};
use yew::prelude::*;

use super::EditableProps;
use crate::components::{checked_of, on_text, OtherErrors};
use crate::context::{use_app, AppCtx};
use crate::features::models::state::{KpiRow, PolicyForm};
use crate::hooks::Exec;
use crate::state::FieldErrors;

#[component]
pub fn PolicyPanel(props: &EditableProps) -> Html {
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
                { policy_table(&ctx, policy) }
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

/// The policy as it stands: each KPI's threshold, allowed drop, minimum samples and largest
/// group gap, and the metric mappings.
fn policy_table(ctx: &AppCtx, policy: &KpiPolicy) -> Html {
    html! {
        <>
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
        </>
    }
}
