//! An event as it travels to and from a shared workspace's server: its audit record sealed
//! with the workspace's data key (XChaCha20-Poly1305, under a key derived for this use), bound
//! to the clear fields the server orders and checks it by. The server sees those fields and
//! the sealed bytes; it can neither read the event nor move it to another place in a copy's
//! chain, another copy, another workspace or another key without opening failing.

use crate::error::{CoreError, CoreResult};
use crate::keyslots::DataKey;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use govbench_protocol::ServerRefusal;
use rand_core::{OsRng, RngCore};
use uuid::Uuid;

/// The format of sealed events this build writes.
pub const FORMAT: u32 = 1;

/// The clear fields a sealed event is bound to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding<'a> {
    pub workspace: Uuid,
    /// [`DataKey::id`] of the key it is sealed with.
    pub key_id: &'a str,
    pub copy_id: &'a str,
    pub copy_seq: u64,
    /// The event's hash, as the audit log writes it (hex).
    pub event_hash: &'a str,
    pub format: u32,
}

impl Binding<'_> {
    /// The associated data: a tag, then each field length-prefixed, so no two bindings
    /// encode alike.
    fn associated_data(&self) -> Vec<u8> {
        let mut out = b"govbench/event/1".to_vec();
        let mut field = |bytes: &[u8]| {
            out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
            out.extend_from_slice(bytes);
        };
        field(self.workspace.as_bytes());
        field(self.key_id.as_bytes());
        field(self.copy_id.as_bytes());
        field(&self.copy_seq.to_be_bytes());
        field(self.event_hash.as_bytes());
        field(&self.format.to_be_bytes());
        out
    }
}

/// A sealed event: a fresh random nonce and the ciphertext (with its tag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    pub nonce: [u8; 24],
    pub ciphertext: Vec<u8>,
}

fn cipher(key: &DataKey) -> CoreResult<XChaCha20Poly1305> {
    XChaCha20Poly1305::new_from_slice(key.event_key().as_ref())
        .map_err(|_| CoreError::Crypto("bad key length"))
}

pub fn seal(key: &DataKey, binding: &Binding<'_>, event: &[u8]) -> CoreResult<Sealed> {
    let mut nonce = [0u8; 24];
    OsRng.fill_bytes(&mut nonce);
    let aad = binding.associated_data();
    let ciphertext = cipher(key)?
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: event,
                aad: &aad,
            },
        )
        .map_err(|_| CoreError::Crypto("sealing an event failed"))?;
    Ok(Sealed { nonce, ciphertext })
}

/// The event, if `sealed` was sealed with `key` for exactly `binding`; anything else (another
/// key, place, copy or workspace, a changed byte) is refused.
pub fn open(key: &DataKey, binding: &Binding<'_>, sealed: &Sealed) -> CoreResult<Vec<u8>> {
    let aad = binding.associated_data();
    cipher(key)?
        .decrypt(
            XNonce::from_slice(&sealed.nonce),
            Payload {
                msg: &sealed.ciphertext,
                aad: &aad,
            },
        )
        .map_err(|_| CoreError::Crypto("a sealed event does not open with its binding"))
}

/// One event offered to the server: the clear fields it orders and checks by, what the
/// command read (and at which position), and the sealed event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    pub workspace: Uuid,
    /// The server position the command's reads were based on.
    pub base_position: u64,
    /// The records and scopes the command read (`requirement:<id>`, …).
    pub reads: Vec<String>,
    pub copy_id: Uuid,
    pub copy_seq: u64,
    pub event_hash: [u8; 32],
    pub prev_hash: [u8; 32],
    /// The member who signed it (`None` only for the system's events from before signing).
    pub signer: Option<Uuid>,
    pub signature: Vec<u8>,
    pub entity_kind: String,
    pub entity_id: String,
    /// The record's version before (`None` for a creation) and after the change.
    pub base_version: Option<u64>,
    pub new_version: u64,
    /// The scopes the changed record belongs to (its own `kind:id` is added by the server).
    pub touches: Vec<String>,
    pub key_id: String,
    pub format: u32,
    pub nonce: [u8; 24],
    pub payload: Vec<u8>,
    /// The member this event adds (an Admin's `user.create`), whose server login is made in
    /// the same server transaction as the event is placed.
    pub adds: Option<MemberLogin>,
}

