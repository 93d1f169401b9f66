//! The members' records (the `users` table, each stored as its audit image): who exists, who
//! is active, which keys they hold. Infrastructure: sessions, the write path and every
//! feature read them; the `users` feature's commands write them.

use crate::change::{Context, Image};
use crate::error::CoreResult;
use crate::keyslots::PublicKeys;
use crate::store::rows;
use crate::store::Part;
use chrono::{DateTime, Utc};
use govbench_protocol::{EntityRef, NewUser, Role, UserId, UserRef, UserSummary};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What is stored for a user; also its audit image. No secret is ever part of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: UserId,
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub version: u64,
    /// The public halves of the member's keys: events they write are checked against `sign`.
    /// Absent for members from before signing (and so in their old audit images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<PublicKeys>,
}

impl Image for Record {
    fn entity(&self) -> EntityRef {
        self.id.into()
    }

    fn version(&self) -> u64 {
        self.version
    }
}

impl Record {
    pub fn summary(&self) -> UserSummary {
        UserSummary {
            id: self.id,
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
        }
    }
}

const COLUMNS: &str =
    "id, name, display_name, role, active, created_at, version, sign_key, seal_key";

fn record(row: &Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record {
        id: rows::parsed(row, 0)?,
        name: row.get(1)?,
        display_name: row.get(2)?,
        role: rows::keyed(row, 3, Role::from_key)?,
        active: row.get(4)?,
        created_at: row.get(5)?,
        version: row.get::<_, i64>(6)? as u64,
        keys: match (row.get(7)?, row.get(8)?) {
            (Some(sign), Some(seal)) => Some(PublicKeys { sign, seal }),
            _ => None,
        },
    })
}

/// Stores a new, active user made by `ctx.actor` now, with the public halves of their keys.
pub(crate) fn insert(
    conn: &Connection,
    ctx: &Context<'_>,
    user: &NewUser,
    keys: PublicKeys,
) -> CoreResult<Record> {
    let record = Record {
        id: UserId(Uuid::now_v7()),
        name: user.name.trim().to_owned(),
        display_name: user.display_name.trim().to_owned(),
        role: user.role,
        active: true,
        created_at: ctx.now,
        version: 1,
        keys: Some(keys),
    };
    conn.prepare_cached(
        "INSERT INTO users (id, name, display_name, role, active, created_at, version,
             sign_key, seal_key)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, 1, ?6, ?7)",
    )?
    .execute(params![
        record.id.to_string(),
        record.name,
        record.display_name,
        record.role.key(),
        record.created_at,
        record.keys.as_ref().map(|k| &k.sign),
        record.keys.as_ref().map(|k| &k.seal),
    ])?;
    Ok(record)
}

/// Registers new keys for the member, if the row is still at `before`'s version.
pub fn set_keys(conn: &Connection, before: &Record, after: &Record) -> CoreResult<bool> {
    let n = conn.execute(
        "UPDATE users SET sign_key = ?2, seal_key = ?3, version = ?4 WHERE id = ?1 AND version = ?5",
        params![
            before.id.to_string(),
            after.keys.as_ref().map(|k| &k.sign),
            after.keys.as_ref().map(|k| &k.seal),
            after.version as i64,
            before.version as i64
        ],
    )?;
    Ok(n == 1)
}

/// Every active member with registered keys, as (canonical name, keys): whom a new data key
/// is sealed to.
pub(crate) fn key_holders(conn: &Connection) -> CoreResult<Vec<(String, PublicKeys)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM users WHERE active = 1 AND sign_key IS NOT NULL"
    ))?;
    let users = stmt.query_map([], record)?.collect::<Result<Vec<_>, _>>()?;
    Ok(users
        .into_iter()
        .filter_map(|u| u.keys.map(|k| (u.name, k)))
        .collect())
}

/// The names of removed members.
pub(crate) fn inactive_names(conn: &Connection) -> CoreResult<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM users WHERE active = 0")?;
    let names = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(names)
}

/// The names of all active members.
pub(crate) fn active_names(conn: &Connection) -> CoreResult<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM users WHERE active = 1")?;
    let names = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(names)
}

