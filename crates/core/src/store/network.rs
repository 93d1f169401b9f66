//! SQLite's documentation warns that files on network file systems get corrupted, and
//! cloud-sync clients replace files under an open database. Workspaces must be local.

use std::path::Path;

/// Folder names of common sync clients; a workspace anywhere below one is refused.
const SYNCED_FOLDERS: &[&str] = &[
    "Dropbox",
    "OneDrive",
    "Google Drive",
    "iCloud Drive",
    "Mobile Documents",
    "Nutstore",
    "坚果云",
    "BaiduNetdisk",
];

pub fn is_network_path(path: &Path) -> bool {
    let synced = path.components().any(|c| {
        let part = c.as_os_str().to_string_lossy();
        SYNCED_FOLDERS
            .iter()
            .any(|s| part == *s || part.starts_with(&format!("{s} -")))
    });
    synced || on_network_file_system(path)
}

#[cfg(target_os = "linux")]
fn on_network_file_system(path: &Path) -> bool {
    // statfs f_type magic numbers from linux/magic.h.
    const NETWORK_FS: &[u64] = &[
        0x6969,      // NFS
        0x517B,      // SMB
        0xFF53_4D42, // CIFS
        0xFE53_4D42, // SMB2
        0x0102_1997, // 9P
        0x5346_414F, // AFS
        0x7366_746E, // AFS (kAFS)
        0x6B41_4653, // kAFS
        0x7375_7245, // Coda
        0x0000_564C, // NCP
        0x6573_5546, // FUSE (sshfs, rclone, cloud drives)
        0x0BD0_0BD0, // Lustre
    ];
    // Walk up to the nearest existing ancestor: a new file's folder decides.
    let mut probe = Some(path);
    while let Some(p) = probe {
        if p.exists() {
            return match rustix::fs::statfs(p) {
                Ok(st) => NETWORK_FS.contains(&(st.f_type as u64)),
                Err(_) => false,
            };
        }
        probe = p.parent();
    }
    false
}

#[cfg(windows)]
fn on_network_file_system(path: &Path) -> bool {
    // A relative path lives where the current folder is, which may itself be a share.
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    windows::is_remote(&absolute.to_string_lossy(), windows::drive_is_remote)
}

#[cfg(not(any(target_os = "linux", windows)))]
fn on_network_file_system(_path: &Path) -> bool {
    false
}

/// Windows paths read from their text, so that every form is tested on every system; only
/// asking whether a drive letter is mapped to a share needs Windows itself.
#[cfg(any(windows, test))]
pub(crate) mod windows {
    /// Where a Windows path's root is.
    #[derive(Debug, PartialEq, Eq)]
    pub(crate) enum Root {
        /// `C:\…`, `\\?\C:\…`, `\\.\C:\…` (any case): a drive letter, local or mapped.
        Drive(char),
        /// `\\server\share`, `//server/share`, `\\?\UNC\server\share`, or a device path
        /// that names no drive: nowhere a workspace may live.
        Remote,
        /// Relative, rooted on the current drive, or a volume GUID path: local.
        Local,
    }

