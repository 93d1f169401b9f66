//! Append-only schema migrations, tracked in `PRAGMA user_version`.
//!
//! Never edit a shipped step: add a new one. All pending steps run in one transaction, so a
//! workspace is either fully migrated or untouched. A file whose version is higher than
//! [`SCHEMA_VERSION`] is refused before this runs.

use crate::error::CoreResult;
use rusqlite::Connection;

const STEPS: &[&str] = &[
    // 1: workspace metadata, users, requirements, comments, the audit chain.
    r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE users (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        role         TEXT NOT NULL,
        active       INTEGER NOT NULL DEFAULT 1,
        created_at   TEXT NOT NULL,
        version      INTEGER NOT NULL
    );

    CREATE TABLE requirements (
        id          TEXT PRIMARY KEY,
        title       TEXT NOT NULL,
        scenario    TEXT NOT NULL,
        goals       TEXT NOT NULL,
        kpis        TEXT NOT NULL,          -- JSON array of Kpi
        priority    INTEGER NOT NULL,       -- Priority::rank
        department  TEXT NOT NULL,
        wanted_by   TEXT NOT NULL,          -- YYYY-MM-DD
        status      TEXT NOT NULL,
        filed_by    TEXT NOT NULL REFERENCES users(id),
        assessment  TEXT,                   -- JSON Assessment
        decision    TEXT,                   -- JSON Decision
        plan        TEXT,                   -- JSON DeliveryPlan
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        version     INTEGER NOT NULL
    );
    CREATE INDEX requirements_by_status ON requirements(status, updated_at);
    CREATE INDEX requirements_by_update ON requirements(updated_at);
    CREATE INDEX requirements_by_wanted ON requirements(wanted_by);
    CREATE INDEX requirements_by_department ON requirements(department, updated_at);

    CREATE TABLE comments (
        id             TEXT PRIMARY KEY,
        requirement_id TEXT NOT NULL REFERENCES requirements(id),
        author_id      TEXT NOT NULL REFERENCES users(id),
        at             TEXT NOT NULL,
        body           TEXT NOT NULL,
        version        INTEGER NOT NULL
    );
    CREATE INDEX comments_by_requirement ON comments(requirement_id, at);

    -- One chain per workspace copy; an event is also the unit of replication.
    CREATE TABLE audit_events (
        copy_id     TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        id          TEXT NOT NULL UNIQUE,
        at          TEXT NOT NULL,
        actor_id    TEXT,
        actor_name  TEXT NOT NULL,
        action      TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id   TEXT NOT NULL,
        before      TEXT,
        after       TEXT,
        prev_hash   TEXT NOT NULL,
        hash        TEXT NOT NULL,
        PRIMARY KEY (copy_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX audit_by_entity ON audit_events(entity_type, entity_id);
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = STEPS.len() as i64;

pub fn migrate(conn: &mut Connection) -> CoreResult<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current >= SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for (index, step) in STEPS.iter().enumerate().skip(current.max(0) as usize) {
        tx.execute_batch(step)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", index + 1))?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op_and_reaches_the_latest_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }

    #[test]
    fn a_failing_step_leaves_the_schema_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        // A table that step 1 creates makes it fail half way; nothing may remain.
        conn.execute_batch("CREATE TABLE comments (x)").unwrap();
        assert!(migrate(&mut conn).is_err());
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, 0);
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name IN ('meta','users')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0);
    }
}
