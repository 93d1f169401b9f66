//! The panel listing every evaluation of a model (pick two to compare).

use yew::prelude::*;

use super::ViewProps;
use crate::components::{checked_of, Empty, RouteLink};
use crate::context::use_app;
use crate::features::models::card::EvaluationList;
use crate::route::Route;

#[component]
pub fn EvaluationsPanel(props: &ViewProps) -> Html {
    let ctx = use_app();
    let picked = use_state(Vec::<String>::new);
    let d = &props.detail;
    let toggle = |id: String| {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            let mut next: Vec<String> = (*picked).clone();
            next.retain(|p| *p != id);
            if checked_of(&e) {
                next.push(id.clone());
                while next.len() > 2 {
                    next.remove(0);
                }
            }
            picked.set(next);
        })
    };
    html! {
        <section class="panel" aria-labelledby="evaluations-title" id="model-evaluations">
            <div class="panel-head">
                <h2 id="evaluations-title">{ ctx.t("model.evaluations") }</h2>
                if let [a, b] = picked.as_slice() {
                    <RouteLink to={Route::EvaluationCompare { a: a.clone(), b: b.clone() }} class={classes!("btn", "btn-small")}>{ ctx.t("eval.compare") }</RouteLink>
                } else if !d.evaluations.is_empty() {
                    <span class="muted">{ ctx.t("eval.compare_hint") }</span>
                }
            </div>
            if d.evaluations.is_empty() {
                <Empty title={ctx.t("model.no_evaluations")} />
            } else {
                <ul class="item-list">
                    { for d.evaluations.iter().map(|e| {
                        let id = e.id.to_string();
                        html! {
                            <li class="item">
                                <label class="compare-pick">
                                    <input type="checkbox" checked={picked.contains(&id)} onchange={toggle(id.clone())}
                                        aria-label={ctx.t("eval.compare_pick")} />
                                </label>
                                <EvaluationList items={vec![e.clone()]} empty={AttrValue::from("")} />
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}
