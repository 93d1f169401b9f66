//! The full-screen drill runner: a large live clock since the drill started, the steps with
//! their target times and the current one highlighted, each checked off (pass or fail, with a
//! note) the moment it happens, and the finish panel once every step is checked. Fully
//! keyboard-operable: ↑/↓ or k/j move, Enter or P passes, F fails, N goes to the note, Esc
//! leaves (back to the drill's page).

use std::rc::Rc;

use chrono::{DateTime, Local, Utc};
use govbench_protocol::endpoint;
use govbench_protocol::{DrillCommand, DrillRunDetail, DrillRunStatus, ErrorCode, StepOutcome};
use wasm_bindgen::JsCast;
use yew::prelude::*;
use yew_router::prelude::*;

use super::state::{
    all_checked, elapsed_face, moved, next_after, runner_key, suggested_result, target_face,
    took_face, with_check, FinishAction, FinishForm, RunnerKey,
};
use crate::components::{
    on_change, on_text, ActionEditor, ErrorAlert, FieldError, Loading, OtherErrors, RouteLink,
};
use crate::context::use_app;
use crate::features::incidents::DrillLabel;
use crate::hooks::{
    errors_to, use_command, use_detail, use_document_keydown, use_now, use_users, Commands, Exec,
};
use crate::route::Route;
use crate::text;

