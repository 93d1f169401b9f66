//! Opening a file a person named (an attachment, a results file to import): only a regular
//! file, and never in a way that can block. A FIFO, a device or a socket would make `open` or
//! `read` wait forever, so the type is checked before opening, the file is opened
//! non-blocking (a FIFO swapped in between cannot hold the open), and the type is checked
//! again on the handle that was opened.

use std::fs::{File, Metadata, OpenOptions};
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
    let before = std::fs::metadata(path).map_err(Refused::Io)?;
    if !before.is_file() {
        return Err(Refused::NotAFile);
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path).map_err(Refused::Io)?;
    let meta = file.metadata().map_err(Refused::Io)?;
    if !meta.is_file() {
        return Err(Refused::NotAFile);
    }
    Ok((file, meta))
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
