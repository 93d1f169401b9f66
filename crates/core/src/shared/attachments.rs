//! Evidence files on any record: screenshots, logs, exported chats. An attachment is its own
//! entity (`attachment`) pointing at the record it is on, like a comment; its bytes are kept
//! inside the encrypted workspace in `attachment_blobs`, addressed by their SHA-256, which the
//! attachment's record (and so its audit event) carries. The file is read before the write
//! transaction (it may be large); adding it is one action.

use crate::access::Reader;
use crate::change::{record_image, Change, Context};
use crate::error::{Attempt, CoreError, CoreResult};
use crate::members;
use crate::shared::records::{self, Stored};
use crate::shared::validate::cleaned;
use crate::store::Part;
use govbench_protocol::{
    Attachment, AttachmentCommand, AttachmentId, AttachmentInfo, EntityKind, EntityRef,
    MAX_ATTACHMENT_BYTES,
};
use rusqlite::{Connection, OptionalExtension, ToSql, Transaction};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;
use uuid::Uuid;

/// A file read for an attachment, before the transaction.
pub struct ReadFile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

record_image!(Attachment);

impl Stored for Attachment {
    const KIND: EntityKind = EntityKind::Attachment;
    const TABLE: &'static str = "attachments";
    const INDEXED: &'static [&'static str] = &["on_id", "sha256", "added_at"];
    fn indexed(&self) -> Vec<Box<dyn ToSql>> {
        vec![
            Box::new(self.on.id.to_string()),
            Box::new(self.sha256.clone()),
            Box::new(self.added_at),
        ]
    }
}

/// Reads the file to attach: refused (naming the limit) when larger than
/// [`MAX_ATTACHMENT_BYTES`], before anything is read into memory.
/// What adding an attachment may record: a new attachment in its adder's name.
pub(crate) fn reach(action: govbench_protocol::AttachmentAction) -> crate::shared::reach::Reach {
    match action {
        govbench_protocol::AttachmentAction::Add => {
            crate::shared::reach::Reach::creates(EntityKind::Attachment).signed(&["/added_by"])
        }
    }
}

pub(crate) fn prepare(_reader: &Reader<'_>, command: &AttachmentCommand) -> CoreResult<ReadFile> {
    let AttachmentCommand::Add { path, .. } = command;
    read(Path::new(path))
}

fn read(path: &Path) -> CoreResult<ReadFile> {
    let unreadable = || CoreError::invalid("file", "unreadable");
    let (file, meta) = crate::regular::open(path).map_err(|refused| match refused {
        crate::regular::Refused::NotAFile => CoreError::invalid("file", "not_a_file"),
        crate::regular::Refused::Io(_) => unreadable(),
    })?;
    if meta.len() > MAX_ATTACHMENT_BYTES {
        return Err(CoreError::invalid("file", "file_too_large"));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file that grows while read is still held to the limit.
    file.take(MAX_ATTACHMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| unreadable())?;
    if bytes.len() as u64 > MAX_ATTACHMENT_BYTES {
        return Err(CoreError::invalid("file", "file_too_large"));
    }
    let name = path
        .file_name()
        .map(|n| cleaned(&n.to_string_lossy(), 200, false))
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "attachment".to_owned());
    let sha256 = hex::encode(Sha256::digest(&bytes));
    Ok(ReadFile {
        name,
        bytes,
        sha256,
    })
}

/// The media type a file's name says it is (what the viewer needs to show it).
pub fn media_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "txt" | "log" | "md" => "text/plain",
        "csv" => "text/csv",
        "json" | "jsonl" => "application/json",
        "pdf" => "application/pdf",
        "html" | "htm" => "text/html",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Checks that the actor may read `on` (attaching evidence to a record means reading it).
fn may_attach(conn: &Connection, ctx: &Context<'_>, on: EntityRef) -> CoreResult<()> {
    let Some(read) = crate::kinds::attachable(on.kind) else {
        return Err(CoreError::invalid("on", "not_attachable"));
    };
    if !crate::authz::allows(ctx.actor.role, read) {
        return Err(CoreError::Forbidden {
            role: ctx.actor.role,
            attempted: Attempt::Read(read),
        });
    }
    if !crate::kinds::exists(conn, on)? {
        return Err(CoreError::NotFound(on));
    }
    Ok(())
}