    pub(crate) fn root(path: &str) -> Root {
        // Windows accepts either slash as a separator in every form but the verbatim one;
        // reading both alike also catches `//server/share`.
        let path = path.replace('/', "\\");
        let drive = |rest: &str| {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(letter), Some(':')) if letter.is_ascii_alphabetic() => {
                    Some(letter.to_ascii_uppercase())
                }
                _ => None,
            }
        };
        let device = path
            .strip_prefix(r"\\?\")
            .or_else(|| path.strip_prefix(r"\\.\"));
        if let Some(rest) = device {
            // After the prefix comes a drive letter, a volume GUID, or a device name such as
            // `UNC\server\share` or `pipe\…`: none of those is a local disk.
            let volume = rest
                .get(..7)
                .is_some_and(|p| p.eq_ignore_ascii_case("Volume{"));
            return match drive(rest) {
                Some(letter) => Root::Drive(letter),
                None if volume => Root::Local,
                None => Root::Remote,
            };
        }
        if path.starts_with(r"\\") {
            return Root::Remote;
        }
        drive(&path).map_or(Root::Local, Root::Drive)
    }

    /// Whether `path` is on a share, asking `drive_is_remote` about drive letters.
    pub(crate) fn is_remote(path: &str, drive_is_remote: impl Fn(char) -> bool) -> bool {
        match root(path) {
            Root::Remote => true,
            Root::Drive(letter) => drive_is_remote(letter),
            Root::Local => false,
        }
    }

    /// `GetDriveTypeW` says `DRIVE_REMOTE` for a letter mapped to a network share.
    #[cfg(windows)]
    pub(crate) fn drive_is_remote(letter: char) -> bool {
        use windows_sys::Win32::Storage::FileSystem::GetDriveTypeW;
        const DRIVE_REMOTE: u32 = 4; // WinBase.h
        let root: Vec<u16> = format!("{letter}:\\\0").encode_utf16().collect();
        // SAFETY: `root` is a NUL-terminated UTF-16 string that outlives the call.
        unsafe { GetDriveTypeW(root.as_ptr()) == DRIVE_REMOTE }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_temp_dir_is_local() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_network_path(&dir.path().join("w.govbench")));
    }

    #[test]
    fn synced_folders_are_refused() {
        assert!(is_network_path(Path::new("/home/a/Dropbox/w.govbench")));
        assert!(is_network_path(Path::new(
            "/home/a/OneDrive - Contoso/w.govbench"
        )));
        assert!(!is_network_path(Path::new("/home/a/Documents/w.govbench")));
    }

    #[test]
    fn windows_paths_are_read_by_their_root() {
        use windows::{root, Root};
        for (path, expected) in [
            (r"C:\Users\pm\w.govbench", Root::Drive('C')),
            (r"d:\govbench\w.govbench", Root::Drive('D')),
            ("C:/Users/pm/w.govbench", Root::Drive('C')),
            (r"\\?\D:\govbench\w.govbench", Root::Drive('D')),
            (r"\\?\c:\govbench\w.govbench", Root::Drive('C')),
            (r"\\.\E:\w.govbench", Root::Drive('E')),
            (r"\\server\share\w.govbench", Root::Remote),
            ("//server/share/w.govbench", Root::Remote),
            (r"\\?\UNC\server\share\w.govbench", Root::Remote),
            (r"\\?\unc\server\share\w.govbench", Root::Remote),
            (r"\\.\UNC\server\share\w.govbench", Root::Remote),
            (r"\\.\pipe\w.govbench", Root::Remote),
            (
                r"\\?\Volume{0b1c2d3e-0000-0000-0000-100000000000}\w.govbench",
                Root::Local,
            ),
            (r"\govbench\w.govbench", Root::Local),
            ("w.govbench", Root::Local),
            (r"工作台\w.govbench", Root::Local),
        ] {
            assert_eq!(root(path), expected, "{path}");
        }
    }

    #[test]
    fn a_mapped_network_drive_is_refused_and_a_local_one_is_not() {
        use windows::is_remote;
        // Z: mapped to a share, C: and D: local — as GetDriveTypeW would say.
        let mapped = |letter: char| letter == 'Z';
        assert!(is_remote(r"Z:\team\w.govbench", mapped));
        assert!(is_remote(r"z:\team\w.govbench", mapped));
        assert!(is_remote(r"\\?\Z:\team\w.govbench", mapped));
        assert!(!is_remote(r"C:\Users\pm\w.govbench", mapped));
        assert!(!is_remote(r"\\?\d:\w.govbench", mapped));
        assert!(is_remote(r"\\server\share\w.govbench", |_| false));
        assert!(!is_remote("w.govbench", |_| true));
    }
}
