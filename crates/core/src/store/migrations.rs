//! Append-only schema migrations, tracked in `PRAGMA user_version`.
//!
//! Never edit a shipped step: add a new one. All pending steps run in one transaction, so a
//! workspace is either fully migrated or untouched. A file whose version is higher than
//! [`SCHEMA_VERSION`] is refused before this runs.

use crate::error::CoreResult;
use crate::shared::search::{self, SearchTable};
use rusqlite::{Connection, Transaction};

/// One schema version: SQL, then optionally Rust for what SQL cannot do (such as computing
/// search terms for existing rows).
struct Migration {
    sql: &'static str,
    then: Option<fn(&Transaction<'_>) -> CoreResult<()>>,
}

const STEPS: &[Migration] = &[
    Migration {
        sql: V1,
        then: None,
    },
    Migration {
        sql: V2,
        then: Some(index_existing_requirements),
    },
    Migration {
        sql: V3,
        then: None,
    },
    Migration {
        sql: V4,
        then: None,
    },
    Migration {
        sql: V5,
        then: None,
    },
    Migration {
        sql: V6,
        then: None,
    },
];

/// 1: workspace metadata, users, requirements, comments, the audit chain.
const V1: &str = r#"
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
    "#;

/// 2: comment threads on any record (not only requirements), a stable local row key for
/// requirements (the key of their full-text index; `rowid`s without an INTEGER PRIMARY KEY may
/// change on VACUUM), one index per list order, and the full-text index.
const V2: &str = r#"
    CREATE TABLE comments_v2 (
        id          TEXT PRIMARY KEY,
        entity_type TEXT NOT NULL,
        entity_id   TEXT NOT NULL,
        author_id   TEXT NOT NULL REFERENCES users(id),
        at          TEXT NOT NULL,
        body        TEXT NOT NULL,
        version     INTEGER NOT NULL
    );
    INSERT INTO comments_v2 (id, entity_type, entity_id, author_id, at, body, version)
        SELECT id, 'requirement', requirement_id, author_id, at, body, version FROM comments;
    DROP TABLE comments;
    ALTER TABLE comments_v2 RENAME TO comments;
    CREATE INDEX comments_by_entity ON comments(entity_type, entity_id, at);

