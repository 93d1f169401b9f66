//! The desktop app's state between commands: settings, the recent list and the one open
//! session. Every method is a thin call into `govbench-core`.

use crate::recent::{RecentEntry, RecentList};
use govbench_core::{CreateOptions, DeviceKeyring, KdfParams, Session, SystemClock};
use govbench_protocol::{
    ApiError, AssessmentCommand, BackupSettings, CreateWorkspaceRequest, ErrorCode, ExportOutcome,
    ExportProgress, ExportRequest, LoginRequest, NewUser, RecentWorkspace, Role, SessionInfo,
    SharingProgress, StartupState, WorkspaceId,
};
use govbench_remote::{desk, Wakeups};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use zeroize::Zeroizing;

type ApiResult<T> = Result<T, ApiError>;

/// A locked keyring can open an invisible unlock prompt and block forever; never wait longer.
const KEYRING_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Clone, Debug)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// `None` disables "remember me" (no keyring on this machine, or turned off).
    pub keyring_service: Option<String>,
    /// Argon2id cost of workspaces this app creates (the demo included).
    pub kdf: KdfParams,
}

impl Settings {
    /// Defaults, overridable by `GOVBENCH_DATA_DIR` and `GOVBENCH_KEYRING_SERVICE`
    /// (`none` disables the keyring) so tests never touch the user's real data or keyring.
    pub fn from_env(default_data_dir: PathBuf) -> Self {
        let data_dir = std::env::var_os("GOVBENCH_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or(default_data_dir);
        let keyring_service = match std::env::var("GOVBENCH_KEYRING_SERVICE") {
            Ok(s) if s == "none" => None,
            Ok(s) if !s.is_empty() => Some(s),
            _ => Some(DeviceKeyring::DEFAULT_SERVICE.to_owned()),
        };
        Settings {
            data_dir,
            keyring_service,
            kdf: KdfParams::INTERACTIVE,
        }
    }

    /// This device's backup settings: `backups.json` in the data folder, else a `backups`
    /// folder beside it with the default retention.
    pub fn backups(&self) -> govbench_core::Backups {
        let default = govbench_core::Backups::new(self.data_dir.join("backups"));
        let stored = std::fs::read(self.backup_settings_file())
            .ok()
            .and_then(|bytes| serde_json::from_slice::<BackupSettings>(&bytes).ok());
        match stored {
            Some(s) => govbench_core::Backups {
                folder: PathBuf::from(s.folder),
                keep_count: s.keep_count as usize,
                keep_days: s.keep_days,
            },
            None => default,
        }
    }

    fn backup_settings_file(&self) -> PathBuf {
        self.data_dir.join("backups.json")
    }

    pub fn demo_path(&self) -> PathBuf {
        self.data_dir.join("demo.govbench")
    }
}

pub struct AppState {
    settings: Settings,
    session: Mutex<Option<Session>>,
    recent: Mutex<RecentList>,
    /// Where the running export stands (read by the page while the session is busy with it).
    export_progress: Mutex<Option<ExportProgress>>,
    /// Where the running share or join stands (read by its dialog meanwhile).
    sharing_progress: Mutex<Option<SharingProgress>>,
    /// The open shared workspace's notifications of new events (the exchange waits on them).
    wakeups: Mutex<Option<Arc<Wakeups>>>,
}

pub(crate) fn internal(reason: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Internal).with("reason", reason.to_string())
}

fn io(e: std::io::Error) -> ApiError {
    ApiError::new(ErrorCode::Io).with("reason", e.to_string())
}

/// Runs blocking core work off the async runtime's threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(internal)?
}

/// Runs a keyring call on its own thread and gives up after [`KEYRING_TIMEOUT`].
fn time_boxed<T: Send + 'static>(
    work: impl FnOnce() -> govbench_core::CoreResult<T> + Send + 'static,
) -> ApiResult<T> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(work());
    });
    match rx.recv_timeout(KEYRING_TIMEOUT) {
        Ok(result) => result.map_err(ApiError::from),
        Err(_) => Err(ApiError::new(ErrorCode::Keyring).with("reason", "timeout")),
    }
}

fn os_locale() -> String {
    let tag = sys_locale::get_locale().unwrap_or_default();
    if tag.to_ascii_lowercase().starts_with("zh") {
        "zh-CN".into()
    } else {
        "en".into()
    }
}

impl AppState {
    pub fn new(settings: Settings) -> Self {
        let recent = RecentList::load(settings.data_dir.join("recent.json"));
        AppState {
            settings,
            session: Mutex::new(None),
            recent: Mutex::new(recent),
            export_progress: Mutex::new(None),
            sharing_progress: Mutex::new(None),
            wakeups: Mutex::new(None),
        }
    }