/// A member's server login as an Admin creates it: the password is derived from the
/// passphrase the Admin gave them (`keyslots::server_password`); only its verifier leaves
/// this machine.
#[derive(Clone, PartialEq, Eq)]
pub struct MemberLogin {
    pub id: Uuid,
    pub name: String,
    pub is_admin: bool,
    pub password: zeroize::Zeroizing<String>,
}

impl std::fmt::Debug for MemberLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberLogin")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("is_admin", &self.is_admin)
            .finish_non_exhaustive()
    }
}

/// What the server made of an offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Placed at `position`.
    Accepted { position: u64, log_hash: [u8; 32] },
    /// Already there (an acknowledgement that was lost): at `position`.
    Duplicate { position: u64, log_hash: [u8; 32] },
    /// Something the command read, or the record it changed, was changed after its base
    /// position: by `signer` at `position`.
    Stale {
        position: u64,
        signer: Option<Uuid>,
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Refused for good (signer, fork, gap, key, format): why.
    Refused(ServerRefusal),
}

/// Where the server placed an event, as it shows it in clear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub position: u64,
    pub log_hash: [u8; 32],
    pub copy_id: Uuid,
    pub copy_seq: u64,
    pub event_hash: [u8; 32],
}

/// An event as the server delivers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivered {
    pub position: u64,
    pub log_hash: [u8; 32],
    pub copy_id: Uuid,
    pub copy_seq: u64,
    pub event_hash: [u8; 32],
    pub key_id: String,
    pub format: u32,
    pub nonce: [u8; 24],
    pub payload: Vec<u8>,
}

/// What an Admin's removal (or key rotation) hands the server with its event, placed in the
/// same server transaction: from then on events are sealed with the new key, which the removed
/// member never had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotation {
    /// The member the event removes: their server access ends with it.
    pub removes: Option<Uuid>,
    /// The key retired, sealed under the new one (the server's key history).
    pub retired: RetiredKey,
    /// Every remaining member's slot (`KeySlots::to_rows`, no header), each holding only the
    /// new key: the workspace's slots from now on.
    pub slots: Vec<(String, Vec<u8>)>,
}

/// A retired data key as the server keeps it: sealed under the key that replaced it, so that
/// whoever holds the newest key opens every older one, and nobody else any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetiredKey {
    pub key_id: String,
    pub under_key_id: String,
    pub nonce: [u8; 24],
    pub sealed_key: Vec<u8>,
}

fn retired_binding(workspace: Uuid, key_id: &str, under_key_id: &str) -> Vec<u8> {
    let mut out = b"govbench/retired-key/1".to_vec();
    for field in [
        workspace.as_bytes().as_slice(),
        key_id.as_bytes(),
        under_key_id.as_bytes(),
    ] {
        out.extend_from_slice(&(field.len() as u32).to_be_bytes());
        out.extend_from_slice(field);
    }
    out
}

/// `old` sealed under `new` for `workspace`.
pub fn retire(old: &DataKey, new: &DataKey, workspace: Uuid) -> CoreResult<RetiredKey> {
    let (key_id, under_key_id) = (old.id(), new.id());
    let mut nonce = [0u8; 24];
    OsRng.fill_bytes(&mut nonce);
    let aad = retired_binding(workspace, &key_id, &under_key_id);
    let sealed_key = cipher(new)?
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: old.to_hex().as_bytes(),
                aad: &aad,
            },
        )
        .map_err(|_| CoreError::Crypto("sealing a retired key failed"))?;
    Ok(RetiredKey {
        key_id,
        under_key_id,
        nonce,
        sealed_key,
    })
}

/// The retired key, if `retired` was sealed under `new` for `workspace` and holds the key its
/// id names.
pub fn unretire(retired: &RetiredKey, new: &DataKey, workspace: Uuid) -> CoreResult<DataKey> {
    let refused = || CoreError::Crypto("a retired key from the server does not open");
    if retired.under_key_id != new.id() {
        return Err(refused());
    }
    let aad = retired_binding(workspace, &retired.key_id, &retired.under_key_id);
    let hex_key = zeroize::Zeroizing::new(
        cipher(new)?
            .decrypt(
                XNonce::from_slice(&retired.nonce),
                Payload {
                    msg: &retired.sealed_key,
                    aad: &aad,
                },
            )
            .map_err(|_| refused())?,
    );
    let key = DataKey::from_hex(std::str::from_utf8(&hex_key).map_err(|_| refused())?)?;
    if key.id() != retired.key_id {
        return Err(refused());
    }
    Ok(key)
}

