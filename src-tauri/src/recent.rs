//! Recently opened workspaces, shown on the login screen. Kept as JSON in the app's data
//! folder; holds paths and user names, never keys.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const MAX_ENTRIES: usize = 10;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentEntry {
    pub path: String,
    pub name: String,
    /// No user name is kept here: the list is a plain file (and older versions' `last_user`
    /// is dropped the next time it is saved).
    pub is_demo: bool,
    /// The OS keyring holds the secret of whoever logged in last ("remember me").
    pub remembered: bool,
    pub workspace_id: Option<String>,
}

#[derive(Debug, Default)]
pub struct RecentList {
    file: PathBuf,
    pub entries: Vec<RecentEntry>,
}

impl RecentList {
    /// Loads the list; a missing or unreadable file is an empty list (it is only a convenience).
    pub fn load(file: PathBuf) -> Self {
        let entries = std::fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        RecentList { file, entries }
    }

    pub fn save(&self) -> std::io::Result<()> {
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.file.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(&self.entries)?)?;
        std::fs::rename(tmp, &self.file)
    }

    /// Moves (or adds) `entry` to the top, keeping at most ten.
    pub fn touch(&mut self, entry: RecentEntry) {
        self.entries.retain(|e| e.path != entry.path);
        self.entries.insert(0, entry);
        self.entries.truncate(MAX_ENTRIES);
    }

    pub fn find(&self, path: &Path) -> Option<&RecentEntry> {
        let wanted = path.display().to_string();
        self.entries.iter().find(|e| e.path == wanted)
    }
}
