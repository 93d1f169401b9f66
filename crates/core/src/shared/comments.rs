//! Comment threads on any record. A comment is its own entity (`comment`) pointing at the
//! record it is on; adding one is a command through the write path like any other.

use crate::change::{Change, Context, Image};
use crate::error::{Attempt, CoreError, CoreResult};
use crate::members;
use crate::shared::validate::Check;
use crate::store::rows;
use crate::store::Part;
use chrono::{DateTime, Utc};
use govbench_protocol::{
    Comment, CommentCommand, CommentId, EntityKind, EntityRef, RecentPage, UserId,
};
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

/// What adding a comment may record: a new comment in its author's name.
pub(crate) fn reach(action: govbench_protocol::CommentAction) -> crate::shared::reach::Reach {
    match action {
        govbench_protocol::CommentAction::Add => {
            crate::shared::reach::Reach::creates(EntityKind::Comment).signed(&["/author_id"])
        }
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
            let Some(read) = crate::kinds::comment_thread(on.kind) else {
                return Err(CoreError::invalid("on", "not_commentable"));
            };
            if !crate::authz::allows(ctx.actor.role, read) {
                return Err(CoreError::Forbidden {
                    role: ctx.actor.role,
                    attempted: Attempt::Read(read),
                });
            }
            if !crate::kinds::exists(tx, *on)? {
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

/// The `limit` most recent comments on `on` before the cursor `before` (all when `None`),
/// oldest first, with the thread's size and the cursor of the page before them.
pub fn recent(
    conn: &Connection,
    on: EntityRef,
    before: Option<&str>,
    limit: u32,
) -> CoreResult<RecentPage<Comment>> {
    let (kind, id) = (on.kind.key(), on.id.to_string());
    // The cursor is "<at>|<id>" of the oldest comment of the page after; anything else is
    // "from the newest".
    let (at, after_id) = before
        .and_then(|c| c.split_once('|'))
        .map_or((None, None), |(at, id)| {
            (Some(at.to_owned()), Some(id.to_owned()))
        });
    let mut stmt = conn.prepare_cached(
        "SELECT id, author_id, at, body FROM comments
         WHERE entity_type = ?1 AND entity_id = ?2
           AND (?3 IS NULL OR at < ?3 OR (at = ?3 AND id < ?4))
         ORDER BY at DESC, id DESC LIMIT ?5",
    )?;
    let mut rows = stmt
        .query_map(params![kind, id, at, after_id, limit + 1], |r| {
            Ok((
                r.get::<_, String>(0)?,
                rows::parsed::<UserId>(r, 1)?,
                // As stored (the cursor compares stored text) and as a time.
                (r.get::<_, String>(2)?, r.get::<_, DateTime<Utc>>(2)?),
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let earlier = more
        .then(|| rows.last().map(|(id, _, (at, _), _)| format!("{at}|{id}")))
        .flatten();
    let total: i64 = conn
        .prepare_cached("SELECT count(*) FROM comments WHERE entity_type = ?1 AND entity_id = ?2")?
        .query_row(params![kind, id], |r| r.get(0))?;
    let mut items = Vec::with_capacity(rows.len());
    for (comment_id, author, (_, at), body) in rows.into_iter().rev() {
        items.push(Comment {
            id: comment_id
                .parse()
                .map_err(|_| CoreError::Malformed("comment id".into()))?,
            on,
            author: members::user_ref(conn, author)?,
            at,
            body,
        });
    }
    Ok(RecentPage {
        items,
        total: total as u64,
        earlier,
    })
}

/// Schema 1: comments on requirements.
pub(crate) const SCHEMA_V1: Part = Part::sql(
    r#"    CREATE TABLE comments (
        id             TEXT PRIMARY KEY,
        requirement_id TEXT NOT NULL REFERENCES requirements(id),
        author_id      TEXT NOT NULL REFERENCES users(id),
        at             TEXT NOT NULL,
        body           TEXT NOT NULL,
        version        INTEGER NOT NULL
    );
    CREATE INDEX comments_by_requirement ON comments(requirement_id, at);

"#,
);

/// Schema 2: comment threads on any record (not only requirements).
pub(crate) const SCHEMA_V2: Part = Part::sql(
    r#"    CREATE TABLE comments_v2 (
        id          TEXT PRIMARY KEY,
        entity_type TEXT NOT NULL,
        entity_id   TEXT NOT NULL,
        author_id   TEXT NOT NULL REFERENCES users(id),
        at          TEXT NOT NULL,
        body        TEXT NOT NULL,
        version     INTEGER NOT NULL
    );
    INSERT INTO comments_v2 (id, entity_type, entity_id, author_id, at, body, version)
        SELECT id, 'requirement', requirement_id, author_id, at, body, version FROM comments;
    DROP TABLE comments;
    ALTER TABLE comments_v2 RENAME TO comments;
    CREATE INDEX comments_by_entity ON comments(entity_type, entity_id, at);

"#,
);

/// Stores a comment another copy added. Comments are never changed, so an event that says
/// otherwise is malformed.
pub(crate) fn put(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    change.put(
        |r| insert(conn, r),
        |_: &Record, _| {
            Err(crate::error::CoreError::Malformed(format!(
                "{}: comments are never changed",
                change.entity
            )))
        },
    )
}
