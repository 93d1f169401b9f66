//! Reading requirements: the filtered, searched and sorted list, the dashboard figures, one
//! requirement in full.

use super::store::{self, priority_at, status_at, SEARCH};
use crate::error::CoreResult;
use crate::members;
use crate::shared::search::{self, Query};
use crate::store::keyset::{self, Cursor, KeyOrder, PageStart};
use crate::store::rows;
use chrono::NaiveDate;
use govbench_protocol::{
    Priority, Requirement, RequirementId, RequirementPage, RequirementQuery, RequirementSort,
    RequirementStatus as S, RequirementSummary, Role, UserId,
};
use rusqlite::{Connection, OptionalExtension, ToSql};
use std::collections::BTreeMap;

const PAGE_SIZE: u32 = 50;
const MAX_PAGE_SIZE: u32 = 500;
/// Up to this many search matches are looked up by key and sorted by SQLite; beyond it the
/// list walks its sort order and keeps the rows whose key matched, so a common word costs one
/// read of its matches and a page's worth of rows, however many records contain it.
const LOOKUP_LIMIT: usize = 2_000;

fn is_overdue(status: S, wanted_by: NaiveDate, today: NaiveDate) -> bool {
    status.is_open() && wanted_by < today
}

/// A filter in storage terms; the public query and the dashboard both build one.
#[derive(Default)]
pub struct Filter {
    pub statuses: Vec<S>,
    pub priority: Option<Priority>,
    pub department: Option<String>,
    pub filed_by: Option<UserId>,
    /// Open requirements wanted before this date (the user's "today").
    pub overdue_before: Option<NaiveDate>,
    /// Only requirements matching this search expression (few enough matches to look up by
    /// key in SQL; many are walked by `page`).
    pub text: Option<String>,
}

impl Filter {
    fn is_empty(&self) -> bool {
        self.statuses.is_empty()
            && self.priority.is_none()
            && self.department.is_none()
            && self.filed_by.is_none()
            && self.overdue_before.is_none()
            && self.text.is_none()
    }

    fn sql(&self) -> (String, Vec<Box<dyn ToSql>>) {
        let mut clauses: Vec<String> = Vec::new();
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        if !self.statuses.is_empty() {
            let marks = vec!["?"; self.statuses.len()].join(", ");
            clauses.push(format!("status IN ({marks})"));
            args.extend(
                self.statuses
                    .iter()
                    .map(|s| Box::new(s.key()) as Box<dyn ToSql>),
            );
        }
        if let Some(p) = self.priority {
            clauses.push("priority = ?".into());
            args.push(Box::new(p.rank()));
        }
        if let Some(d) = &self.department {
            clauses.push("department = ?".into());
            args.push(Box::new(d.clone()));
        }
        if let Some(user) = self.filed_by {
            clauses.push("filed_by = ?".into());
            args.push(Box::new(user.to_string()));
        }
        if let Some(today) = self.overdue_before {
            let closed: Vec<String> = S::ALL
                .into_iter()
                .filter(|s| !s.is_open())
                .map(|s| format!("'{}'", s.key()))
                .collect();
            clauses.push(format!(
                "wanted_by < ? AND status NOT IN ({})",
                closed.join(", ")
            ));
            args.push(Box::new(today));
        }
        if let Some(expression) = &self.text {
            clauses.push(format!("local_key IN ({})", search::keys_matching(SEARCH)));
            args.push(Box::new(expression.clone()));
        }
        let sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        (sql, args)
    }
}

/// Every order ends in `local_key`, which each index carries, so a page is read straight
/// from an index, and read on from where the last one stopped.
fn key_order(sort: RequirementSort) -> KeyOrder {
    let (columns, descending): (&'static [&'static str], bool) = match sort {
        RequirementSort::UpdatedDesc => (&["updated_at", "local_key"], true),
        RequirementSort::WantedByAsc => (&["wanted_by", "local_key"], false),
        RequirementSort::PriorityDesc => (&["priority", "updated_at", "local_key"], true),
        RequirementSort::TitleAsc => (&["title COLLATE NOCASE", "local_key"], false),
    };
    KeyOrder {
        columns,
        descending,
    }
}

const SUMMARY_COLUMNS: &str = "id, title, status, priority, department, wanted_by, updated_at";
/// Where the order's own columns start in a row that selected `SUMMARY_COLUMNS` first.
const ORDER_AT: usize = 7;

fn summary(row: &rusqlite::Row<'_>, today: NaiveDate) -> rusqlite::Result<RequirementSummary> {
    let status = status_at(row, 2)?;
    let wanted_by: NaiveDate = row.get(5)?;
    Ok(RequirementSummary {
        id: rows::parsed(row, 0)?,
        title: row.get(1)?,
        status,
        priority: priority_at(row, 3)?,
        department: row.get(4)?,
        wanted_by,
        updated_at: row.get(6)?,
        overdue: is_overdue(status, wanted_by, today),
    })
}

