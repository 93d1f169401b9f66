//! The pager under a list that pages on the backend: "rows 51–57 of 57" and previous/next.

use crate::context::use_app;
use crate::state::paging::{page_count, page_range};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PagerProps {
    /// Ids of the count, previous and next (`req-count`, `page-prev`, `page-next`).
    pub ids: (AttrValue, AttrValue, AttrValue),
    /// 0-based.
    pub page: u32,
    /// Rows on this page.
    pub shown: usize,
    pub total: u64,
    pub on_page: Callback<u32>,
}

#[component]
pub fn Pager(props: &PagerProps) -> Html {
    let ctx = use_app();
    let pages = page_count(props.total);
    let (first, last) = page_range(props.page, props.shown, props.total);
    let goto = |page: u32| {
        let on_page = props.on_page.clone();
        Callback::from(move |_: MouseEvent| on_page.emit(page))
    };
    let (count_id, prev_id, next_id) = props.ids.clone();
    html! {
        <nav class="pager" aria-label={ctx.t("list.pagination")}>
            <span id={count_id} class="muted">
                { ctx.format("list.showing", &[("first", &first.to_string()), ("last", &last.to_string()), ("total", &props.total.to_string())]) }
            </span>
            <span class="pager-buttons">
                <button type="button" id={prev_id} class="btn btn-small" disabled={props.page == 0}
                    onclick={goto(props.page.saturating_sub(1))}>{ format!("‹ {}", ctx.t("list.prev")) }</button>
                <span class="muted">{ ctx.format("list.page_of", &[("page", &(props.page + 1).to_string()), ("pages", &pages.to_string())]) }</span>
                <button type="button" id={next_id} class="btn btn-small" disabled={props.page + 1 >= pages}
                    onclick={goto(props.page + 1)}>{ format!("{} ›", ctx.t("list.next")) }</button>
            </span>
        </nav>
    }
}
