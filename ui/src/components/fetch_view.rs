//! What a page shows of one fetch, written once: the spinner while it loads, the error, "nothing
//! here", or the data. A detail page goes on with its record, or shows the spinner or the error
//! with a way back instead.

use std::rc::Rc;

use govbench_protocol::ApiError;
use yew::prelude::*;

use super::{ErrorAlert, Loading, RouteLink};
use crate::hooks::Fetched;
use crate::route::Route;

/// Which of its states a fetch is in, as a page shows it.
pub enum FetchState<'a, T> {
    Loading,
    Failed(&'a ApiError),
    Ready(&'a Rc<T>),
}

/// How one fetch is shown (see the module's text).
pub struct FetchView<'a, T> {
    fetched: &'a Fetched<T>,
    error_id: AttrValue,
    keep_data: bool,
    empty: Option<Empty<'a, T>>,
}

/// When the data counts as nothing, and what is shown then.
struct Empty<'a, T> {
    is_empty: Box<dyn Fn(&T) -> bool + 'a>,
    shown: Html,
}

impl<'a, T> FetchView<'a, T> {
    /// A failed request's error takes the data's place (a list whose new filter failed says
    /// so rather than show the old rows); the alert gets `error_id`.
    pub fn new(fetched: &'a Fetched<T>, error_id: impl Into<AttrValue>) -> FetchView<'a, T> {
        FetchView {
            fetched,
            error_id: error_id.into(),
            keep_data: false,
            empty: None,
        }
    }

    /// Data already shown stays when a reload fails; the error shows only while there is none.
    pub fn keep_data(mut self) -> FetchView<'a, T> {
        self.keep_data = true;
        self
    }

    /// Shows `shown` instead of the data when `is_empty` says there is nothing in it.
    pub fn empty_when(mut self, is_empty: impl Fn(&T) -> bool + 'a, shown: Html) -> Self {
        self.empty = Some(Empty {
            is_empty: Box::new(is_empty),
            shown,
        });
        self
    }

    pub fn state(&self) -> FetchState<'a, T> {
        let fetched: &'a Fetched<T> = self.fetched;
        match (&fetched.data, &fetched.error) {
            (Some(data), _) if self.keep_data => FetchState::Ready(data),
            (_, Some(err)) => FetchState::Failed(err),
            (Some(data), None) => FetchState::Ready(data),
            (None, None) => FetchState::Loading,
        }
    }

    /// The spinner, the error, the empty state or `data`'s view of the data.
    pub fn show(self, data: impl FnOnce(&Rc<T>) -> Html) -> Html {
        match self.state() {
            FetchState::Loading => html! { <Loading /> },
            FetchState::Failed(err) => {
                html! { <ErrorAlert id={self.error_id.clone()} error={Some(err.clone())} /> }
            }
            FetchState::Ready(value) => match self.empty {
                Some(empty) if (empty.is_empty)(value) => empty.shown,
                _ => data(value),
            },
        }
    }

    /// A detail page's record, or the whole page to show instead: the spinner, or the error
    /// and a link `back` (labelled `back_label`) to the list it came from. The record stays
    /// on screen when a reload fails (its commands' alert says why).
    pub fn page(
        self,
        page_id: &'static str,
        back: Route,
        back_label: String,
    ) -> Result<Rc<T>, Html> {
        let view = self.keep_data();
        match view.state() {
            FetchState::Ready(value) => Ok(value.clone()),
            FetchState::Loading => {
                Err(html! { <section class="page" id={page_id}><Loading /></section> })
            }
            FetchState::Failed(err) => Err(html! {
                <section class="page" id={page_id}>
                    <ErrorAlert id={view.error_id.clone()} error={Some(err.clone())} />
                    <RouteLink to={back} class={classes!("btn")}>{ back_label }</RouteLink>
                </section>
            }),
        }
    }
}
