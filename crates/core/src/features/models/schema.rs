//! The model inventory's tables, as each schema version made or changed them. A shipped part is never edited: a
//! change is a new part in a new step of `crate::schema`.

use crate::store::Part;

/// 4: models, versions and evaluation reports, stored as their audit image (`body`, see
/// `shared::records`) beside the columns lists use; `model_requirements` is derived from the
/// models' links, rewritten with each model.
pub(crate) const V4: Part = Part::sql(
    r#"    CREATE TABLE models (
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
    "#,
);