    /// The open shared workspace's wake-ups, if it has any.
    pub fn wakeups(&self) -> Option<Arc<Wakeups>> {
        self.wakeups.lock().ok().and_then(|w| w.clone())
    }

    /// Connects a session on a shared workspace to its server, listening for others' events.
    pub(crate) fn connect_shared(&self, session: &mut Session, password: &str) -> ApiResult<()> {
        let (_, wakeups) = desk::connect_listening(session, password, true)?;
        if let Ok(mut slot) = self.wakeups.lock() {
            *slot = wakeups.map(Arc::new);
        }
        Ok(())
    }

    pub fn sharing_progress(&self) -> Option<SharingProgress> {
        self.sharing_progress.lock().ok().and_then(|p| p.clone())
    }

    pub(crate) fn set_sharing_progress(&self, progress: Option<SharingProgress>) {
        if let Ok(mut slot) = self.sharing_progress.lock() {
            *slot = progress;
        }
    }

    pub fn export_progress(&self) -> Option<ExportProgress> {
        self.export_progress.lock().ok().and_then(|p| p.clone())
    }

    fn set_export_progress(&self, progress: Option<ExportProgress>) {
        if let Ok(mut slot) = self.export_progress.lock() {
            *slot = progress;
        }
    }

    /// Writes a quarter's report or pack to `path` through the write path (which records the
    /// export), publishing its progress for the page to poll.
    pub fn export(&self, request: ExportRequest, path: String) -> ApiResult<ExportOutcome> {
        let stage = format!("export.stage.{}", request.kind.key());
        self.set_export_progress(Some(ExportProgress {
            stage: stage.clone(),
            done: 0,
            total: 1,
        }));
        let exported = self.with_session(|s| {
            let outcome = s.execute_with_progress(
                AssessmentCommand::Export {
                    quarter: request.quarter.clone(),
                    kind: request.kind,
                    lang: request.lang.clone(),
                    path: path.clone(),
                },
                &|done, total| {
                    self.set_export_progress(Some(ExportProgress {
                        stage: stage.clone(),
                        done,
                        total,
                    }))
                },
            )?;
            s.export_record(outcome.entity.id)
        });
        self.set_export_progress(None);
        let record = exported?;
        Ok(ExportOutcome {
            path,
            number: record.number,
            bytes: record.bytes,
        })
    }

