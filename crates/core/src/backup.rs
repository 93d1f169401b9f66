//! Encrypted backups and verified restore.
//!
//! A backup is a workspace in its own right: a consistent copy of the database (SQLite's online
//! backup, page by page, under the data key it has now) and of its key file, taken under the
//! write lock so the two match. It opens only with a valid slot, like the original. Backups
//! go to a folder the user picks (per device; the default is beside the app's data), are
//! made on demand and automatically before a key rotation or a member's removal (and, beside
//! the workspace, before a schema migration), and are pruned by count and age.
//!
//! Restoring never overwrites anything: the backup is copied to a new file, opened with the
//! user's slot and fully verified (pages, chain, signatures, records); only a copy that passes
//! is put in place.

use crate::access::{Backups, Session};
use crate::clock::Clock;
use crate::error::{ApiResult, CoreError, CoreResult};
use crate::keyslots::{DataKey, KeySlots};
use chrono::{DateTime, Utc};
use govbench_protocol::{
    ApiError, AuditPermission, BackupInfo, BackupReason, RestoreReport, RestoreRequest,
};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const SUFFIX: &str = ".govbench";

impl Backups {
    /// The backups of the workspace named `stem` in this folder, newest first.
    pub fn list(&self, stem: &str) -> CoreResult<Vec<BackupInfo>> {
        let Ok(entries) = std::fs::read_dir(&self.folder) else {
            return Ok(Vec::new());
        };
        let prefix = format!("{stem}--");
        let mut found: Vec<BackupInfo> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let rest = name.strip_prefix(&prefix)?.strip_suffix(SUFFIX)?;
                let (stamp, reason) = rest.split_once("--")?;
                let at = DateTime::parse_from_str(&format!("{stamp}+0000"), "%Y%m%dT%H%M%S%.fZ%z")
                    .ok()?
                    .with_timezone(&Utc);
                let size = e.metadata().ok()?.len();
                Some(BackupInfo {
                    path: e.path().display().to_string(),
                    at,
                    reason: BackupReason::from_key(reason)?,
                    bytes: size,
                })
            })
            .filter(|b| KeySlots::path_for(Path::new(&b.path)).exists())
            .collect();
        found.sort_by_key(|b| std::cmp::Reverse(b.at));
        Ok(found)
    }

    /// Deletes backups beyond the count or older than the age, always keeping the newest.
    fn prune(&self, stem: &str, now: DateTime<Utc>) -> CoreResult<()> {
        let oldest = now - chrono::Duration::days(i64::from(self.keep_days));
        for (i, backup) in self.list(stem)?.iter().enumerate() {
            if i > 0 && (i >= self.keep_count.max(1) || backup.at < oldest) {
                let path = Path::new(&backup.path);
                std::fs::remove_file(KeySlots::path_for(path))?;
                std::fs::remove_file(path)?;
            }
        }
        Ok(())
    }
}

impl Session {
    /// The backups of this workspace in the device's backup folder, newest first.
    pub fn backup_list(&self) -> ApiResult<Vec<BackupInfo>> {
        let backups = self.device_backups()?;
        self.read(AuditPermission::Verify, |_| backups.list(&self.stem()))
    }

    /// Backs up now into the device's backup folder.
    pub fn backup_now(&mut self) -> ApiResult<BackupInfo> {
        let backups = self.device_backups()?;
        self.backup(&backups, BackupReason::Manual)
    }

    /// Restores one of this workspace's backups into a new file, for the session's user.
    pub fn restore_backup(&self, request: &RestoreRequest) -> ApiResult<RestoreReport> {
        restore(
            Path::new(&request.backup),
            Path::new(&request.into),
            &self.user().name,
            &request.passphrase,
            self.clock(),
        )
    }

    fn device_backups(&self) -> CoreResult<Backups> {
        self.backups()
            .ok_or_else(|| CoreError::Io(std::io::Error::other("no backup folder on this device")))
    }

    /// Makes a backup now, into the device's backup folder, and prunes old ones.
    pub fn backup(&mut self, backups: &Backups, reason: BackupReason) -> ApiResult<BackupInfo> {
        Ok(self.backup_core(backups, reason, &|_, _| {})?)
    }