/// Marks the user removed, if the row is still at `before`'s version. Returns whether it was.
pub fn deactivate(conn: &Connection, before: &Record, after: &Record) -> CoreResult<bool> {
    let n = conn.execute(
        "UPDATE users SET active = 0, version = ?2 WHERE id = ?1 AND version = ?3",
        params![
            before.id.to_string(),
            after.version as i64,
            before.version as i64
        ],
    )?;
    Ok(n == 1)
}

/// The number of active admins.
pub fn active_admins(conn: &Connection) -> CoreResult<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1",
        [],
        |r| r.get(0),
    )?)
}

/// An active user.
pub(crate) fn find(conn: &Connection, id: UserId) -> CoreResult<Option<Record>> {
    Ok(find_any(conn, id)?.filter(|u| u.active))
}

/// A user, active or removed (for names in history).
pub(crate) fn find_any(conn: &Connection, id: UserId) -> CoreResult<Option<Record>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id.to_string()], record)
        .optional()?)
}

pub(crate) fn find_by_name_any(conn: &Connection, name: &str) -> CoreResult<Option<Record>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE name = ?1"))?
        .query_row([name.trim()], record)
        .optional()?)
}

/// Does any event of the log concern this member's record?
pub(crate) fn has_events(conn: &Connection, id: UserId) -> CoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM audit_events WHERE entity_type = 'user' AND entity_id = ?1 LIMIT 1",
        )?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn list(conn: &Connection) -> CoreResult<Vec<UserSummary>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE active = 1 ORDER BY role, name"
    ))?;
    let users = stmt.query_map([], record)?.collect::<Result<Vec<_>, _>>()?;
    Ok(users.iter().map(Record::summary).collect())
}

/// A user as shown next to a record (removed users keep their names; an unknown id shows as
/// itself rather than failing the whole view).
pub(crate) fn user_ref(conn: &Connection, id: UserId) -> CoreResult<UserRef> {
    Ok(match find_any(conn, id)? {
        Some(u) => UserRef {
            id,
            name: u.name,
            display_name: u.display_name,
        },
        None => UserRef {
            id,
            name: id.to_string(),
            display_name: id.to_string(),
        },
    })
}

/// Display names of `ids`, each once, for pages that name the people on a record.
pub(crate) fn display_names(
    conn: &Connection,
    mut ids: Vec<UserId>,
) -> CoreResult<Vec<(UserId, String)>> {
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .map(|id| Ok((id, user_ref(conn, id)?.display_name)))
        .collect()
}

/// Schema 1: the members.
pub(crate) const SCHEMA_V1: Part = Part::sql(
    r#"    CREATE TABLE users (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        role         TEXT NOT NULL,
        active       INTEGER NOT NULL DEFAULT 1,
        created_at   TEXT NOT NULL,
        version      INTEGER NOT NULL
    );

"#,
);

/// Schema 3: each member's public keys (NULL for members from before signing, until their
/// next login enrolls them).
pub(crate) const SCHEMA_V3: Part = Part::sql(
    r#"    ALTER TABLE users ADD COLUMN sign_key TEXT;
    ALTER TABLE users ADD COLUMN seal_key TEXT;
    CREATE UNIQUE INDEX users_by_sign_key ON users(sign_key) WHERE sign_key IS NOT NULL;
"#,
);

/// Stores a member's record as another copy's event left it: every column, an update only
/// over the version it was based on.
pub(crate) fn put(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    let write = |r: &Record, based_on: Option<u64>| -> CoreResult<()> {
        let (id, role, version) = (r.id.to_string(), r.role.key(), r.version as i64);
        let (sign, seal) = (
            r.keys.as_ref().map(|k| &k.sign),
            r.keys.as_ref().map(|k| &k.seal),
        );
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![
            &id,
            &r.name,
            &r.display_name,
            &role,
            &r.active,
            &r.created_at,
            &version,
            &sign,
            &seal,
        ];
        let based_on = based_on.map(|v| v as i64);
        let sql = match &based_on {
            None => {
                format!("INSERT INTO users ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
            }
            Some(v) => {
                values.push(v);
                format!(
                    "UPDATE users SET ({COLUMNS}) = (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     WHERE id = ?1 AND version = ?10"
                )
            }
        };
        match conn.prepare_cached(&sql)?.execute(values.as_slice())? {
            1 => Ok(()),
            _ => Err(crate::error::CoreError::Conflict(r.id.into())),
        }
    };
    change.put::<Record>(|r| write(r, None), |b, a| write(a, Some(b.version)))
}
