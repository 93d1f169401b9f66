//! The evaluation report: within a minute a reader knows whether the version met every KPI,
//! whether it is worse than before for real or by noise, which samples failed, who signed it
//! off and what was decided.

use std::rc::Rc;

use chrono::NaiveDate;
use govbench_i18n::{number, signed};
use govbench_protocol::endpoint;
use govbench_protocol::{
    Comparison, DecisionKind, Direction, EntityKind, EntityRef, EvaluationAction as A,
    EvaluationCommand as C, EvaluationDetail, Evaluator, KpiVerdict,
};
use yew::prelude::*;

use crate::components::{
    invalid_attrs, on_change, on_text, CommentThread, DateField, ErrorAlert, FetchView, FieldError,
    HistoryTimeline, RouteLink, StatusBadge,
};
use crate::context::{use_app, AppCtx};
use crate::hooks::{use_command, use_detail, use_users_if, Commands, Exec};
use crate::route::Route;
use crate::state::FieldErrors;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct EvaluationProps {
    pub id: String,
}

/// A change against a baseline, coloured by what it means for the KPI.
pub fn change_cell(ctx: &AppCtx, direction: Direction, c: Option<&Comparison>, unit: &str) -> Html {
    let Some(c) = c else {
        return html! { <span class="muted">{ "—" }</span> };
    };
    let better = match direction {
        Direction::HigherIsBetter => c.change > 0.0,
        Direction::LowerIsBetter => c.change < 0.0,
    };
    let class = if c.significant {
        "significant"
    } else if c.beyond_allowance {
        "worse"
    } else if better {
        "better"
    } else {
        ""
    };
    let arrow = if c.change > 0.0 {
        "▲"
    } else if c.change < 0.0 {
        "▼"
    } else {
        "＝"
    };
    html! {
        <span class={classes!("change", class)} data-significant={c.significant.to_string()}
            title={ctx.format("eval.baseline_title", &[("baseline", &number(c.baseline)), ("count", &c.from.len().to_string())])}>
            { format!("{arrow} {}{}", signed(c.change), if unit.is_empty() { String::new() } else { format!(" {unit}") }) }
            if c.significant { { " " }<span class="tag tag-bad">{ ctx.t("eval.significant") }</span> }
            else if c.beyond_allowance { { " " }<span class="tag tag-warn">{ ctx.t("eval.noise") }</span> }
        </span>
    }
}