    pub(crate) fn backup_core(
        &mut self,
        backups: &Backups,
        reason: BackupReason,
        progress: &dyn Fn(u64, u64),
    ) -> CoreResult<BackupInfo> {
        crate::durable::private_dir(&backups.folder)?;
        let mut now = self.clock_now();
        let stem = self.stem();
        let name = |at: DateTime<Utc>| {
            format!(
                "{stem}--{}--{}{SUFFIX}",
                at.format("%Y%m%dT%H%M%S%.6fZ"),
                reason.key()
            )
        };
        // Two backups in the same microsecond (another window, a test clock) get distinct
        // names rather than one refusing.
        while backups.folder.join(name(now)).exists() {
            now += chrono::Duration::microseconds(1);
        }
        let target = backups.folder.join(name(now));
        self.copy_to(&target, Some(&stem), progress)?;
        backups.prune(&stem, now)?;
        Ok(BackupInfo {
            bytes: std::fs::metadata(&target).map_or(0, |m| m.len()),
            path: target.display().to_string(),
            at: now,
            reason,
        })
    }
}

/// Copies a consistent snapshot of the open database (`source`, keyed with `key`) to `target`
/// under the same key, with the key file `slots`, through temporary names: a crash leaves
/// either no backup or a whole one.
///
/// With `sweep` (the workspace's stem, for copies into its backup folder), first removes what
/// interrupted backups of it left there; the caller holds the write lock, so none is being
/// written meanwhile.
pub(crate) fn write_copy(
    source: &Connection,
    key: &DataKey,
    slots: &KeySlots,
    target: &Path,
    sweep: Option<&str>,
    progress: &dyn Fn(u64, u64),
) -> CoreResult<()> {
    if target.exists() {
        return Err(CoreError::WorkspaceExists(target.to_owned()));
    }
    let partial = with_suffix(target, ".partial");
    if let (Some(stem), Some(folder)) = (sweep, target.parent()) {
        sweep_leftovers(folder, stem);
    }
    let _ = std::fs::remove_file(&partial);
    let copied = (|| -> CoreResult<()> {
        // Created empty and private first: SQLite takes an empty file as a new database, and
        // gives its journal the file's permissions.
        crate::durable::create_private(&partial)?;
        let mut dest = Connection::open(&partial)?;
        crate::store::key_connection(&dest, key)?;
        {
            use rusqlite::backup::{Backup, StepResult};
            let backup = Backup::new(source, &mut dest)?;
            // 1,024 pages (4 MiB) per step; the caller holds the write lock, so nothing can
            // make a step wait.
            loop {
                let step = backup.step(1024)?;
                let p = backup.progress();
                let total = p.pagecount.max(0) as u64;
                progress(total.saturating_sub(p.remaining.max(0) as u64), total);
                match step {
                    StepResult::Done => break,
                    StepResult::More => {}
                    StepResult::Busy | StepResult::Locked => return Err(CoreError::Busy),
                    _ => return Err(CoreError::Busy),
                }
            }
        }
        // A backup is one self-contained file: no WAL beside it.
        dest.execute_batch("PRAGMA journal_mode = DELETE;")?;
        dest.close().map_err(|(_, e)| CoreError::from(e))?;
        crate::durable::flush(&partial)?;
        slots.save(target)?;
        std::fs::rename(&partial, target)?;
        Ok(())
    })();
    if copied.is_err() {
        let _ = std::fs::remove_file(&partial);
        let _ = std::fs::remove_file(KeySlots::path_for(target));
    }
    copied
}

