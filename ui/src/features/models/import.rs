//! Importing an evaluation of a version: files by the native dialog or dropped on the page, a
//! preview of what was found and how it maps onto the KPIs (nothing stored yet), who
//! evaluated on which data set, then one action that stores all of it or nothing. Values can
//! also be typed in by hand.

use std::rc::Rc;
use std::str::FromStr;

use govbench_i18n::number;
use govbench_protocol::endpoint;
use govbench_protocol::{
    ApiError, CommandOutcome, ErrorCode, EvaluationCommand, EvaluationMeta, Evaluator, FilePreview,
    ImportPreview, ImportSource, KpiRule, ManualValue, ModelId, ModelVersionId, NoRequest,
    PreviewRequest,
};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use yew::prelude::*;
use yew_router::prelude::*;

use super::state::{ImportAction, ImportForm};
use crate::api;
use crate::components::{
    checked_of, invalid_attrs, on_change, on_text, DateField, ErrorAlert, FieldError, Loading,
    RouteLink,
};
use crate::context::use_app;
use crate::hooks::{use_command, use_detail, use_fetch, Commands, Exec};
use crate::route::Route;
use crate::state::{backend_field_errors, FieldErrors};

/// A dropped file is read into memory; larger results belong in the file dialog, which
/// streams them from disk.
const MAX_DROPPED_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