/// A page of summaries, and the cursor after it when more follow.
type Page = (Vec<RequirementSummary>, Option<Cursor>);

/// Up to `limit` requirements that pass `filter` (and, when given, whose keys are in
/// `matches`) in `sort` order from `start`, reading one row past the page to know whether
/// another follows.
///
/// Few matches (or none asked for) are a condition SQLite looks up by key; many are walked:
/// the sort order is read from its index and rows whose key did not match are passed over, so
/// a common word costs one read of its matches and a page's worth of rows.
fn page(
    conn: &Connection,
    filter: &Filter,
    matches: Option<&search::Matches>,
    sort: RequirementSort,
    start: &PageStart,
    limit: u32,
    today: NaiveDate,
) -> CoreResult<Page> {
    let order = key_order(sort);
    let (clause, mut args) = filter.sql();
    let clause = keyset::narrowed(clause, &mut args, &order, start)?;
    let mut sql = format!(
        "SELECT {SUMMARY_COLUMNS}, {} FROM requirements {clause} ORDER BY {}",
        order.select_list(),
        order.order_by()
    );
    let mut skip = start.offset();
    if matches.is_none() {
        sql.push_str(" LIMIT ? OFFSET ?");
        args.push(Box::new(limit.saturating_add(1)));
        args.push(Box::new(std::mem::take(&mut skip)));
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
    let (mut items, mut last) = (Vec::new(), None);
    while let Some(row) = rows.next()? {
        let key: i64 = row.get(order.columns.len() + ORDER_AT - 1)?;
        if matches.is_some_and(|m| !m.contains(key)) {
            continue;
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if items.len() == limit as usize {
            return Ok((items, last));
        }
        items.push(summary(row, today)?);
        last = Some(order.cursor_at(row, ORDER_AT)?);
    }
    Ok((items, None))
}

/// How many requirements pass `filter` and are in `matches`, read from the filter's index
/// alone.
fn count_matching(
    conn: &Connection,
    filter: &Filter,
    matches: &search::Matches,
) -> CoreResult<u64> {
    if filter.is_empty() {
        return Ok(matches.len() as u64);
    }
    let (clause, args) = filter.sql();
    let mut stmt = conn.prepare_cached(&format!("SELECT local_key FROM requirements {clause}"))?;
    let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
    let mut n = 0u64;
    while let Some(row) = rows.next()? {
        if matches.contains(row.get(0)?) {
            n += 1;
        }
    }
    Ok(n)
}

pub fn summaries(
    conn: &Connection,
    filter: &Filter,
    sort: RequirementSort,
    limit: u32,
    today: NaiveDate,
) -> CoreResult<Vec<RequirementSummary>> {
    let (items, _) = page(
        conn,
        filter,
        None,
        sort,
        &PageStart::Offset(0),
        limit,
        today,
    )?;
    Ok(items)
}

pub fn count(conn: &Connection, filter: &Filter) -> CoreResult<u64> {
    let (clause, args) = filter.sql();
    let n: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM requirements {clause}"))?
        .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
    Ok(n as u64)
}

/// The departments in use, read by seeking the department index once per department rather
/// than scanning it.
pub fn departments(conn: &Connection) -> CoreResult<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE d(name) AS (
             SELECT min(department) FROM requirements
             UNION ALL
             SELECT (SELECT min(department) FROM requirements WHERE department > d.name)
             FROM d WHERE d.name IS NOT NULL
         )
         SELECT name FROM d WHERE name IS NOT NULL",
    )?;
    let names = stmt.query_map([], |r| r.get(0))?;
    Ok(names.collect::<Result<_, _>>()?)
}

/// A list query resolved once: its filter, the search matches to walk (when there are too
/// many to look up by key), and how many requirements it finds.
struct Resolved {
    filter: Filter,
    walk: Option<search::Matches>,
    total: u64,
    sort: RequirementSort,
    limit: u32,
}

impl Resolved {
    fn new(conn: &Connection, query: &RequirementQuery, today: NaiveDate) -> CoreResult<Self> {
        let mut filter = Filter {
            statuses: query.status.into_iter().collect(),
            priority: query.priority,
            department: query.department.clone().filter(|d| !d.trim().is_empty()),
            filed_by: None,
            overdue_before: query.overdue_only.then_some(today),
            text: None,
        };
        let (walk, total) = match query.text.as_deref().and_then(search::parse_query) {
            None => (None, Some(count(conn, &filter)?)),
            Some(Query::Nothing) => (None, None),
            Some(Query::Match(expression)) => {
                let matches = search::matches(conn, SEARCH, &expression)?;
                if matches.len() > LOOKUP_LIMIT {
                    let total = count_matching(conn, &filter, &matches)?;
                    (Some(matches), Some(total))
                } else if matches.is_empty() {
                    (None, None)
                } else {
                    let only_text = filter.is_empty();
                    filter.text = Some(expression);
                    let total = if only_text {
                        matches.len() as u64
                    } else {
                        count(conn, &filter)?
                    };
                    (None, Some(total))
                }
            }
        };
        Ok(Resolved {
            filter,
            walk,
            // A search with nothing to find finds nothing, whatever the filter.
            total: total.unwrap_or(0),
            sort: query.sort,
            limit: match query.limit {
                0 => PAGE_SIZE,
                n => n.min(MAX_PAGE_SIZE),
            },
        })
    }