/// Removes what interrupted backups of the workspace `stem` left in `folder`: partial copies
/// (and their journals), and key files whose copy never landed.
fn sweep_leftovers(folder: &Path, stem: &str) {
    let prefix = format!("{stem}--");
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let file = entry.file_name().to_string_lossy().into_owned();
        if !file.starts_with(&prefix) {
            continue;
        }
        let partial =
            file.ends_with(".govbench.partial") || file.ends_with(".govbench.partial-journal");
        let orphan_keys = file
            .strip_suffix("-keys")
            .is_some_and(|db| db.ends_with(SUFFIX) && !folder.join(db).exists());
        if partial || orphan_keys {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// After a member's removal committed: the backup made just before it (under the old key)
/// keeps only the slots of the members who remain, so the removed member's passphrase opens
/// no copy made on this device either.
pub(crate) fn drop_removed_slots(backup: &Path, members: &[String]) -> CoreResult<()> {
    let mut slots = KeySlots::load(backup)?;
    let ids = members.iter().map(|n| slots.slot_id(n)).collect();
    slots.retain_slots(&ids);
    slots.save(backup)?;
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Restores `backup` into the new file `into` (never over an existing one) for `user_name`:
/// the copy is opened with the user's own slot and fully verified first; a copy that does not
/// verify is deleted, and the report says why.
pub fn restore(
    backup: &Path,
    into: &Path,
    user_name: &str,
    passphrase: &str,
    clock: Arc<dyn Clock>,
) -> ApiResult<RestoreReport> {
    if into.exists() || KeySlots::path_for(into).exists() {
        return Err(CoreError::WorkspaceExists(into.to_owned()).into());
    }
    if !backup.exists() || !KeySlots::path_for(backup).exists() {
        return Err(CoreError::WorkspaceNotFound(backup.to_owned()).into());
    }
    let trial = with_suffix(into, ".restoring");
    let trial_keys = KeySlots::path_for(&trial);
    let cleanup = || {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(with_suffix(&trial, suffix));
        }
        let _ = std::fs::remove_file(&trial_keys);
    };
    cleanup();
    let checked = (|| -> ApiResult<govbench_protocol::AuditReport> {
        let io = |e: std::io::Error| ApiError::from(CoreError::Io(e));
        std::fs::copy(backup, &trial).map_err(io)?;
        std::fs::copy(KeySlots::path_for(backup), &trial_keys).map_err(io)?;
        let session = crate::session::login(&trial, user_name, passphrase, clock)?;
        let report = session.verify_audit()?;
        // Closing checkpoints the WAL into the file, so the renamed file is complete.
        drop(session);
        Ok(report)
    })();
    let report = match checked {
        Ok(report) if report.is_intact() => report,
        Ok(report) => {
            cleanup();
            return Ok(RestoreReport {
                restored_to: None,
                report,
            });
        }
        Err(e) => {
            cleanup();
            return Err(e);
        }
    };
    let placed = std::fs::rename(&trial_keys, KeySlots::path_for(into))
        .and_then(|()| std::fs::rename(&trial, into));
    cleanup();
    placed.map_err(|e| ApiError::from(CoreError::Io(e)))?;
    Ok(RestoreReport {
        restored_to: Some(into.display().to_string()),
        report,
    })
}

/// Before a schema migration: a copy of the workspace as it is, beside it
/// (`<name>--before-schema-<version>.govbench`), made once.
pub(crate) fn before_migration(
    conn: &Connection,
    path: &Path,
    key: &DataKey,
    version: i64,
) -> CoreResult<()> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let target = path.with_file_name(format!("{stem}--before-schema-{version}{SUFFIX}"));
    if target.exists() {
        return Ok(());
    }
    let slots = KeySlots::load(path)?;
    write_copy(conn, key, &slots, &target, None, &|_, _| {})
}

/// A workspace that cannot be opened because it is damaged or unreadable: the error names its
/// latest backup on this device, if there is one, so the user knows where to go.
pub fn point_to_latest(mut error: ApiError, workspace: &Path, backups: &Backups) -> ApiError {
    use govbench_protocol::ErrorCode;
    if !matches!(
        error.code,
        ErrorCode::WorkspaceDamaged | ErrorCode::WorkspaceUnreadable
    ) {
        return error;
    }
    let stem = workspace
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(latest) = backups.list(&stem).ok().and_then(|l| l.into_iter().next()) {
        error.message_key = "error.damaged_with_backup".into();
        error = error
            .with("backup", latest.path)
            .with("path", workspace.display().to_string());
    }
    error
}

impl Session {
    /// Copies the workspace (database and key file, consistent with each other: the write
    /// lock is held throughout) to `target`.
    pub(crate) fn copy_to(
        &mut self,
        target: &Path,
        sweep: Option<&str>,
        progress: &dyn Fn(u64, u64),
    ) -> CoreResult<()> {
        let (conn, files) = self.connection();
        // The write lock is held on a second connection: SQLite's online backup cannot read
        // from a connection that has a write transaction open.
        let mut lock = crate::store::open_raw(&files.path, &files.key)?;
        crate::store::configure(&lock)?;
        let held = lock.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let slots = crate::keyslots::KeySlots::load(&files.path)?;
        write_copy(conn, &files.key, &slots, target, sweep, progress)?;
        held.commit()?;
        Ok(())
    }
}
