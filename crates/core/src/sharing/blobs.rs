//! Attachments' bytes between a copy and the server: sealed, named by a keyed hash, sent
//! before the event that adds them and fetched once their record is here.

use super::*;

/// Sends the bytes of the attachments hashed `shas` (those this copy holds).
pub(super) fn upload_blobs(
    conn: &Connection,
    key: &DataKey,
    workspace: Uuid,
    server: &mut dyn Server,
    shas: &[String],
) -> CoreResult<()> {
    let mut stmt = conn.prepare_cached("SELECT bytes FROM attachment_blobs WHERE sha256 = ?1")?;
    for sha in shas {
        let bytes: Option<Vec<u8>> = stmt.query_row([sha], |r| r.get(0)).optional()?;
        if let Some(bytes) = bytes {
            server.put_blob(&wire::seal_blob(key, workspace, sha, &bytes)?)?;
        }
    }
    Ok(())
}

/// Fetches the bytes of every attachment this copy holds the record of but not the bytes
/// (those the server has yet: an author who has not synced since is fetched next time). The
/// bytes are named by the key they were sealed with, which may be one retired since: each
/// key is tried.
pub(super) fn download_blobs(
    tx: &Transaction<'_>,
    keys: &mut super::keys::Keys,
    workspace: Uuid,
    server: &mut dyn Server,
) -> CoreResult<u64> {
    let missing: Vec<String> = tx
        .prepare_cached(
            "SELECT DISTINCT sha256 FROM attachments a
              WHERE NOT EXISTS (SELECT 1 FROM attachment_blobs b WHERE b.sha256 = a.sha256)",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if missing.is_empty() {
        return Ok(0);
    }
    let keys = keys.all(server)?;
    let mut fetched = 0;
    for sha in missing {
        for key in &keys {
            let Some(blob) = server.blob(&wire::blob_id(key, &sha))? else {
                continue;
            };
            let bytes = wire::open_blob(key, workspace, &sha, &blob)
                .map_err(|_| refused(ServerRefusal::Tampered))?;
            tx.prepare_cached("INSERT INTO attachment_blobs (sha256, bytes) VALUES (?1, ?2)")?
                .execute(params![sha, bytes])?;
            fetched += 1;
            break;
        }
    }
    Ok(fetched)
}

/// The SHA-256 of the bytes an event that adds an attachment names.
pub(super) fn added_attachment(sealed: &Sealed) -> Option<String> {
    let e = &sealed.event;
    if e.entity_type != govbench_protocol::EntityKind::Attachment.key() || e.before.is_some() {
        return None;
    }
    let after: serde_json::Value = serde_json::from_str(e.after.as_deref()?).ok()?;
    Some(after.get("sha256")?.as_str()?.to_owned())
}
