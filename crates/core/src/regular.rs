//! Opening a file a person named (an attachment, a results file to import): only a regular
//! file, and never in a way that can block. A FIFO, a device or a socket would make `open` or
//! `read` wait forever, so the type is checked before opening, the file is opened
//! non-blocking (a FIFO swapped in between cannot hold the open), and the type is checked
//! again on the handle that was opened.

use std::fs::{File, Metadata};
use std::io;
use std::path::Path;

/// Why a named file was not opened.
#[derive(Debug)]
pub(crate) enum Refused {
    /// Not a regular file (a folder, a FIFO, a device, a socket).
    NotAFile,
    Io(io::Error),
}

/// Opens `path` for reading if it is a regular file (symbolic links are followed to one).
pub(crate) fn open(path: &Path) -> Result<(File, Metadata), Refused> {
    // The usual case, refused before anything is opened.
    let before = std::fs::metadata(path).map_err(Refused::Io)?;
    if !before.is_file() {
        return Err(Refused::NotAFile);
    }
    let file = open_without_waiting(path).map_err(Refused::Io)?;
    // The path may have become something else since it was looked at: what was opened is
    // what counts.
    let meta = file.metadata().map_err(Refused::Io)?;
    if !meta.is_file() {
        return Err(Refused::NotAFile);
    }
    reads_wait_again(&file).map_err(Refused::Io)?;
    Ok((file, meta))
}

/// Opens for reading with `O_NONBLOCK`, so that a FIFO put in the file's place opens at once
/// (and is then refused) instead of blocking.
#[cfg(unix)]
pub(crate) fn open_without_waiting(path: &Path) -> io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(File::from(fd))
}

/// Clears `O_NONBLOCK` once the file is known to be a regular file: local file systems
/// ignore it there, but a network one may honour it and fail a read that would wait.
#[cfg(unix)]
fn reads_wait_again(file: &File) -> io::Result<()> {
    let flags = rustix::fs::fcntl_getfl(file)?;
    rustix::fs::fcntl_setfl(file, flags - rustix::fs::OFlags::NONBLOCK)?;
    Ok(())
}

/// Elsewhere there are no FIFOs to wait on; the type is checked after the open as on Unix.
#[cfg(not(unix))]
pub(crate) fn open_without_waiting(path: &Path) -> io::Result<File> {
    File::open(path)
}

#[cfg(not(unix))]
fn reads_wait_again(_file: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()));
        assert!(matches!(open(&fifo), Err(Refused::NotAFile)));
        assert!(matches!(open(dir.path()), Err(Refused::NotAFile)));
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap_or_else(|e| panic!("{e}"));
        assert!(open(&file).is_ok());
    }
}
