//! Users and their roles. Adding a user also adds a key slot; removing one removes the slot
//! (the row stays, inactive, so history keeps its names).

use crate::audit::Change;
use crate::error::{CoreError, CoreResult};
use crate::session::Context;
use chrono::{DateTime, Utc};
use govbench_protocol::{NewUser, Role, UserId, UserSummary};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

pub const ENTITY: &str = "user";

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

pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Checks a new user against the workspace (the name must be free) and on its own.
pub fn validate_new(conn: &Connection, user: &NewUser) -> CoreResult<()> {
    let mut errors = field_errors(user);
    if !errors.contains_key("name") && find_by_name_any(conn, &user.name)?.is_some() {
        errors.insert("name".to_owned(), "rule.duplicate".to_owned());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CoreError::Validation(errors))
    }
}

/// Checks a new user's fields on their own (for the first admin, before any database exists).
pub fn validate_fields(user: &NewUser) -> CoreResult<()> {
    let errors = field_errors(user);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CoreError::Validation(errors))
    }
}

fn field_errors(user: &NewUser) -> BTreeMap<String, String> {
    let mut errors = BTreeMap::new();
    let name = user.name.trim();
    if name.is_empty() {
        errors.insert("name".to_owned(), "rule.required".to_owned());
    } else if name.chars().count() > 64
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        errors.insert("name".to_owned(), "rule.invalid_name".to_owned());
    }
    if user.display_name.trim().is_empty() {
        errors.insert("display_name".to_owned(), "rule.required".to_owned());
    } else if user.display_name.chars().count() > 100 {
        errors.insert("display_name".to_owned(), "rule.too_long".to_owned());
    }
    if user.passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        errors.insert(
            "passphrase".to_owned(),
            "rule.passphrase_too_short".to_owned(),
        );
    }
    errors
}

pub fn insert(tx: &Transaction<'_>, ctx: &Context, user: &NewUser) -> CoreResult<Change> {
    let record = Record {
        id: UserId(Uuid::now_v7()),
        name: user.name.trim().to_owned(),
        display_name: user.display_name.trim().to_owned(),
        role: user.role,
        active: true,
        created_at: ctx.now,
        version: 1,
    };
    tx.execute(
        "INSERT INTO users (id, name, display_name, role, active, created_at, version)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, 1)",
        params![
            record.id.to_string(),
            record.name,
            record.display_name,
            record.role.key(),
            record.created_at
        ],
    )?;
    Ok(Change {
        entity_type: ENTITY,
        entity_id: record.id.to_string(),
        before: None,
        after: serde_json::to_value(&record).ok(),
    })
}

pub fn deactivate(tx: &Transaction<'_>, ctx: &Context, id: UserId) -> CoreResult<(Record, Change)> {
    let before = find(tx, id)?.ok_or(CoreError::NotFound {
        entity: ENTITY,
        id: id.to_string(),
    })?;
    if before.id == ctx.actor.id {
        return Err(CoreError::invalid("id", "self"));
    }
    if before.role == Role::Admin {
        let admins: i64 = tx.query_row(
            "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1",
            [],
            |r| r.get(0),
        )?;
        if admins <= 1 {
            return Err(CoreError::invalid("id", "last_admin"));
        }
    }
    let mut after = before.clone();
    after.active = false;
    after.version += 1;
    let n = tx.execute(
        "UPDATE users SET active = 0, version = ?2 WHERE id = ?1 AND version = ?3",
        params![id.to_string(), after.version as i64, before.version as i64],
    )?;
    if n != 1 {
        return Err(CoreError::Conflict {
            entity: ENTITY,
            id: id.to_string(),
        });
    }
    let change = Change {
        entity_type: ENTITY,
        entity_id: id.to_string(),
        before: serde_json::to_value(&before).ok(),
        after: serde_json::to_value(&after).ok(),
    };
    Ok((before, change))
}

const COLUMNS: &str = "id, name, display_name, role, active, created_at, version";

fn record(row: &Row<'_>) -> rusqlite::Result<Record> {
    let bad = |i: usize, what: &str| {
        rusqlite::Error::InvalidColumnType(i, what.to_owned(), rusqlite::types::Type::Text)
    };
    let id: String = row.get(0)?;
    let role: String = row.get(3)?;
    Ok(Record {
        id: id.parse().map_err(|_| bad(0, "id"))?,
        name: row.get(1)?,
        display_name: row.get(2)?,
        role: Role::from_key(&role).ok_or_else(|| bad(3, "role"))?,
        active: row.get(4)?,
        created_at: row.get(5)?,
        version: row.get::<_, i64>(6)? as u64,
    })
}

/// An active user.
pub fn find(conn: &Connection, id: UserId) -> CoreResult<Option<Record>> {
    Ok(find_any(conn, id)?.filter(|u| u.active))
}

/// A user, active or removed (for names in history).
pub fn find_any(conn: &Connection, id: UserId) -> CoreResult<Option<Record>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id.to_string()], record)
        .optional()?)
}

pub fn find_by_name_any(conn: &Connection, name: &str) -> CoreResult<Option<Record>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE name = ?1"))?
        .query_row([name.trim()], record)
        .optional()?)
}

pub fn list(conn: &Connection) -> CoreResult<Vec<UserSummary>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE active = 1 ORDER BY role, name"
    ))?;
    let users = stmt.query_map([], record)?.collect::<Result<Vec<_>, _>>()?;
    Ok(users.iter().map(Record::summary).collect())
}
