//! Typed errors inside the core, and the one place where they become the public
//! `{code, message_key, details}` shape.

use govbench_protocol::{Action, ApiError, EntityKind, EntityRef, ErrorCode, Permission, Role};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("wrong user name or passphrase")]
    WrongCredentials,
    #[error("no workspace at {0}")]
    WorkspaceNotFound(PathBuf),
    #[error("{path} is not a readable Govbench workspace: {reason}")]
    WorkspaceUnreadable { path: PathBuf, reason: String },
    #[error("workspace schema {found} is newer than supported {supported}")]
    WorkspaceTooNew { found: i64, supported: i64 },
    #[error("a workspace already exists at {0}")]
    WorkspaceExists(PathBuf),
    #[error("{0} is on a network or synced file system")]
    NetworkPath(PathBuf),
    #[error("role {role:?} may not {attempted:?}")]
    Forbidden { role: Role, attempted: Attempt },
    /// The action is allowed on one's own records only, and this one is someone else's.
    #[error("{} is allowed on own records only: {entity}", action.key())]
    NotAuthor { entity: EntityRef, action: Action },
    /// The action is not allowed on one's own work (signing off an evaluation one recorded).
    #[error("{} is not allowed on one's own {entity}", action.key())]
    OwnWork { entity: EntityRef, action: Action },
    /// The go-live gate is closed: what it misses.
    #[error("the go-live gate is closed: {0:?}")]
    GateClosed(Vec<govbench_protocol::GateGap>),
    /// A file to import was refused; nothing was stored.
    #[error("{}: {} ({})", .0.file, .0.problem, .0.detail)]
    ImportRefused(govbench_protocol::Refusal),
    /// A file is refused as an audit pack before anything in it is believed; `entry` names
    /// the entry or listing concerned, when one is.
    #[error("audit pack refused: {} {entry:?}", reason.key())]
    PackRefused {
        reason: govbench_protocol::PackRefusal,
        entry: Option<String>,
    },
    /// Field name → rule key (`rule.required`, …).
    #[error("invalid input: {0:?}")]
    Validation(BTreeMap<String, String>),
    /// A lifecycle step that the record's current status does not allow.
    #[error("{} is not possible: {} is {from}", action.key(), entity.key())]
    IllegalTransition {
        entity: EntityKind,
        action: Action,
        /// Status key of the record now.
        from: &'static str,
    },
    #[error("{0} not found")]
    NotFound(EntityRef),
    /// The row is no longer at the version the change was based on.
    #[error("{0} was changed concurrently")]
    Conflict(EntityRef),
    #[error("keyring: {0}")]
    Keyring(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// Another writer held the workspace longer than the busy timeout. Nothing was written.
    #[error("the workspace is busy")]
    Busy,
    /// The workspace was re-encrypted under a new data key since this session opened it.
    #[error("the workspace key was changed")]
    KeyChanged,
    /// The open file turned out to be damaged (a page fails its authentication code or
    /// SQLite's structure checks).
    #[error("the workspace file is damaged: {0}")]
    Damaged(String),
    #[error("database: {0}")]
    Database(rusqlite::Error),
    #[error("stored data is malformed: {0}")]
    Malformed(String),
    #[error("crypto: {0}")]
    Crypto(&'static str),
    /// The workspace is open for reading only, and why.
    #[error("the workspace is held read-only: {0:?}")]
    Held(Hold),
    /// The shared workspace's server could not be reached, or refused.
    #[error("server: {0:?}")]
    Server(ServerProblem),
    /// The server refused a write because something it was based on was changed on another
    /// copy meanwhile: by whom (their name, once this copy knows it) and when.
    #[error("{entity} was changed meanwhile on another copy")]
    ChangedMeanwhile {
        entity: EntityRef,
        by: Option<String>,
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// A decision on a shared workspace while its server cannot be reached.
    #[error("{0:?} needs the server")]
    NeedsServer(Action),
    /// A decision offered to the server whose answer was lost (inside the write path only:
    /// settled by reading back whether the server placed the event hashed `hash`).
    #[error("{action:?}: the server's answer was lost")]
    Unanswered { action: Action, hash: String },
    /// The report could not be drawn (the embedded font or the QR code failed).
    #[error("report: {0}")]
    Render(#[from] govbench_report::RenderError),
}

pub type CoreResult<T> = Result<T, CoreError>;

/// What went wrong with a shared workspace's server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerProblem {
    /// No answer (the network, the address, TLS, a timeout): `reason` as the client saw it.
    Unreachable(String),
    /// The server answered no.
    Refused(govbench_protocol::ServerRefusal),
}

/// What the API returns to front ends.
pub type ApiResult<T> = Result<T, ApiError>;

/// What a refused user tried: a command (by its action) or a read (by its permission).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    Action(Action),
    Read(Permission),
}

impl Attempt {
    /// Translation key of what was attempted, as an infinitive ("approve a requirement").
    fn text_key(self) -> String {
        match self {
            Attempt::Action(a) => a.command_text_key(),
            Attempt::Read(p) => p.text_key(),
        }
    }
}

impl CoreError {
    /// Shorthand for a single-field validation error.
    pub fn invalid(field: &str, rule: &str) -> Self {
        CoreError::Validation(BTreeMap::from([(field.to_owned(), format!("rule.{rule}"))]))
    }
}

impl From<rusqlite::Error> for CoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseCorrupt, DatabaseLocked, NotADatabase};
        match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => CoreError::Busy,
            Some(DatabaseCorrupt | NotADatabase) => CoreError::Damaged(e.to_string()),
            _ => CoreError::Database(e),
        }
    }
}

