//! Keyset paging: a list continues *after the last row it showed* (`WHERE (sort key) > (that
//! row's sort key)`), read straight from the order's index, instead of counting past an
//! offset. Page N by offset costs N pages of reading; a page after a cursor costs one page
//! however deep it is, so reading every page of a long list is linear.
//!
//! Every list of every feature pages this way; an offset is only kept for the app's pager,
//! which jumps to a page number.

use crate::error::{CoreError, CoreResult};
use rusqlite::types::Value;
use rusqlite::Row;

/// A cursor longer than this is not one the app wrote.
const MAX_CURSOR: usize = 4_096;

/// A list's order: sort expressions all in one direction, the last of which is unique
/// (`local_key`), so that no two rows tie and "after this row" is exact. One direction for all
/// keeps the continuation one row-value comparison, which SQLite answers from the index.
pub struct KeyOrder {
    pub columns: &'static [&'static str],
    pub descending: bool,
}

impl KeyOrder {
    /// `a DESC, b DESC, local_key DESC`.
    pub fn order_by(&self) -> String {
        let direction = if self.descending { "DESC" } else { "ASC" };
        self.columns
            .iter()
            .map(|c| format!("{c} {direction}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The sort expressions, to select after a row's own columns so its cursor can be read.
    pub fn select_list(&self) -> String {
        self.columns.join(", ")
    }

    /// The condition "comes after `cursor` in this order", with its arguments. Its marks are
    /// unnumbered (`?`), which SQLite numbers on from the highest before them: the condition
    /// goes after a filter's own.
    pub fn after(&self, cursor: &Cursor) -> CoreResult<(String, Vec<Value>)> {
        if cursor.0.len() != self.columns.len() {
            return Err(not_a_cursor());
        }
        let marks = vec!["?"; self.columns.len()];
        let comparison = if self.descending { "<" } else { ">" };
        Ok((
            format!(
                "({}) {comparison} ({})",
                self.columns.join(", "),
                marks.join(", ")
            ),
            cursor.0.clone(),
        ))
    }

    /// Refuses a start whose cursor is not one of this order's (before any reading, so a
    /// list with nothing in it refuses it too).
    pub fn check(&self, start: &PageStart) -> CoreResult<()> {
        match start {
            PageStart::After(cursor) if cursor.0.len() != self.columns.len() => Err(not_a_cursor()),
            PageStart::After(_) | PageStart::Offset(_) => Ok(()),
        }
    }

    /// The cursor of `row`, whose sort expressions were selected from column `first` on.
    pub fn cursor_at(&self, row: &Row<'_>, first: usize) -> rusqlite::Result<Cursor> {
        (first..first + self.columns.len())
            .map(|i| row.get::<_, Value>(i))
            .collect::<rusqlite::Result<_>>()
            .map(Cursor)
    }
}

/// Where a list stopped: the sort key of its last row. Opaque to the caller (text it hands
/// back to get the next page).
#[derive(Clone, Debug, PartialEq)]
pub struct Cursor(Vec<Value>);

impl Cursor {
    pub fn encode(&self) -> String {
        let values: Vec<serde_json::Value> = self
            .0
            .iter()
            .map(|v| match v {
                Value::Null => serde_json::Value::Null,
                Value::Integer(i) => (*i).into(),
                Value::Real(r) => (*r).into(),
                Value::Text(t) => t.as_str().into(),
                // No order sorts by bytes; hex keeps the cursor text if one ever does.
                Value::Blob(b) => serde_json::json!({ "hex": hex::encode(b) }),
            })
            .collect();
        serde_json::Value::Array(values).to_string()
    }

    /// A cursor as [`Cursor::encode`] wrote it; anything else is refused as the list's
    /// `after` field.
    pub fn decode(text: &str) -> CoreResult<Cursor> {
        if text.len() > MAX_CURSOR {
            return Err(not_a_cursor());
        }
        let Ok(serde_json::Value::Array(values)) = serde_json::from_str(text) else {
            return Err(not_a_cursor());
        };
        values
            .into_iter()
            .map(|v| match v {
                serde_json::Value::Null => Ok(Value::Null),
                serde_json::Value::String(s) => Ok(Value::Text(s)),
                serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                    (Some(i), _) => Ok(Value::Integer(i)),
                    (None, Some(r)) => Ok(Value::Real(r)),
                    (None, None) => Err(not_a_cursor()),
                },
                serde_json::Value::Object(o) => o
                    .get("hex")
                    .and_then(|h| h.as_str())
                    .and_then(|h| hex::decode(h).ok())
                    .map(Value::Blob)
                    .ok_or_else(not_a_cursor),
                serde_json::Value::Bool(_) | serde_json::Value::Array(_) => Err(not_a_cursor()),
            })
            .collect::<CoreResult<_>>()
            .map(Cursor)
    }
}

/// Where a page begins: a page number's offset (the app's pager jumps to page N), or after a
/// cursor (reading on).
pub enum PageStart {
    Offset(u32),
    After(Cursor),
}

impl PageStart {
    /// From a list query's `offset` and `after` fields; a cursor wins.
    pub fn of(offset: u32, after: Option<&str>) -> CoreResult<PageStart> {
        Ok(match after {
            Some(text) => PageStart::After(Cursor::decode(text)?),
            None => PageStart::Offset(offset),
        })
    }

    /// The rows to skip before the page: none after a cursor.
    pub fn offset(&self) -> u32 {
        match self {
            PageStart::Offset(n) => *n,
            PageStart::After(_) => 0,
        }
    }
}

/// `clause` (`WHERE …` or empty) narrowed to the rows after `start`'s cursor, if it has one;
/// the cursor's values are appended to `args`.
pub fn narrowed(
    clause: String,
    args: &mut Vec<Box<dyn rusqlite::ToSql>>,
    order: &KeyOrder,
    start: &PageStart,
) -> CoreResult<String> {
    let PageStart::After(cursor) = start else {
        return Ok(clause);
    };
    let (after, values) = order.after(cursor)?;
    args.extend(
        values
            .into_iter()
            .map(|v| Box::new(v) as Box<dyn rusqlite::ToSql>),
    );
    Ok(if clause.is_empty() {
        format!("WHERE {after}")
    } else {
        format!("{clause} AND {after}")
    })
}

fn not_a_cursor() -> CoreError {
    CoreError::invalid("after", "not_a_cursor")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    const BY_NAME: KeyOrder = KeyOrder {
        columns: &["name COLLATE NOCASE", "local_key"],
        descending: false,
    };

    fn names_after(conn: &Connection, order: &KeyOrder, cursor: Option<&Cursor>) -> Vec<String> {
        let (condition, args) = match cursor {
            Some(c) => order.after(c).unwrap_or_else(|e| panic!("{e}")),
            None => ("1".to_owned(), Vec::new()),
        };
        let sql = format!(
            "SELECT name FROM t WHERE {condition} ORDER BY {} LIMIT 2",
            order.order_by()
        );
        let mut stmt = conn.prepare(&sql).unwrap_or_else(|e| panic!("{e}"));
        let names = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"));
        names.map(|n| n.unwrap_or_else(|e| panic!("{e}"))).collect()
    }

    fn last_cursor(conn: &Connection, order: &KeyOrder, name: &str) -> Cursor {
        conn.query_row(
            &format!("SELECT {} FROM t WHERE name = ?1", order.select_list()),
            [name],
            |row| order.cursor_at(row, 0),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn pages_continue_after_the_last_row_in_either_direction_and_ties_break_by_key() {
        let conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch(
            "CREATE TABLE t (local_key INTEGER PRIMARY KEY, name TEXT);
             INSERT INTO t (name) VALUES ('b'), ('A'), ('c'), ('B'), ('a');",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = names_after(&conn, &BY_NAME, cursor.as_ref());
            let Some(last) = page.last() else { break };
            // Through text, as a caller hands it back.
            let text = last_cursor(&conn, &BY_NAME, last).encode();
            cursor = Some(Cursor::decode(&text).unwrap_or_else(|e| panic!("{e}")));
            seen.extend(page);
        }
        assert_eq!(seen, ["A", "a", "b", "B", "c"]);

        let newest_first = KeyOrder {
            columns: &["local_key"],
            descending: true,
        };
        let c = last_cursor(&conn, &newest_first, "c");
        assert_eq!(names_after(&conn, &newest_first, Some(&c)), ["A", "b"]);
    }

    #[test]
    fn a_cursor_the_app_did_not_write_is_refused_as_the_after_field() {
        for text in [
            "",
            "{}",
            "[true]",
            "[[1]]",
            "not json",
            &"[1,".repeat(2_000),
        ] {
            let Err(CoreError::Validation(fields)) = Cursor::decode(text) else {
                panic!("{text:?} accepted");
            };
            assert_eq!(fields["after"], "rule.not_a_cursor");
        }
        let Ok(wrong_arity) = Cursor::decode("[1]") else {
            panic!("[1] refused")
        };
        assert!(BY_NAME.after(&wrong_arity).is_err());
        let round = Cursor(vec![
            Value::Null,
            Value::Integer(-3),
            Value::Real(0.5),
            Value::Text("规划 \"x\"".into()),
            Value::Blob(vec![0, 255]),
        ]);
        assert_eq!(Cursor::decode(&round.encode()).ok(), Some(round));
    }
}
