//! An incident's page: its level, state and live response clocks; the response steps the
//! user may take now (with a note), the post-incident review and its actions, rolling the
//! affected model back, the timeline, evidence files, history and comments.

mod clocks;
mod description;
mod facts;
mod model_changes;
mod respond;
mod review_form;
mod review_view;
mod rollback;
mod timeline;

use std::rc::Rc;

use govbench_protocol::{
    endpoint, EntityKind, EntityRef, ErrorCode, IncidentAction as A, IncidentDetail, IncidentId,
    IncidentStatus, RecentRequest,
};
use yew::prelude::*;

use super::badges::{DrillLabel, IncidentStatusBadge, SeverityBadge};
use super::state::{lifecycle, RESPONSE_STEPS};
use crate::components::{
    Attachments, CommentThread, ErrorAlert, FetchView, GateRefusal, HistoryTimeline, RouteLink,
};
use crate::context::use_app;
use crate::hooks::{use_command, use_detail, use_fetch};
use crate::route::Route;
use crate::{api, text};
use clocks::ClocksPanel;
use description::DescriptionPanel;
use facts::FactsPanel;
use model_changes::ModelChanges;
use respond::RespondPanel;
use review_form::ReviewPanel;
use review_view::ReviewView;
use rollback::RollbackPanel;
use timeline::TimelinePanel;

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub id: String,
}

#[component]
pub fn IncidentDetailPage(props: &DetailProps) -> Html {
    let ctx = use_app();
    let detail = use_detail::<endpoint::IncidentGet>(&props.id);
    let id = detail.id;
    let history = use_fetch(id, |id: Option<IncidentId>| async move {
        match id {
            Some(id) => {
                let request = RecentRequest {
                    of: EntityRef::from(id),
                    before: None,
                };
                api::call::<endpoint::HistoryPage>(&request).await.map(Some)
            }
            None => Ok(None),
        }
    });
    let comments = use_fetch(id, |id: Option<IncidentId>| async move {
        match id {
            Some(id) => {
                let request = RecentRequest {
                    of: EntityRef::from(id),
                    before: None,
                };
                api::call::<endpoint::CommentsPage>(&request)
                    .await
                    .map(Some)
            }
            None => Ok(None),
        }
    });
    let commands = use_command();

    let d = match FetchView::new(&detail.fetched, "incident-error").page(
        "page-incident",
        Route::Incidents,
        ctx.t("nav.incidents"),
    ) {
        Ok(d) => d,
        Err(page) => return page,
    };
    let inc = &d.incident;
    let allowed = |a: A| d.allowed_actions.contains(&a);
    let names = Rc::new(d.names.clone());
    let entity = EntityRef::from(inc.id);
    let respond =
        RESPONSE_STEPS.iter().any(|a| allowed(*a)) || allowed(A::AddNote) || allowed(A::Close);
    let reviewing =
        inc.status == IncidentStatus::Resolved && allowed(A::Review) && inc.review.is_none();

    html! {
        <section class="page" id="page-incident" data-id={inc.id.to_string()} data-status={inc.status.key()}
            data-severity={inc.draft.severity.key()} data-drill={inc.drill.is_some().then_some("true")}>
            <nav class="breadcrumbs" aria-label={ctx.t("common.breadcrumbs")}>
                <RouteLink to={Route::Incidents}>{ ctx.t("nav.incidents") }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ inc.number.clone() }</span>
            </nav>
            <header class="detail-head">
                <div>
                    <p class="record-number mono" id="incident-number">{ inc.number.clone() }</p>
                    <h1 id="incident-heading">{ inc.draft.title.clone() }</h1>
                </div>
                <div class="detail-badges">
                    <SeverityBadge id="incident-severity" severity={inc.draft.severity} />
                    <IncidentStatusBadge id="incident-status" status={inc.status} />
                    if let Some(run) = inc.drill {
                        <RouteLink to={Route::DrillRun { id: run.to_string() }} class={classes!("drill-link")}>
                            <DrillLabel id="incident-drill" long=true />
                        </RouteLink>
                    }
                </div>
            </header>
            <ol class="lifecycle" id="incident-lifecycle" aria-label={ctx.t("incident.lifecycle")}>
                { for lifecycle(inc.status).into_iter().map(|(s, at)| {
                    let state = match at {
                        std::cmp::Ordering::Less => "done",
                        std::cmp::Ordering::Equal => "current",
                        std::cmp::Ordering::Greater => "next",
                    };
                    html! {
                        <li class={classes!("lifecycle-step", state)} data-status={s.key()}
                            aria-current={(state == "current").then_some("step")}>
                            { text::status(ctx.locale, EntityKind::Incident, s.key()) }
                        </li>
                    }
                }) }
            </ol>
            <ErrorAlert id="action-error" error={commands.error.clone().filter(|e| e.code != ErrorCode::GateClosed && e.code != ErrorCode::Validation)} />
            <GateRefusal error={commands.error.clone()} />
            <div class="detail-grid">
                <div class="detail-main">
                    <ClocksPanel detail={d.clone()} />
                    if respond {
                        <RespondPanel detail={d.clone()} commands={commands.clone()} />
                    }
                    if d.can_roll_back {
                        if let Some(target) = &d.rollback_to {
                            <RollbackPanel detail={d.clone()} version={target.version} label={target.label.clone()} commands={commands.clone()} />
                        }
                    }
                    <DescriptionPanel detail={d.clone()} />
                    if reviewing {
                        <ReviewPanel id={inc.id} commands={commands.clone()} />
                    }
                    if inc.review.is_some() {
                        <ReviewView detail={d.clone()} names={names.clone()} commands={commands.clone()} />
                    }
                    <TimelinePanel detail={d.clone()} names={names.clone()} />
                    <Attachments id="incident-attachments" on={entity} items={Some(Rc::new(d.attachments.clone()))}
                        open={inc.status != IncidentStatus::Closed} />
                    if let Some(Some(h)) = history.data.as_deref() {
                        <HistoryTimeline id="incident-history" of={entity} entries={Rc::new(h.clone())} />
                    }
                    if let Some(Some(c)) = comments.data.as_deref() {
                        <CommentThread id="incident-comments" on={entity} comments={Rc::new(c.clone())} commands={commands.clone()} />
                    }
                    <ErrorAlert id="incident-thread-error" error={history.error.clone().or(comments.error.clone())} />
                </div>
                <aside class="detail-side">
                    <FactsPanel detail={d.clone()} />
                    <ModelChanges detail={d.clone()} />
                </aside>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ViewProps {
    pub detail: Rc<IncidentDetail>,
}