impl From<serde_json::Error> for CoreError {
    fn from(e: serde_json::Error) -> Self {
        CoreError::Malformed(e.to_string())
    }
}

/// The one mapping from internal errors to the public error shape. Details never carry keys,
/// passphrases or SQL.
impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::WrongCredentials => ApiError::new(ErrorCode::WrongCredentials),
            CoreError::WorkspaceNotFound(p) => {
                ApiError::new(ErrorCode::WorkspaceNotFound).with("path", p.display().to_string())
            }
            CoreError::WorkspaceUnreadable { path, .. } => {
                ApiError::new(ErrorCode::WorkspaceUnreadable)
                    .with("path", path.display().to_string())
            }
            CoreError::WorkspaceTooNew { found, supported } => {
                ApiError::new(ErrorCode::WorkspaceTooNew)
                    .with("found", found.to_string())
                    .with("supported", supported.to_string())
            }
            CoreError::WorkspaceExists(p) => {
                ApiError::new(ErrorCode::WorkspaceExists).with("path", p.display().to_string())
            }
            CoreError::NetworkPath(p) => {
                ApiError::new(ErrorCode::NetworkPath).with("path", p.display().to_string())
            }
            CoreError::Forbidden { role, attempted } => ApiError::new(ErrorCode::Forbidden)
                .with("role", role.text_key())
                .with("action", attempted.text_key()),
            CoreError::NotAuthor { entity, action } => {
                let mut err = ApiError::new(ErrorCode::Forbidden)
                    .with("entity", entity.kind.text_key())
                    .with("action", action.command_text_key());
                err.message_key = "error.not_author".into();
                err
            }
            CoreError::OwnWork { entity, action } => {
                let mut err = ApiError::new(ErrorCode::Forbidden)
                    .with("entity", entity.kind.text_key())
                    .with("action", action.command_text_key());
                err.message_key = "error.own_work".into();
                err
            }
            CoreError::GateClosed(gaps) => ApiError::new(ErrorCode::GateClosed).with(
                "gaps",
                serde_json::to_string(&gaps).unwrap_or_else(|_| String::from("[]")),
            ),
            CoreError::ImportRefused(r) => {
                let plain = r.detail.is_empty();
                let mut err = ApiError::new(ErrorCode::ImportRefused)
                    .with("file", r.file)
                    .with("problem", format!("import.problem.{}", r.problem))
                    .with("detail", r.detail);
                if plain {
                    err.message_key = "error.import_refused_plain".into();
                }
                err
            }
            CoreError::PackRefused { reason, entry } => {
                let mut err = ApiError::new(ErrorCode::PackRefused)
                    .with("reason", format!("pack.refused.{}", reason.key()));
                if let Some(entry) = entry {
                    err.message_key = "error.pack_refused_entry".into();
                    err = err.with("entry", entry);
                }
                err
            }
            CoreError::Validation(fields) => {
                let mut err = ApiError::new(ErrorCode::Validation);
                err.details = fields;
                err
            }
            CoreError::IllegalTransition {
                entity,
                action,
                from,
            } => ApiError::new(ErrorCode::IllegalTransition)
                .with("entity", entity.text_key())
                .with("action", action.command_text_key())
                .with("from", entity.status_text_key(from)),
            CoreError::NotFound(entity) => ApiError::new(ErrorCode::NotFound)
                .with("entity", entity.kind.text_key())
                .with("id", entity.id.to_string()),
            CoreError::Conflict(entity) => ApiError::new(ErrorCode::Conflict)
                .with("entity", entity.kind.text_key())
                .with("id", entity.id.to_string()),
            CoreError::Keyring(reason) => ApiError::new(ErrorCode::Keyring).with("reason", reason),
            CoreError::Io(e) => ApiError::new(ErrorCode::Io).with("reason", e.to_string()),
            CoreError::Busy => ApiError::new(ErrorCode::Busy),
            CoreError::ChangedMeanwhile { entity, by, at } => {
                let mut e = ApiError::new(ErrorCode::Conflict)
                    .with("entity", entity.kind.text_key())
                    .with("id", entity.id.to_string())
                    .with("by", by.unwrap_or_else(|| "?".into()))
                    .with(
                        "at",
                        at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                            .unwrap_or_else(|| "?".into()),
                    );
                e.message_key = "error.changed_meanwhile".into();
                e
            }
            CoreError::NeedsServer(action) | CoreError::Unanswered { action, .. } => {
                let mut e = ApiError::new(ErrorCode::ServerUnreachable)
                    .with("action", action.command_text_key());
                e.message_key = "error.needs_server".into();
                e
            }
            CoreError::Server(ServerProblem::Unreachable(reason)) => {
                ApiError::new(ErrorCode::ServerUnreachable).with("reason", reason)
            }
            CoreError::Server(ServerProblem::Refused(why)) => {
                ApiError::new(ErrorCode::ServerRefused)
                    .with("reason", format!("server.refused.{}", why.key()))
            }
            CoreError::Held(hold) => hold.into(),
            CoreError::KeyChanged => ApiError::new(ErrorCode::KeyChanged),
            CoreError::Damaged(reason) => {
                ApiError::new(ErrorCode::WorkspaceDamaged).with("reason", reason)
            }
            CoreError::Database(e) => {
                ApiError::new(ErrorCode::Internal).with("reason", e.to_string())
            }
            CoreError::Malformed(m) => ApiError::new(ErrorCode::Internal).with("reason", m),
            CoreError::Render(e) => {
                ApiError::new(ErrorCode::Internal).with("reason", e.to_string())
            }
            CoreError::Crypto(m) => ApiError::new(ErrorCode::Internal).with("reason", m),
        }
    }
}

