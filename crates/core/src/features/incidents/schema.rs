//! The incidents' tables (incidents, the emergency team, the response rules), as each schema version made or changed them. A shipped part is never edited: a
//! change is a new part in a new step of `crate::schema`.

use crate::store::Part;

/// 5: incidents, the emergency team and the response rules, as audit images.
pub(crate) const V5: Part = Part::sql(
    r#"    CREATE TABLE incidents (
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

"#,
);