pub(crate) fn apply(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &AttachmentCommand,
    file: Option<ReadFile>,
) -> CoreResult<Change> {
    let AttachmentCommand::Add { on, .. } = command;
    may_attach(tx, ctx, *on)?;
    let file = file.ok_or_else(|| CoreError::Malformed("attachment not read".into()))?;
    tx.prepare_cached("INSERT OR IGNORE INTO attachment_blobs (sha256, bytes) VALUES (?1, ?2)")?
        .execute(rusqlite::params![file.sha256, file.bytes])?;
    let record = Attachment {
        id: AttachmentId(Uuid::now_v7()),
        on: *on,
        media_type: media_type(&file.name).to_owned(),
        name: file.name,
        size: file.bytes.len() as u64,
        sha256: file.sha256,
        added_by: ctx.actor.id,
        added_at: ctx.now,
        version: 1,
    };
    records::insert(tx, &record)?;
    Change::created(&record)
}

pub fn find(conn: &Connection, id: AttachmentId) -> CoreResult<Option<Attachment>> {
    records::find(conn, id.0)
}

/// The attachments on `on`, oldest first, with who added them.
pub fn on(conn: &Connection, on: EntityRef) -> CoreResult<Vec<AttachmentInfo>> {
    let list: Vec<Attachment> = records::select(
        conn,
        "on_id = ?1",
        "added_at, local_key",
        &[&on.id.to_string()],
    )?;
    list.into_iter()
        .filter(|a| a.on == on)
        .map(|a| {
            Ok(AttachmentInfo {
                added_by_name: members::user_ref(conn, a.added_by)?.display_name,
                attachment: a,
            })
        })
        .collect()
}

/// An attachment's bytes, checked against the hash its record carries.
pub fn bytes(conn: &Connection, attachment: &Attachment) -> CoreResult<Vec<u8>> {
    let bytes: Option<Vec<u8>> = conn
        .prepare_cached("SELECT bytes FROM attachment_blobs WHERE sha256 = ?1")?
        .query_row([&attachment.sha256], |row| row.get(0))
        .optional()?;
    let bytes = bytes.ok_or(CoreError::NotFound(attachment.id.into()))?;
    if hex::encode(Sha256::digest(&bytes)) != attachment.sha256 {
        return Err(CoreError::Malformed(format!(
            "attachment {} does not match its SHA-256",
            attachment.id
        )));
    }
    Ok(bytes)
}

/// Attachments whose bytes are missing or do not match their hash (deep verification).
pub fn damaged(conn: &Connection) -> CoreResult<Vec<AttachmentId>> {
    let all: Vec<Attachment> = records::select(conn, "1", "local_key", &[])?;
    let mut bad = Vec::new();
    for a in all {
        if bytes(conn, &a).is_err() {
            bad.push(a.id);
        }
    }
    Ok(bad)
}

/// Schema 5: attachments as audit images, their bytes in `attachment_blobs` by SHA-256
/// (encrypted with the rest of the file; a blob travels beside the event that names its hash).
pub(crate) const SCHEMA_V5: Part = Part::sql(
    r#"    CREATE TABLE attachments (
        local_key  INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        version    INTEGER NOT NULL,
        body       TEXT NOT NULL,
        on_id      TEXT NOT NULL,
        sha256     TEXT NOT NULL,
        added_at   TEXT NOT NULL
    );
    CREATE INDEX attachments_on ON attachments(on_id, added_at);

    CREATE TABLE attachment_blobs (
        sha256 TEXT PRIMARY KEY,
        bytes  BLOB NOT NULL
    );

"#,
);

/// Stores an attachment's record another copy made (its bytes travel on their own).
pub(crate) fn put(conn: &Connection, change: &crate::change::Change) -> CoreResult<()> {
    records::put::<Attachment>(conn, change)
}
