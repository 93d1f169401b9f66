//! Two evaluations side by side: every KPI's value in each, the difference, and which passes.

use std::str::FromStr;

use govbench_i18n::{number, signed};
use govbench_protocol::endpoint;
use govbench_protocol::{ApiError, Direction, ErrorCode, EvaluationId};
use yew::prelude::*;

use crate::api;
use crate::components::{ErrorAlert, Loading, RouteLink};
use crate::context::use_app;
use crate::hooks::use_fetch;
use crate::route::Route;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    pub a: String,
    pub b: String,
}

#[component]
pub fn ComparePage(props: &CompareProps) -> Html {
    let ctx = use_app();
    let ids = (
        EvaluationId::from_str(&props.a).ok(),
        EvaluationId::from_str(&props.b).ok(),
    );
    let both = use_fetch(
        ids,
        |(a, b): (Option<EvaluationId>, Option<EvaluationId>)| async move {
            let (Some(a), Some(b)) = (a, b) else {
                return Err(ApiError::new(ErrorCode::NotFound));
            };
            let first = api::call::<endpoint::EvaluationGet>(&a).await?;
            let second = api::call::<endpoint::EvaluationGet>(&b).await?;
            // Older on the left.
            Ok(
                if (first.summary.date, first.summary.created_at)
                    <= (second.summary.date, second.summary.created_at)
                {
                    (first, second)
                } else {
                    (second, first)
                },
            )
        },
    );
    let Some(pair) = both.data.clone() else {
        return html! { <section class="page" id="page-compare"><ErrorAlert id="compare-error" error={both.error.clone()} /><Loading /></section> };
    };
    let (a, b) = (&pair.0, &pair.1);
    let head = |d: &govbench_protocol::EvaluationDetail| {
        html! {
            <th scope="col">
                <RouteLink to={Route::Evaluation { id: d.evaluation.id.to_string() }}>{ format!("{} · {}", d.summary.version_label, text::date(d.summary.date)) }</RouteLink>
                <div class="muted">{ d.evaluation.meta.dataset.clone() }</div>
            </th>
        }
    };
    html! {
        <section class="page" id="page-compare">
            <nav class="breadcrumbs" aria-label={ctx.t("common.breadcrumbs")}>
                <RouteLink to={Route::Models}>{ ctx.t("nav.models") }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <RouteLink to={Route::ModelDetail { id: a.evaluation.model.to_string() }}>{ a.summary.model_name.clone() }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ ctx.t("eval.compare") }</span>
            </nav>
            <h1>{ ctx.t("eval.compare") }</h1>
            <section class="panel">
                <table class="table" id="compare-table">
                    <thead><tr>
                        <th scope="col">{ ctx.t("kpi.name") }</th>
                        { head(a) }
                        { head(b) }
                        <th scope="col" class="num">{ ctx.t("eval.difference") }</th>
                    </tr></thead>
                    <tbody>
                        { for a.verdicts.iter().map(|va| {
                            let vb = b.verdicts.iter().find(|v| v.kpi == va.kpi);
                            let cell = |v: Option<&govbench_protocol::KpiVerdict>| match v.and_then(|v| v.value.map(|x| (x, v.passes))) {
                                Some((x, passes)) => html! { <td class={classes!("num", if passes { "pass" } else { "fail" })}>
                                    { format!("{} {}", if passes { "✓" } else { "✗" }, number(x)) }</td> },
                                None => html! { <td class="num muted">{ "—" }</td> },
                            };
                            let diff = match (va.value, vb.and_then(|v| v.value)) {
                                (Some(x), Some(y)) => {
                                    let better = match va.direction { Direction::HigherIsBetter => y > x, Direction::LowerIsBetter => y < x };
                                    html! { <td class={classes!("num", "change", if y == x { "" } else if better { "better" } else { "worse" })}>{ signed(y - x) }</td> }
                                }
                                _ => html! { <td class="num muted">{ "—" }</td> },
                            };
                            html! {
                                <tr data-kpi={va.kpi.clone()}>
                                    <th scope="row">{ va.name.clone() }<div class="muted">{ format!("{} {}", if va.direction == Direction::HigherIsBetter { "≥" } else { "≤" }, number(va.threshold)) }</div></th>
                                    { cell(Some(va)) }
                                    { cell(vb) }
                                    { diff }
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </section>
        </section>
    }
}