/// Why a session may read but not write. The log is the record everyone relies on: a copy
/// whose log fails verification, or that is older than one this device saw, must not grow
/// further until someone with the authority to decide looks at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hold {
    /// An event of the log fails verification (`problem` is an `audit.problem.*` key).
    Log { seq: u64, problem: &'static str },
    /// This device saw the log up to event `seen`; this copy ends at `head`, or differs.
    Rollback { seen: u64, head: u64 },
    /// The log has no event for the member `name` (events deleted, or a row written around
    /// the write path).
    Unaccounted { name: String },
}

impl From<Hold> for ApiError {
    fn from(hold: Hold) -> ApiError {
        let mut err = ApiError::new(ErrorCode::WorkspaceHeld);
        match hold {
            Hold::Log { seq, problem } => {
                err = err
                    .with("seq", seq.to_string())
                    .with("problem", format!("audit.problem.{problem}"));
                err.message_key = "error.held_log".into();
            }
            Hold::Rollback { seen, head } => {
                err = err
                    .with("seen", seen.to_string())
                    .with("head", head.to_string());
                err.message_key = "error.held_rollback".into();
            }
            Hold::Unaccounted { name } => {
                err = err.with("name", name);
                err.message_key = "error.held_unaccounted".into();
            }
        }
        err
    }
}