#[component]
pub fn EvaluationPage(props: &EvaluationProps) -> Html {
    let ctx = use_app();
    let detail = use_detail::<endpoint::EvaluationGet>(&props.id);
    let commands = use_command();
    let d = match FetchView::new(&detail.fetched, "evaluation-error").page(
        "page-evaluation",
        Route::Models,
        ctx.t("nav.models"),
    ) {
        Ok(d) => d,
        Err(page) => return page,
    };
    let e = &d.evaluation;
    let s = &d.summary;
    let all_pass = s.kpis_passed == s.kpis_total;
    html! {
        <section class="page" id="page-evaluation" data-status={e.status.key()} data-id={e.id.to_string()}>
            <nav class="breadcrumbs" aria-label={ctx.t("common.breadcrumbs")}>
                <RouteLink to={Route::Models}>{ ctx.t("nav.models") }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <RouteLink to={Route::ModelDetail { id: e.model.to_string() }}>{ s.model_name.clone() }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ ctx.format("eval.title", &[("version", &s.version_label), ("date", &text::date(s.date))]) }</span>
            </nav>
            <header class="detail-head">
                <h1 id="evaluation-heading">{ ctx.format("eval.heading", &[("model", &s.model_name), ("version", &s.version_label), ("date", &text::date(s.date))]) }</h1>
                <div class="detail-badges">
                    <StatusBadge id="evaluation-status" entity={EntityKind::Evaluation} status={e.status.key()} />
                    <span id="evaluation-kpis" class={classes!("tag", if all_pass { "tag-ok" } else { "tag-bad" })}>
                        { ctx.format("eval.kpis_passed", &[("passed", &s.kpis_passed.to_string()), ("total", &s.kpis_total.to_string())]) }
                    </span>
                    if s.significant_degradations > 0 {
                        <span class="tag tag-bad">{ ctx.format("eval.significant_count", &[("count", &s.significant_degradations.to_string())]) }</span>
                    }
                    if let Evaluator::ThirdParty { organisation, .. } = &e.meta.evaluator {
                        <span class="tag">{ ctx.format("eval.third_party_by", &[("organisation", organisation)]) }</span>
                    }
                </div>
            </header>
            <ErrorAlert id="action-error" error={commands.error.clone()} />
            <div class="detail-grid">
                <div class="detail-main">
                    <VerdictsPanel detail={d.clone()} />
                    <SamplesPanel detail={d.clone()} />
                    <MetricsPanel detail={d.clone()} />
                    <HistoryTimeline id="evaluation-history" of={EntityRef::from(e.id)} entries={Rc::new(d.history.clone())} />
                    <CommentThread id="evaluation-comments" on={EntityRef::from(e.id)} comments={Rc::new(d.comments.clone())} commands={commands.clone()} />
                </div>
                <aside class="detail-side">
                    <section class={classes!("panel", "gate", d.gate.is_empty().then_some("open"))} id="evaluation-gate" aria-labelledby="gate-title">
                        <h3 id="gate-title">{ if d.gate.is_empty() { ctx.t("gate.open_long") } else { ctx.t("gate.closed_long") } }</h3>
                        if !d.gate.is_empty() {
                            <ul>{ for d.gate.iter().map(|g| html! { <li>{ ctx.locale.gate_gap(g) }</li> }) }</ul>
                        }
                    </section>
                    <ReviewPanel detail={d.clone()} commands={commands.clone()} />
                    <DecisionPanel detail={d.clone()} commands={commands.clone()} />
                    <SourcesPanel detail={d.clone()} />
                </aside>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    detail: Rc<EvaluationDetail>,
}

fn value_text(v: &KpiVerdict) -> String {
    match v.value {
        Some(value) => {
            let mut t = format!(
                "{}{}",
                number(value),
                if v.unit.is_empty() {
                    String::new()
                } else {
                    format!(" {}", v.unit)
                }
            );
            if let Some(se) = v.stderr {
                t.push_str(&format!(" ± {}", number(se)));
            }
            t
        }
        None => "—".into(),
    }
}