    fn session_lock(&self) -> ApiResult<MutexGuard<'_, Option<Session>>> {
        self.session
            .lock()
            .map_err(|_| internal("session lock poisoned"))
    }

    fn recent_lock(&self) -> ApiResult<MutexGuard<'_, RecentList>> {
        self.recent
            .lock()
            .map_err(|_| internal("recent list lock poisoned"))
    }

    fn keyring(&self) -> Option<DeviceKeyring> {
        self.settings
            .keyring_service
            .clone()
            .map(DeviceKeyring::new)
    }

    /// Runs `work` on the open session. "Today" is the user's own date: the offset of this
    /// machine's time zone is passed in on every call, so it follows a daylight-saving change
    /// or a laptop carried across time zones.
    pub fn with_session<T>(&self, work: impl FnOnce(&mut Session) -> ApiResult<T>) -> ApiResult<T> {
        let mut guard = self.session_lock()?;
        let session = guard
            .as_mut()
            .ok_or_else(|| ApiError::new(ErrorCode::NotLoggedIn))?;
        session.set_utc_offset(*chrono::Local::now().offset());
        work(session)
    }

    /// First run creates the demo workspace; a remembered login reopens without typing.
    pub fn startup_state(&self) -> ApiResult<StartupState> {
        self.ensure_demo()?;
        let mut session_info = self.with_session(|s| Ok(s.info(false))).ok();
        if session_info.is_none() {
            session_info = self.reopen_remembered();
        }
        let recent = self
            .recent_lock()?
            .entries
            .iter()
            .map(|e| RecentWorkspace {
                path: e.path.clone(),
                name: e.name.clone(),
                is_demo: e.is_demo,
            })
            .collect();
        Ok(StartupState {
            recent,
            session: session_info,
            os_locale: os_locale(),
            demo_users: govbench_core::demo::users(),
        })
    }

    pub fn backup_settings(&self) -> ApiResult<BackupSettings> {
        let b = self.settings.backups();
        Ok(BackupSettings {
            folder: b.folder.display().to_string(),
            keep_count: b.keep_count as u32,
            keep_days: b.keep_days,
        })
    }

    /// Checks and stores the device's backup settings; the open session uses them at once.
    pub fn set_backup_settings(&self, wanted: BackupSettings) -> ApiResult<BackupSettings> {
        let folder = PathBuf::from(wanted.folder.trim());
        let mut invalid = ApiError::new(ErrorCode::Validation);
        if !folder.is_absolute() {
            invalid = invalid.with("folder", "rule.absolute_folder");
        } else if std::fs::create_dir_all(&folder).is_err() {
            invalid = invalid.with("folder", "rule.folder_unwritable");
        }
        if !(1..=1000).contains(&wanted.keep_count) {
            invalid = invalid.with("keep_count", "rule.out_of_range");
        }
        if !(1..=36_500).contains(&wanted.keep_days) {
            invalid = invalid.with("keep_days", "rule.out_of_range");
        }
        if !invalid.details.is_empty() {
            return Err(invalid);
        }
        let stored = BackupSettings {
            folder: folder.display().to_string(),
            ..wanted
        };
        std::fs::create_dir_all(&self.settings.data_dir).map_err(io)?;
        let bytes = serde_json::to_vec_pretty(&stored).map_err(internal)?;
        std::fs::write(self.settings.backup_settings_file(), bytes).map_err(io)?;
        if let Some(session) = self.session_lock()?.as_mut() {
            session.set_backups(self.settings.backups());
        }
        Ok(stored)
    }

    fn ensure_demo(&self) -> ApiResult<()> {
        let path = self.settings.demo_path();
        let keys = govbench_core::KeySlots::path_for(&path);
        if !path.exists() && !keys.exists() {
            std::fs::create_dir_all(&self.settings.data_dir).map_err(io)?;
            govbench_core::demo::create(&path, self.settings.kdf, chrono::Utc::now())?;
        }
        let mut recent = self.recent_lock()?;
        if recent.find(&path).is_none() {
            recent.entries.push(RecentEntry {
                path: path.display().to_string(),
                name: "demo".into(),
                is_demo: true,
                ..RecentEntry::default()
            });
            recent.save().map_err(io)?;
        }
        Ok(())
    }

    fn reopen_remembered(&self) -> Option<SessionInfo> {
        let keyring = self.keyring()?;
        let entry = self
            .recent_lock()
            .ok()?
            .entries
            .first()
            .filter(|e| e.remembered)?
            .clone();
        let workspace: WorkspaceId = entry.workspace_id.as_deref()?.parse().ok()?;
        let remembered = time_boxed(move || keyring.recall(workspace)).ok()??;
        let mut session = govbench_core::open_remembered(
            Path::new(&entry.path),
            &remembered.slot_id,
            &remembered.secret,
            Arc::new(SystemClock),
        )
        .ok()?;
        if let Some(password) = &remembered.server_password {
            // Offline, the link says why; a copy whose note cannot be read opens unconnected.
            let _ = self.connect_shared(&mut session, password);
        }
        let info = session.info(true);
        session
            .set_witness(govbench_core::Witness::in_dir(&self.settings.data_dir))
            .ok()?;
        session.set_backups(self.settings.backups());
        *self.session_lock().ok()? = Some(session);
        Some(info)
    }

    pub fn login(&self, request: LoginRequest) -> ApiResult<SessionInfo> {
        let path = PathBuf::from(request.workspace.trim());
        let session = govbench_core::login(
            &path,
            request.user.trim(),
            &request.passphrase,
            Arc::new(SystemClock),
        )
        .map_err(|e| govbench_core::backup::point_to_latest(e, &path, &self.settings.backups()))?;
        self.signed_in(session, &request.passphrase, request.remember)
    }

    /// A session just unlocked with the passphrase: a shared workspace's connects to its
    /// server (offline if it cannot be reached), and it is remembered if asked.
    pub(crate) fn signed_in(
        &self,
        mut session: Session,
        passphrase: &str,
        remember: bool,
    ) -> ApiResult<SessionInfo> {
        let mut server_password = None;
        if session.server_note()?.is_some() {
            let password = desk::member_password(&session, passphrase)?;
            self.connect_shared(&mut session, &password)?;
            server_password = Some(password);
        }
        let remembered = remember && self.remember(&session, server_password).is_ok();
        self.opened(session, remembered)
    }

    fn remember(
        &self,
        session: &Session,
        server_password: Option<Zeroizing<String>>,
    ) -> ApiResult<()> {
        let keyring = self
            .keyring()
            .ok_or_else(|| ApiError::new(ErrorCode::Keyring).with("reason", "disabled"))?;
        let workspace = session.workspace_id();
        let mut remembered = govbench_core::Remembered::of(session)?;
        remembered.server_password = server_password;
        time_boxed(move || keyring.remember(workspace, &remembered))
    }

    /// After sharing a remembered workspace: its entry learns the server password, so the
    /// next start reaches the server too.
    pub(crate) fn remember_again(&self, session: &Session, server_password: Zeroizing<String>) {
        let remembered = self
            .recent_lock()
            .ok()
            .and_then(|r| r.find(session.path()).map(|e| e.remembered))
            .unwrap_or(false);
        if remembered {
            let _ = self.remember(session, Some(server_password));
        }
    }

    pub fn create_workspace(&self, request: CreateWorkspaceRequest) -> ApiResult<SessionInfo> {
        let mut path = PathBuf::from(request.path.trim());
        if path.extension().is_none() {
            path.set_extension("govbench");
        }
        let admin = NewUser {
            name: request.admin_name,
            display_name: request.admin_display_name,
            role: Role::Admin,
            passphrase: request.passphrase,
        };
        let options = CreateOptions {
            kdf: self.settings.kdf,
            is_demo: false,
        };
        let session =
            govbench_core::create_workspace(&path, &admin, options, Arc::new(SystemClock))?;
        self.opened(session, false)
    }

    fn opened(&self, mut session: Session, remembered: bool) -> ApiResult<SessionInfo> {
        // This device's witness: the header's verification reports a chain rewritten since.
        session.set_witness(govbench_core::Witness::in_dir(&self.settings.data_dir))?;
        session.set_backups(self.settings.backups());
        let info = session.info(remembered);
        {
            let mut recent = self.recent_lock()?;
            recent.touch(RecentEntry {
                path: info.workspace.path.clone(),
                name: info.workspace.name.clone(),
                is_demo: info.workspace.is_demo,
                remembered,
                workspace_id: Some(info.workspace.id.to_string()),
            });
            recent.save().map_err(io)?;
        }
        *self.session_lock()? = Some(session);
        Ok(info)
    }

    /// Where decrypted copies for the system's viewer go.
    pub fn viewer_copies(&self) -> ViewerCopies {
        ViewerCopies::in_dir(&self.settings.data_dir)
    }

    pub fn logout(&self, forget: bool) -> ApiResult<()> {
        let closed = self.session_lock()?.take();
        if let Ok(mut wakeups) = self.wakeups.lock() {
            *wakeups = None;
        }
        self.viewer_copies().sweep();
        if let (true, Some(session)) = (forget, closed) {
            let mut recent = self.recent_lock()?;
            if let Some(entry) = recent
                .entries
                .iter_mut()
                .find(|e| e.path == session.path().display().to_string())
            {
                entry.remembered = false;
            }
            recent.save().map_err(io)?;
            if let Some(keyring) = self.keyring() {
                let workspace = session.workspace_id();
                time_boxed(move || keyring.forget(workspace))?;
            }
        }
        Ok(())
    }
}

