//! The requirements' tables, as each schema version made or changed them. A shipped part is never edited: a
//! change is a new part in a new step of `crate::schema`.

use crate::error::CoreResult;
use crate::shared::search;
use crate::store::Part;
use rusqlite::Transaction;

/// 1: one row per requirement, a column per field.
pub(crate) const V1: Part = Part::sql(
    r#"    CREATE TABLE requirements (
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

"#,
);

/// 2: a stable local row key (the key of the full-text index; `rowid`s without an INTEGER
/// PRIMARY KEY may change on VACUUM), one index per list order, and the full-text index, filled
/// for the requirements already there.
pub(crate) const V2: Part = Part {
    sql: r#"    CREATE TABLE requirements_v2 (
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
    "#,
    then: Some(index_existing),
};

fn index_existing(tx: &Transaction<'_>) -> CoreResult<()> {
    let mut stmt =
        tx.prepare("SELECT local_key, title, scenario, goals, department FROM requirements")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let texts: [String; 4] = [row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?];
        search::put(
            tx,
            super::store::SEARCH,
            row.get(0)?,
            texts.iter().map(String::as_str),
        )?;
    }
    Ok(())
}
