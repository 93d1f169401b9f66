//! Filters, sort and paging of the requirement list.

use govbench_protocol::{Priority, RequirementQuery, RequirementSort, RequirementStatus};

use crate::state::paging::PAGE_SIZE;

pub const SORTS: [RequirementSort; 4] = RequirementSort::ALL;

pub fn sort_key(sort: RequirementSort) -> &'static str {
    sort.key()
}

pub fn sort_from_key(key: &str) -> Option<RequirementSort> {
    RequirementSort::from_key(key)
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListFilters {
    pub status: Option<RequirementStatus>,
    pub priority: Option<Priority>,
    pub department: Option<String>,
    pub text: String,
    pub overdue_only: bool,
    pub sort: RequirementSort,
    /// Zero-based page.
    pub page: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FilterAction {
    /// `"all"` (or anything unknown) clears the filter.
    Status(String),
    Priority(String),
    Department(String),
    Text(String),
    OverdueOnly(bool),
    Sort(String),
    Page(u32),
    Clear,
}

impl ListFilters {
    pub fn apply(&mut self, action: FilterAction) {
        // Any change of filter goes back to the first page; paging keeps the filters.
        match action {
            FilterAction::Page(p) => {
                self.page = p;
                return;
            }
            FilterAction::Status(key) => self.status = RequirementStatus::from_key(&key),
            FilterAction::Priority(key) => self.priority = Priority::from_key(&key),
            FilterAction::Department(d) => {
                self.department = if d.is_empty() || d == "all" {
                    None
                } else {
                    Some(d)
                }
            }
            FilterAction::Text(t) => self.text = t,
            FilterAction::OverdueOnly(b) => self.overdue_only = b,
            FilterAction::Sort(key) => self.sort = sort_from_key(&key).unwrap_or_default(),
            FilterAction::Clear => *self = ListFilters::default(),
        }
        self.page = 0;
    }

    pub fn is_filtered(&self) -> bool {
        self.status.is_some()
            || self.priority.is_some()
            || self.department.is_some()
            || !self.text.trim().is_empty()
            || self.overdue_only
    }

    pub fn to_query(&self) -> RequirementQuery {
        let text = self.text.trim();
        RequirementQuery {
            status: self.status,
            priority: self.priority,
            department: self.department.clone(),
            text: (!text.is_empty()).then(|| text.to_owned()),
            overdue_only: self.overdue_only,
            sort: self.sort,
            // The pager jumps to a page by its number: an offset, not a cursor.
            offset: self.page.saturating_mul(PAGE_SIZE),
            limit: PAGE_SIZE,
            after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_query_is_first_page_of_fifty() {
        let q = ListFilters::default().to_query();
        assert_eq!(q.offset, 0);
        assert_eq!(q.limit, 50);
        assert_eq!(q.text, None);
        assert_eq!(q.status, None);
    }

    #[test]
    fn filters_map_to_the_query_and_reset_the_page() {
        let mut f = ListFilters::default();
        f.apply(FilterAction::Page(3));
        assert_eq!(f.to_query().offset, 150);
        f.apply(FilterAction::Status("assessed".into()));
        assert_eq!(f.page, 0);
        f.apply(FilterAction::Priority("high".into()));
        f.apply(FilterAction::Department("Risk".into()));
        f.apply(FilterAction::Text("  模型 ".into()));
        f.apply(FilterAction::OverdueOnly(true));
        f.apply(FilterAction::Sort("wanted_by_asc".into()));
        let q = f.to_query();
        assert_eq!(q.status, Some(RequirementStatus::Assessed));
        assert_eq!(q.priority, Some(Priority::High));
        assert_eq!(q.department.as_deref(), Some("Risk"));
        assert_eq!(q.text.as_deref(), Some("模型"));
        assert!(q.overdue_only);
        assert_eq!(q.sort, RequirementSort::WantedByAsc);
        assert!(f.is_filtered());
    }

    #[test]
    fn all_clears_a_filter() {
        let mut f = ListFilters::default();
        f.apply(FilterAction::Status("draft".into()));
        f.apply(FilterAction::Status("all".into()));
        f.apply(FilterAction::Department("all".into()));
        f.apply(FilterAction::Sort("bogus".into()));
        assert_eq!(f, ListFilters::default());
        assert!(!f.is_filtered());
    }

    #[test]
    fn sort_keys_round_trip() {
        for s in SORTS {
            assert_eq!(sort_from_key(sort_key(s)), Some(s));
        }
    }
}