impl Reducible for ImportForm {
    type Action = ImportAction;
    fn reduce(self: Rc<Self>, action: ImportAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
pub struct ImportProps {
    pub id: String,
    pub version: String,
}

#[component]
pub fn ImportPage(props: &ImportProps) -> Html {
    let ctx = use_app();
    let version_id = ModelVersionId::from_str(&props.version).ok();
    let today = chrono::Local::now().date_naive();
    let form = use_reducer(move || ImportForm::new(today));
    let detail = use_detail::<endpoint::ModelGet>(&props.id);
    let model_id = detail.id;
    let detail = detail.fetched;
    let preview = use_fetch(
        (model_id, form.sources.clone()),
        |(model, sources): (Option<ModelId>, Vec<ImportSource>)| async move {
            api::call::<endpoint::EvaluationPreview>(&PreviewRequest { model, sources }).await
        },
    );
    let commands = use_command();

    let (Some(model_id), Some(version_id)) = (model_id, version_id) else {
        return html! { <section class="page" id="page-import"><ErrorAlert id="import-error" error={Some(ApiError::new(ErrorCode::NotFound))} /></section> };
    };
    let Some(d) = detail.data.clone() else {
        return html! { <section class="page" id="page-import"><ErrorAlert id="import-error" error={detail.error.clone()} /><Loading /></section> };
    };
    let label = d
        .versions
        .iter()
        .find(|v| v.version.id == version_id)
        .map(|v| v.version.draft.label.clone())
        .unwrap_or_default();
    let kpis = d.model.policy.kpis.clone();
    let on_add = {
        let form = form.clone();
        Callback::from(move |sources: Vec<ImportSource>| form.dispatch(ImportAction::Add(sources)))
    };

    html! {
        <section class="page" id="page-import">
            <nav class="breadcrumbs" aria-label={ctx.t("common.breadcrumbs")}>
                <RouteLink to={Route::Models}>{ ctx.t("nav.models") }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <RouteLink to={Route::ModelDetail { id: model_id.to_string() }}>{ d.model.draft.name.clone() }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ ctx.format("import.title", &[("version", &label)]) }</span>
            </nav>
            <h1>{ ctx.format("import.heading", &[("model", &d.model.draft.name), ("version", &label)]) }</h1>
            <ErrorAlert id="action-error" error={commands.error.clone().filter(|e| e.code != ErrorCode::Validation)} />
            <FilesPanel {on_add} errors={form.errors.clone()} />
            if !form.sources.is_empty() {
                <section class="panel" aria-labelledby="preview-title" id="import-preview">
                    <h2 id="preview-title">{ ctx.t("import.preview") }</h2>
                    <p class="hint">{ ctx.t("import.preview_hint") }</p>
                    if preview.loading && preview.data.is_none() { <Loading /> }
                    if let Some(p) = &preview.data {
                        { for p.refused.iter().map(|r| html! {
                            <div class="refused file-refused" role="alert" data-file={r.file.clone()}>
                                <strong>{ r.file.clone() }</strong>{ ": " }{ ctx.t(&format!("import.problem.{}", r.problem)) }
                                if !r.detail.is_empty() { { format!(" ({})", r.detail) } }
                                { " — " }{ ctx.t("import.refused_hint") }
                            </div>
                        }) }
                        { for p.files.iter().map(|f| html! {
                            <FileMapping file={f.clone()} form={form.clone()} kpis={kpis.clone()} />
                        }) }
                    }
                </section>
            }
            <AboutForm form={form.clone()} preview={preview.data.clone()} commands={commands.clone()} {version_id} />
            <ManualEntry {version_id} kpis={kpis.iter().map(|k| (k.key.clone(), k.name.clone())).collect::<Vec<_>>()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FilesProps {
    /// Files chosen or dropped.
    on_add: Callback<Vec<ImportSource>>,
    errors: FieldErrors,
}

/// Where files come in: the native dialog, or dropped on the zone.
#[component]
fn FilesPanel(props: &FilesProps) -> Html {
    let ctx = use_app();
    let drop_note = use_state(|| None::<String>);
    let over = use_state(|| false);
    let pick = pick_files(&props.on_add);
    let ondrop = drop_files(
        &props.on_add,
        &drop_note,
        &over,
        ctx.t("import.drop_too_large"),
    );
    let ondragover = {
        let over = over.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            over.set(true)
        })
    };
    let ondragleave = {
        let over = over.clone();
        Callback::from(move |_: DragEvent| over.set(false))
    };
    html! {
        <section class="panel" aria-labelledby="import-files-title">
            <h2 id="import-files-title">{ ctx.t("import.files") }</h2>
            <div id="drop-zone" class={classes!("drop-zone", over.then_some("over"))} {ondrop} {ondragover} {ondragleave}>
                <p>{ ctx.t("import.drop_here") }</p>
                <button type="button" id="import-pick" class="btn btn-primary" onclick={pick}>{ ctx.t("import.choose") }</button>
                <p class="hint">{ ctx.t("import.formats") }</p>
            </div>
            if let Some(note) = &*drop_note { <p class="field-error">{ note.clone() }</p> }
            <FieldError for_id="import-pick" errors={props.errors.clone()} field="sources" />
        </section>
    }
}

/// "Choose files": the native dialog; the files are read from disk by the backend.
fn pick_files(on_add: &Callback<Vec<ImportSource>>) -> Callback<MouseEvent> {
    let on_add = on_add.clone();
    Callback::from(move |_: MouseEvent| {
        let on_add = on_add.clone();
        spawn_local(async move {
            if let Ok(paths) = api::call::<endpoint::PickImportFiles>(&NoRequest {}).await {
                on_add.emit(
                    paths
                        .into_iter()
                        .map(|path| ImportSource::Path { path })
                        .collect(),
                );
            }
        });
    })
}

/// Dropped files are read here, each as its text; one too large is named in `drop_note`
/// with `too_large`.
fn drop_files(
    on_add: &Callback<Vec<ImportSource>>,
    drop_note: &UseStateHandle<Option<String>>,
    over: &UseStateHandle<bool>,
    too_large: String,
) -> Callback<DragEvent> {
    let (on_add, drop_note, over) = (on_add.clone(), drop_note.clone(), over.clone());
    Callback::from(move |e: DragEvent| {
        e.prevent_default();
        over.set(false);
        let Some(files) = e.data_transfer().and_then(|t| t.files()) else {
            return;
        };
        for i in 0..files.length() {
            let Some(file) = files.get(i) else { continue };
            let name = file.name();
            if file.size() > MAX_DROPPED_BYTES {
                drop_note.set(Some(format!("{name}: {too_large}")));
                continue;
            }
            let on_add = on_add.clone();
            spawn_local(async move {
                let text = JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string());
                if let Some(text) = text {
                    on_add.emit(vec![ImportSource::Text { name, text }]);
                }
            });
        }
    })
}

#[derive(Properties, PartialEq)]
struct MappingProps {
    file: FilePreview,
    /// The import form (which KPI each metric counts as, removing a file).
    form: UseReducerHandle<ImportForm>,
    /// The model's KPIs a metric may count as.
    kpis: Vec<KpiRule>,
}

/// One file of the preview: its tool and SHA-256, the samples, each metric with the KPI it
/// counts as, and the warnings.
#[component]
fn FileMapping(props: &MappingProps) -> Html {
    let ctx = use_app();
    let (f, form) = (&props.file, &props.form);
    let index = form.sources.iter().position(|s| s.name() == f.source.name);
    let remove = {
        let form = form.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = index {
                form.dispatch(ImportAction::Remove(i))
            }
        })
    };
    html! {
        <div class="file-preview" data-file={f.source.name.clone()}>
            <div class="panel-head">
                <h3>{ f.source.name.clone() }</h3>
                <span class="muted">{ format!("{} {}", f.source.tool, f.source.tool_version.clone().unwrap_or_default()) }</span>
                <button type="button" class="btn btn-small" onclick={remove}>{ ctx.t("import.remove") }</button>
            </div>
            <div class="sha">{ format!("SHA-256 {}", f.source.sha256) }</div>
            if let Some(s) = &f.samples {
                <p>{ ctx.format("eval.samples_summary", &[("task", &s.task), ("samples", &s.samples.to_string()), ("failed", &s.failed.to_string()), ("kept", &s.failing.len().to_string())]) }</p>
            }
            if !f.metrics.is_empty() {
                <div class="table-scroll">
                <table class="table table-compact preview-metrics">
                    <thead><tr>
                        <th scope="col">{ ctx.t("eval.task") }</th>
                        <th scope="col">{ ctx.t("eval.metric") }</th>
                        <th scope="col" class="num">{ ctx.t("eval.value") }</th>
                        <th scope="col" class="num">{ "stderr" }</th>
                        <th scope="col" class="num">{ "n" }</th>
                        <th scope="col">{ ctx.t("import.counts_as") }</th>
                    </tr></thead>
                    <tbody>
                        { for f.metrics.iter().map(|m| {
                            let chosen = form.kpi_of(&m.task, &m.metric, m.kpi.as_deref());
                            let onchange = { let form = form.clone(); let (task, metric) = (m.task.clone(), m.metric.clone());
                                on_change(move |v| form.dispatch(ImportAction::Map { task: task.clone(), metric: metric.clone(), kpi: v })) };
                            html! {
                                <tr data-metric={m.metric.clone()} data-kpi={chosen.clone().unwrap_or_default()}>
                                    <td>{ m.task.clone() }{ m.group.as_ref().map(|g| format!(" · {g}")).unwrap_or_default() }</td>
                                    <td><code>{ m.metric.clone() }</code></td>
                                    <td class="num">{ number(m.value) }</td>
                                    <td class="num">{ m.stderr.map(number).unwrap_or_else(|| "—".into()) }</td>
                                    <td class="num">{ m.n.map(|n| n.to_string()).unwrap_or_else(|| "—".into()) }</td>
                                    <td><select {onchange} aria-label={ctx.t("import.counts_as")}>
                                        <option value="" selected={chosen.is_none()}>{ ctx.t("import.not_a_kpi") }</option>
                                        { for props.kpis.iter().map(|k| html! { <option value={k.key.clone()} selected={chosen.as_deref() == Some(k.key.as_str())}>{ k.name.clone() }</option> }) }
                                    </select></td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                </div>
            }
            if !f.warnings.is_empty() {
                <ul class="warnings">
                    { for f.warnings.iter().map(|w| html! {
                        <li>{ "⚠ " }{ w.at.clone().map(|a| format!("{a} — ")).unwrap_or_default() }{ ctx.t(&format!("import.warning.{}", w.key)) }{ format!(": {}", w.detail) }</li>
                    }) }
                </ul>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct AboutProps {
    form: UseReducerHandle<ImportForm>,
    /// The preview the user sees: what "Import" stores (nothing while there is none).
    preview: Option<Rc<ImportPreview>>,
    commands: Commands,
    version_id: ModelVersionId,
}

/// Who evaluated on which data set and when, and "Import", which stores the files of the
/// preview and the mapping, or nothing.
#[component]
fn AboutForm(props: &AboutProps) -> Html {
    let ctx = use_app();
    let navigator = use_navigator();
    let form = &props.form;
    let version_id = props.version_id;
    let submit = {
        let (form, run, preview_data) = (
            form.clone(),
            props.commands.run.clone(),
            props.preview.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(p) = preview_data.clone() else {
                return;
            };
            match form.command(version_id, &p) {
                Err(errors) => form.dispatch(ImportAction::Errors(errors)),
                Ok(command) => {
                    let on_fail = {
                        let form = form.clone();
                        Callback::from(move |err: ApiError| {
                            form.dispatch(ImportAction::Errors(backend_field_errors(&err)))
                        })
                    };
                    let on_ok = {
                        let navigator = navigator.clone();
                        Callback::from(move |o: CommandOutcome| {
                            if let Some(nav) = &navigator {
                                nav.push(&Route::Evaluation {
                                    id: o.entity.id.to_string(),
                                });
                            }
                        })
                    };
                    run.emit(Exec::new(command).on_ok(on_ok).on_fail(on_fail));
                }
            }
        })
    };
    let errors = &form.errors;
    let text_field = |id: &'static str,
                      name: &'static str,
                      value: String,
                      make: fn(String) -> ImportAction| {
        let (inv, desc) = invalid_attrs(errors, name, id);
        let form = form.clone();
        html! {
            <div class={classes!("field", errors.contains_key(name).then_some("has-error"))}>
                <label for={id}>{ ctx.t(&format!("import.field.{name}")) }</label>
                <input {id} type="text" {value} oninput={on_text(move |v| form.dispatch(make(v)))} aria-invalid={inv} aria-describedby={desc} />
                <FieldError for_id={id} errors={errors.clone()} field={name} />
            </div>
        }
    };
    let refused_any = props
        .preview
        .as_ref()
        .is_some_and(|p| !p.refused.is_empty());
    html! {
        <form class="form panel" id="import-form" onsubmit={submit} novalidate=true aria-labelledby="import-meta-title">
            <h2 id="import-meta-title">{ ctx.t("import.about") }</h2>
            <div class="field-row">
                <div class={classes!("field", errors.contains_key("date").then_some("has-error"))}>
                    <label for="import-date">{ ctx.t("import.field.date") }</label>
                    <DateField id="import-date" value={form.date.clone()} on_input={{ let form = form.clone(); Callback::from(move |v| form.dispatch(ImportAction::Date(v))) }} />
                    <FieldError for_id="import-date" errors={errors.clone()} field="date" />
                </div>
                { text_field("import-dataset", "dataset", form.dataset.clone(), ImportAction::Dataset) }
                { text_field("import-revision", "model_revision", form.revision.clone(), ImportAction::Revision) }
            </div>
            <label class="checkbox">
                <input type="checkbox" id="import-third-party" checked={form.third_party}
                    onchange={{ let form = form.clone(); Callback::from(move |e: Event| form.dispatch(ImportAction::ThirdParty(checked_of(&e)))) }} />
                { ctx.t("import.third_party") }
            </label>
            if form.third_party {
                <div class="field-row">
                    { text_field("import-org", "evaluator.organisation", form.organisation.clone(), ImportAction::Organisation) }
                    { text_field("import-assessor", "evaluator.assessor", form.assessor.clone(), ImportAction::Assessor) }
                    { text_field("import-report", "evaluator.report", form.report.clone(), ImportAction::Report) }
                </div>
            }
            <div class="form-actions">
                <button type="submit" id="import-submit" class="btn btn-primary"
                    disabled={props.commands.busy || form.sources.is_empty() || refused_any || props.preview.is_none()}>
                    { ctx.t("import.submit") }
                </button>
                if refused_any { <span class="refused">{ ctx.t("import.remove_refused") }</span> }
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ManualProps {
    version_id: ModelVersionId,
    kpis: Vec<(String, String)>,
}

/// Values typed in by hand (a third party's PDF, a load test): one row per KPI.
#[component]
fn ManualEntry(props: &ManualProps) -> Html {
    let ctx = use_app();
    let open = use_state(|| false);
    let rows = use_state(|| vec![(String::new(), String::new(), String::new()); props.kpis.len()]);
    let date = use_state(|| {
        chrono::Local::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string()
    });
    let dataset = use_state(String::new);
    let errors = use_state(FieldErrors::new);
    let commands = use_command();
    let navigator = use_navigator();
    if !*open {
        return html! {
            <div class="button-row">
                <button type="button" id="manual-open" class="btn" onclick={{ let open = open.clone(); Callback::from(move |_| open.set(true)) }}>{ ctx.t("import.manual") }</button>
            </div>
        };
    }
    let version = props.version_id;
    let kpis = props.kpis.clone();
    let submit = {
        let (rows, date, dataset, errors, run, navigator) = (
            rows.clone(),
            date.clone(),
            dataset.clone(),
            errors.clone(),
            commands.run.clone(),
            navigator.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut errs = FieldErrors::new();
            let mut values = Vec::new();
            for (i, ((value, stderr, n), (kpi, _))) in rows.iter().zip(&kpis).enumerate() {
                if value.trim().is_empty() {
                    continue;
                }
                let parsed = value.trim().parse::<f64>();
                let se = stderr.trim();
                let count = n.trim();
                match parsed {
                    Ok(v) => values.push(ManualValue {
                        kpi: kpi.clone(),
                        value: v,
                        stderr: if se.is_empty() { None } else { se.parse().ok() },
                        n: if count.is_empty() {
                            None
                        } else {
                            count.parse().ok()
                        },
                        group: None,
                    }),
                    Err(_) => {
                        errs.insert(format!("values.{i}.value"), "rule.not_a_number".into());
                    }
                }
            }
            let Ok(date) = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d") else {
                errs.insert("date".into(), "rule.required".into());
                errors.set(errs);
                return;
            };
            if !errs.is_empty() {
                errors.set(errs);
                return;
            }
            let command = EvaluationCommand::RecordManual {
                model_version: version,
                meta: EvaluationMeta {
                    date,
                    evaluator: Evaluator::Internal,
                    dataset: (*dataset).clone(),
                    model_revision: String::new(),
                    notes: String::new(),
                },
                values,
            };
            let on_ok = {
                let navigator = navigator.clone();
                Callback::from(move |o: CommandOutcome| {
                    if let Some(nav) = &navigator {
                        nav.push(&Route::Evaluation {
                            id: o.entity.id.to_string(),
                        });
                    }
                })
            };
            run.emit(Exec::new(command).on_ok(on_ok).field_errors_into(&errors));
        })
    };
    let cell = |i: usize, part: usize, label: String| {
        let rows = rows.clone();
        let value = match part {
            0 => rows[i].0.clone(),
            1 => rows[i].1.clone(),
            _ => rows[i].2.clone(),
        };
        html! {
            <td><input type="text" size="8" {value} aria-label={label} oninput={on_text(move |v| {
                let mut next = (*rows).clone();
                match part { 0 => next[i].0 = v, 1 => next[i].1 = v, _ => next[i].2 = v }
                rows.set(next);
            })} /></td>
        }
    };
    html! {
        <form class="form panel" id="manual-form" onsubmit={submit} novalidate=true aria-labelledby="manual-title">
            <h2 id="manual-title">{ ctx.t("import.manual") }</h2>
            <ErrorAlert id="manual-error" error={commands.error.clone()} />
            <div class="field-row">
                <div class="field">
                    <label for="manual-date">{ ctx.t("import.field.date") }</label>
                    <DateField id="manual-date" value={(*date).clone()} on_input={{ let date = date.clone(); Callback::from(move |v| date.set(v)) }} />
                </div>
                <div class={classes!("field", errors.contains_key("dataset").then_some("has-error"))}>
                    <label for="manual-dataset">{ ctx.t("import.field.dataset") }</label>
                    <input id="manual-dataset" type="text" value={(*dataset).clone()} oninput={{ let dataset = dataset.clone(); on_text(move |v| dataset.set(v)) }} />
                    <FieldError for_id="manual-dataset" errors={(*errors).clone()} field="dataset" />
                </div>
            </div>
            <table class="table table-compact">
                <thead><tr><th scope="col">{ ctx.t("kpi.name") }</th><th scope="col">{ ctx.t("eval.value") }</th><th scope="col">{ "stderr" }</th><th scope="col">{ "n" }</th></tr></thead>
                <tbody>
                    { for props.kpis.iter().enumerate().map(|(i, (_, name))| html! {
                        <tr>
                            <td>{ name.clone() }{ for errors.get(&format!("values.{i}.value")).map(|r| html! { <div class="field-error">{ ctx.t(r) }</div> }) }</td>
                            { cell(i, 0, format!("{name} {}", ctx.t("eval.value"))) }
                            { cell(i, 1, format!("{name} stderr")) }
                            { cell(i, 2, format!("{name} n")) }
                        </tr>
                    }) }
                </tbody>
            </table>
            if let Some(rule) = errors.get("values") { <p class="field-error">{ ctx.t(rule) }</p> }
            <div class="form-actions">
                <button type="submit" id="manual-submit" class="btn btn-primary" disabled={commands.busy}>{ ctx.t("import.manual_submit") }</button>
            </div>
        </form>
    }
}
