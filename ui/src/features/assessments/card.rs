//! The assessments card on the dashboard: this quarter's assessment, a reminder when last
//! quarter's is not approved, and the strategy adjustments the user owns.

use govbench_protocol::{AssessmentsDashboard, EntityKind};
use yew::prelude::*;

use super::scorecard::Tally;
use crate::components::{OpenActions, RouteLink, StatusBadge};
use crate::context::use_app;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub summary: AssessmentsDashboard,
}

#[component]
pub fn AssessmentsCard(props: &CardProps) -> Html {
    let ctx = use_app();
    let d = &props.summary;
    let quarter = d.current_quarter.clone();
    html! {
        <div class="two-col">
            <section class="panel" aria-labelledby="dash-assessments-title" id="dash-assessments">
                <div class="panel-head">
                    <h2 id="dash-assessments-title">{ ctx.t("dash.assessments.title") }</h2>
                </div>
                <ul class="item-list">
                    <li class="item">
                        <RouteLink to={Route::Assessment { quarter: quarter.clone() }} class={classes!("item-title")}>
                            { ctx.format("dash.assessments.current", &[("quarter", &quarter)]) }
                        </RouteLink>
                        <span class="item-meta">
                            if let Some(a) = &d.current {
                                <StatusBadge entity={EntityKind::Assessment} status={a.status.key()} />
                                if let Some(tally) = a.tally { {" "}<Tally {tally} /> }
                            } else {
                                { ctx.t("dash.assessments.not_opened") }
                            }
                        </span>
                    </li>
                    if let Some(previous) = &d.previous_unapproved {
                        <li class="item overdue" id="dash-assessments-previous">
                            <RouteLink to={Route::Assessment { quarter: previous.clone() }} class={classes!("item-title")}>
                                { ctx.format("dash.assessments.previous_due", &[("quarter", previous)]) }
                            </RouteLink>
                        </li>
                    }
                </ul>
                <div class="panel-foot">
                    <RouteLink to={Route::Assessments}>{ ctx.t("dash.assessments.open") }</RouteLink>
                </div>
            </section>
            <section class="panel" aria-labelledby="dash-assessment-actions-title" id="dash-assessment-actions">
                <div class="panel-head">
                    <h2 id="dash-assessment-actions-title">{ ctx.t("dash.assessments.my_actions") }</h2>
                    <span class="count-pill">{ d.my_actions.len() }</span>
                </div>
                <OpenActions items={d.my_actions.clone()} empty={ctx.t("dash.assessments.my_actions_none")} />
            </section>
        </div>
    }
}
