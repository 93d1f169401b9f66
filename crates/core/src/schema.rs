//! The workspace file's schema: every version, in order, as the parts of the modules whose
//! tables it makes or changes. Each part lives with its module (a feature's in its
//! `schema.rs`); this list is the only place that orders them. A shipped step is never
//! edited: a change is a new step at the end (see `store::migrations`).

use crate::audit;
use crate::features::{assessments, drills, incidents, models, requirements};
use crate::members;
use crate::shared::{attachments, comments, follow_ups};
use crate::store::{self, Schema, Step};

pub const STEPS: &[Step] = &[
    // 1: workspace metadata, members, requirements, comments, the audit chain.
    Step(&[
        store::META_V1,
        members::SCHEMA_V1,
        requirements::schema::V1,
        comments::SCHEMA_V1,
        audit::schema::V1,
    ]),
    // 2: comment threads on any record; requirements with a stable local key, one index per
    // list order and full-text search.
    Step(&[comments::SCHEMA_V2, requirements::schema::V2]),
    // 3: signed events: members' public keys, events' signatures.
    Step(&[members::SCHEMA_V3, audit::schema::V3]),
    // 4: the model inventory and evaluation reports.
    Step(&[models::schema::V4]),
    // 5: incidents, the emergency team, response rules, drills, attachments, open actions.
    Step(&[
        incidents::schema::V5,
        drills::schema::V5,
        attachments::SCHEMA_V5,
        follow_ups::SCHEMA_V5,
    ]),
    // 6: quarterly assessments and exports; the log read by time.
    Step(&[assessments::schema::V6, audit::schema::V6]),
    Step(&[audit::schema::V7, crate::sharing::SCHEMA_V7]),
    // 8: each member's devices and when each was last used.
    Step(&[audit::schema::V8]),
];

/// How every workspace file is opened: these steps, and a copy kept beside the file before
/// they upgrade it (`<name>--before-schema-<version>.govbench`).
pub const WORKSPACE: Schema = Schema {
    steps: STEPS,
    before_upgrade: crate::backup::before_migration,
};

/// The schema version this build writes.
pub const VERSION: i64 = WORKSPACE.version();

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn version_of(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// A workspace written by schema 1 (its steps, rows as version 1 wrote them) is brought up
    /// to date with nothing lost: comments keep their thread, requirements their data, and
    /// the new search index finds them.
    #[test]
    fn a_schema_1_workspace_upgrades_with_its_data() {
        let mut conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        store::migrate(&mut conn, &STEPS[..1]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(version_of(&conn), 1);
        conn.execute_batch(
            "INSERT INTO users VALUES ('u1', 'he.na', '何娜', 'business', 1, '2026-01-01T00:00:00Z', 1);
             INSERT INTO requirements VALUES ('r1', '医学影像报告辅助生成', '放射科 radiology', 'goals',
                 '[]', 3, '医疗事业部', '2026-06-01', 'submitted', 'u1', NULL, NULL, NULL,
                 '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z', 2);
             INSERT INTO comments VALUES ('c1', 'r1', 'u1', '2026-01-03T00:00:00Z', '已上传', 1);",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        store::migrate(&mut conn, STEPS).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(version_of(&conn), VERSION);
        let comment: (String, String, String) = conn
            .query_row(
                "SELECT entity_type, entity_id, body FROM comments WHERE id = 'c1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap_or_else(|e| panic!("{e}"));
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
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((title.as_str(), version), ("医学影像报告辅助生成", 2));
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM requirement_search WHERE requirement_search MATCH '\"影像\"'",
                [],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found, 1);
    }

    /// Every table and index, in the order they are made, as a fresh file has them.
    #[test]
    fn a_fresh_file_has_every_table_once() {
        let mut conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        store::migrate(&mut conn, STEPS).unwrap_or_else(|e| panic!("{e}"));
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")
            .and_then(|mut s| {
                s.query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .unwrap_or_else(|e| panic!("{e}"));
        for expected in [
            "meta",
            "users",
            "audit_events",
            "comments",
            "requirements",
            "requirement_search",
            "models",
            "incidents",
            "drill_runs",
            "attachments",
            "open_actions",
            "assessments",
            "report_exports",
        ] {
            assert_eq!(
                tables.iter().filter(|t| *t == expected).count(),
                1,
                "{expected} in {tables:?}"
            );
        }
    }
}
