//! The incident list's filters and paging, and the quarters the statistics step through.

use chrono::{Datelike, NaiveDate};
use govbench_protocol::{parse_quarter, quarter_key, IncidentQuery, IncidentStatus, Severity};

use crate::state::paging::PAGE_SIZE;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct IncidentFilters {
    pub status: Option<IncidentStatus>,
    pub severity: Option<Severity>,
    /// As typed (`2026Q3`); sent only once it is a real quarter.
    pub quarter: String,
    pub active_only: bool,
    pub include_drills: bool,
    /// Zero-based page.
    pub page: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FilterAction {
    /// `"all"` (or anything unknown) clears the filter.
    Status(String),
    Severity(String),
    Quarter(String),
    ActiveOnly(bool),
    IncludeDrills(bool),
    Page(u32),
    Clear,
}

impl IncidentFilters {
    pub fn apply(&mut self, action: FilterAction) {
        match action {
            FilterAction::Page(p) => {
                self.page = p;
                return;
            }
            FilterAction::Status(key) => self.status = IncidentStatus::from_key(&key),
            FilterAction::Severity(key) => self.severity = Severity::from_key(&key),
            FilterAction::Quarter(q) => self.quarter = q,
            FilterAction::ActiveOnly(b) => self.active_only = b,
            FilterAction::IncludeDrills(b) => self.include_drills = b,
            FilterAction::Clear => *self = IncidentFilters::default(),
        }
        self.page = 0;
    }

    pub fn is_filtered(&self) -> bool {
        self.status.is_some()
            || self.severity.is_some()
            || !self.quarter.trim().is_empty()
            || self.active_only
            || self.include_drills
    }

    /// The typed quarter's problem, if it is not one (empty is fine: no filter).
    pub fn quarter_error(&self) -> Option<&'static str> {
        quarter_error(&self.quarter)
    }

    pub fn to_query(&self) -> IncidentQuery {
        IncidentQuery {
            status: self.status,
            severity: self.severity,
            quarter: parse_quarter(&self.quarter).map(|(y, q)| quarter_key(y, q)),
            active_only: self.active_only,
            include_drills: self.include_drills,
            // The pager jumps to a page by its number: an offset, not a cursor.
            offset: self.page.saturating_mul(PAGE_SIZE),
            limit: PAGE_SIZE,
            after: None,
        }
    }
}

/// Translation key of what is wrong with a typed quarter; `None` when empty or valid.
pub fn quarter_error(text: &str) -> Option<&'static str> {
    if text.trim().is_empty() || parse_quarter(text).is_some() {
        None
    } else {
        Some("incident.rule.quarter")
    }
}

/// The quarter a day falls in (`2026Q3`).
pub fn quarter_of(day: NaiveDate) -> String {
    quarter_key(day.year(), (day.month() - 1) / 3 + 1)
}

/// The quarter before `key` (for stepping back through statistics); `None` if not a quarter.
pub fn previous_quarter(key: &str) -> Option<String> {
    let (y, q) = parse_quarter(key)?;
    let (y, q) = if q == 1 { (y - 1, 4) } else { (y, q - 1) };
    parse_quarter(&quarter_key(y, q)).map(|(y, q)| quarter_key(y, q))
}

/// The quarter after `key`.
pub fn next_quarter(key: &str) -> Option<String> {
    let (y, q) = parse_quarter(key)?;
    let (y, q) = if q == 4 { (y + 1, 1) } else { (y, q + 1) };
    parse_quarter(&quarter_key(y, q)).map(|(y, q)| quarter_key(y, q))
}
