//! Files written so that a crash or a power cut leaves the old file or the whole new one.
//!
//! Windows refuses to flush a handle opened only for reading ("Access denied", os error 5)
//! where Linux allows it, so every flush here goes through a handle opened for writing.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to a hidden file beside `path`, flushes it, renames it over `path` and
/// makes the rename durable: a reader of `path` sees the old file or the whole new one. On
/// failure the temporary file is removed: nothing half-written stays behind.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_new(path, bytes, false)
}

/// [`write_atomically`], readable by the owner only (key files, the device's witness): the
/// file is created that way, never widened and narrowed later.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_new(path, bytes, true)
}

fn write_new(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    let tmp = temporary_beside(path);
    let written = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    sync_parent(path)
}

/// Creates a new, empty file readable by its owner only.
pub(crate) fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}

/// Creates `dir` (and its parents) if missing, and makes it its owner's only.
pub(crate) fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Flushes a file someone else wrote (SQLite's backup, say) to disk.
pub(crate) fn flush(path: &Path) -> std::io::Result<()> {
    OpenOptions::new().write(true).open(path)?.sync_all()
}

/// Makes a rename or a new entry in `path`'s folder durable. Only POSIX systems need (and
/// allow) flushing a directory; NTFS journals its metadata itself.
pub(crate) fn sync_parent(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// `.<name>.<uuid>.part`: hidden, and unique so that two writers never share one.
fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.part", uuid::Uuid::now_v7().simple()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_replaced_atomically_holds_the_new_bytes_and_no_temporary_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.govbench-keys");
        std::fs::write(&path, b"old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_replacement_keeps_the_old_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should go: the rename fails after the write succeeded.
        let path = dir.path().join("w.govbench-keys");
        std::fs::create_dir(&path).unwrap();
        assert!(write_atomically(&path, b"new").is_err());
        assert!(path.is_dir());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_file_written_elsewhere_is_flushed_in_place() {
        // Windows' refusal of read-only handles is proved by the test command, which runs the
        // Windows CLI under Wine: creating a workspace and a backup go through here.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backup.partial");
        std::fs::write(&path, b"pages").unwrap();
        flush(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"pages");
        assert!(flush(&dir.path().join("missing")).is_err());
    }
}
