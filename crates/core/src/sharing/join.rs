//! Joining a shared workspace: a new copy on this desktop, every event verified before it is
//! applied.
//!
//! The copy is built in a hidden file beside its final name and moved there only once it is
//! whole, so an interrupted join (a killed process, a power cut) never leaves a partial copy
//! that looks like a workspace and blocks joining again under that name. Nothing of the
//! hidden file needs to survive a crash, so it is filled without an on-disk journal or
//! flushes (`store::fill_quickly`) and made durable once, at the end. (Measured at 30,000
//! events, that alone did not make joining faster: verifying and applying cost the time.)
//! Its search index is built once, at the end, from everything applied (`DeferredSearch`).

use super::*;
use rusqlite::TransactionBehavior;
use std::path::{Path, PathBuf};

/// Makes a copy of a shared workspace at `path` for the member `user`: the key file from the
/// server (their slot opens it with `passphrase`), then every event of the log, verified
/// before it is applied. Returns how many events the copy holds; the member then logs in as
/// on any workspace.
pub fn join(
    path: &Path,
    workspace: govbench_protocol::WorkspaceId,
    user: &str,
    passphrase: &str,
    server: &mut dyn Server,
    note: &ServerNote,
    progress: &dyn Fn(u64),
) -> ApiResult<u64> {
    let staging = Staging::claim(path)?;
    let filled = fill(
        &staging.db,
        workspace,
        user,
        passphrase,
        server,
        note,
        progress,
    );
    let events = filled.and_then(|events| staging.put_in_place(path).map(|()| events))?;
    Ok(events)
}

/// The copy while it is being filled: `.<name>.joining` and its key file beside `path`,
/// claimed by a lock on `.<name>.joining.lock` so that two joins into one name never share
/// them. Whatever is left of it is removed when it is dropped.
struct Staging {
    db: PathBuf,
    lock: PathBuf,
    _held: std::fs::File,
}

impl Staging {
    fn claim(path: &Path) -> CoreResult<Staging> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| CoreError::invalid("path", "required"))?;
        let db = path.with_file_name(format!(".{name}.joining"));
        let lock = path.with_file_name(format!(".{name}.joining.lock"));
        let held = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock)?;
        match held.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(CoreError::Busy),
            Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
        }
        // Dropped on the way out of any refusal below: the lock file goes with it.
        let staging = Staging {
            db,
            lock,
            _held: held,
        };
        // Checked under the lock: a join that held it before may have just finished.
        if path.exists() || crate::KeySlots::path_for(path).exists() {
            return Err(CoreError::WorkspaceExists(path.to_owned()));
        }
        // What an interrupted join (a killed process) left behind.
        staging.remove_files();
        Ok(staging)
    }

    /// The whole copy made durable and moved to `path`: the key file first, so the database
    /// never stands at its name without the key file that opens it.
    fn put_in_place(&self, path: &Path) -> CoreResult<()> {
        crate::durable::flush(&self.db)?;
        std::fs::rename(
            crate::KeySlots::path_for(&self.db),
            crate::KeySlots::path_for(path),
        )?;
        std::fs::rename(&self.db, path)?;
        crate::durable::sync_parent(path)?;
        Ok(())
    }

    fn remove_files(&self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = self.db.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
        let _ = std::fs::remove_file(crate::KeySlots::path_for(&self.db));
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // After a successful join the files were moved away and nothing is left to remove.
        self.remove_files();
        let _ = std::fs::remove_file(&self.lock);
    }
}

/// Pages of the log taken in per transaction while a copy is filled.
const PAGES_PER_COMMIT: u32 = 16;

/// Fills the staging copy at `path`; see [`join`].
fn fill(
    path: &Path,
    workspace: govbench_protocol::WorkspaceId,
    user: &str,
    passphrase: &str,
    server: &mut dyn Server,
    note: &ServerNote,
    progress: &dyn Fn(u64),
) -> CoreResult<u64> {
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
    let own = unlocked.secret.map(|secret| (secret, user.to_owned()));
    let mut keys = super::keys::Keys::new(&key, workspace.0, own);
    let conn = crate::store::create(path, &key, &crate::schema::WORKSPACE)?;
    crate::store::fill_quickly(&conn)?;
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
    let search = crate::shared::search::DeferredSearch::begin(&conn)?;
    let mut receiver = Receiver::fresh();
    let mut at = Frontier::START;
    // Many pages to a transaction: nothing of the file counts until it is whole, and each
    // commit encrypts and writes every page it changed, the same index pages over and over.
    {
        let begin = || Transaction::new_unchecked(&conn, TransactionBehavior::Deferred);
        let mut open = Some(begin()?);
        let mut pages = 0;
        super::intake::take_in(server, &mut keys, workspace.0, at, |page| {
            let tx = match &open {
                Some(tx) => tx,
                None => open.insert(begin()?),
            };
            let received = receiver.receive(tx, &page.events)?;
            if received.refused.is_some() {
                return Err(refused(ServerRefusal::Tampered));
            }
            for (sealed, placed) in page.events.iter().zip(&page.placed) {
                record_position(tx, &sealed.event, placed)?;
            }
            pages += 1;
            if pages % PAGES_PER_COMMIT == 0 {
                open.take().map(Transaction::commit).transpose()?;
            }
            if let Some(last) = page.last() {
                at = last;
                progress(at.position);
            }
            Ok(true)
        })?;
        let tx = match open {
            Some(tx) => tx,
            None => begin()?,
        };
        download_blobs(&tx, &mut keys, workspace.0, server)?;
        search.index(&tx)?;
        tx.commit()?;
    }
    crate::store::made_durable(&conn)?;
    conn.close().map_err(|(_, e)| CoreError::from(e))?;
    Ok(at.position)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn what_a_killed_join_left_is_cleared_and_a_finished_copy_stands_at_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.govbench");
        for left in [
            ".w.govbench.joining",
            ".w.govbench.joining-journal",
            ".w.govbench.joining-keys",
        ] {
            std::fs::write(dir.path().join(left), b"from a killed join").unwrap();
        }
        let staging = Staging::claim(&path).unwrap();
        assert_eq!(names(dir.path()), [".w.govbench.joining.lock"]);
        std::fs::write(&staging.db, b"pages").unwrap();
        std::fs::write(crate::KeySlots::path_for(&staging.db), b"slots").unwrap();
        staging.put_in_place(&path).unwrap();
        drop(staging);
        assert_eq!(names(dir.path()), ["w.govbench", "w.govbench-keys"]);
        assert_eq!(std::fs::read(&path).unwrap(), b"pages");
    }

    #[test]
    fn a_second_join_into_the_same_name_is_turned_away_while_the_first_runs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.govbench");
        let first = Staging::claim(&path).unwrap();
        std::fs::write(&first.db, b"pages").unwrap();
        assert!(matches!(Staging::claim(&path), Err(CoreError::Busy)));
        assert_eq!(
            std::fs::read(&first.db).unwrap(),
            b"pages",
            "left untouched"
        );
        drop(first);
        assert!(
            names(dir.path()).is_empty(),
            "a join that failed leaves nothing"
        );
        std::fs::write(&path, b"someone's workspace").unwrap();
        assert!(matches!(
            Staging::claim(&path),
            Err(CoreError::WorkspaceExists(_))
        ));
        assert_eq!(names(dir.path()), ["w.govbench"]);
    }
}
