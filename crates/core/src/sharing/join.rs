//! Joining a shared workspace: a new copy on this desktop, every event verified before it is
//! applied.

use super::*;

/// Makes a copy of a shared workspace at `path` for the member `user`: the key file from the
/// server (their slot opens it with `passphrase`), then every event of the log, verified
/// before it is applied. Returns how many events the copy holds; the member then logs in as
/// on any workspace.
pub fn join(
    path: &std::path::Path,
    workspace: govbench_protocol::WorkspaceId,
    user: &str,
    passphrase: &str,
    server: &mut dyn Server,
    note: &ServerNote,
    progress: &dyn Fn(u64),
) -> ApiResult<u64> {
    let keys_path = crate::KeySlots::path_for(path);
    if path.exists() || keys_path.exists() {
        return Err(CoreError::WorkspaceExists(path.to_owned()).into());
    }
    let made = (|| -> CoreResult<u64> {
        let rows = server.key_rows()?;
        if rows.is_empty() {
            return Err(refused(ServerRefusal::NotShared));
        }
        crate::KeySlots::from_rows(&rows)?.save(path)?;
        let slots = crate::KeySlots::load(path)?;
        let unlocked = slots.unlock(user, passphrase)?;
        let key = unlocked
            .keys
            .first()
            .cloned()
            .ok_or(CoreError::WrongCredentials)?;
        // Events from before a rotation are sealed with keys retired since, which the key
        // history opens from this one.
        let own = unlocked.secret.map(|secret| (secret, slots.slot_id(user)));
        let mut keys = super::keys::Keys::new(&key, workspace.0, own);
        let mut conn = crate::store::create(path, &key, &crate::schema::WORKSPACE)?;
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('workspace_id', ?1), ('copy_id', ?2),
                 ('created_at', ?3)",
            params![
                workspace.to_string(),
                Uuid::now_v7().to_string(),
                chrono::Utc::now().to_rfc3339()
            ],
        )?;
        note.save(&conn)?;
        let mut receiver = Receiver::fresh();
        let mut at = Frontier::START;
        super::intake::take_in(server, &mut keys, workspace.0, at, |page| {
            let tx = conn.transaction()?;
            let received = receiver.receive(&tx, &page.events)?;
            if received.refused.is_some() {
                return Err(refused(ServerRefusal::Tampered));
            }
            for (sealed, placed) in page.events.iter().zip(&page.placed) {
                record_position(&tx, &sealed.event, placed)?;
            }
            tx.commit()?;
            if let Some(last) = page.last() {
                at = last;
                progress(at.position);
            }
            Ok(true)
        })?;
        let tx = conn.transaction()?;
        download_blobs(&tx, &mut keys, workspace.0, server)?;
        tx.commit()?;
        Ok(at.position)
    })();
    match made {
        Ok(events) => Ok(events),
        Err(e) => {
            // Only files this call created are removed: neither existed before.
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut name = path.as_os_str().to_owned();
                name.push(suffix);
                let _ = std::fs::remove_file(std::path::PathBuf::from(name));
            }
            let _ = std::fs::remove_file(&keys_path);
            Err(e.into())
        }
    }
}
