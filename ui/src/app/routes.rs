//! The route table: the page each route (`crate::route::Route`) shows. A feature adds its
//! routes in `route.rs` and its pages here.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::RouteLink;
use crate::context::use_app;
use crate::features::assessments::{AssessmentPage, AssessmentsPage, PresentPage};
use crate::features::dashboard::DashboardPage;
use crate::features::drills::{DrillRunPage, DrillsPage, RunnerPage, TemplateEditorPage};
use crate::features::incidents::{
    IncidentDetailPage, IncidentsPage, NewIncidentPage, RulesPage, TeamPage,
};
use crate::features::models::{
    ComparePage, EvaluationPage, ImportPage, ModelDetailPage, ModelsPage,
};
use crate::features::requirements::{DetailPage, ListPage, NewRequirementPage};
use crate::features::sharing::SharingPage;
use crate::features::trust::TrustPage;
use crate::features::users::UsersPage;
use crate::route::Route;

pub fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Redirect<Route> to={Route::Dashboard} /> },
        Route::Dashboard => html! { <DashboardPage /> },
        Route::Requirements => html! { <ListPage /> },
        Route::RequirementNew => html! { <NewRequirementPage /> },
        Route::RequirementDetail { id } => html! { <DetailPage {id} /> },
        Route::Models => html! { <ModelsPage /> },
        Route::ModelDetail { id } => html! { <ModelDetailPage {id} /> },
        Route::EvaluationImport { id, version } => html! { <ImportPage {id} {version} /> },
        Route::Evaluation { id } => html! { <EvaluationPage {id} /> },
        Route::EvaluationCompare { a, b } => html! { <ComparePage {a} {b} /> },
        Route::Incidents => html! { <IncidentsPage /> },
        Route::IncidentNew => html! { <NewIncidentPage /> },
        Route::IncidentTeam => html! { <TeamPage /> },
        Route::IncidentRules => html! { <RulesPage /> },
        Route::IncidentDetail { id } => html! { <IncidentDetailPage {id} /> },
        Route::Drills => html! { <DrillsPage /> },
        Route::DrillTemplate { key } => html! { <TemplateEditorPage template_key={key} /> },
        Route::DrillRun { id } => html! { <DrillRunPage {id} /> },
        Route::DrillRunner { id } => html! { <RunnerPage {id} /> },
        Route::DrillIncidentNew { id } => html! { <NewIncidentPage drill={Some(id)} /> },
        Route::Assessments => html! { <AssessmentsPage /> },
        Route::Assessment { quarter } => html! { <AssessmentPage {quarter} /> },
        Route::AssessmentPresent { quarter } => html! { <PresentPage {quarter} /> },
        Route::Users => html! { <UsersPage /> },
        Route::Trust => html! { <TrustPage /> },
        Route::Sharing => html! { <SharingPage /> },
        Route::NotFound => html! { <NotFoundPage /> },
    }
}

#[component]
fn NotFoundPage() -> Html {
    let ctx = use_app();
    html! {
        <section class="page" id="page-not-found">
            <div class="empty">
                <h1>{ ctx.t("common.not_found") }</h1>
                <RouteLink to={Route::Dashboard} class={classes!("btn")}>{ ctx.t("nav.dashboard") }</RouteLink>
            </div>
        </section>
    }
}
