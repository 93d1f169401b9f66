//! Records stored as their audit image: a `body` column holding exactly the JSON the events
//! carry, beside a few derived columns that lists and lookups use. Deep verification then
//! compares like with like, and a new field needs no migration.
//!
//! Every such table has `local_key INTEGER PRIMARY KEY, id TEXT UNIQUE, version, body` and
//! the record's [`Stored::INDEXED`] columns.

use crate::change::Image;
use crate::error::{CoreError, CoreResult};
use crate::store::keyset::{self, KeyOrder, PageStart};
use govbench_protocol::{EntityKind, EntityRef};
use rusqlite::{params_from_iter, Connection, OptionalExtension, ToSql};
use serde::de::DeserializeOwned;
use uuid::Uuid;

pub trait Stored: Image + DeserializeOwned {
    const KIND: EntityKind;
    const TABLE: &'static str;
    /// Derived columns, in the order [`Stored::indexed`] gives their values.
    const INDEXED: &'static [&'static str];
    fn indexed(&self) -> Vec<Box<dyn ToSql>>;
}

fn columns<T: Stored>() -> String {
    let mut all = vec!["id", "version", "body"];
    all.extend_from_slice(T::INDEXED);
    all.join(", ")
}

fn values<T: Stored>(record: &T) -> CoreResult<Vec<Box<dyn ToSql>>> {
    let mut values: Vec<Box<dyn ToSql>> = vec![
        Box::new(record.entity().id.to_string()),
        Box::new(record.version() as i64),
        Box::new(serde_json::to_string(record)?),
    ];
    values.extend(record.indexed());
    Ok(values)
}

fn marks(n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn insert<T: Stored>(conn: &Connection, record: &T) -> CoreResult<()> {
    let values = values(record)?;
    conn.prepare_cached(&format!(
        "INSERT INTO {} ({}) VALUES ({})",
        T::TABLE,
        columns::<T>(),
        marks(values.len())
    ))?
    .execute(params_from_iter(values))?;
    Ok(())
}

/// Writes `after` only if the row is still at `before`'s version.
pub fn update<T: Stored>(conn: &Connection, before: &T, after: &T) -> CoreResult<()> {
    let mut values = values(after)?;
    values.push(Box::new(before.version() as i64));
    let changed = conn
        .prepare_cached(&format!(
            "UPDATE {} SET ({}) = ({}) WHERE id = ?1 AND version = ?{}",
            T::TABLE,
            columns::<T>(),
            marks(values.len() - 1),
            values.len()
        ))?
        .execute(params_from_iter(values))?;
    match changed {
        1 => Ok(()),
        _ => Err(CoreError::Conflict(after.entity())),
    }
}

fn decoded<T: Stored>(body: &str) -> CoreResult<T> {
    serde_json::from_str(body)
        .map_err(|e| CoreError::Malformed(format!("{} record: {e}", T::KIND.key())))
}

pub fn find<T: Stored>(conn: &Connection, id: Uuid) -> CoreResult<Option<T>> {
    let body: Option<String> = conn
        .prepare_cached(&format!("SELECT body FROM {} WHERE id = ?1", T::TABLE))?
        .query_row([id.to_string()], |row| row.get(0))
        .optional()?;
    body.as_deref().map(decoded).transpose()
}

pub fn load<T: Stored>(conn: &Connection, id: Uuid) -> CoreResult<T> {
    find(conn, id)?.ok_or(CoreError::NotFound(EntityRef { kind: T::KIND, id }))
}

pub fn exists<T: Stored>(conn: &Connection, id: Uuid) -> CoreResult<bool> {
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {} WHERE id = ?1", T::TABLE))?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Up to `limit` records matching `condition` (as for [`select`]) in `order` from `start`,
/// and the cursor after them when more follow: every list pages this way (see
/// [`crate::store::keyset`]).
pub fn page<T: Stored>(
    conn: &Connection,
    condition: &str,
    args: &[&dyn ToSql],
    order: &KeyOrder,
    start: &PageStart,
    limit: u32,
) -> CoreResult<(Vec<T>, Option<String>)> {
    let mut cursor_args: Vec<Box<dyn ToSql>> = Vec::new();
    let clause = keyset::narrowed(format!("WHERE {condition}"), &mut cursor_args, order, start)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT body, {} FROM {} {clause} ORDER BY {} LIMIT {} OFFSET {}",
        order.select_list(),
        T::TABLE,
        order.order_by(),
        u64::from(limit) + 1,
        start.offset()
    ))?;
    let all: Vec<&dyn ToSql> = args
        .iter()
        .copied()
        .chain(cursor_args.iter().map(|a| a.as_ref()))
        .collect();
    let mut rows = stmt.query(all.as_slice())?;
    let (mut items, mut last) = (Vec::new(), None);
    while let Some(row) = rows.next()? {
        if items.len() == limit as usize {
            return Ok((items, last.map(|c: keyset::Cursor| c.encode())));
        }
        items.push(decoded(&row.get::<_, String>(0)?)?);
        last = Some(order.cursor_at(row, 1)?);
    }
    Ok((items, None))
}

/// The records matching `condition` (SQL over the derived columns, `?1`… bound to `args`)
/// in `order`.
pub fn select<T: Stored>(
    conn: &Connection,
    condition: &str,
    order: &str,
    args: &[&dyn ToSql],
) -> CoreResult<Vec<T>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT body FROM {} WHERE {condition} ORDER BY {order}",
        T::TABLE
    ))?;
    let bodies = stmt
        .query_map(args, |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    bodies.iter().map(|b| decoded(b)).collect()
}

/// Stores a change another copy made to a record of this kind (see `Change::put`).
pub fn put<T: Stored + serde::de::DeserializeOwned>(
    conn: &Connection,
    change: &crate::change::Change,
) -> CoreResult<()> {
    change.put::<T>(|r| insert(conn, r), |b, a| update(conn, b, a))
}
