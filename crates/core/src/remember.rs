//! "Remember me on this device": the member's own secret and the id of their key slot, kept in
//! the OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows),
//! one entry per workspace, so the next start opens without typing. Forgetting deletes the
//! entry.
//!
//! The entry holds no data key and no name to trust: the secret opens only its owner's slot,
//! and the session is for the member whose registered key the secret is. Editing the entry
//! opens nothing more than it did.

use crate::access::Session;
use crate::error::{CoreError, CoreResult};
use crate::keyslots::{KeySlots, UserSecret};
use govbench_protocol::WorkspaceId;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// A keyring "service" name. Tests use their own so they never touch the user's entries.
#[derive(Clone, Debug)]
pub struct DeviceKeyring {
    service: String,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    slot: String,
    secret: String,
    /// A shared workspace's: the member's server password (derived from the passphrase, which
    /// is not kept), so the remembered session reaches the server too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    server: Option<String>,
}

/// What a remembered entry gives back.
pub struct Remembered {
    pub slot_id: String,
    pub secret: UserSecret,
    pub server_password: Option<Zeroizing<String>>,
}

impl Remembered {
    /// What to remember for the session's user.
    pub fn of(session: &Session) -> CoreResult<Remembered> {
        let secret = session
            .secret()
            .cloned()
            .ok_or(CoreError::Crypto("no secret to remember"))?;
        Ok(Remembered {
            slot_id: KeySlots::load(session.path())?.slot_id(&session.user().name),
            secret,
            server_password: None,
        })
    }
}

impl DeviceKeyring {
    pub const DEFAULT_SERVICE: &'static str = "govbench";

    pub fn new(service: impl Into<String>) -> Self {
        DeviceKeyring {
            service: service.into(),
        }
    }

    fn entry(&self, workspace: WorkspaceId) -> CoreResult<keyring::Entry> {
        keyring::Entry::new(&self.service, &workspace.to_string())
            .map_err(|e| CoreError::Keyring(e.to_string()))
    }

    pub fn remember(&self, workspace: WorkspaceId, remembered: &Remembered) -> CoreResult<()> {
        let secret = Zeroizing::new(serde_json::to_string(&Entry {
            slot: remembered.slot_id.clone(),
            secret: remembered.secret.to_hex().to_string(),
            server: remembered.server_password.as_ref().map(|p| p.to_string()),
        })?);
        self.entry(workspace)?
            .set_password(&secret)
            .map_err(|e| CoreError::Keyring(e.to_string()))
    }

    /// The remembered login, or `None` when there is none (or it is unreadable: then the user
    /// simply types the passphrase).
    pub fn recall(&self, workspace: WorkspaceId) -> CoreResult<Option<Remembered>> {
        match self.entry(workspace)?.get_password() {
            Ok(text) => {
                let text = Zeroizing::new(text);
                let entry: Entry = serde_json::from_str(&text)?;
                Ok(Some(Remembered {
                    slot_id: entry.slot,
                    secret: UserSecret::from_hex(&entry.secret)?,
                    server_password: entry.server.map(Zeroizing::new),
                }))
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(CoreError::Keyring(e.to_string())),
        }
    }

    pub fn forget(&self, workspace: WorkspaceId) -> CoreResult<()> {
        match self.entry(workspace)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(CoreError::Keyring(e.to_string())),
        }
    }
}
