//! The workspace's own record: its settings in `meta`, and the image its events carry
//! (`workspace.create`, `user.rotate_key`, `user.continue_copy`).

use crate::change::Change;
use crate::error::{CoreError, CoreResult};
use crate::keyslots::KdfParams;
use govbench_protocol::{EntityRef, WorkspaceId};
use rusqlite::{params, Connection, OptionalExtension};

pub(crate) fn meta(conn: &Connection, key: &str) -> CoreResult<String> {
    meta_opt(conn, key)?.ok_or_else(|| CoreError::Malformed(format!("meta {key} missing")))
}

pub(crate) fn meta_opt(conn: &Connection, key: &str) -> CoreResult<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

fn counter(conn: &Connection, key: &str, default: u64) -> CoreResult<u64> {
    match meta_opt(conn, key)? {
        Some(v) => v
            .parse()
            .map_err(|_| CoreError::Malformed(format!("meta {key}"))),
        None => Ok(default),
    }
}

/// The workspace's image. Fields that older workspaces never set (`key_rotations`) appear
/// only once set, so the images of their old events still equal the record.
pub(crate) fn image(conn: &Connection) -> CoreResult<Option<serde_json::Value>> {
    let kdf: KdfParams = serde_json::from_str(&meta(conn, "kdf")?)?;
    let mut image = serde_json::json!({
        "name": meta(conn, "name")?,
        "is_demo": meta(conn, "is_demo")? == "true",
        "kdf": kdf,
        "version": counter(conn, "version", 1)?,
    });
    for key in ["key_rotations", "copy_continuations"] {
        let count = counter(conn, key, 0)?;
        if count > 0 {
            image[key] = count.into();
        }
    }
    Ok(Some(image))
}

pub(crate) fn id(conn: &Connection) -> CoreResult<WorkspaceId> {
    meta(conn, "workspace_id")?
        .parse()
        .map_err(|_| CoreError::Malformed("workspace id".into()))
}

/// Counts one more key rotation: the change its event records.
pub(crate) fn count_rotation(conn: &Connection) -> CoreResult<Change> {
    count(conn, "key_rotations")
}

/// Counts one more confirmation that this copy is the one to continue (after a copy was put
/// back): the change its event records.
pub(crate) fn count_continuation(conn: &Connection) -> CoreResult<Change> {
    count(conn, "copy_continuations")
}

fn count(conn: &Connection, counted: &str) -> CoreResult<Change> {
    let before = image(conn)?;
    let version = counter(conn, "version", 1)? + 1;
    let total = counter(conn, counted, 0)? + 1;
    for (key, value) in [("version", version), (counted, total)] {
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![key, value.to_string()],
        )?;
    }
    Ok(Change {
        entity: EntityRef::from(id(conn)?),
        before,
        after: image(conn)?,
        version,
    })
}

/// Stores the workspace's record as another copy's event left it (its settings in `meta`).
/// The event must be about this workspace.
pub(crate) fn put(conn: &Connection, change: &Change) -> CoreResult<()> {
    if change.entity != EntityRef::from(id(conn)?) {
        return Err(CoreError::Malformed(format!(
            "{}: another workspace",
            change.entity
        )));
    }
    let after = change
        .after
        .as_ref()
        .ok_or_else(|| CoreError::Malformed(format!("{}: no after-image", change.entity)))?;
    // A creation finds no settings yet; a change must find the ones it was based on.
    if change.before.is_some() && change.before != image(conn)? {
        return Err(CoreError::Conflict(change.entity));
    }
    let text = |key: &str| -> CoreResult<String> {
        match after.get(key) {
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(v) if key != "name" => Ok(v.to_string()),
            _ => Err(CoreError::Malformed(format!("workspace image: {key}"))),
        }
    };
    let mut settings = vec![
        ("name", text("name")?),
        ("is_demo", text("is_demo")?),
        ("kdf", text("kdf")?),
        ("version", text("version")?),
    ];
    for key in ["key_rotations", "copy_continuations"] {
        if after.get(key).is_some() {
            settings.push((key, text(key)?));
        }
    }
    for (key, value) in settings {
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![key, value],
        )?;
    }
    Ok(())
}
