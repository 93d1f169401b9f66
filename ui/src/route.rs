//! The app's pages as hash routes. Below `components`, `hooks` and `features`, which link to
//! pages; `app/routes.rs` maps each route to its page.

use yew_router::prelude::*;

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
    #[at("/trust/sharing")]
    Sharing,
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
