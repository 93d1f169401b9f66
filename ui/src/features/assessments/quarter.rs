//! One quarter's page: its status and tally, whether the figures are live or frozen, the
//! steps the user may take (open, sign, approve, send back), the exports, the scorecard, the
//! meeting's record and the sign-off.

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{
    AssessmentAction as A, AssessmentCommand, AssessmentDetail, AssessmentId, AssessmentStatus,
    EntityKind, ErrorCode, QuarterlyAssessment, UserId,
};
use yew::prelude::*;

use super::export::ExportPanel;
use super::meeting::{Adjustments, MeetingEditor, MeetingView};
use super::scorecard::{ScorecardView, Tally};
use crate::components::{on_text, ErrorAlert, FetchView, RouteLink, StatusBadge};
use crate::context::use_app;
use crate::hooks::{use_command, use_detail, Commands, Exec};
use crate::route::Route;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct QuarterProps {
    pub quarter: String,
}

#[component]
pub fn AssessmentPage(props: &QuarterProps) -> Html {
    let ctx = use_app();
    let detail = use_detail::<endpoint::AssessmentGet>(&props.quarter);
    let commands = use_command();
    let meeting_saved = use_state(|| false);
    {
        // The page is reused when another quarter is opened: its note goes with it.
        let meeting_saved = meeting_saved.clone();
        use_effect_with(props.quarter.clone(), move |_| meeting_saved.set(false));
    }
    let d: Rc<AssessmentDetail> = match FetchView::new(&detail.fetched, "assessment-error").page(
        "page-assessment",
        Route::Assessments,
        ctx.t("nav.assessments"),
    ) {
        Ok(d) => d,
        Err(page) => return page,
    };
    let quarter = d.quarter.clone();
    let s = &d.scorecard;
    let a = d.assessment.as_ref();
    let allowed = |action: A| d.allowed_actions.contains(&action);
    let names = Rc::new(d.names.clone());
    let status = a.map(|a| a.status);
    let open = {
        let run = commands.run.clone();
        let quarter = quarter.clone();
        Callback::from(move |_: MouseEvent| {
            run.emit(Exec::new(AssessmentCommand::Open {
                quarter: quarter.clone(),
            }))
        })
    };
    let step = |make: fn(AssessmentId) -> AssessmentCommand| {
        let run = commands.run.clone();
        let id = a.map(|a| a.id);
        Callback::from(move |_: MouseEvent| {
            if let Some(id) = id {
                run.emit(Exec::new(make(id)))
            }
        })
    };
    let on_saved = {
        let meeting_saved = meeting_saved.clone();
        Callback::from(move |_| meeting_saved.set(true))
    };

    html! {
        <section class="page assessment-page" id="page-assessment" data-quarter={quarter.clone()}
            data-status={status.map(|s| s.key()).unwrap_or("none")}>
            <nav class="breadcrumbs no-print" aria-label={ctx.t("common.breadcrumbs")}>
                <RouteLink to={Route::Assessments}>{ ctx.t("nav.assessments") }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ quarter.clone() }</span>
            </nav>
            <header class="detail-head">
                <div>
                    <h1 id="assessment-heading">{ ctx.format("assessment.heading", &[("quarter", &quarter)]) }</h1>
                    <p class="muted" id="assessment-period">
                        { ctx.format("assessment.period", &[("from", &text::date(s.from)), ("to", &text::date(s.to))]) }
                    </p>
                </div>
                <div class="detail-badges">
                    if let Some(status) = status {
                        <StatusBadge id="assessment-status" entity={EntityKind::Assessment} status={status.key()} />
                    } else {
                        <span class="tag" id="assessment-status" data-status="none">{ ctx.t("assessment.not_opened") }</span>
                    }
                    <Tally tally={s.tally()} id="assessment-tally" />
                </div>
            </header>
            <FreezeBanner assessment={a.cloned()} computed_at={s.computed_at} />
            <div class="button-row no-print" id="assessment-actions">
                if a.is_none() && allowed(A::Open) {
                    <button type="button" id="assessment-open" class="btn btn-primary" data-action={A::Open.key()}
                        disabled={commands.busy} onclick={open}>{ ctx.t("assessment.open") }</button>
                }
                if a.is_some() && allowed(A::Sign) {
                    <button type="button" id="assessment-sign" class="btn btn-primary" data-action={A::Sign.key()}
                        disabled={commands.busy} title={ctx.t("assessment.sign_hint")}
                        onclick={step(|id| AssessmentCommand::Sign { id })}>{ ctx.t("assessment.sign") }</button>
                }
                if a.is_some() && allowed(A::Approve) {
                    <button type="button" id="assessment-approve" class="btn btn-primary" data-action={A::Approve.key()}
                        disabled={commands.busy} onclick={step(|id| AssessmentCommand::Approve { id })}>{ ctx.t("assessment.approve") }</button>
                }
                <RouteLink to={Route::AssessmentPresent { quarter: quarter.clone() }} id="assessment-present" class={classes!("btn")}>
                    { ctx.t("assessment.present") }
                </RouteLink>
                if let Some(a) = a.filter(|_| allowed(A::Return)) {
                    <ReturnForm id={a.id} commands={commands.clone()} />
                }
            </div>
            <ErrorAlert id="action-error" error={commands.error.clone().filter(|e| e.code != ErrorCode::Validation)} />
            if d.can_export {
                <ExportPanel key={quarter.clone()} quarter={quarter.clone()} busy={commands.busy} />
            }
            <ScorecardView scorecard={s.clone()} />
            if let Some(a) = a {
                { meeting_part(&d, a, names.clone(), &commands, on_saved, *meeting_saved) }
                <SignOffPanel assessment={a.clone()} names={names.clone()} />
            } else {
                <section class="panel" id="meeting-record">
                    <h2>{ ctx.t("assessment.meeting.title") }</h2>
                    <p class="muted">{ ctx.t("assessment.meeting.not_opened") }</p>
                </section>
            }
        </section>
    }
}