/// How the link to the server stood at the last call (what the app's header shows).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Link {
    /// Logged in, and the last call reached the server.
    pub connected: bool,
    /// The last time the server answered.
    pub last_contact: Option<chrono::DateTime<chrono::Utc>>,
    /// Why the last attempt did not reach the server (or was turned away at login).
    pub problem: Option<govbench_protocol::ApiError>,
}

/// The server of one shared workspace, as the member logged in to it sees it. Every call
/// blocks until the server answered; `Err(CoreError::Server(_))` when it did not.
pub trait Server: Send {
    /// How the link stood at the last call.
    fn link(&self) -> Link;
    /// Offers one event of the member's own.
    fn append(&mut self, offer: &Offer) -> CoreResult<Outcome>;
    /// Offers an Admin's removal or key rotation with the new key's slots and history: both
    /// are placed, in one server transaction, or neither.
    fn append_rotating(&mut self, offer: &Offer, rotation: &Rotation) -> CoreResult<Outcome>;
    /// The workspace's retired keys, each sealed under the key that replaced it.
    fn retired_keys(&mut self) -> CoreResult<Vec<RetiredKey>>;
    /// While the workspace is being shared: the founder places a run of events of the log as
    /// they are, whoever signed them, in order and all or none; one outcome per event.
    fn import(&mut self, offers: &[Offer]) -> CoreResult<Vec<Outcome>>;
    /// The sharing is complete: from now on only members' own events are placed.
    fn finish_import(&mut self) -> CoreResult<()>;
    /// Up to `limit` events after `position`, in order.
    fn events_after(&mut self, position: u64, limit: u32) -> CoreResult<Vec<Delivered>>;
    /// The same, without the sealed payloads: what `audit verify` compares a copy with.
    fn placed_after(&mut self, position: u64, limit: u32) -> CoreResult<Vec<Placed>>;
    /// Rows of the workspace's key file (`KeySlots::to_rows`): what slots share, and members'
    /// slots by id. Written by an Admin; a row already there is replaced.
    fn put_key_rows(&mut self, rows: &[(String, Vec<u8>)]) -> CoreResult<()>;
    fn key_rows(&mut self) -> CoreResult<Vec<(String, Vec<u8>)>>;
    /// Stores an attachment's sealed bytes (already there: nothing changes).
    fn put_blob(&mut self, blob: &SealedBlob) -> CoreResult<()>;
    fn blob(&mut self, blob_id: &[u8; 32]) -> CoreResult<Option<SealedBlob>>;
    /// An Admin sets another member's login to a join code's password (made if the server
    /// does not know the member yet).
    fn issue_login(&mut self, login: &MemberLogin) -> CoreResult<()>;
    /// The member replaces their own login's password.
    fn set_own_password(&mut self, password: &str) -> CoreResult<()>;
}

/// An attachment's bytes as the server keeps them: named by a keyed hash of their SHA-256 (the
/// server cannot confirm a guessed file), sealed like an event and bound to the workspace,
/// key and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedBlob {
    pub blob_id: [u8; 32],
    pub key_id: String,
    pub nonce: [u8; 24],
    pub ciphertext: Vec<u8>,
}

/// The server's name for the bytes whose SHA-256 is `sha256` (hex).
pub fn blob_id(key: &DataKey, sha256: &str) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key.event_key().as_ref())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(b"govbench blob id v1\0");
    mac.update(sha256.as_bytes());
    mac.finalize().into_bytes().into()
}

fn blob_binding(workspace: Uuid, key_id: &str, blob_id: &[u8; 32]) -> Vec<u8> {
    let mut out = b"govbench/blob/1".to_vec();
    for field in [workspace.as_bytes().as_slice(), key_id.as_bytes(), blob_id] {
        out.extend_from_slice(&(field.len() as u32).to_be_bytes());
        out.extend_from_slice(field);
    }
    out
}

