//! Append-only schema migrations, tracked in `PRAGMA user_version`.
//!
//! The steps themselves are listed once, in order, by `crate::schema`; each step is made of
//! the parts of the modules whose tables it makes or changes, and each part lives with its
//! module. Never edit a shipped part: add a new step. All pending steps run in one
//! transaction, so a workspace is either fully migrated or untouched. A file whose version is
//! higher than the last step is refused before this runs.

use crate::error::CoreResult;
use rusqlite::{Connection, Transaction};

/// One module's share of a schema version: SQL, then optionally Rust for what SQL cannot do
/// (such as computing search terms for existing rows).
#[derive(Clone, Copy)]
pub struct Part {
    pub sql: &'static str,
    pub then: Option<fn(&Transaction<'_>) -> CoreResult<()>>,
}

impl Part {
    pub const fn sql(sql: &'static str) -> Part {
        Part { sql, then: None }
    }
}

/// One schema version: its parts, run in order.
pub struct Step(pub &'static [Part]);

/// The schema version `steps` reach.
pub const fn version(steps: &[Step]) -> i64 {
    steps.len() as i64
}

/// Runs the steps of `steps` the file has not had yet, in one transaction.
pub fn migrate(conn: &mut Connection, steps: &[Step]) -> CoreResult<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current >= version(steps) {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for (index, Step(parts)) in steps.iter().enumerate().skip(current.max(0) as usize) {
        for part in *parts {
            tx.execute_batch(part.sql)?;
            if let Some(then) = part.then {
                then(&tx)?;
            }
        }
        tx.execute_batch(&format!("PRAGMA user_version = {}", index + 1))?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: &[Step] = &[
        Step(&[
            Part::sql("CREATE TABLE a (x);"),
            Part::sql("CREATE TABLE b (y);"),
        ]),
        Step(&[Part {
            sql: "ALTER TABLE a ADD COLUMN z;",
            then: Some(fill),
        }]),
    ];

    fn fill(tx: &Transaction<'_>) -> CoreResult<()> {
        tx.execute_batch("INSERT INTO a (x, z) VALUES (1, 2);")?;
        Ok(())
    }

    fn version_of(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn steps_run_once_in_order_with_their_rust() {
        let mut conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        migrate(&mut conn, &STEPS[..1]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(version_of(&conn), 1);
        migrate(&mut conn, STEPS).unwrap_or_else(|e| panic!("{e}"));
        migrate(&mut conn, STEPS).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(version_of(&conn), version(STEPS));
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM a WHERE z = 2", [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rows, 1, "the second step's Rust ran once");
    }

    #[test]
    fn a_failing_step_leaves_the_schema_untouched() {
        let mut conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        // A table that the first step's second part creates makes it fail half way; nothing
        // of the first part may remain.
        conn.execute_batch("CREATE TABLE b (x)")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(migrate(&mut conn, STEPS).is_err());
        assert_eq!(version_of(&conn), 0);
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'a'",
                [],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tables, 0);
    }
}
