//! Older pages of a long list (a comment thread, a history), fetched on demand and shown
//! before the most recent page that the record's own view brought.

use std::rc::Rc;

use govbench_protocol::endpoint::Endpoint;
use govbench_protocol::{ApiError, EntityRef, RecentPage, RecentRequest};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;

/// What has been fetched before the recent page, and how to fetch more.
pub struct Earlier<T> {
    /// Older items, oldest first.
    pub items: Rc<Vec<T>>,
    /// Items neither in the recent page nor fetched yet.
    pub remaining: u64,
    pub loading: bool,
    pub error: Option<ApiError>,
    pub load: Callback<()>,
}

/// Pages of `E` (comments or history of `of`) before `recent`. A new recent page (after a
/// change) starts over.
#[hook]
pub fn use_earlier<E, T>(of: EntityRef, recent: Rc<RecentPage<T>>) -> Earlier<T>
where
    E: Endpoint<Request = RecentRequest, Response = RecentPage<T>> + 'static,
    T: Clone + PartialEq + 'static,
{
    let older = use_state(|| (Rc::new(Vec::<T>::new()), recent.earlier.clone()));
    let loading = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    {
        let older = older.clone();
        use_effect_with(recent.clone(), move |recent| {
            older.set((Rc::new(Vec::new()), recent.earlier.clone()));
        });
    }
    let load = {
        let (older, loading, error) = (older.clone(), loading.clone(), error.clone());
        Callback::from(move |()| {
            let Some(before) = older.1.clone() else {
                return;
            };
            let (older, loading, error) = (older.clone(), loading.clone(), error.clone());
            loading.set(true);
            spawn_local(async move {
                let request = RecentRequest {
                    of,
                    before: Some(before),
                };
                match api::call::<E>(&request).await {
                    Ok(page) => {
                        let mut items = page.items;
                        items.extend(older.0.iter().cloned());
                        older.set((Rc::new(items), page.earlier));
                        error.set(None);
                    }
                    Err(err) => error.set(Some(err)),
                }
                loading.set(false);
            });
        })
    };
    let shown = (recent.items.len() + older.0.len()) as u64;
    Earlier {
        items: older.0.clone(),
        remaining: recent.total.saturating_sub(shown),
        loading: *loading,
        error: (*error).clone(),
        load,
    }
}