/// The form while the record may be edited, else the record as read.
fn meeting_part(
    d: &AssessmentDetail,
    a: &QuarterlyAssessment,
    names: Rc<Vec<(UserId, String)>>,
    commands: &Commands,
    on_saved: Callback<()>,
    saved: bool,
) -> Html {
    let can_complete = d.allowed_actions.contains(&A::CompleteAction);
    let editable =
        a.status == AssessmentStatus::Draft && d.allowed_actions.contains(&A::SaveMeeting);
    if !editable {
        return html! {
            <MeetingView id={a.id} meeting={a.meeting.clone()} {names} {can_complete} commands={commands.clone()} />
        };
    }
    html! {
        <>
            <MeetingEditor key={a.version.to_string()} id={a.id} meeting={a.meeting.clone()} commands={commands.clone()} {on_saved} />
            if saved {
                <SavedNote />
            }
            // The adjustments as saved: the form edits them, this is where they are done.
            if !a.meeting.adjustments.is_empty() {
                <section class="panel" id="meeting-recorded-adjustments">
                    <Adjustments id={a.id} adjustments={a.meeting.adjustments.clone()} {names} {can_complete} commands={commands.clone()} />
                </section>
            }
        </>
    }
}

#[component]
fn SavedNote() -> Html {
    let ctx = use_app();
    html! { <p class="banner banner-ok" id="meeting-saved" role="status">{ ctx.t("assessment.meeting.saved") }</p> }
}

#[derive(Properties, PartialEq)]
struct BannerProps {
    assessment: Option<QuarterlyAssessment>,
    computed_at: chrono::DateTime<chrono::Utc>,
}

/// Says whether the figures still move: live until the project manager signs, frozen after.
#[component]
fn FreezeBanner(props: &BannerProps) -> Html {
    let ctx = use_app();
    // Signed and approved assessments are frozen at the signature (the last change stands in
    // should a record lack it).
    let frozen_at = props
        .assessment
        .as_ref()
        .filter(|a| a.status != AssessmentStatus::Draft)
        .map(|a| a.signed.as_ref().map_or(a.updated_at, |s| s.at));
    match frozen_at {
        Some(at) => html! {
            <p class="banner banner-frozen" id="assessment-banner" data-frozen="true">
                <span class="banner-mark" aria-hidden="true"></span>
                { ctx.format("assessment.frozen_banner", &[("date", &text::local_time(at))]) }
            </p>
        },
        None => html! {
            <p class="banner banner-live" id="assessment-banner" data-frozen="false">
                <span class="banner-mark" aria-hidden="true"></span>
                { ctx.t("assessment.live_banner") }
                { " " }
                <span class="muted">{ ctx.format("assessment.computed_at", &[("at", &text::local_time(props.computed_at))]) }</span>
            </p>
        },
    }
}

