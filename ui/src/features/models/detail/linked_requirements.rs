//! The panel of requirements the model delivers, and linking them.

use std::rc::Rc;

use govbench_protocol::{
    endpoint, EntityKind, ModelCommand as C, RequirementLink, RequirementQuery,
};
use yew::prelude::*;

use super::EditableProps;
use crate::api;
use crate::components::{RouteLink, StatusBadge};
use crate::context::use_app;
use crate::hooks::{use_fetch, Exec};
use crate::route::Route;

#[component]
pub fn RequirementsPanel(props: &EditableProps) -> Html {
    let ctx = use_app();
    let d = &props.detail;
    let picking = use_state(|| false);
    let choices = use_fetch(*picking, |picking: bool| async move {
        if picking {
            api::call::<endpoint::RequirementsList>(&RequirementQuery {
                limit: 200,
                ..Default::default()
            })
            .await
            .map(|p| p.items)
        } else {
            Ok(Vec::new())
        }
    });
    let links = d.model.links.clone();
    let model = d.model.id;
    let set_links: Rc<dyn Fn(Vec<RequirementLink>)> = {
        let run = props.commands.run.clone();
        Rc::new(move |links| run.emit(Exec::new(C::LinkRequirements { id: model, links })))
    };
    html! {
        <section class="panel" aria-labelledby="model-req-title" id="model-requirements">
            <h2 id="model-req-title">{ ctx.t("model.requirements") }</h2>
            if d.requirements.is_empty() {
                <p class="muted">{ ctx.t("model.no_requirements") }</p>
            } else {
                <ul class="item-list">
                    { for d.requirements.iter().map(|r| {
                        let remove = {
                            let links: Vec<RequirementLink> = links.iter().filter(|l| l.requirement != r.id).cloned().collect();
                            let run = set_links.clone();
                            Callback::from(move |_: MouseEvent| run(links.clone()))
                        };
                        html! {
                            <li class="item">
                                <RouteLink to={Route::RequirementDetail { id: r.id.to_string() }}>{ r.title.clone() }</RouteLink>
                                <span class="item-meta">
                                    <StatusBadge entity={EntityKind::Requirement} status={r.status.key()} />
                                    if props.editable { <button type="button" class="btn btn-small" onclick={remove} aria-label={ctx.t("model.unlink")}>{ "×" }</button> }
                                </span>
                            </li>
                        }
                    }) }
                </ul>
            }
            if props.editable {
                if *picking {
                    <select id="model-link-pick" onchange={{
                        let links = links.clone();
                        let run = set_links.clone();
                        let picking = picking.clone();
                        crate::components::on_change(move |v| {
                            if let Ok(id) = v.parse() {
                                let mut next = links.clone();
                                if !next.iter().any(|l| l.requirement == id) {
                                    next.push(RequirementLink { requirement: id, version: None });
                                }
                                run(next);
                                picking.set(false);
                            }
                        })
                    }}>
                        <option value="" selected=true>{ ctx.t("model.link_pick") }</option>
                        { for choices.data.iter().flat_map(|c| c.iter()).filter(|r| !links.iter().any(|l| l.requirement == r.id)).map(|r| html! {
                            <option value={r.id.to_string()}>{ r.title.clone() }</option>
                        }) }
                    </select>
                } else {
                    <button type="button" id="model-link" class="btn btn-small" onclick={{ let picking = picking.clone(); Callback::from(move |_| picking.set(true)) }}>
                        { format!("+ {}", ctx.t("model.link")) }
                    </button>
                }
            }
        </section>
    }
}
