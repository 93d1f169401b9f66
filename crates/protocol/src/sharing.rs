//! A shared workspace as the app shows it (issue 20): where this copy stands with its server,
//! what one exchange moved, and what the share and join dialogs send.

use crate::{ApiError, WorkspaceId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where this copy of a shared workspace stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharingStatus {
    /// The server's address, without any password.
    pub server: String,
    pub workspace_id: WorkspaceId,
    /// The last call to the server reached it (and nothing failed since).
    pub connected: bool,
    /// The last time the server answered, on this run of the app.
    pub last_contact: Option<DateTime<Utc>>,
    /// Why the last attempt did not reach the server, while offline.
    pub problem: Option<ApiError>,
    /// How far this copy has taken in the server's log.
    pub position: u64,
    /// This copy's changes the server has not placed yet ("not yet shared").
    pub pending: u64,
    /// The signed-in member's edits the server turned down, waiting for them.
    pub conflicts: u64,
    /// An event the server delivered that failed verification: nothing from it on was
    /// applied, and this copy stays before it until the server delivers what was placed.
    #[serde(default)]
    pub refused: Option<RefusedEvent>,
}

/// An event from the server that this copy refused to apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedEvent {
    /// The server's position of the first event not taken in.
    pub position: u64,
    /// What failed, as a translation key: `audit.problem.<key>` for an event that opened but
    /// failed verification (`bad_signature`, `not_permitted`, …), `server.refused.<key>` for
    /// one that did not open or does not follow the server's own log.
    pub problem: String,
    pub found_at: DateTime<Utc>,
}

/// What one exchange with the server moved.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    pub pushed: u64,
    pub pulled: u64,
    pub position: u64,
    pub conflicts: u64,
}

/// A server as a person names it in the share and join dialogs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerRequest {
    /// A PostgreSQL connection URL (`postgresql://host:5432/govbench`) or `key=value` string.
    pub address: String,
    /// The PEM file of the CA that signed the server's certificate (else the URL's
    /// `sslrootcert`).
    pub ca: Option<String>,
    /// An unencrypted connection to another machine, asked for explicitly.
    pub allow_plaintext: bool,
}

/// "Test connection": what reaching the server showed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerChecked {
    /// The connection is encrypted and the certificate verified for the host name.
    pub verified_tls: bool,
    /// The address's own login was accepted (IT's, needed to share; members log in as
    /// themselves when they join).
    pub logged_in: bool,
    /// Govbench's schema is installed there (known only when logged in).
    pub schema_ready: Option<bool>,
}

/// Shares the open workspace (an Admin). The passphrase again: the member's server login is
/// derived from it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRequest {
    pub server: ServerRequest,
    pub passphrase: String,
}

impl std::fmt::Debug for ShareRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShareRequest")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareReport {
    /// What members join with.
    pub workspace_id: WorkspaceId,
    pub events: u64,
}

/// Joins a shared workspace from the login screen: a new local copy at `into`, then signed in.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    pub server: ServerRequest,
    pub workspace_id: String,
    pub user: String,
    pub passphrase: String,
    /// Where the local copy goes (a new file).
    pub into: String,
    pub remember: bool,
    /// The join code an Admin gave a member from before the workspace was shared.
    #[serde(default)]
    pub join_code: Option<String>,
}

impl std::fmt::Debug for JoinRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinRequest")
            .field("server", &self.server)
            .field("workspace_id", &self.workspace_id)
            .field("user", &self.user)
            .field("into", &self.into)
            .finish_non_exhaustive()
    }
}

/// Where a long exchange (sharing, joining) stands, for the dialog to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharingProgress {
    /// `sharing.stage.share` or `sharing.stage.join`.
    pub stage: String,
    pub done: u64,
    /// 0 when not known (joining learns the log's length as it reads).
    pub total: u64,
}