impl Reducible for FinishForm {
    type Action = FinishAction;
    fn reduce(self: Rc<Self>, action: FinishAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
pub struct RunnerProps {
    pub id: String,
}

fn element_by_id(id: &str) -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

fn focus_step(i: usize) {
    if let Some(el) = element_by_id(&format!("runner-step-{i}")) {
        let _ = el.focus();
        el.scroll_into_view_with_bool(false);
    }
}

/// Where a key press happened: in a text field (typing), on a button or link (Enter and Space
/// are theirs), in the finish form (its own keys), or on the runner itself.
enum KeyPlace {
    Field,
    Control,
    FinishForm,
    Runner,
}

fn key_place(e: &KeyboardEvent) -> KeyPlace {
    let Some(el) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return KeyPlace::Runner;
    };
    if el.closest("#finish-form").ok().flatten().is_some() {
        return KeyPlace::FinishForm;
    }
    match el.tag_name().to_ascii_uppercase().as_str() {
        "INPUT" | "TEXTAREA" | "SELECT" => KeyPlace::Field,
        "BUTTON" | "A" | "SUMMARY" => KeyPlace::Control,
        _ => KeyPlace::Runner,
    }
}

#[component]
pub fn RunnerPage(props: &RunnerProps) -> Html {
    let ctx = use_app();
    let detail = use_detail::<endpoint::DrillRunGet>(&props.id);
    let commands = use_command();
    let navigator = use_navigator();
    // The step the person is on; `None` until they move (then the first unchecked one).
    let selected = use_state(|| None::<usize>);
    let note = use_state(String::new);
    // The key handler of the latest render, called by the one document listener.
    let handler = use_document_keydown();

    let d: Option<Rc<DrillRunDetail>> = detail.fetched.data.clone();
    let steps_len = d.as_ref().map(|d| d.run.steps.len()).unwrap_or(0);
    let sel = selected
        .or_else(|| d.as_ref().and_then(|d| d.run.current_step()))
        .unwrap_or(0)
        .min(steps_len.saturating_sub(1));
    let running = d
        .as_ref()
        .is_some_and(|d| d.run.status == DrillRunStatus::Running);
    let leave = {
        let navigator = navigator.clone();
        let to = Route::DrillRun {
            id: props.id.clone(),
        };
        Callback::from(move |_: ()| {
            if let Some(nav) = &navigator {
                nav.push(&to);
            }
        })
    };

    let check = check_step(d.clone(), &commands, &selected, &note);
    // This render's keys.
    *handler.borrow_mut() = Some(runner_keys(sel, steps_len, &selected, &leave, &check));

    let Some(d) = d else {
        return html! {
            <section class="runner" id="page-drill-runner">
                if let Some(err) = &detail.fetched.error {
                    <ErrorAlert id="runner-error" error={Some(err.clone())} />
                    <RouteLink to={Route::Drills} class={classes!("btn")}>{ ctx.t("nav.drills") }</RouteLink>
                } else {
                    <Loading />
                }
            </section>
        };
    };
    let lang = ctx.locale.tag();
    let r = &d.run;
    let finished = r.status == DrillRunStatus::Finished;
    let on_select = {
        let selected = selected.clone();
        Callback::from(move |i: usize| selected.set(Some(i)))
    };
    let on_note = {
        let note = note.clone();
        Callback::from(move |v: String| note.set(v))
    };

    html! {
        <section class="runner" id="page-drill-runner" data-status={r.status.key()} aria-labelledby="runner-title">
            <header class="runner-head">
                <div class="runner-title">
                    <DrillLabel long=true id="runner-drill-label" />
                    <h1 id="runner-title">
                        <span class="mono">{ r.number.clone() }</span>{ " · " }{ r.template.title.get(lang).to_owned() }
                    </h1>
                </div>
                <ElapsedClock started={r.started_at} finished={r.finished_at} />
                <button type="button" id="runner-leave" class="btn" onclick={{ let leave = leave.clone(); Callback::from(move |_| leave.emit(())) }}>
                    { ctx.t("drill.runner.leave") }<kbd>{ "Esc" }</kbd>
                </button>
            </header>
            <ErrorAlert id="action-error" error={commands.error.clone().filter(|e| e.code != ErrorCode::Validation)} />
            if finished {
                <div class="banner" id="runner-finished">
                    { ctx.t("drill.runner.finished") }{ " " }
                    <RouteLink to={Route::DrillRun { id: r.id.to_string() }}>{ ctx.t("drill.report") }</RouteLink>
                </div>
            }
            <div class="runner-body">
                <RunnerSteps detail={d.clone()} selected={sel} {on_select} />
                <aside class="runner-side">
                    <CurrentStep detail={d.clone()} selected={sel} {running} note={(*note).clone()} {on_note}
                        busy={commands.busy} on_check={check} />
                    <KeyLegend />
                </aside>
            </div>
            if running && all_checked(&r.steps) {
                <FinishPanel detail={d.clone()} commands={commands.clone()} />
            }
        </section>
    }
}

/// Checks a step off (pass or fail, with the note typed), then moves on to the next unchecked
/// step; nothing while a command runs or once the drill is over.
fn check_step(
    d: Option<Rc<DrillRunDetail>>,
    commands: &Commands,
    selected: &UseStateHandle<Option<usize>>,
    note: &UseStateHandle<String>,
) -> Callback<(usize, StepOutcome)> {
    let (selected, note) = (selected.clone(), note.clone());
    let run = commands.run.clone();
    let busy = commands.busy;
    Callback::from(move |(step, outcome): (usize, StepOutcome)| {
        let Some(d) = &d else { return };
        if busy || d.run.status != DrillRunStatus::Running || step >= d.run.steps.len() {
            return;
        }
        let on_ok = {
            let (selected, note) = (selected.clone(), note.clone());
            let next = next_after(&with_check(&d.run.steps, step, outcome), step);
            Callback::from(move |_| {
                note.set(String::new());
                selected.set(Some(next));
                focus_step(next);
            })
        };
        run.emit(
            Exec::new(DrillCommand::CheckStep {
                run: d.run.id,
                step: step as u32,
                outcome,
                note: note.trim().to_owned(),
            })
            .on_ok(on_ok),
        );
    })
}

/// The runner's keys for the step `sel` of `steps_len` (see the module's text); keys in the
/// finish form, and Enter or Space on a button or link, are left to them.
fn runner_keys(
    sel: usize,
    steps_len: usize,
    selected: &UseStateHandle<Option<usize>>,
    leave: &Callback<()>,
    check: &Callback<(usize, StepOutcome)>,
) -> Callback<KeyboardEvent> {
    let (selected, leave, check) = (selected.clone(), leave.clone(), check.clone());
    Callback::from(move |e: KeyboardEvent| {
        let modified = e.ctrl_key() || e.meta_key() || e.alt_key();
        let place = key_place(&e);
        let in_field = match place {
            KeyPlace::FinishForm => return,
            KeyPlace::Control if matches!(e.key().as_str(), "Enter" | " ") => return,
            KeyPlace::Field => true,
            KeyPlace::Control | KeyPlace::Runner => false,
        };
        let Some(key) = runner_key(&e.key(), in_field, modified) else {
            return;
        };
        e.prevent_default();
        match key {
            RunnerKey::Up | RunnerKey::Down => {
                let delta = if key == RunnerKey::Up { -1 } else { 1 };
                let next = moved(sel, delta, steps_len);
                selected.set(Some(next));
                focus_step(next);
            }
            RunnerKey::Pass => check.emit((sel, StepOutcome::Pass)),
            RunnerKey::Fail => check.emit((sel, StepOutcome::Fail)),
            RunnerKey::Note => {
                if let Some(el) = element_by_id("runner-note") {
                    let _ = el.focus();
                }
            }
            RunnerKey::ToSteps => focus_step(sel),
            RunnerKey::Leave => leave.emit(()),
        }
    })
}

#[derive(Properties, PartialEq)]
struct StepsProps {
    detail: Rc<DrillRunDetail>,
    /// The step the person is on.
    selected: usize,
    on_select: Callback<usize>,
}

/// The steps with their targets, the one the person is on and the current one marked, and
/// each checked step's outcome, who checked it when and how long it took.
#[component]
fn RunnerSteps(props: &StepsProps) -> Html {
    let ctx = use_app();
    let lang = ctx.locale.tag();
    let d = &props.detail;
    let r = &d.run;
    let sel = props.selected;
    html! {
        <ol class="runner-steps" id="runner-steps" aria-label={ctx.t("drill.steps")}>
            { for r.template.steps.iter().zip(&r.steps).enumerate().map(|(i, (step, record))| {
                let outcome = record.outcome.map(|o| o.key());
                let time = d.times.get(i).copied();
                let is_sel = i == sel;
                let is_current = r.current_step() == Some(i);
                let pick = props.on_select.reform(move |_: MouseEvent| i);
                html! {
                    <li id={format!("runner-step-{i}")} tabindex={if is_sel { "0" } else { "-1" }}
                        class={classes!("runner-step", is_sel.then_some("selected"), is_current.then_some("current"), outcome.map(|o| format!("outcome-{o}")))}
                        data-step={i.to_string()} data-outcome={outcome} aria-current={is_sel.then_some("step")}
                        onclick={pick}>
                        <span class="step-number">{ i + 1 }</span>
                        <div class="step-body">
                            <span class="step-title">{ step.title.get(lang).to_owned() }</span>
                            <span class="step-meta">
                                { crate::text::role(ctx.locale, step.role) }
                                { " · " }
                                { ctx.format("drill.runner.target", &[("time", &target_face(step.target_minutes))]) }
                            </span>
                            if let (Some(o), Some(at)) = (record.outcome, record.at) {
                                <span class="step-done">
                                    { if o == StepOutcome::Pass { "✓ " } else { "✗ " } }
                                    { ctx.t(&format!("step_outcome.{}", o.key())) }
                                    { " · " }
                                    { record.by.map(|by| text::name_of(&d.names, by)).unwrap_or_default() }
                                    { " · " }
                                    <time datetime={text::iso_time(at)}>{ text::local_time(at) }</time>
                                    if let Some(took) = time.and_then(|t| t.took_seconds) {
                                        { " · " }
                                        <span class={classes!(if time.and_then(|t| t.on_time) == Some(false) { "late" } else { "on-time" })}>
                                            { took_face(took) }
                                        </span>
                                    }
                                </span>
                                if !record.note.is_empty() { <span class="step-note">{ record.note.clone() }</span> }
                            }
                        </div>
                    </li>
                }
            }) }
        </ol>
    }
}

#[derive(Properties, PartialEq)]
struct CurrentProps {
    detail: Rc<DrillRunDetail>,
    selected: usize,
    /// The drill still runs: the step can be checked.
    running: bool,
    note: String,
    on_note: Callback<String>,
    busy: bool,
    on_check: Callback<(usize, StepOutcome)>,
}

/// The step the person is on, large: its target, its outcome once checked, and (while the
/// drill runs) the note and the pass and fail buttons.
#[component]
fn CurrentStep(props: &CurrentProps) -> Html {
    let ctx = use_app();
    let lang = ctx.locale.tag();
    let r = &props.detail.run;
    let sel = props.selected;
    let Some(step) = r.template.steps.get(sel) else {
        return html! {};
    };
    let button = |outcome: StepOutcome,
                  id: &'static str,
                  class: &'static str,
                  key: &'static str| {
        let check = props.on_check.clone();
        html! {
            <button type="button" {id} class={classes!("btn", "runner-check", class)} data-outcome={outcome.key()}
                disabled={props.busy || !props.running} onclick={Callback::from(move |_: MouseEvent| check.emit((sel, outcome)))}>
                { ctx.t(&format!("drill.runner.{}", outcome.key())) }
                <kbd>{ key }</kbd>
            </button>
        }
    };
    html! {
        <section class="runner-panel" id="runner-current" aria-live="polite">
            <p class="muted">{ ctx.format("drill.runner.step_n", &[("n", &(sel + 1).to_string()), ("total", &r.steps.len().to_string())]) }</p>
            <h2>{ step.title.get(lang).to_owned() }</h2>
            <p class="muted">{ crate::text::role(ctx.locale, step.role) }{ " · " }{ ctx.format("drill.runner.target", &[("time", &target_face(step.target_minutes))]) }</p>
            if let Some(o) = r.steps.get(sel).and_then(|rec| rec.outcome) {
                <p class={classes!("tag", if o == StepOutcome::Pass { "tag-ok" } else { "tag-bad" })}>{ ctx.t(&format!("step_outcome.{}", o.key())) }</p>
            }
            if props.running {
                <div class="field">
                    <label for="runner-note">{ ctx.t("drill.runner.note") }<kbd>{ "N" }</kbd></label>
                    <input id="runner-note" type="text" value={props.note.clone()} autocomplete="off"
                        oninput={{ let on_note = props.on_note.clone(); on_text(move |v| on_note.emit(v)) }} />
                </div>
                <div class="button-row runner-buttons">
                    { button(StepOutcome::Pass, "runner-pass", "btn-pass", "P") }
                    { button(StepOutcome::Fail, "runner-fail", "btn-fail", "F") }
                </div>
            }
        </section>
    }
}

