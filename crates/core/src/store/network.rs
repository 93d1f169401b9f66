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
    // UNC paths (\\server\share) are network shares.
    path.to_string_lossy().starts_with(r"\\") && !path.to_string_lossy().starts_with(r"\\?\C")
}

#[cfg(not(any(target_os = "linux", windows)))]
fn on_network_file_system(_path: &Path) -> bool {
    false
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
}
