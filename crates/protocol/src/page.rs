//! A long list shown newest last, one page at a time: comment threads and histories.

use crate::EntityRef;
use serde::{Deserialize, Serialize};

/// The most recent `items` (oldest first, as they are read), how many there are in all, and
/// the cursor of the page before them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecentPage<T> {
    pub items: Vec<T>,
    pub total: u64,
    /// Pass as `before` to get the page before these; `None` when these are the first.
    pub earlier: Option<String>,
}

impl<T> Default for RecentPage<T> {
    fn default() -> Self {
        RecentPage {
            items: Vec::new(),
            total: 0,
            earlier: None,
        }
    }
}

/// One page of a record's comments or history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecentRequest {
    pub of: EntityRef,
    /// A cursor from [`RecentPage::earlier`]; `None` for the most recent page.
    pub before: Option<String>,
}
