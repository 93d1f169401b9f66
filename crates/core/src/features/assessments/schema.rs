//! The quarterly assessments' tables, as each schema version made or changed them. A shipped part is never edited: a
//! change is a new part in a new step of `crate::schema`.

use crate::store::Part;

/// 6: quarterly assessments and the record of exports.
pub(crate) const V6: Part = Part::sql(
    r#"    CREATE TABLE assessments (
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

"#,
);