    CREATE TABLE requirements_v2 (
        local_key   INTEGER PRIMARY KEY,    -- this copy's row number; never leaves the copy
        id          TEXT NOT NULL UNIQUE,
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
    INSERT INTO requirements_v2 (local_key, id, title, scenario, goals, kpis, priority,
            department, wanted_by, status, filed_by, assessment, decision, plan, created_at,
            updated_at, version)
        SELECT rowid, id, title, scenario, goals, kpis, priority, department, wanted_by, status,
            filed_by, assessment, decision, plan, created_at, updated_at, version
        FROM requirements;
    DROP TABLE requirements;
    ALTER TABLE requirements_v2 RENAME TO requirements;
    -- Every index ends in the implicit local_key, which is each list order's tie-breaker.
    CREATE INDEX requirements_by_update ON requirements(updated_at);
    CREATE INDEX requirements_by_wanted ON requirements(wanted_by);
    CREATE INDEX requirements_by_priority ON requirements(priority, updated_at);
    CREATE INDEX requirements_by_title ON requirements(title COLLATE NOCASE);
    CREATE INDEX requirements_by_status ON requirements(status, updated_at);
    CREATE INDEX requirements_by_department ON requirements(department, updated_at);
    CREATE INDEX requirements_by_filer ON requirements(filed_by, status);

    CREATE VIRTUAL TABLE requirement_search USING fts5(
        terms, content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    "#;

/// 3: signed events. Each member's public keys (NULL for members from before signing, until
/// their next login enrolls them) and each event's signature (NULL for events from before).
const V3: &str = r#"
    ALTER TABLE users ADD COLUMN sign_key TEXT;
    ALTER TABLE users ADD COLUMN seal_key TEXT;
    CREATE UNIQUE INDEX users_by_sign_key ON users(sign_key) WHERE sign_key IS NOT NULL;
    ALTER TABLE audit_events ADD COLUMN signature TEXT;
    "#;

/// 4: the model inventory and evaluation reports. Records are stored as their audit image
/// (`body`, see `shared::records`) beside the columns lists use; `model_requirements` is
/// derived from the models' links, rewritten with each model.
const V4: &str = r#"
    CREATE TABLE models (
        local_key  INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        version    INTEGER NOT NULL,
        body       TEXT NOT NULL,
        name_key   TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX models_by_name ON models(name_key, local_key);

    CREATE TABLE model_versions (
        local_key  INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        version    INTEGER NOT NULL,
        body       TEXT NOT NULL,
        model_id   TEXT NOT NULL,
        label_key  TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX model_versions_by_model ON model_versions(model_id, created_at, local_key);

    CREATE TABLE evaluations (
        local_key        INTEGER PRIMARY KEY,
        id               TEXT NOT NULL UNIQUE,
        version          INTEGER NOT NULL,
        body             TEXT NOT NULL,
        model_id         TEXT NOT NULL,
        model_version_id TEXT NOT NULL,
        eval_date        TEXT NOT NULL,
        status           TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        decision_owner   TEXT
    );
    CREATE INDEX evaluations_by_model ON evaluations(model_id, eval_date, created_at);
    CREATE INDEX evaluations_by_version ON evaluations(model_version_id, eval_date, created_at);
    CREATE INDEX evaluations_by_status ON evaluations(status, eval_date);
    CREATE INDEX evaluations_by_open_decision ON evaluations(decision_owner)
        WHERE decision_owner IS NOT NULL;

    CREATE TABLE model_requirements (
        model_id       TEXT NOT NULL,
        requirement_id TEXT NOT NULL,
        version_id     TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (model_id, requirement_id, version_id)
    ) WITHOUT ROWID;
    CREATE INDEX model_requirements_by_requirement ON model_requirements(requirement_id);
    "#;

/// 5: incidents, the emergency team, response rules, drills and attachments (records as
/// audit images, like schema 4). `open_actions` is derived from the corrective actions of
/// incidents and drill runs, rewritten with each; `attachment_blobs` holds attachment bytes
/// by SHA-256 (encrypted with the rest of the file; a blob travels beside the event that
/// names its hash).
const V5: &str = r#"
    CREATE TABLE incidents (
        local_key  INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        version    INTEGER NOT NULL,
        body       TEXT NOT NULL,
        number     TEXT NOT NULL,
        severity   TEXT NOT NULL,
        status     TEXT NOT NULL,
        drill      INTEGER NOT NULL,
        opened_at  TEXT NOT NULL
    );
    CREATE INDEX incidents_by_opened ON incidents(opened_at, local_key);
    CREATE INDEX incidents_by_status ON incidents(status, opened_at, local_key);
    CREATE INDEX incidents_by_number ON incidents(number);

    CREATE TABLE team_members (
        local_key  INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        version    INTEGER NOT NULL,
        body       TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        removed    INTEGER NOT NULL
    );

    CREATE TABLE response_rules (
        local_key  INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        version    INTEGER NOT NULL,
        body       TEXT NOT NULL
    );

    CREATE TABLE drill_templates (
        local_key    INTEGER PRIMARY KEY,
        id           TEXT NOT NULL UNIQUE,
        version      INTEGER NOT NULL,
        body         TEXT NOT NULL,
        template_key TEXT NOT NULL
    );
    CREATE INDEX drill_templates_by_key ON drill_templates(template_key);

    CREATE TABLE drill_plans (
        local_key  INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        version    INTEGER NOT NULL,
        body       TEXT NOT NULL,
        created_at TEXT NOT NULL
    );

    CREATE TABLE drill_runs (
        local_key  INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        version    INTEGER NOT NULL,
        body       TEXT NOT NULL,
        number     TEXT NOT NULL,
        plan_id    TEXT,
        status     TEXT NOT NULL,
        started_at TEXT NOT NULL
    );
    CREATE INDEX drill_runs_by_started ON drill_runs(started_at, local_key);
    CREATE INDEX drill_runs_by_plan ON drill_runs(plan_id, status);

    CREATE TABLE attachments (
        local_key  INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        version    INTEGER NOT NULL,
        body       TEXT NOT NULL,
        on_id      TEXT NOT NULL,
        sha256     TEXT NOT NULL,
        added_at   TEXT NOT NULL
    );
    CREATE INDEX attachments_on ON attachments(on_id, added_at);

    CREATE TABLE attachment_blobs (
        sha256 TEXT PRIMARY KEY,
        bytes  BLOB NOT NULL
    );

    CREATE TABLE open_actions (
        entity_type TEXT NOT NULL,
        entity_id   TEXT NOT NULL,
        action_id   TEXT NOT NULL,
        owner       TEXT NOT NULL,
        due         TEXT NOT NULL,
        PRIMARY KEY (entity_type, entity_id, action_id)
    ) WITHOUT ROWID;
    CREATE INDEX open_actions_by_owner ON open_actions(owner, due);
    "#;

/// 6: quarterly assessments and the record of exports; the log read by time (a quarter's
/// slice and facts). A record's history is read by entity and time: that index replaces the
/// entity-only one (an index on kind and time would tempt the planner to walk a whole kind
/// in time order for one record's history).
const V6: &str = r#"
    CREATE TABLE assessments (
        local_key  INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        version    INTEGER NOT NULL,
        body       TEXT NOT NULL,
        quarter    TEXT NOT NULL,
        status     TEXT NOT NULL
    );
    CREATE INDEX assessments_by_quarter ON assessments(quarter, local_key);

    CREATE TABLE report_exports (
        local_key   INTEGER PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,
        version     INTEGER NOT NULL,
        body        TEXT NOT NULL,
        quarter     TEXT NOT NULL,
        exported_at TEXT NOT NULL
    );
    CREATE INDEX report_exports_by_time ON report_exports(exported_at, local_key);

    CREATE INDEX audit_by_time ON audit_events(at);
    CREATE INDEX audit_by_entity_time ON audit_events(entity_type, entity_id, at);
    DROP INDEX audit_by_entity;
    "#;

fn index_existing_requirements(tx: &Transaction<'_>) -> CoreResult<()> {
    let mut stmt =
        tx.prepare("SELECT local_key, title, scenario, goals, department FROM requirements")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let texts: [String; 4] = [row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?];
        search::put(
            tx,
            SearchTable("requirement_search"),
            row.get(0)?,
            texts.iter().map(String::as_str),
        )?;
    }
    Ok(())
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = STEPS.len() as i64;

pub fn migrate(conn: &mut Connection) -> CoreResult<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current >= SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for (index, step) in STEPS.iter().enumerate().skip(current.max(0) as usize) {
        tx.execute_batch(step.sql)?;
        if let Some(then) = step.then {
            then(&tx)?;
        }
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

    /// A workspace written by schema 1 (its frozen SQL, rows as version 1 wrote them) is
    /// brought up to date with nothing lost: comments keep their thread, requirements their
    /// data, and the new search index finds them.
    #[test]
    fn a_schema_1_workspace_upgrades_with_its_data() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(V1).unwrap();
        conn.execute_batch("PRAGMA user_version = 1").unwrap();
        conn.execute_batch(
            "INSERT INTO users VALUES ('u1', 'he.na', '何娜', 'business', 1, '2026-01-01T00:00:00Z', 1);
             INSERT INTO requirements VALUES ('r1', '医学影像报告辅助生成', '放射科 radiology', 'goals',
                 '[]', 3, '医疗事业部', '2026-06-01', 'submitted', 'u1', NULL, NULL, NULL,
                 '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z', 2);
             INSERT INTO comments VALUES ('c1', 'r1', 'u1', '2026-01-03T00:00:00Z', '已上传', 1);",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let comment: (String, String, String) = conn
            .query_row(
                "SELECT entity_type, entity_id, body FROM comments WHERE id = 'c1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            comment,
            ("requirement".into(), "r1".into(), "已上传".into())
        );
        let (title, version): (String, i64) = conn
            .query_row(
                "SELECT title, version FROM requirements WHERE id = 'r1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((title.as_str(), version), ("医学影像报告辅助生成", 2));
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM requirement_search WHERE requirement_search MATCH '\"影像\"'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1);
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
