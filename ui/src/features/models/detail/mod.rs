//! A model's page: its versions with their stage, latest verdict and what the go-live gate
//! still misses (and the moves the user may make), the KPI policy, trends per KPI, every
//! evaluation (pick two to compare), which version was live when, the requirements it
//! delivers, history and comments.

mod add_version;
mod evaluations;
mod linked_requirements;
mod live_timeline;
mod policy;
mod versions;

use std::rc::Rc;

use govbench_protocol::{
    endpoint, EntityRef, ErrorCode, ModelAction as A, ModelDetail, ModelId, VersionStage,
};
use yew::prelude::*;

use super::chart::TrendChart;
use super::list::domain_text;
use crate::components::{
    CommentThread, ErrorAlert, FetchView, GateRefusal, HistoryTimeline, Loading, RouteLink,
};
use crate::context::use_app;
use crate::hooks::{use_command, use_detail, use_fetch, Commands};
use crate::route::Route;
use crate::{api, text};
use add_version::AddVersion;
use evaluations::EvaluationsPanel;
use linked_requirements::RequirementsPanel;
use live_timeline::LiveTimeline;
use policy::PolicyPanel;
use versions::VersionsPanel;

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub id: String,
}

#[component]
pub fn ModelDetailPage(props: &DetailProps) -> Html {
    let ctx = use_app();
    let detail = use_detail::<endpoint::ModelGet>(&props.id);
    let id = detail.id;
    let trends = use_fetch(id, |id: Option<ModelId>| async move {
        match id {
            Some(id) => api::call::<endpoint::KpiTrends>(&id).await,
            None => Ok(Vec::new()),
        }
    });
    let commands = use_command();
    let d = match FetchView::new(&detail.fetched, "model-error").page(
        "page-model",
        Route::Models,
        ctx.t("nav.models"),
    ) {
        Ok(d) => d,
        Err(page) => return page,
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
pub struct ViewProps {
    pub detail: Rc<ModelDetail>,
}

#[derive(Properties, PartialEq)]
pub struct EditableProps {
    pub detail: Rc<ModelDetail>,
    pub commands: Commands,
    pub editable: bool,
}