/// Decrypted copies of attachments handed to the system's viewer. They live in a folder of
/// the app's data folder that only this user can enter (0700), each file readable by this
/// user only (0600, created so — never widened first), and they are removed at logout, at
/// exit and, for a run that crashed, at the next start. (The viewers the system starts do not
/// tell when they close the file, so that is when the copies go.)
pub struct ViewerCopies {
    root: PathBuf,
}

impl ViewerCopies {
    pub fn in_dir(data_dir: &std::path::Path) -> ViewerCopies {
        ViewerCopies {
            root: data_dir.join("viewer-copies"),
        }
    }

    /// Writes a copy of the attachment, named as it was attached, in a folder of its own.
    pub fn write(
        &self,
        attachment: &govbench_protocol::Attachment,
        bytes: &[u8],
    ) -> ApiResult<PathBuf> {
        let dir = self.root.join(attachment.id.to_string());
        private_dir(&self.root).map_err(internal)?;
        private_dir(&dir).map_err(internal)?;
        // The stored name is already cleaned; keep only its last component all the same.
        let name = std::path::Path::new(&attachment.name)
            .file_name()
            .map(|n| n.to_owned())
            .unwrap_or_else(|| "attachment".into());
        let path = dir.join(name);
        let _ = std::fs::remove_file(&path);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&path).map_err(internal)?;
        std::io::Write::write_all(&mut file, bytes).map_err(internal)?;
        Ok(path)
    }

    /// Removes every copy (at logout, at exit, at start).
    pub fn sweep(&self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Creates `dir` if needed and makes it this user's only.
fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}
