//! The route table: one route per page, and the page each one shows. A feature adds its
//! routes here.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::use_app;
use crate::components::RouteLink;
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
use crate::features::trust::TrustPage;
use crate::features::users::UsersPage;
use crate::nav::Section;

#[derive(Clone, Debug, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/dashboard")]
    Dashboard,
    #[at("/requirements")]
    Requirements,
    #[at("/requirements/new")]
    RequirementNew,
    #[at("/requirements/:id")]
    RequirementDetail { id: String },
    #[at("/models")]
    Models,
    #[at("/models/:id")]
    ModelDetail { id: String },
    #[at("/models/:id/versions/:version/import")]
    EvaluationImport { id: String, version: String },
    #[at("/evaluations/:id")]
    Evaluation { id: String },
    #[at("/evaluations/:a/compare/:b")]
    EvaluationCompare { a: String, b: String },
    #[at("/incidents")]
    Incidents,
    #[at("/incidents/new")]
    IncidentNew,
    #[at("/incidents/team")]
    IncidentTeam,
    #[at("/incidents/rules")]
    IncidentRules,
    #[at("/incidents/:id")]
    IncidentDetail { id: String },
    #[at("/drills")]
    Drills,
    #[at("/drills/templates/:key")]
    DrillTemplate { key: String },
    #[at("/drills/runs/:id")]
    DrillRun { id: String },
    #[at("/drills/runs/:id/run")]
    DrillRunner { id: String },
    #[at("/drills/runs/:id/incident")]
    DrillIncidentNew { id: String },
    #[at("/assessments")]
    Assessments,
    #[at("/assessments/:quarter")]
    Assessment { quarter: String },
    #[at("/assessments/:quarter/present")]
    AssessmentPresent { quarter: String },
    #[at("/users")]
    Users,
    #[at("/trust")]
    Trust,
    #[not_found]
    #[at("/not-found")]
    NotFound,
}

impl Route {
    pub fn for_section(section: Section) -> Route {
        match section {
            Section::Dashboard => Route::Dashboard,
            Section::Requirements => Route::Requirements,
            Section::Models => Route::Models,
            Section::Incidents => Route::Incidents,
            Section::Drills => Route::Drills,
            Section::Assessments => Route::Assessments,
            Section::Users => Route::Users,
            Section::Trust => Route::Trust,
        }
    }
}

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
