//! The start page: one card per feature the user may read, in the backend's order. A feature
//! adds its card with one line in `card`.

use govbench_protocol::endpoint;
use govbench_protocol::{DashboardSection, NoRequest, RequirementPermission};
use yew::prelude::*;

use crate::api;
use crate::components::{FetchView, RouteLink};
use crate::context::use_app;
use crate::features::assessments::AssessmentsCard;
use crate::features::drills::DrillsCard;
use crate::features::incidents::IncidentsCard;
use crate::features::models::ModelsCard;
use crate::features::requirements::RequirementsCard;
use crate::hooks::use_fetch;
use crate::route::Route;

fn card(section: &DashboardSection) -> Html {
    match section {
        DashboardSection::Requirements(summary) => {
            html! { <RequirementsCard summary={summary.clone()} /> }
        }
        DashboardSection::Models(summary) => html! { <ModelsCard summary={summary.clone()} /> },
        DashboardSection::Incidents(summary) => {
            html! { <IncidentsCard summary={summary.clone()} /> }
        }
        DashboardSection::Drills(summary) => html! { <DrillsCard summary={summary.clone()} /> },
        DashboardSection::Assessments(summary) => {
            html! { <AssessmentsCard summary={summary.clone()} /> }
        }
    }
}

#[component]
pub fn DashboardPage() -> Html {
    let ctx = use_app();
    let dashboard = use_fetch((), |()| api::call::<endpoint::Dashboard>(&NoRequest {}));
    let body = FetchView::new(&dashboard, "dash-error")
        .show(|d| html! { <>{ for d.sections.iter().map(card) }</> });
    html! {
        <section class="page" id="page-dashboard">
            <div class="page-head">
                <div>
                    <h1>{ ctx.t("dash.title") }</h1>
                    <p class="subtitle">{ ctx.t("dash.subtitle") }</p>
                </div>
                if ctx.may(RequirementPermission::File) {
                    <RouteLink to={Route::RequirementNew} class={classes!("btn", "btn-primary")}>
                        { format!("+ {}", ctx.t("req.new")) }
                    </RouteLink>
                }
            </div>
            { body }
        </section>
    }
}