    fn page(&self, conn: &Connection, start: &PageStart, today: NaiveDate) -> CoreResult<Page> {
        if self.total == 0 {
            return Ok((Vec::new(), None));
        }
        page(
            conn,
            &self.filter,
            self.walk.as_ref(),
            self.sort,
            start,
            self.limit,
            today,
        )
    }
}

pub fn list(
    conn: &Connection,
    query: &RequirementQuery,
    today: NaiveDate,
) -> CoreResult<RequirementPage> {
    let start = PageStart::of(query.offset, query.after.as_deref())?;
    key_order(query.sort).check(&start)?;
    let resolved = Resolved::new(conn, query, today)?;
    let (items, next) = resolved.page(conn, &start, today)?;
    Ok(RequirementPage {
        items,
        total: resolved.total,
        next: next.map(|c| c.encode()),
        departments: departments(conn)?,
    })
}

/// Every requirement `query` finds from its start on, a page at a time (each read on from the
/// last by its cursor; the search is read once for all), handed to `each`; and their total.
pub fn each_page(
    conn: &Connection,
    query: &RequirementQuery,
    today: NaiveDate,
    mut each: impl FnMut(Vec<RequirementSummary>) -> CoreResult<()>,
) -> CoreResult<u64> {
    let mut start = PageStart::of(query.offset, query.after.as_deref())?;
    key_order(query.sort).check(&start)?;
    let resolved = Resolved::new(conn, query, today)?;
    loop {
        let (items, next) = resolved.page(conn, &start, today)?;
        each(items)?;
        match next {
            Some(cursor) => start = PageStart::After(cursor),
            None => return Ok(resolved.total),
        }
    }
}

pub fn counts_by_status(conn: &Connection) -> CoreResult<Vec<(S, u64)>> {
    let mut stmt =
        conn.prepare_cached("SELECT status, count(*) FROM requirements GROUP BY status")?;
    let mut found: BTreeMap<S, u64> = BTreeMap::new();
    for row in stmt.query_map([], |r| Ok((status_at(r, 0)?, r.get::<_, i64>(1)? as u64)))? {
        let (status, n) = row?;
        found.insert(status, n);
    }
    Ok(S::ALL
        .into_iter()
        .map(|s| (s, found.get(&s).copied().unwrap_or(0)))
        .collect())
}

/// Requirements whose next step belongs to `role` (Business: only the drafts and returns it
/// filed itself).
pub fn waiting_for(
    conn: &Connection,
    role: Role,
    user: UserId,
    today: NaiveDate,
    limit: u32,
) -> CoreResult<Vec<RequirementSummary>> {
    let statuses: Vec<S> = S::ALL
        .into_iter()
        .filter(|s| s.next_actor() == Some(role))
        .collect();
    if statuses.is_empty() {
        return Ok(Vec::new());
    }
    let filter = Filter {
        filed_by: (role == Role::Business).then_some(user),
        statuses,
        ..Filter::default()
    };
    summaries(conn, &filter, RequirementSort::WantedByAsc, limit, today)
}

pub fn overdue(
    conn: &Connection,
    today: NaiveDate,
    limit: u32,
) -> CoreResult<Vec<RequirementSummary>> {
    let filter = Filter {
        overdue_before: Some(today),
        ..Filter::default()
    };
    summaries(conn, &filter, RequirementSort::WantedByAsc, limit, today)
}

pub fn requirement(
    conn: &Connection,
    id: RequirementId,
    today: NaiveDate,
) -> CoreResult<Requirement> {
    let r = store::load(conn, id)?;
    let plan_owner = match &r.plan {
        Some(p) => Some(members::user_ref(conn, p.owner)?),
        None => None,
    };
    Ok(Requirement {
        id: r.id,
        overdue: is_overdue(r.status, r.draft.wanted_by, today),
        filed_by: members::user_ref(conn, r.filed_by)?,
        draft: r.draft,
        status: r.status,
        assessment: r.assessment,
        decision: r.decision,
        plan: r.plan,
        plan_owner,
        created_at: r.created_at,
        updated_at: r.updated_at,
        version: r.version,
    })
}

/// One requirement's list row (for other features that link to requirements).
pub fn summary_of(
    conn: &Connection,
    id: RequirementId,
    today: NaiveDate,
) -> CoreResult<Option<RequirementSummary>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM requirements WHERE id = ?1"
        ))?
        .query_row([id.to_string()], |row| summary(row, today))
        .optional()?)
}
