//! The requirement draft editor, shared by "New requirement" and "Edit" on the detail page.

use std::rc::Rc;

use govbench_protocol::{Comparator, Priority, RequirementDraft};
use yew::prelude::*;

use super::state::draft::{DraftAction, DraftForm, KpiField, KpiRow};
use crate::components::{invalid_attrs, on_change, on_text, DateField, FieldError, OtherErrors};
use crate::context::use_app;
use crate::state::FieldErrors;

impl Reducible for DraftForm {
    type Action = DraftAction;
    fn reduce(self: Rc<Self>, action: DraftAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormMode {
    New,
    Edit,
}

#[derive(Properties, PartialEq)]
pub struct DraftFormProps {
    pub initial: DraftForm,
    pub mode: FormMode,
    /// Validation errors from the backend's last answer.
    #[prop_or_default]
    pub backend_errors: FieldErrors,
    #[prop_or_default]
    pub departments: Vec<String>,
    #[prop_or_default]
    pub busy: bool,
    /// The validated draft and whether to submit it (new requirements only).
    pub on_submit: Callback<(RequirementDraft, bool)>,
    #[prop_or_default]
    pub on_cancel: Option<Callback<()>>,
}

#[component]
pub fn DraftEditor(props: &DraftFormProps) -> Html {
    let ctx = use_app();
    let initial = props.initial.clone();
    let form = use_reducer(move || initial);

    {
        let form = form.clone();
        use_effect_with(props.backend_errors.clone(), move |errors| {
            if !errors.is_empty() {
                form.dispatch(DraftAction::SetErrors(errors.clone()));
            }
        });
    }

    let on_submit = {
        let form = form.clone();
        let on_submit = props.on_submit.clone();
        Callback::from(move |submit: bool| match form.validate() {
            Ok(draft) => on_submit.emit((draft, submit)),
            Err(errors) => form.dispatch(DraftAction::SetErrors(errors)),
        })
    };
    let dispatch = {
        let form = form.clone();
        Callback::from(move |action: DraftAction| form.dispatch(action))
    };
    let d = |make: fn(String) -> DraftAction| {
        let form = form.clone();
        on_text(move |v| form.dispatch(make(v)))
    };
    let errors = &form.errors;
    let field = |id: &'static str, name: &'static str, label: &str, required: bool, input: Html| {
        html! {
            <div class={classes!("field", errors.contains_key(name).then_some("has-error"))}>
                <label for={id}>
                    { label.to_owned() }
                    if required { <span class="req-mark" aria-hidden="true">{" *"}</span> }
                </label>
                { input }
                <FieldError for_id={id} errors={errors.clone()} field={name} />
            </div>
        }
    };

    let (inv_title, desc_title) = invalid_attrs(errors, "title", "req-title");
    let (inv_scn, desc_scn) = invalid_attrs(errors, "scenario", "req-scenario");
    let (inv_goals, desc_goals) = invalid_attrs(errors, "goals", "req-goals");
    let (inv_dep, desc_dep) = invalid_attrs(errors, "department", "req-department");
    let (inv_date, desc_date) = invalid_attrs(errors, "wanted_by", "req-wanted-by");

    let priority_change = {
        let form = form.clone();
        on_change(move |v| {
            if let Some(p) = Priority::from_key(&v) {
                form.dispatch(DraftAction::Priority(p));
            }
        })
    };

    let add_kpi = {
        let form = form.clone();
        Callback::from(move |_: MouseEvent| form.dispatch(DraftAction::AddKpi))
    };
    let has_errors = !form.errors.is_empty();

    html! {
        <form class="form draft-form" novalidate=true onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            if has_errors {
                <div class="form-alert" role="alert">
                    <span aria-hidden="true">{"⚠ "}</span>{ ctx.t("error.validation") }
                    <OtherErrors errors={form.errors.clone()} known={form.known_fields()} />
                </div>
            }
            { field("req-title", "title", &ctx.t("req.field.title"), true, html! {
                <input id="req-title" type="text" value={form.title.clone()} oninput={d(DraftAction::Title)}
                    placeholder={ctx.t("req.field.title_placeholder")}
                    aria-invalid={inv_title} aria-describedby={desc_title} />
            }) }
            { field("req-scenario", "scenario", &ctx.t("req.field.scenario"), true, html! {
                <textarea id="req-scenario" rows="4" value={form.scenario.clone()} oninput={d(DraftAction::Scenario)}
                    placeholder={ctx.t("req.field.scenario_placeholder")}
                    aria-invalid={inv_scn} aria-describedby={desc_scn} />
            }) }
            { field("req-goals", "goals", &ctx.t("req.field.goals"), true, html! {
                <textarea id="req-goals" rows="3" value={form.goals.clone()} oninput={d(DraftAction::Goals)}
                    placeholder={ctx.t("req.field.goals_placeholder")}
                    aria-invalid={inv_goals} aria-describedby={desc_goals} />
            }) }
            <div class="field-row">
                { field("req-priority", "priority", &ctx.t("req.field.priority"), true, html! {
                    <select id="req-priority" onchange={priority_change}>
                        { for Priority::ALL.iter().map(|p| html! {
                            <option value={p.key()} selected={*p == form.priority}>{ ctx.t(&format!("priority.{}", p.key())) }</option>
                        }) }
                    </select>
                }) }
                { field("req-department", "department", &ctx.t("req.field.department"), true, html! {
                    <>
                        <input id="req-department" type="text" list="req-department-list" value={form.department.clone()}
                            oninput={d(DraftAction::Department)} autocomplete="off"
                            aria-invalid={inv_dep} aria-describedby={desc_dep} />
                        <datalist id="req-department-list">
                            { for props.departments.iter().map(|dep| html! { <option value={dep.clone()} /> }) }
                        </datalist>
                    </>
                }) }
                { field("req-wanted-by", "wanted_by", &ctx.t("req.field.wanted_by"), true, html! {
                    <DateField id="req-wanted-by" value={form.wanted_by.clone()}
                        on_input={{ let form = form.clone(); Callback::from(move |v| form.dispatch(DraftAction::WantedBy(v))) }}
                        invalid={inv_date} describedby={desc_date} />
                }) }
            </div>
            <fieldset class={classes!("kpi-editor", errors.contains_key("kpis").then_some("has-error"))}>
                <legend>{ ctx.t("req.field.kpis") }<span class="req-mark" aria-hidden="true">{" *"}</span></legend>
                <p class="hint">{ ctx.t("req.kpi.hint") }</p>
                <ol class="kpi-list">
                    { for form.kpis.iter().enumerate().map(|(i, row)| html! {
                        <KpiRowEditor key={i} index={i} row={row.clone()} errors={errors.clone()} dispatch={dispatch.clone()} />
                    }) }
                </ol>
                <FieldError for_id="kpi-add" errors={errors.clone()} field="kpis" />
                <button type="button" id="kpi-add" class="btn btn-small btn-ghost" onclick={add_kpi}>
                    { format!("+ {}", ctx.t("req.kpi.add")) }
                </button>
            </fieldset>
            <DraftActions mode={props.mode} busy={props.busy} {on_submit} on_cancel={props.on_cancel.clone()} />
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct KpiRowProps {
    index: usize,
    row: KpiRow,
    errors: FieldErrors,
    dispatch: Callback<DraftAction>,
}

/// One KPI: the metric, how it compares, the target and the unit, and removing it.
#[component]
fn KpiRowEditor(props: &KpiRowProps) -> Html {
    let ctx = use_app();
    let (i, row, errors) = (props.index, &props.row, &props.errors);
    let text_cb = |f: KpiField| {
        let dispatch = props.dispatch.clone();
        on_text(move |v| dispatch.emit(DraftAction::KpiText(i, f, v)))
    };
    let cmp_cb = {
        let dispatch = props.dispatch.clone();
        on_change(move |v| {
            if let Some(c) = Comparator::from_key(&v) {
                dispatch.emit(DraftAction::KpiComparator(i, c));
            }
        })
    };
    let remove = props
        .dispatch
        .reform(move |_: MouseEvent| DraftAction::RemoveKpi(i));
    let metric_id = format!("kpi-metric-{i}");
    let cmp_id = format!("kpi-comparator-{i}");
    let target_id = format!("kpi-target-{i}");
    let unit_id = format!("kpi-unit-{i}");
    let metric_field = format!("kpis.{i}.metric");
    let target_field = format!("kpis.{i}.target");
    let unit_field = format!("kpis.{i}.unit");
    let (inv_m, desc_m) = invalid_attrs(errors, &metric_field, &metric_id);
    let (inv_t, desc_t) = invalid_attrs(errors, &target_field, &target_id);
    let n = (i + 1).to_string();
    html! {
        <li class="kpi-row">
            <div class="kpi-cell kpi-metric">
                <label for={metric_id.clone()} class="small-label">{ ctx.format("req.kpi.metric_n", &[("n", &n)]) }</label>
                <input id={metric_id.clone()} type="text" value={row.metric.clone()}
                    placeholder={ctx.t("req.kpi.metric_placeholder")}
                    oninput={text_cb(KpiField::Metric)} aria-invalid={inv_m} aria-describedby={desc_m} />
                <FieldError for_id={metric_id} errors={errors.clone()} field={metric_field} />
            </div>
            <div class="kpi-cell kpi-cmp">
                <label for={cmp_id.clone()} class="small-label">{ ctx.t("req.kpi.comparator") }</label>
                <select id={cmp_id} onchange={cmp_cb}>
                    { for Comparator::ALL.iter().map(|c| {
                        let key = c.key();
                        html! {
                            <option value={key} selected={*c == row.comparator}
                                title={ctx.t(&format!("comparator.{key}"))}>
                                { format!("{}  {}", c.symbol(), ctx.t(&format!("comparator.{key}"))) }
                            </option>
                        }
                    }) }
                </select>
            </div>
            <div class="kpi-cell kpi-target">
                <label for={target_id.clone()} class="small-label">{ ctx.t("req.kpi.target") }</label>
                <input id={target_id.clone()} type="number" step="any" inputmode="decimal" value={row.target.clone()}
                    oninput={text_cb(KpiField::Target)} aria-invalid={inv_t} aria-describedby={desc_t} />
                <FieldError for_id={target_id} errors={errors.clone()} field={target_field} />
            </div>
            <div class="kpi-cell kpi-unit">
                <label for={unit_id.clone()} class="small-label">{ ctx.t("req.kpi.unit") }</label>
                <input id={unit_id.clone()} type="text" value={row.unit.clone()}
                    placeholder={ctx.t("req.kpi.unit_placeholder")} oninput={text_cb(KpiField::Unit)} />
                <FieldError for_id={unit_id} errors={errors.clone()} field={unit_field} />
            </div>
            <div class="kpi-cell kpi-remove">
                <button type="button" class="btn btn-icon btn-ghost" id={format!("kpi-remove-{i}")}
                    onclick={remove} aria-label={ctx.format("req.kpi.remove_n", &[("n", &n)])}
                    title={ctx.t("req.kpi.remove")}>
                    {"✕"}
                </button>
            </div>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ActionsProps {
    mode: FormMode,
    busy: bool,
    /// Whether to submit the checked draft too (new requirements only).
    on_submit: Callback<bool>,
    on_cancel: Option<Callback<()>>,
}

/// The form's buttons: save as draft and submit (new), or save the changes (edit); cancel.
#[component]
fn DraftActions(props: &ActionsProps) -> Html {
    let ctx = use_app();
    let submit = |submit: bool| props.on_submit.reform(move |_: MouseEvent| submit);
    html! {
        <div class="form-actions">
            {
                match props.mode {
                    FormMode::New => html! {
                        <>
                            <button type="button" id="req-save-draft" class="btn" disabled={props.busy} onclick={submit(false)}>
                                { ctx.t("req.save_draft") }
                            </button>
                            <button type="button" id="req-submit" class="btn btn-primary" disabled={props.busy} onclick={submit(true)}>
                                { ctx.t("req.submit") }
                            </button>
                        </>
                    },
                    FormMode::Edit => html! {
                        <button type="button" id="req-save" class="btn btn-primary" disabled={props.busy} onclick={submit(false)}>
                            { ctx.t("req.save_changes") }
                        </button>
                    },
                }
            }
            if let Some(cancel) = &props.on_cancel {
                <button type="button" id="req-cancel" class="btn btn-ghost" onclick={cancel.reform(|_: MouseEvent| ())}>
                    { ctx.t("common.cancel") }
                </button>
            }
        </div>
    }
}
