//! Exporting a quarter: the PDF report in Chinese or English, or the sealed audit pack. The
//! shell asks where to save (a native dialog), writes the file, records the export and opens
//! it; that takes seconds, so the buttons wait and a bar shows how far it is (polled every
//! 300 ms). Cancelling the dialog is no error and shows nothing.

use govbench_protocol::endpoint;
use govbench_protocol::{ApiError, ExportOutcome, ExportProgress, ExportRequest, NoRequest};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::state::{progress_percent, ExportChoice, EXPORT_CHOICES};
use crate::api;
use crate::components::ErrorAlert;
use crate::context::use_app;
use crate::hooks::use_ticks;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct ExportProps {
    pub quarter: AttrValue,
    /// Another command runs: exporting waits for it.
    #[prop_or_default]
    pub busy: bool,
}

#[component]
pub fn ExportPanel(props: &ExportProps) -> Html {
    let ctx = use_app();
    // The id of the button whose export runs.
    let running = use_state(|| None::<&'static str>);
    let outcome = use_state(|| None::<ExportOutcome>);
    let error = use_state(|| None::<ApiError>);
    let start = {
        let (running, outcome, error) = (running.clone(), outcome.clone(), error.clone());
        let quarter = props.quarter.to_string();
        let app = ctx.clone();
        Callback::from(move |choice: ExportChoice| {
            if running.is_some() {
                return;
            }
            running.set(Some(choice.id));
            outcome.set(None);
            error.set(None);
            let request = ExportRequest {
                quarter: quarter.clone(),
                kind: choice.kind,
                lang: choice.lang.unwrap_or(app.locale.tag()).to_owned(),
            };
            let (running, outcome, error, app) =
                (running.clone(), outcome.clone(), error.clone(), app.clone());
            spawn_local(async move {
                let result = api::call::<endpoint::ExportAssessment>(&request).await;
                running.set(None);
                match result {
                    Ok(Some(saved)) => {
                        outcome.set(Some(saved));
                        // The export is recorded in the log: lists and the audit indicator
                        // refresh.
                        app.changed.emit(());
                    }
                    // The person closed the save dialog.
                    Ok(None) => {}
                    Err(err) => {
                        if !app.ends_session(&err) {
                            error.set(Some(err));
                        }
                    }
                }
            });
        })
    };
    let disabled = running.is_some() || props.busy;
    html! {
        <section class="export-panel no-print" id="assessment-exports" aria-labelledby="assessment-exports-title">
            <h2 id="assessment-exports-title" class="small-label">{ ctx.t("export.title") }</h2>
            <div class="button-row">
                { for EXPORT_CHOICES.iter().map(|choice| {
                    let choice = *choice;
                    let start = start.clone();
                    let is_running = *running == Some(choice.id);
                    html! {
                        <button type="button" id={choice.id} class={classes!("btn", is_running.then_some("is-running"))}
                            data-kind={choice.kind.key()} data-lang={choice.lang} disabled={disabled} aria-busy={is_running.then_some("true")}
                            onclick={Callback::from(move |_: MouseEvent| start.emit(choice))}>
                            { ctx.t(choice.label) }
                        </button>
                    }
                }) }
            </div>
            if running.is_some() {
                <ExportProgressBar />
            }
            <ErrorAlert id="export-error" error={(*error).clone()} />
            if let Some(saved) = &*outcome {
                <div class="banner banner-ok" id="export-result" role="status" data-number={saved.number.clone()}>
                    <span>
                        { ctx.format("export.saved", &[("number", &saved.number), ("size", &text::file_size(saved.bytes))]) }
                        <br />
                        <code class="export-path">{ saved.path.clone() }</code>
                    </span>
                </div>
            }
        </section>
    }
}

/// The running export's stage and a bar of done / total, asked every 300 ms while it is
/// shown (it is shown only while an export runs, so the polling ends with it).
#[component]
fn ExportProgressBar() -> Html {
    let ctx = use_app();
    let tick = use_ticks(300);
    let progress = use_state(|| None::<ExportProgress>);
    // One question at a time: a slow answer must not pile up requests behind it.
    let asking = use_mut_ref(|| false);
    {
        let progress = progress.clone();
        use_effect_with(tick, move |_| {
            if !*asking.borrow() {
                *asking.borrow_mut() = true;
                spawn_local(async move {
                    let answer = api::call::<endpoint::ExportProgressGet>(&NoRequest {}).await;
                    *asking.borrow_mut() = false;
                    // A failed poll changes nothing: the export's own answer reports errors.
                    if let Ok(Some(now)) = answer {
                        progress.set(Some(now));
                    }
                });
            }
        });
    }
    let percent = progress.as_ref().map(progress_percent);
    html! {
        <div class="export-progress" id="export-progress" role="progressbar" aria-valuemin="0" aria-valuemax="100"
            aria-valuenow={percent.map(|p| p.to_string())} aria-label={ctx.t("export.running")}>
            <div class={classes!("progress-track", percent.is_none().then_some("indeterminate"))}>
                <div class="progress-fill" style={format!("width: {}%", percent.unwrap_or(0))}></div>
            </div>
            <span class="progress-text">
                { match progress.as_ref() {
                    Some(p) if p.total > 0 => ctx.format("export.progress", &[
                        ("stage", &ctx.t(&p.stage)), ("done", &p.done.to_string()), ("total", &p.total.to_string()),
                    ]),
                    Some(p) => ctx.t(&p.stage),
                    None => ctx.t("export.running"),
                } }
            </span>
        </div>
    }
}
