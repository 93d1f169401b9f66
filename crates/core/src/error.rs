//! Typed errors inside the core, and the one place where they become the public
//! `{code, message_key, details}` shape.

use govbench_protocol::{ApiError, ErrorCode, RequirementStatus, Role};
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
    #[error("role {role:?} may not {action}")]
    Forbidden { role: Role, action: &'static str },
    /// Field name → rule key (`rule.required`, …).
    #[error("invalid input: {0:?}")]
    Validation(BTreeMap<String, String>),
    #[error("{action} is not possible from {from:?}")]
    IllegalTransition {
        action: &'static str,
        from: RequirementStatus,
    },
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    #[error("{entity} {id} was changed concurrently")]
    Conflict { entity: &'static str, id: String },
    #[error("keyring: {0}")]
    Keyring(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("stored data is malformed: {0}")]
    Malformed(String),
    #[error("crypto: {0}")]
    Crypto(&'static str),
}

pub type CoreResult<T> = Result<T, CoreError>;

impl CoreError {
    /// Shorthand for a single-field validation error.
    pub fn invalid(field: &str, rule: &str) -> Self {
        CoreError::Validation(BTreeMap::from([(field.to_owned(), format!("rule.{rule}"))]))
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
            CoreError::Forbidden { role, action } => ApiError::new(ErrorCode::Forbidden)
                .with("role", format!("role.{}", role.key()))
                .with("action", format!("command.{action}")),
            CoreError::Validation(fields) => {
                let mut err = ApiError::new(ErrorCode::Validation);
                err.details = fields;
                err
            }
            CoreError::IllegalTransition { action, from } => {
                ApiError::new(ErrorCode::IllegalTransition)
                    .with("from", format!("status.{}", from.key()))
                    .with("action", format!("command.{action}"))
            }
            CoreError::NotFound { entity, id } => ApiError::new(ErrorCode::NotFound)
                .with("entity", entity)
                .with("id", id),
            CoreError::Conflict { entity, id } => ApiError::new(ErrorCode::Conflict)
                .with("entity", entity)
                .with("id", id),
            CoreError::Keyring(reason) => ApiError::new(ErrorCode::Keyring).with("reason", reason),
            CoreError::Io(e) => ApiError::new(ErrorCode::Io).with("reason", e.to_string()),
            CoreError::Database(e) => {
                ApiError::new(ErrorCode::Internal).with("reason", e.to_string())
            }
            CoreError::Malformed(m) => ApiError::new(ErrorCode::Internal).with("reason", m),
            CoreError::Crypto(m) => ApiError::new(ErrorCode::Internal).with("reason", m),
        }
    }
}
