//! Comment threads on any record. A comment is its own entity (`comment`) pointing at the
//! record it is on; adding one is a command through the write path like any other.

use crate::error::{Attempt, CoreError, CoreResult};
use crate::features;
use crate::shared::rows;
use crate::shared::validate::Check;
use crate::write::{Change, Context, Image};
use chrono::{DateTime, Utc};
use govbench_protocol::{Comment, CommentCommand, CommentId, EntityKind, EntityRef, UserId};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const MAX_BODY_CHARS: usize = 10_000;

/// What is stored for a comment; also its audit image.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: CommentId,
    pub on: EntityRef,
    pub author_id: UserId,
    pub at: DateTime<Utc>,
    pub body: String,
    pub version: u64,
}

impl Image for Record {
    fn entity(&self) -> EntityRef {
        self.id.into()
    }

    fn version(&self) -> u64 {
        self.version
    }
}

pub fn apply(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &CommentCommand,
) -> CoreResult<Change> {
    match command {
        CommentCommand::Add { on, body } => {
            let mut check = Check::new();
            check.multiline("body", body, MAX_BODY_CHARS);
            check.finish()?;
            // Commenting on a record means reading it: the role must be allowed to.
            let Some(read) = features::comment_thread(on.kind) else {
                return Err(CoreError::invalid("on", "not_commentable"));
            };
            if !crate::authz::allows(ctx.actor.role, read) {
                return Err(CoreError::Forbidden {
                    role: ctx.actor.role,
                    attempted: Attempt::Read(read),
                });
            }
            if !features::exists(tx, *on)? {
                return Err(CoreError::NotFound(*on));
            }
            let record = Record {
                id: CommentId(Uuid::now_v7()),
                on: *on,
                author_id: ctx.actor.id,
                at: ctx.now,
                body: body.trim().to_owned(),
                version: 1,
            };
            insert(tx, &record)?;
            Change::created(&record)
        }
    }
}

pub(crate) fn insert(conn: &Connection, record: &Record) -> CoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO comments (id, entity_type, entity_id, author_id, at, body, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        record.id.to_string(),
        record.on.kind.key(),
        record.on.id.to_string(),
        record.author_id.to_string(),
        record.at,
        record.body,
        record.version as i64,
    ])?;
    Ok(())
}

pub fn exists(conn: &Connection, id: CommentId) -> CoreResult<bool> {
    Ok(load(conn, id)?.is_some())
}

pub fn load(conn: &Connection, id: CommentId) -> CoreResult<Option<Record>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, entity_type, entity_id, author_id, at, body, version FROM comments
             WHERE id = ?1",
        )?
        .query_row([id.to_string()], |r| {
            Ok(Record {
                id: rows::parsed(r, 0)?,
                on: EntityRef {
                    kind: rows::keyed(r, 1, EntityKind::from_key)?,
                    id: rows::parsed(r, 2)?,
                },
                author_id: rows::parsed(r, 3)?,
                at: r.get(4)?,
                body: r.get(5)?,
                version: r.get::<_, i64>(6)? as u64,
            })
        })
        .optional()?)
}

/// The thread on `on`, oldest first.
pub fn thread(conn: &Connection, on: EntityRef) -> CoreResult<Vec<Comment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, author_id, at, body FROM comments
         WHERE entity_type = ?1 AND entity_id = ?2 ORDER BY at, id",
    )?;
    let rows = stmt
        .query_map(params![on.kind.key(), on.id.to_string()], |r| {
            Ok((
                rows::parsed::<CommentId>(r, 0)?,
                rows::parsed::<UserId>(r, 1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(id, author, at, body)| {
            Ok(Comment {
                id,
                on,
                author: features::users::user_ref(conn, author)?,
                at,
                body,
            })
        })
        .collect()
}
