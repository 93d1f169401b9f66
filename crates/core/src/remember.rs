//! "Remember me on this device": the unlocked data key and user name kept in the OS keyring
//! (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows), one entry per
//! workspace, so the next start opens without typing. Forgetting deletes the entry.

use crate::error::{CoreError, CoreResult};
use crate::keyslots::DataKey;
use govbench_protocol::WorkspaceId;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// A keyring "service" name. Tests use their own so they never touch the user's entries.
#[derive(Clone, Debug)]
pub struct DeviceKeyring {
    service: String,
}

#[derive(Serialize, Deserialize)]
struct Secret {
    user: String,
    key: String,
}

/// What a remembered entry gives back.
pub struct Remembered {
    pub user_name: String,
    pub key: DataKey,
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

    pub fn remember(
        &self,
        workspace: WorkspaceId,
        user_name: &str,
        key: &DataKey,
    ) -> CoreResult<()> {
        let secret = Zeroizing::new(serde_json::to_string(&Secret {
            user: user_name.to_owned(),
            key: key.to_hex().to_string(),
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
                let secret: Secret = serde_json::from_str(&text)?;
                let key = DataKey::from_hex(&secret.key)?;
                Ok(Some(Remembered {
                    user_name: secret.user,
                    key,
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