/// The runner's keys, written out.
#[component]
fn KeyLegend() -> Html {
    let ctx = use_app();
    html! {
        <section class="runner-panel" id="runner-legend" aria-labelledby="runner-legend-title">
            <h2 id="runner-legend-title">{ ctx.t("drill.runner.keys") }</h2>
            <dl class="key-legend">
                <dt><kbd>{ "↑" }</kbd><kbd>{ "↓" }</kbd>{ " / " }<kbd>{ "K" }</kbd><kbd>{ "J" }</kbd></dt>
                <dd>{ ctx.t("drill.runner.key_move") }</dd>
                <dt><kbd>{ "Enter" }</kbd>{ " / " }<kbd>{ "P" }</kbd></dt>
                <dd>{ ctx.t("drill.runner.key_pass") }</dd>
                <dt><kbd>{ "F" }</kbd></dt>
                <dd>{ ctx.t("drill.runner.key_fail") }</dd>
                <dt><kbd>{ "N" }</kbd></dt>
                <dd>{ ctx.t("drill.runner.key_note") }</dd>
                <dt><kbd>{ "Esc" }</kbd></dt>
                <dd>{ ctx.t("drill.runner.key_leave") }</dd>
            </dl>
            <p class="hint">{ ctx.t("drill.runner.saved_hint") }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ClockProps {
    started: DateTime<Utc>,
    finished: Option<DateTime<Utc>>,
}

/// The big clock: time since the drill started (stopped when it finished).
#[component]
fn ElapsedClock(props: &ClockProps) -> Html {
    let ctx = use_app();
    let now = use_now();
    let end = props.finished.unwrap_or(now);
    let seconds = (end - props.started).num_seconds();
    html! {
        <div class="runner-clock" id="runner-elapsed" role="timer" aria-label={ctx.t("drill.runner.elapsed")}
            data-seconds={seconds.max(0).to_string()}>
            { elapsed_face(seconds) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FinishProps {
    detail: Rc<DrillRunDetail>,
    commands: Commands,
}

/// Every step is checked: the evaluation, a summary, and the findings as actions.
#[component]
fn FinishPanel(props: &FinishProps) -> Html {
    let ctx = use_app();
    let navigator = use_navigator();
    let d = &props.detail;
    let form = use_reducer({
        let suggested = suggested_result(&d.run, &d.times);
        move || FinishForm::new(suggested)
    });
    let users = use_users().list;
    let run_id = d.run.id;
    // Focus moves to the form when it appears, so the keyboard goes on from the last step.
    use_effect_with((), |_| {
        if let Some(el) = element_by_id("finish-result") {
            let _ = el.focus();
        }
    });
    let submit = {
        let form = form.clone();
        let run = props.commands.run.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match form.check(Local::now().date_naive()) {
                Err(errors) => form.dispatch(FinishAction::Errors(errors)),
                Ok((evaluation, findings)) => {
                    let on_ok = {
                        let navigator = navigator.clone();
                        Callback::from(move |_| {
                            if let Some(nav) = &navigator {
                                nav.push(&Route::DrillRun {
                                    id: run_id.to_string(),
                                });
                            }
                        })
                    };
                    let on_fail = errors_to(&form, FinishAction::Errors);
                    run.emit(
                        Exec::new(DrillCommand::Finish {
                            run: run_id,
                            evaluation,
                            findings,
                        })
                        .on_ok(on_ok)
                        .field_errors_to(on_fail),
                    );
                }
            }
        })
    };
    let errors = &form.errors;
    let (inv_s, desc_s) = crate::components::invalid_attrs(errors, "summary", "finish-summary");
    html! {
        <form class="form runner-panel finish" id="finish-form" onsubmit={submit} novalidate=true aria-labelledby="finish-title">
            <h2 id="finish-title">{ ctx.t("drill.finish.title") }</h2>
            <p class="hint">{ ctx.t("drill.finish.hint") }</p>
            <OtherErrors errors={errors.clone()} known={form.known_fields()} />
            <div class="field">
                <label for="finish-result">{ ctx.t("drill.finish.result") }</label>
                <select id="finish-result" onchange={{ let form = form.clone(); on_change(move |v| form.dispatch(FinishAction::Result(v))) }}>
                    { for govbench_protocol::DrillResult::ALL.iter().map(|r| html! {
                        <option value={r.key()} selected={form.result == *r}>{ ctx.t(&format!("drill.result.{}", r.key())) }</option>
                    }) }
                </select>
            </div>
            <div class={classes!("field", errors.contains_key("summary").then_some("has-error"))}>
                <label for="finish-summary">{ ctx.t("drill.finish.summary") }<span class="req-mark" aria-hidden="true">{" *"}</span></label>
                <textarea id="finish-summary" rows="4" value={form.summary.clone()} aria-invalid={inv_s} aria-describedby={desc_s}
                    oninput={{ let form = form.clone(); on_text(move |v| form.dispatch(FinishAction::Summary(v))) }} />
                <FieldError for_id="finish-summary" errors={errors.clone()} field="summary" />
            </div>
            <ActionEditor id="finish-finding" field="findings" rows={form.findings.clone()} errors={errors.clone()}
                users={users} legend={ctx.t("drill.finish.findings")}
                on_edit={{ let form = form.clone(); Callback::from(move |(i, e)| form.dispatch(FinishAction::EditFinding(i, e))) }}
                on_add={{ let form = form.clone(); Callback::from(move |_| form.dispatch(FinishAction::AddFinding)) }}
                on_remove={{ let form = form.clone(); Callback::from(move |i| form.dispatch(FinishAction::RemoveFinding(i))) }} />
            <div class="form-actions">
                <button type="submit" id="finish-submit" class="btn btn-primary" disabled={props.commands.busy}>{ ctx.t("drill.finish.submit") }</button>
            </div>
        </form>
    }
}