#[component]
fn VerdictsPanel(props: &ViewProps) -> Html {
    let ctx = use_app();
    let d = &props.detail;
    html! {
        <section class="panel" aria-labelledby="verdicts-title" id="evaluation-verdicts">
            <h2 id="verdicts-title">{ ctx.t("eval.verdicts") }</h2>
            <table class="table verdicts" id="verdicts-table">
                <thead><tr>
                    <th scope="col"><span class="visually-hidden">{ ctx.t("eval.verdict") }</span></th>
                    <th scope="col">{ ctx.t("kpi.name") }</th>
                    <th scope="col" class="num">{ ctx.t("eval.value") }</th>
                    <th scope="col" class="num">{ ctx.t("kpi.threshold") }</th>
                    <th scope="col">{ ctx.t("eval.vs_last") }</th>
                    <th scope="col">{ ctx.t("eval.vs_three_months") }</th>
                </tr></thead>
                <tbody>
                    { for d.verdicts.iter().map(|v| {
                        let symbol = if v.direction == Direction::HigherIsBetter { "≥" } else { "≤" };
                        html! {
                            <>
                            <tr class={classes!("verdict-row", if v.passes { "pass" } else { "fail" })} data-kpi={v.kpi.clone()} data-passes={v.passes.to_string()}>
                                <td class="verdict-mark" aria-label={if v.passes { ctx.t("eval.pass") } else { ctx.t("eval.fail") }}>{ if v.passes { "✓" } else { "✗" } }</td>
                                <td><strong>{ v.name.clone() }</strong>
                                    <div class="muted">{ ctx.t(&format!("direction.{}", v.direction.key())) }
                                        if let Some(n) = v.n { { format!(" · n = {n}") } }
                                        if v.rows > 1 { { format!(" · {}", ctx.format("eval.mean_of_rows", &[("rows", &v.rows.to_string())])) } }
                                    </div></td>
                                <td class="num">{ value_text(v) }</td>
                                <td class="num">{ format!("{symbol} {}", number(v.threshold)) }</td>
                                <td>{ change_cell(&ctx, v.direction, v.vs_last.as_ref(), &v.unit) }</td>
                                <td>{ change_cell(&ctx, v.direction, v.vs_three_months.as_ref(), &v.unit) }</td>
                            </tr>
                            <tr class="verdict-explain"><td></td><td colspan="5" class="verdict-sentence">{ ctx.locale.verdict_sentence(v) }
                                if !v.groups.is_empty() {
                                    <div class="groups">
                                        <strong>{ ctx.t("eval.groups") }{ ": " }</strong>
                                        { for v.groups.iter().map(|(g, value, n)| html! {
                                            <span class="tag">{ format!("{g} {}{}", number(*value), n.map(|n| format!(" (n={n})")).unwrap_or_default()) }</span>
                                        }) }
                                        if let Some(gap) = v.group_gap {
                                            { " " }<span class={classes!("tag", if v.group_gap_exceeded { "tag-bad" } else { "tag-ok" })}>
                                                { ctx.format("eval.group_gap", &[("gap", &number(gap))]) }
                                            </span>
                                        }
                                    </div>
                                }
                            </td></tr>
                            </>
                        }
                    }) }
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn SamplesPanel(props: &ViewProps) -> Html {
    let ctx = use_app();
    let samples = &props.detail.evaluation.samples;
    if samples.is_empty() {
        return html! {};
    }
    html! {
        <section class="panel samples" aria-labelledby="samples-title" id="evaluation-samples">
            <h2 id="samples-title">{ ctx.t("eval.failing_samples") }</h2>
            { for samples.iter().map(|t| html! {
                <details class="task-samples" data-task={t.task.clone()}>
                    <summary>
                        { ctx.format("eval.samples_summary", &[("task", &t.task), ("samples", &t.samples.to_string()), ("failed", &t.failed.to_string()), ("kept", &t.failing.len().to_string())]) }
                        { for t.means.iter().map(|(m, v)| html! { <span class="tag">{ format!("{m} {}", number(*v)) }</span> }) }
                    </summary>
                    { for t.failing.iter().map(|f| html! {
                        <dl class="sample" data-doc={f.doc_id.clone()}>
                            <dt>{ ctx.t("eval.sample.doc") }</dt><dd>{ f.doc_id.clone() }</dd>
                            <dt>{ ctx.t("eval.sample.input") }</dt><dd>{ f.input.clone() }</dd>
                            <dt>{ ctx.t("eval.sample.expected") }</dt><dd>{ f.expected.clone() }</dd>
                            <dt>{ ctx.t("eval.sample.produced") }</dt><dd class="produced">{ f.produced.clone() }</dd>
                        </dl>
                    }) }
                </details>
            }) }
        </section>
    }
}

#[component]
fn MetricsPanel(props: &ViewProps) -> Html {
    let ctx = use_app();
    let e = &props.detail.evaluation;
    if e.metrics.is_empty() && e.warnings.is_empty() {
        return html! {};
    }
    html! {
        <section class="panel" aria-labelledby="metrics-title" id="evaluation-metrics">
            <details>
                <summary><h2 id="metrics-title" class="inline-heading">{ ctx.format("eval.all_metrics", &[("count", &e.metrics.len().to_string())]) }</h2></summary>
                <div class="table-scroll">
                <table class="table table-compact">
                    <thead><tr>
                        <th scope="col">{ ctx.t("eval.task") }</th>
                        <th scope="col">{ ctx.t("eval.metric") }</th>
                        <th scope="col" class="num">{ ctx.t("eval.value") }</th>
                        <th scope="col" class="num">{ "stderr" }</th>
                        <th scope="col" class="num">{ "n" }</th>
                        <th scope="col">{ ctx.t("eval.group") }</th>
                        <th scope="col">{ "KPI" }</th>
                    </tr></thead>
                    <tbody>
                        { for e.metrics.iter().map(|m| html! {
                            <tr>
                                <td>{ m.task.clone() }</td>
                                <td><code>{ m.metric.clone() }</code></td>
                                <td class="num">{ number(m.value) }</td>
                                <td class="num">{ m.stderr.map(number).unwrap_or_else(|| "—".into()) }</td>
                                <td class="num">{ m.n.map(|n| n.to_string()).unwrap_or_else(|| "—".into()) }</td>
                                <td>{ m.group.clone().unwrap_or_default() }</td>
                                <td>{ m.kpi.clone().unwrap_or_default() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                </div>
            </details>
            if !e.warnings.is_empty() {
                <h3>{ ctx.t("eval.warnings") }</h3>
                <ul class="warnings">
                    { for e.warnings.iter().map(|w| html! {
                        <li>{ format!("{} — {}{}: {}", w.file, w.at.as_deref().map(|a| format!("{a} · ")).unwrap_or_default(), ctx.t(&format!("import.warning.{}", w.key)), w.detail) }</li>
                    }) }
                </ul>
            }
        </section>
    }
}

#[component]
fn SourcesPanel(props: &ViewProps) -> Html {
    let ctx = use_app();
    let e = &props.detail.evaluation;
    html! {
        <section class="panel facts" aria-labelledby="sources-title" id="evaluation-sources">
            <h2 id="sources-title">{ ctx.t("eval.about") }</h2>
            <dl>
                <dt>{ ctx.t("eval.dataset") }</dt><dd>{ e.meta.dataset.clone() }</dd>
                if !e.meta.model_revision.is_empty() {
                    <dt>{ ctx.t("eval.revision") }</dt><dd>{ e.meta.model_revision.clone() }</dd>
                }
                <dt>{ ctx.t("eval.evaluator") }</dt>
                <dd>{ match &e.meta.evaluator {
                    Evaluator::Internal => ctx.t("eval.internal"),
                    Evaluator::ThirdParty { organisation, assessor, report } => format!("{organisation} · {assessor} · {report}"),
                } }</dd>
                <dt>{ ctx.t("eval.recorded_by") }</dt>
                <dd>{ format!("{} · {}", e.created_by.display_name, text::local_time(e.created_at)) }</dd>
            </dl>
            <h3>{ ctx.t("eval.sources") }</h3>
            <ul class="file-list">
                { for e.sources.iter().map(|s| html! {
                    <li><div>
                        <strong>{ if s.name.is_empty() { ctx.t("eval.manual") } else { s.name.clone() } }</strong>
                        <div class="muted">{ format!("{} {}", s.tool, s.tool_version.clone().unwrap_or_default()) }</div>
                        if !s.sha256.is_empty() { <div class="sha">{ format!("SHA-256 {}", s.sha256) }</div> }
                    </div></li>
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ActProps {
    detail: Rc<EvaluationDetail>,
    commands: Commands,
}

#[component]
fn ReviewPanel(props: &ActProps) -> Html {
    let ctx = use_app();
    let d = &props.detail;
    let comment = use_state(String::new);
    let errors = use_state(FieldErrors::new);
    let may = |a: A| d.allowed_actions.contains(&a);
    let review = d.evaluation.review.as_ref().map(|r| html! {
        <p id="evaluation-review">
            { ctx.format(if r.signed_off { "eval.signed_off_by" } else { "eval.rejected_by" },
                &[("name", &d.reviewer.as_ref().map(|u| u.display_name.clone()).unwrap_or_default()), ("at", &text::local_time(r.at))]) }
            if !r.comment.is_empty() { <span class="prose">{ format!(" — {}", r.comment) }</span> }
        </p>
    });
    if !may(A::SignOff) && !may(A::Reject) {
        return html! {
            <section class="panel" aria-labelledby="review-title" id="evaluation-review-panel">
                <h2 id="review-title">{ ctx.t("eval.review") }</h2>
                { review.unwrap_or_else(|| html! { <p class="muted">{ ctx.t("eval.awaiting_review") }</p> }) }
            </section>
        };
    }
    let id = d.evaluation.id;
    let act = |signed_off: bool| {
        let (comment, errors, run) = (comment.clone(), errors.clone(), props.commands.run.clone());
        Callback::from(move |_: MouseEvent| {
            let body = (*comment).clone();
            let command = if signed_off {
                C::SignOff { id, comment: body }
            } else {
                C::Reject { id, comment: body }
            };
            run.emit(Exec::new(command).field_errors_into(&errors));
        })
    };
    let (inv, desc) = invalid_attrs(&errors, "comment", "review-comment");
    html! {
        <section class="panel" aria-labelledby="review-title" id="evaluation-review-panel">
            <h2 id="review-title">{ ctx.t("eval.review") }</h2>
            <div class={classes!("field", errors.contains_key("comment").then_some("has-error"))}>
                <label for="review-comment">{ ctx.t("eval.review_comment") }</label>
                <textarea id="review-comment" rows="3" value={(*comment).clone()} aria-invalid={inv} aria-describedby={desc}
                    oninput={{ let comment = comment.clone(); on_text(move |v| comment.set(v)) }} />
                <FieldError for_id="review-comment" errors={(*errors).clone()} field="comment" />
                <p class="hint">{ ctx.t("eval.review_hint") }</p>
            </div>
            <div class="button-row">
                <button type="button" id="evaluation-sign-off" data-action={A::SignOff.key()} class="btn btn-primary" disabled={props.commands.busy} onclick={act(true)}>{ ctx.t("eval.sign_off") }</button>
                <button type="button" id="evaluation-reject" data-action={A::Reject.key()} class="btn btn-danger" disabled={props.commands.busy} onclick={act(false)}>{ ctx.t("eval.reject") }</button>
            </div>
        </section>
    }
}

#[component]
fn DecisionPanel(props: &ActProps) -> Html {
    let ctx = use_app();
    let d = &props.detail;
    let may = |a: A| d.allowed_actions.contains(&a);
    let kind = use_state(|| DecisionKind::Hold);
    let rationale = use_state(String::new);
    let owner = use_state(String::new);
    let due = use_state(String::new);
    let note = use_state(String::new);
    let errors = use_state(FieldErrors::new);
    let users = use_users_if(may(A::Decide)).list;
    let id = d.evaluation.id;
    let current = d.evaluation.decision.as_ref().map(|dec| html! {
        <div id="evaluation-decision" data-kind={dec.kind.key()} data-done={dec.done.is_some().to_string()}>
            <p><span class="tag">{ ctx.t(&format!("decision.{}", dec.kind.key())) }</span>
               { format!(" · {} · {}", d.decision_owner.as_ref().map(|u| u.display_name.clone()).unwrap_or_default(), text::date(dec.due)) }
               if dec.done.is_some() { { " " }<span class="tag tag-ok">{ ctx.t("eval.decision_done") }</span> }
               else { { " " }<span class="tag tag-warn">{ ctx.t("eval.decision_open") }</span> }
            </p>
            <p class="prose">{ dec.rationale.clone() }</p>
            if let Some(done) = &dec.done { if !done.note.is_empty() { <p class="prose muted">{ done.note.clone() }</p> } }
        </div>
    });
    let complete = may(A::CompleteDecision).then(|| {
        let onclick = {
            let (note, run, errors) = (note.clone(), props.commands.run.clone(), errors.clone());
            Callback::from(move |_: MouseEvent| {
                run.emit(Exec::new(C::CompleteDecision { id, note: (*note).clone() }).field_errors_into(&errors));
            })
        };
        html! {
            <div class="field">
                <label for="decision-note">{ ctx.t("eval.decision_note") }</label>
                <textarea id="decision-note" rows="2" value={(*note).clone()} oninput={{ let note = note.clone(); on_text(move |v| note.set(v)) }} />
                <button type="button" id="decision-complete" class="btn btn-primary" disabled={props.commands.busy} {onclick}>{ ctx.t("eval.decision_complete") }</button>
            </div>
        }
    });
    let decide = may(A::Decide).then(|| {
        let submit = {
            let (kind, rationale, owner, due, errors, run) = (kind.clone(), rationale.clone(), owner.clone(), due.clone(), errors.clone(), props.commands.run.clone());
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let mut errs = FieldErrors::new();
                let owner_id = owner.parse().ok();
                let due_date = NaiveDate::parse_from_str(due.trim(), "%Y-%m-%d").ok();
                if owner_id.is_none() { errs.insert("owner".into(), "rule.required".into()); }
                if due_date.is_none() { errs.insert("due".into(), "rule.required".into()); }
                if rationale.trim().is_empty() { errs.insert("rationale".into(), "rule.required".into()); }
                if let (Some(owner), Some(due), true) = (owner_id, due_date, errs.is_empty()) {
                    run.emit(Exec::new(C::Decide { id, kind: *kind, rationale: (*rationale).clone(), owner, due }).field_errors_into(&errors));
                } else {
                    errors.set(errs);
                }
            })
        };
        let (inv_r, desc_r) = invalid_attrs(&errors, "rationale", "decision-rationale");
        html! {
            <form class="form" id="decision-form" onsubmit={submit} novalidate=true>
                <div class="field">
                    <label for="decision-kind">{ ctx.t("eval.decision_kind") }</label>
                    <select id="decision-kind" onchange={{ let kind = kind.clone(); on_change(move |v| if let Some(k) = DecisionKind::from_key(&v) { kind.set(k) }) }}>
                        { for DecisionKind::ALL.iter().map(|k| html! { <option value={k.key()} selected={*k == *kind}>{ ctx.t(&format!("decision.{}", k.key())) }</option> }) }
                    </select>
                </div>
                <div class={classes!("field", errors.contains_key("rationale").then_some("has-error"))}>
                    <label for="decision-rationale">{ ctx.t("eval.decision_rationale") }</label>
                    <textarea id="decision-rationale" rows="3" value={(*rationale).clone()} aria-invalid={inv_r} aria-describedby={desc_r}
                        oninput={{ let rationale = rationale.clone(); on_text(move |v| rationale.set(v)) }} />
                    <FieldError for_id="decision-rationale" errors={(*errors).clone()} field="rationale" />
                </div>
                <div class={classes!("field", errors.contains_key("owner").then_some("has-error"))}>
                    <label for="decision-owner">{ ctx.t("eval.decision_owner") }</label>
                    <select id="decision-owner" onchange={{ let owner = owner.clone(); on_change(move |v| owner.set(v)) }}>
                        <option value="" selected={owner.is_empty()}>{ "—" }</option>
                        { for users.iter().map(|u| html! {
                            <option value={u.id.to_string()} selected={*owner == u.id.to_string()}>{ format!("{} ({})", u.display_name, text::role(ctx.locale, u.role)) }</option>
                        }) }
                    </select>
                    <FieldError for_id="decision-owner" errors={(*errors).clone()} field="owner" />
                </div>
                <div class={classes!("field", errors.contains_key("due").then_some("has-error"))}>
                    <label for="decision-due">{ ctx.t("eval.decision_due") }</label>
                    <DateField id="decision-due" value={(*due).clone()} on_input={{ let due = due.clone(); Callback::from(move |v| due.set(v)) }} />
                    <FieldError for_id="decision-due" errors={(*errors).clone()} field="due" />
                </div>
                <div class="form-actions">
                    <button type="submit" id="decision-submit" class="btn btn-primary" disabled={props.commands.busy}>{ ctx.t("eval.decide") }</button>
                </div>
            </form>
        }
    });
    html! {
        <section class="panel" aria-labelledby="decision-title" id="evaluation-decision-panel">
            <h2 id="decision-title">{ ctx.t("eval.decision") }</h2>
            { current.unwrap_or_else(|| html! { <p class="muted">{ ctx.t("eval.no_decision") }</p> }) }
            { for complete }
            { for decide }
        </section>
    }
}