#[derive(Properties, PartialEq)]
struct ReturnProps {
    id: AssessmentId,
    commands: Commands,
}

/// "Send back" opens an inline form asking why (`assessment-return-reason`, confirmed by
/// `assessment-return-confirm`); the reason is required.
#[component]
fn ReturnForm(props: &ReturnProps) -> Html {
    let ctx = use_app();
    let open = use_state(|| false);
    let reason = use_state(String::new);
    let missing = use_state(|| false);
    if !*open {
        return html! {
            <button type="button" id="assessment-return" class="btn" data-action={A::Return.key()} disabled={props.commands.busy}
                onclick={{ let open = open.clone(); Callback::from(move |_| open.set(true)) }}>
                { ctx.t("assessment.return") }
            </button>
        };
    }
    let submit = {
        let (open, reason, missing) = (open.clone(), reason.clone(), missing.clone());
        let run = props.commands.run.clone();
        let id = props.id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = reason.trim().to_owned();
            if text.is_empty() {
                missing.set(true);
                return;
            }
            let open = open.clone();
            run.emit(
                Exec::new(AssessmentCommand::Return { id, reason: text })
                    .on_ok(Callback::from(move |_| open.set(false))),
            );
        })
    };
    html! {
        <form class="return-form" id="assessment-return-form" onsubmit={submit} novalidate=true>
            <label for="assessment-return-reason">{ ctx.t("assessment.return_reason") }</label>
            <textarea id="assessment-return-reason" rows="2" value={(*reason).clone()}
                aria-invalid={missing.then_some("true")} aria-describedby={missing.then_some("assessment-return-reason-error")}
                oninput={{ let (reason, missing) = (reason.clone(), missing.clone()); on_text(move |v| { missing.set(false); reason.set(v) }) }} />
            if *missing {
                <p class="field-error" id="assessment-return-reason-error">{ ctx.t("rule.required") }</p>
            }
            <div class="button-row">
                <button type="submit" id="assessment-return-confirm" class="btn btn-danger" disabled={props.commands.busy}>
                    { ctx.t("assessment.return_confirm") }
                </button>
                <button type="button" class="btn btn-ghost" id="assessment-return-cancel"
                    onclick={{ let open = open.clone(); Callback::from(move |_| open.set(false)) }}>
                    { ctx.t("common.cancel") }
                </button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct SignOffProps {
    assessment: QuarterlyAssessment,
    names: Rc<Vec<(UserId, String)>>,
}

/// Who signed and approved, when, and why it was last sent back.
#[component]
fn SignOffPanel(props: &SignOffProps) -> Html {
    let ctx = use_app();
    let a = &props.assessment;
    let who = |s: &govbench_protocol::SignOff| {
        ctx.format(
            "assessment.signed_by_at",
            &[
                ("name", &text::name_of(&props.names, s.by)),
                ("at", &text::local_time(s.at)),
            ],
        )
    };
    html! {
        <section class="panel" id="assessment-signoff" aria-labelledby="assessment-signoff-title">
            <h2 id="assessment-signoff-title">{ ctx.t("assessment.signoff") }</h2>
            if !a.returned_because.is_empty() {
                <p class="banner banner-warn" id="assessment-returned">
                    { ctx.format("assessment.returned_because", &[("reason", &a.returned_because)]) }
                </p>
            }
            <dl class="dl-grid">
                <dt>{ ctx.t("assessment.created") }</dt>
                <dd>{ ctx.format("assessment.signed_by_at", &[("name", &text::name_of(&props.names, a.created_by)), ("at", &text::local_time(a.created_at))]) }</dd>
                <dt>{ ctx.t("assessment.signed") }</dt>
                <dd id="assessment-signed">{ a.signed.as_ref().map(who).unwrap_or_else(|| ctx.t("assessment.not_yet")) }</dd>
                <dt>{ ctx.t("assessment.approved") }</dt>
                <dd id="assessment-approved">{ a.approved.as_ref().map(who).unwrap_or_else(|| ctx.t("assessment.not_yet")) }</dd>
            </dl>
        </section>
    }
}
