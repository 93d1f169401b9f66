//! The drills' tables (template revisions, plans, runs), as each schema version made or changed them. A shipped part is never edited: a
//! change is a new part in a new step of `crate::schema`.

use crate::store::Part;

/// 5: drill templates, plans and runs, as audit images.
pub(crate) const V5: Part = Part::sql(
    r#"    CREATE TABLE drill_templates (
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

"#,
);