pub fn seal_blob(
    key: &DataKey,
    workspace: Uuid,
    sha256: &str,
    bytes: &[u8],
) -> CoreResult<SealedBlob> {
    let blob_id = blob_id(key, sha256);
    let key_id = key.id();
    let mut nonce = [0u8; 24];
    OsRng.fill_bytes(&mut nonce);
    let aad = blob_binding(workspace, &key_id, &blob_id);
    let ciphertext = cipher(key)?
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: bytes,
                aad: &aad,
            },
        )
        .map_err(|_| CoreError::Crypto("sealing an attachment failed"))?;
    Ok(SealedBlob {
        blob_id,
        key_id,
        nonce,
        ciphertext,
    })
}

/// The bytes, if `blob` was sealed with `key` for this workspace under the name of `sha256`
/// and they hash to it.
pub fn open_blob(
    key: &DataKey,
    workspace: Uuid,
    sha256: &str,
    blob: &SealedBlob,
) -> CoreResult<Vec<u8>> {
    use sha2::Digest;
    let refused = || CoreError::Crypto("an attachment from the server does not open");
    if blob.blob_id != blob_id(key, sha256) || blob.key_id != key.id() {
        return Err(refused());
    }
    let aad = blob_binding(workspace, &blob.key_id, &blob.blob_id);
    let bytes = cipher(key)?
        .decrypt(
            XNonce::from_slice(&blob.nonce),
            Payload {
                msg: &blob.ciphertext,
                aad: &aad,
            },
        )
        .map_err(|_| refused())?;
    if hex::encode(sha2::Sha256::digest(&bytes)) != sha256 {
        return Err(refused());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retired_key_opens_only_under_its_successor_for_its_workspace() {
        let (old, new, other) = (DataKey::random(), DataKey::random(), DataKey::random());
        let workspace = Uuid::now_v7();
        let retired = retire(&old, &new, workspace).unwrap();
        assert_eq!(retired.key_id, old.id());
        assert_eq!(unretire(&retired, &new, workspace).unwrap().id(), old.id());
        assert!(unretire(&retired, &other, workspace).is_err());
        assert!(unretire(&retired, &new, Uuid::now_v7()).is_err());
        let mut relabelled = retired.clone();
        relabelled.key_id = other.id();
        assert!(unretire(&relabelled, &new, workspace).is_err());
        let mut flipped = retired;
        flipped.sealed_key[3] ^= 1;
        assert!(unretire(&flipped, &new, workspace).is_err());
    }

    fn binding<'a>(workspace: Uuid, key_id: &'a str) -> Binding<'a> {
        Binding {
            workspace,
            key_id,
            copy_id: "0190a0b0-copy",
            copy_seq: 7,
            event_hash: "ab12",
            format: FORMAT,
        }
    }

    #[test]
    fn an_event_opens_only_with_its_key_and_exactly_its_binding() {
        let key = DataKey::random();
        let key_id = key.id();
        let workspace = Uuid::now_v7();
        let b = binding(workspace, &key_id);
        let event = br#"{"action":"requirement.approve"}"#;
        let sealed = seal(&key, &b, event).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(open(&key, &b, &sealed).ok().as_deref(), Some(&event[..]));
        // The same event sealed twice never looks the same.
        let again = seal(&key, &b, event).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(again.nonce, sealed.nonce);
        assert_ne!(again.ciphertext, sealed.ciphertext);

        assert!(
            open(&DataKey::random(), &b, &sealed).is_err(),
            "another key"
        );
        let moved = [
            Binding {
                workspace: Uuid::now_v7(),
                ..b.clone()
            },
            Binding {
                copy_id: "another-copy",
                ..b.clone()
            },
            Binding {
                copy_seq: 8,
                ..b.clone()
            },
            Binding {
                event_hash: "ab13",
                ..b.clone()
            },
            Binding {
                key_id: "0000000000000000",
                ..b.clone()
            },
            Binding {
                format: 2,
                ..b.clone()
            },
        ];
        for other in moved {
            assert!(open(&key, &other, &sealed).is_err(), "{other:?}");
        }
        let mut flipped = sealed.clone();
        flipped.ciphertext[3] ^= 1;
        assert!(open(&key, &b, &flipped).is_err(), "a changed byte");
        // Fields do not run into each other: moving a character between two is a change.
        let shifted = Binding {
            copy_id: "0190a0b0-cop",
            event_hash: "yab12",
            ..b.clone()
        };
        assert!(open(&key, &shifted, &sealed).is_err());
    }
}
