//! Requirements list with filters, search, sort and paging.

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{
    EntityKind, Priority, RequirementPage, RequirementPermission, RequirementStatus,
};
use yew::prelude::*;

use super::badges::{OverdueFlag, PriorityBadge, RequirementStatusBadge};
use super::state::filters::{sort_key, FilterAction, ListFilters, SORTS};
use crate::api;
use crate::components::Pager;
use crate::components::{checked_of, on_change, on_text, Empty, FetchView, RouteLink};
use crate::context::use_app;
use crate::hooks::use_fetch;
use crate::route::Route;
use crate::text;

impl Reducible for ListFilters {
    type Action = FilterAction;
    fn reduce(self: Rc<Self>, action: FilterAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[component]
pub fn ListPage() -> Html {
    let ctx = use_app();
    let filters = use_reducer(ListFilters::default);
    let page = use_fetch((*filters).clone(), |f: ListFilters| async move {
        api::call::<endpoint::RequirementsList>(&f.to_query()).await
    });
    // Every department offered once seen, so a filter never hides itself.
    let departments = use_mut_ref(Vec::<String>::new);
    if let Some(p) = &page.data {
        let mut known = departments.borrow_mut();
        for d in &p.departments {
            if !known.contains(d) {
                known.push(d.clone());
            }
        }
        known.sort();
    }
    let departments = departments.borrow().clone();

    let dispatch = |make: fn(String) -> FilterAction| {
        let filters = filters.clone();
        on_change(move |v| filters.dispatch(make(v)))
    };
    let search = {
        let filters = filters.clone();
        on_text(move |v| filters.dispatch(FilterAction::Text(v)))
    };
    let overdue = {
        let filters = filters.clone();
        Callback::from(move |e: Event| filters.dispatch(FilterAction::OverdueOnly(checked_of(&e))))
    };
    let on_page = {
        let filters = filters.clone();
        Callback::from(move |p: u32| filters.dispatch(FilterAction::Page(p)))
    };
    let clear = {
        let filters = filters.clone();
        Callback::from(move |_: MouseEvent| filters.dispatch(FilterAction::Clear))
    };

    let filter_bar = html! {
        <div class="filters" role="search" aria-label={ctx.t("list.filters")}>
            <div class="field field-grow">
                <label for="filter-search">{ ctx.t("list.search") }</label>
                <input id="filter-search" type="search" value={filters.text.clone()} oninput={search}
                    placeholder={ctx.t("list.search_placeholder")} />
            </div>
            <div class="field">
                <label for="filter-status">{ ctx.t("list.status") }</label>
                <select id="filter-status" onchange={dispatch(FilterAction::Status)}>
                    <option value="all" selected={filters.status.is_none()}>{ ctx.t("list.all") }</option>
                    { for RequirementStatus::ALL.iter().map(|s| html! {
                        <option value={s.key()} selected={filters.status == Some(*s)}>{ text::status(ctx.locale, EntityKind::Requirement, s.key()) }</option>
                    }) }
                </select>
            </div>
            <div class="field">
                <label for="filter-priority">{ ctx.t("list.priority") }</label>
                <select id="filter-priority" onchange={dispatch(FilterAction::Priority)}>
                    <option value="all" selected={filters.priority.is_none()}>{ ctx.t("list.all") }</option>
                    { for Priority::ALL.iter().map(|p| html! {
                        <option value={p.key()} selected={filters.priority == Some(*p)}>{ ctx.t(&format!("priority.{}", p.key())) }</option>
                    }) }
                </select>
            </div>
            <div class="field">
                <label for="filter-department">{ ctx.t("list.department") }</label>
                <select id="filter-department" onchange={dispatch(FilterAction::Department)}>
                    <option value="all" selected={filters.department.is_none()}>{ ctx.t("list.all") }</option>
                    { for departments.iter().map(|d| html! {
                        <option value={d.clone()} selected={filters.department.as_deref() == Some(d.as_str())}>{ d.clone() }</option>
                    }) }
                </select>
            </div>
            <div class="field">
                <label for="sort">{ ctx.t("list.sort") }</label>
                <select id="sort" onchange={dispatch(FilterAction::Sort)}>
                    { for SORTS.iter().map(|s| html! {
                        <option value={sort_key(*s)} selected={filters.sort == *s}>{ ctx.t(&format!("list.sort.{}", sort_key(*s))) }</option>
                    }) }
                </select>
            </div>
            <div class="field field-check field-inline">
                <input id="filter-overdue" type="checkbox" checked={filters.overdue_only} onchange={overdue} />
                <label for="filter-overdue">{ ctx.t("list.overdue_only") }</label>
            </div>
            if filters.is_filtered() {
                <button type="button" id="filter-clear" class="btn btn-small btn-ghost" onclick={clear.clone()}>
                    { ctx.t("list.clear") }
                </button>
            }
        </div>
    };

    let empty = html! {
            <>
                <table id="req-table" class="table" hidden=true><tbody></tbody></table>
                if filters.is_filtered() {
                    <Empty title={ctx.t("list.empty_filtered")} hint={Some(AttrValue::from(ctx.t("list.empty_filtered_hint")))}>
                        <button type="button" class="btn btn-small" onclick={clear}>{ ctx.t("list.clear") }</button>
                    </Empty>
                } else {
                    <Empty title={ctx.t("list.empty")} hint={Some(AttrValue::from(ctx.t("list.empty_hint")))}>
                        if ctx.may(RequirementPermission::File) {
                            <RouteLink to={Route::RequirementNew} class={classes!("btn", "btn-primary", "btn-small")}>{ ctx.t("req.new") }</RouteLink>
                        }
                    </Empty>
                }
            </>
    };
    let body = FetchView::new(&page, "list-error")
        .empty_when(|p| p.items.is_empty(), empty)
        .show(|p| {
            html! {
                <>
                    <RequirementTable page={p.clone()} loading={page.loading} />
                    <Pager ids={(AttrValue::from("req-count"), AttrValue::from("page-prev"), AttrValue::from("page-next"))}
                        page={filters.page} shown={p.items.len()} total={p.total} on_page={on_page.clone()} />
                </>
            }
        });

    html! {
        <section class="page" id="page-requirements">
            <div class="page-head">
                <div>
                    <h1>{ ctx.t("list.title") }</h1>
                    <p class="subtitle">{ ctx.t("list.subtitle") }</p>
                </div>
                if ctx.may(RequirementPermission::File) {
                    <RouteLink to={Route::RequirementNew} id="req-new" class={classes!("btn", "btn-primary")}>
                        { format!("+ {}", ctx.t("req.new")) }
                    </RouteLink>
                }
            </div>
            { filter_bar }
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TableProps {
    page: Rc<RequirementPage>,
    /// A newer page is being fetched.
    loading: bool,
}

#[component]
fn RequirementTable(props: &TableProps) -> Html {
    let ctx = use_app();
    let (p, loading) = (&props.page, props.loading);
    html! {
        <div class="table-wrap">
            <table id="req-table" class="table" aria-busy={loading.then_some("true")}>
                <caption class="visually-hidden">{ ctx.t("list.caption") }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ ctx.t("req.field.title") }</th>
                        <th scope="col">{ ctx.t("list.status") }</th>
                        <th scope="col">{ ctx.t("list.priority") }</th>
                        <th scope="col">{ ctx.t("list.department") }</th>
                        <th scope="col">{ ctx.t("req.field.wanted_by") }</th>
                        <th scope="col">{ ctx.t("list.updated") }</th>
                    </tr>
                </thead>
                <tbody>
                    { for p.items.iter().map(|r| html! {
                        <tr class={classes!("req-row", r.overdue.then_some("overdue"))}
                            data-id={r.id.to_string()} data-status={r.status.key()}>
                            <td class="cell-title">
                                <RouteLink to={Route::RequirementDetail { id: r.id.to_string() }} class={classes!("req-link")}>
                                    { r.title.clone() }
                                </RouteLink>
                            </td>
                            <td><RequirementStatusBadge status={r.status} /></td>
                            <td><PriorityBadge priority={r.priority} /></td>
                            <td>{ r.department.clone() }</td>
                            <td class="cell-date">
                                <time datetime={text::date(r.wanted_by)}>{ text::date(r.wanted_by) }</time>
                                if r.overdue { {" "}<OverdueFlag /> }
                            </td>
                            <td class="cell-date muted">
                                <time datetime={text::iso_time(r.updated_at)}>{ text::local_time(r.updated_at) }</time>
                            </td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
