//! Key slots: one per person, holding what that person needs to open the workspace and to sign
//! in their own name.
//!
//! Each person has a [`UserSecret`]: 32 random bytes from which their Ed25519 signing key and
//! their X25519 sealing key derive. Their slot holds
//! - the secret, wrapped under a key that Argon2id derives from their passphrase
//!   (XChaCha20-Poly1305), and
//! - the workspace's random data key, *sealed* to their X25519 public key (ephemeral X25519 →
//!   SHA-256 → XChaCha20-Poly1305). Sealing needs only the public key, so an admin can give a
//!   new data key to every remaining member without knowing anyone's passphrase.
//!
//! The slots live beside the database in `<workspace>-keys` (JSON), because they must be
//! readable before the encrypted database can be opened. The file holds no secret in the
//! clear, and no name: a slot is found by a salted hash of the canonical user name. Slots of
//! format 1 (the data key wrapped directly under the passphrase) still unlock; their owner is
//! moved to format 2 at the next login (`UserCommand::Enroll`).

mod server;

pub use server::server_password;

use crate::error::{CoreError, CoreResult};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use x25519_dalek::{PublicKey as X25519Public, StaticSecret};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The form in which user names are compared: trimmed, ASCII lower case. User names are
/// ASCII (`users::validate`), so this equals SQLite's `NOCASE` on the users table.
pub fn canonical_name(user_name: &str) -> String {
    user_name.trim().to_ascii_lowercase()
}

const FORMAT: &str = "govbench-keys/2";
const LEGACY_FORMAT: &str = "govbench-keys/1";
/// A key file larger than this is not one (a thousand members take about 1.5 MB).
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The workspace's data key. Zeroed on drop; never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

impl DataKey {
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        DataKey(key)
    }

    pub fn from_hex(hex_key: &str) -> CoreResult<Self> {
        let mut key = [0u8; 32];
        hex::decode_to_slice(hex_key, &mut key).map_err(|_| CoreError::Crypto("malformed key"))?;
        Ok(DataKey(key))
    }

    /// Lower-case hex, the only form SQLCipher's `PRAGMA key = "x'…'"` is given.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0))
    }
}

impl DataKey {
    /// A short public fingerprint naming which data key a sealed copy holds (during a key
    /// rotation a slot holds two).
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"govbench data key id\0");
        h.update(self.0);
        hex::encode(&h.finalize()[..8])
    }
}

impl DataKey {
    /// The key events shared through a server are sealed with (see `crate::wire`): derived
    /// from the data key, so the key of the database file is never used for anything else.
    pub(crate) fn event_key(&self) -> Zeroizing<[u8; 32]> {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(b"govbench event aead v1");
        Zeroizing::new(mac.finalize().into_bytes().into())
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

/// A person's own secret. Zeroed on drop; never printed; stored only wrapped in their slot and
/// (for "remember me") in their own OS keyring. The signing key derived from it is kept
/// beside it (deriving it costs a scalar multiplication, as much as a signature).
#[derive(Clone)]
pub struct UserSecret {
    bytes: Zeroizing<[u8; 32]>,
    /// Zeroed on drop by ed25519-dalek.
    signing: SigningKey,
}

/// The public halves of a person's keys, registered in their member record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKeys {
    /// Ed25519 verifying key (hex): checks the signature of every event they write.
    pub sign: String,
    /// X25519 public key (hex): the data key is sealed to it.
    pub seal: String,
}

impl UserSecret {
    fn from_bytes(bytes: Zeroizing<[u8; 32]>) -> Self {
        let signing = SigningKey::from_bytes(&bytes);
        UserSecret { bytes, signing }
    }

    pub fn random() -> Self {
        let mut secret = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(secret.as_mut());
        Self::from_bytes(secret)
    }

    pub fn from_hex(hex_secret: &str) -> CoreResult<Self> {
        let mut secret = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(hex_secret, secret.as_mut())
            .map_err(|_| CoreError::Crypto("malformed secret"))?;
        Ok(Self::from_bytes(secret))
    }

    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.bytes.as_ref()))
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    fn seal_secret(&self) -> StaticSecret {
        let mut h = Sha256::new();
        h.update(b"govbench x25519\0");
        h.update(self.bytes.as_ref());
        let bytes = Zeroizing::new(<[u8; 32]>::from(h.finalize()));
        StaticSecret::from(*bytes)
    }

    pub fn public_keys(&self) -> PublicKeys {
        PublicKeys {
            sign: hex::encode(self.signing.verifying_key().as_bytes()),
            seal: hex::encode(X25519Public::from(&self.seal_secret()).as_bytes()),
        }
    }

    /// Signs an event hash (or any message) in this person's name.
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.signing.sign(message).to_bytes())
    }
}

impl std::fmt::Debug for UserSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserSecret(…)")
    }
}

impl PublicKeys {
    pub fn verifying_key(&self) -> CoreResult<VerifyingKey> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&self.sign, &mut bytes)
            .map_err(|_| CoreError::Malformed("verifying key".into()))?;
        VerifyingKey::from_bytes(&bytes).map_err(|_| CoreError::Malformed("verifying key".into()))
    }

    fn seal_key(&self) -> CoreResult<X25519Public> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&self.seal, &mut bytes)
            .map_err(|_| CoreError::Malformed("sealing key".into()))?;
        Ok(X25519Public::from(bytes))
    }
}

/// A signing key's fingerprint, the one people compare: the SHA-256 of the key's 32 bytes
/// (Ed25519, as registered), as 64 lower-case hex digits. The quarterly report prints the
/// exporter's; `govbench pack verify --signer` takes it.
pub fn fingerprint(key: &VerifyingKey) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Checks `signature` (hex) over `message` against a registered verifying key.
pub fn verify_signature(key: &VerifyingKey, message: &[u8], signature: &str) -> bool {
    parse_signature(signature.as_bytes())
        .is_some_and(|signature| key.verify_strict(message, &signature).is_ok())
}

/// A signature as stored (128 hex digits).
pub fn parse_signature(hex_signature: &[u8]) -> Option<Signature> {
    let mut bytes = [0u8; 64];
    hex::decode_to_slice(hex_signature, &mut bytes).ok()?;
    Some(Signature::from_bytes(&bytes))
}

/// Argon2id cost. Stored per slot so the cost can be raised later without breaking old slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    /// RFC 9106's memory-constrained recommendation (64 MiB, 3 passes) with one lane, since
    /// the `argon2` crate computes lanes one after another anyway. The `workspace` benchmark
    /// reports what one unlock costs.
    pub const INTERACTIVE: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// Cheap parameters for tests that create many slots. Same code path, lower cost.
    pub const TESTING: KdfParams = KdfParams {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };

    /// The most a key file may ask for. The parameters come from a file anyone can edit, so
    /// they are capped before use: at most 1 GiB of memory, 16 lanes, and about 4 GiB·passes
    /// of work in all (a few seconds), instead of hanging or aborting on a crafted file.
    const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    const MAX_PARALLELISM: u32 = 16;
    const MAX_WORK_KIB: u64 = 4 * 1024 * 1024;

    pub fn is_within_limits(&self) -> bool {
        (8 * self.parallelism.max(1)..=Self::MAX_MEMORY_KIB).contains(&self.memory_kib)
            && (1..=Self::MAX_PARALLELISM).contains(&self.parallelism)
            && self.iterations >= 1
            && u64::from(self.memory_kib) * u64::from(self.iterations) <= Self::MAX_WORK_KIB
    }

    fn derive(&self, passphrase: &str, salt: &[u8]) -> CoreResult<Zeroizing<[u8; 32]>> {
        if !self.is_within_limits() {
            return Err(CoreError::Malformed("key slot KDF parameters".into()));
        }
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|_| CoreError::Malformed("key slot KDF parameters".into()))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
            .map_err(|_| CoreError::Crypto("key derivation failed"))?;
        Ok(out)
    }
}

/// One person's slot.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Slot {
    /// hex(SHA-256(name_salt ‖ 0 ‖ canonical user name))
    id: String,
    kdf: KdfParams,
    salt: String,
    nonce: String,
    /// Format 2: the person's secret. Format 1 (no `sealed`): the data key itself.
    wrapped: String,
    /// The data key sealed to the person's X25519 key; two entries while a rotation is under
    /// way (the old and the new key), one otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sealed: Vec<Sealed>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Sealed {
    /// `DataKey::id` of the key inside.
    key_id: String,
    ephemeral: String,
    nonce: String,
    ciphertext: String,
}

impl Sealed {
    fn seal(key: &DataKey, to: &PublicKeys) -> CoreResult<Sealed> {
        let recipient = to.seal_key()?;
        let ephemeral = StaticSecret::random_from_rng(OsRng);
        let ephemeral_public = X25519Public::from(&ephemeral);
        let shared = ephemeral.diffie_hellman(&recipient);
        if !shared.was_contributory() {
            return Err(CoreError::Crypto("degenerate sealing key"));
        }
        let cipher = seal_cipher(shared.as_bytes(), &ephemeral_public, &recipient)?;
        let mut nonce = [0u8; 24];
        OsRng.fill_bytes(&mut nonce);
        let key_id = key.id();
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: key.0.as_ref(),
                    aad: key_id.as_bytes(),
                },
            )
            .map_err(|_| CoreError::Crypto("sealing failed"))?;
        Ok(Sealed {
            key_id,
            ephemeral: hex::encode(ephemeral_public.as_bytes()),
            nonce: hex::encode(nonce),
            ciphertext: hex::encode(ciphertext),
        })
    }

    fn open(&self, secret: &UserSecret) -> CoreResult<DataKey> {
        let malformed = || CoreError::Malformed("sealed key".into());
        let mut ephemeral = [0u8; 32];
        hex::decode_to_slice(&self.ephemeral, &mut ephemeral).map_err(|_| malformed())?;
        let mut nonce = [0u8; 24];
        hex::decode_to_slice(&self.nonce, &mut nonce).map_err(|_| malformed())?;
        let ciphertext = hex::decode(&self.ciphertext).map_err(|_| malformed())?;
        let ephemeral = X25519Public::from(ephemeral);
        let mine = secret.seal_secret();
        let shared = mine.diffie_hellman(&ephemeral);
        let cipher = seal_cipher(shared.as_bytes(), &ephemeral, &X25519Public::from(&mine))?;
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &ciphertext,
                        aad: self.key_id.as_bytes(),
                    },
                )
                .map_err(|_| CoreError::WrongCredentials)?,
        );
        let key: [u8; 32] = plain.as_slice().try_into().map_err(|_| malformed())?;
        Ok(DataKey(key))
    }
}

fn seal_cipher(
    shared: &[u8; 32],
    ephemeral: &X25519Public,
    recipient: &X25519Public,
) -> CoreResult<XChaCha20Poly1305> {
    let mut h = Sha256::new();
    h.update(b"govbench seal v1\0");
    h.update(shared);
    h.update(ephemeral.as_bytes());
    h.update(recipient.as_bytes());
    let key = Zeroizing::new(<[u8; 32]>::from(h.finalize()));
    XChaCha20Poly1305::new_from_slice(key.as_ref()).map_err(|_| CoreError::Crypto("bad key length"))
}

/// What a passphrase opens.
pub struct Unlocked {
    /// The person's secret; `None` for a format-1 slot, which holds no secret yet.
    pub secret: Option<UserSecret>,
    /// Every data key the slot holds, newest first (two during a key rotation).
    pub keys: Vec<DataKey>,
}

/// The contents of a workspace's key file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeySlots {
    format: String,
    name_salt: String,
    slots: Vec<Slot>,
}

impl KeySlots {
    pub fn new() -> Self {
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        KeySlots {
            format: FORMAT.to_owned(),
            name_salt: hex::encode(salt),
            slots: Vec::new(),
        }
    }

    /// Where the key file of the workspace at `db_path` lives.
    pub fn path_for(db_path: &Path) -> PathBuf {
        let mut name = db_path.as_os_str().to_owned();
        name.push("-keys");
        PathBuf::from(name)
    }

    pub fn load(db_path: &Path) -> CoreResult<Self> {
        let path = Self::path_for(db_path);
        let unreadable = |reason: String| CoreError::WorkspaceUnreadable {
            path: db_path.to_owned(),
            reason,
        };
        let size = std::fs::metadata(&path)
            .map_err(|e| unreadable(format!("key file: {e}")))?
            .len();
        if size > MAX_FILE_BYTES {
            return Err(unreadable(format!("key file of {size} bytes")));
        }
        let bytes = std::fs::read(&path).map_err(|e| unreadable(format!("key file: {e}")))?;
        let slots: KeySlots =
            serde_json::from_slice(&bytes).map_err(|e| unreadable(format!("key file: {e}")))?;
        slots.checked(unreadable)
    }

    /// The file, if its format is known and its costs are within limits: costs are capped
    /// before anything is derived, so a crafted file cannot hang or kill the app.
    /// `refused` makes the error the caller reports (a file on disk, a server's rows).
    fn checked(self, refused: impl Fn(String) -> CoreError) -> CoreResult<Self> {
        if self.format != FORMAT && self.format != LEGACY_FORMAT {
            return Err(refused(format!("key file format {:.40}", self.format)));
        }
        if let Some(slot) = self.slots.iter().find(|s| !s.kdf.is_within_limits()) {
            return Err(refused(format!("key slot KDF parameters {:?}", slot.kdf)));
        }
        Ok(self)
    }

    /// Writes the file atomically: a crash leaves the old or the new file, never half of one.
    /// Callers hold the workspace's write lock (an IMMEDIATE transaction), which is what keeps
    /// two writers from losing each other's slots.
    pub fn save(&self, db_path: &Path) -> CoreResult<()> {
        let saved = KeySlots {
            format: FORMAT.to_owned(),
            ..self.clone()
        };
        crate::durable::write_private(
            &Self::path_for(db_path),
            &serde_json::to_vec_pretty(&saved)?,
        )?;
        Ok(())
    }

    pub fn slot_id(&self, user_name: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.name_salt.as_bytes());
        h.update([0]);
        h.update(canonical_name(user_name).as_bytes());
        hex::encode(h.finalize())
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn has(&self, user_name: &str) -> bool {
        let id = self.slot_id(user_name);
        self.slots.iter().any(|s| s.id == id)
    }

    /// The ids of every slot (to reconcile slots with members).
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.slots.iter().map(|s| s.id.as_str())
    }

    /// A new slot for `user_name`: `secret` wrapped under `passphrase`, `key` sealed to it.
    /// Slow (the KDF), so it is built before the write transaction and put in by [`put`].
    ///
    /// [`put`]: KeySlots::put
    pub fn make_slot(
        &self,
        user_name: &str,
        passphrase: &str,
        secret: &UserSecret,
        key: &DataKey,
        kdf: KdfParams,
    ) -> CoreResult<Slot> {
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        let kek = kdf.derive(passphrase, &salt)?;
        let cipher = XChaCha20Poly1305::new_from_slice(kek.as_ref())
            .map_err(|_| CoreError::Crypto("bad key length"))?;
        let mut nonce = [0u8; 24];
        OsRng.fill_bytes(&mut nonce);
        let wrapped = cipher
            .encrypt(XNonce::from_slice(&nonce), secret.bytes.as_ref())
            .map_err(|_| CoreError::Crypto("wrapping failed"))?;
        Ok(Slot {
            id: self.slot_id(user_name),
            kdf,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            wrapped: hex::encode(wrapped),
            sealed: vec![Sealed::seal(key, &secret.public_keys())?],
        })
    }

    /// Puts a slot made by [`make_slot`](KeySlots::make_slot) (of a key file with the same
    /// name salt), replacing the one of the same person.
    pub fn put(&mut self, slot: Slot) {
        self.slots.retain(|s| s.id != slot.id);
        self.slots.push(slot);
    }

    /// Adds (or replaces) the slot of `user_name`.
    pub fn add(
        &mut self,
        user_name: &str,
        passphrase: &str,
        secret: &UserSecret,
        key: &DataKey,
        kdf: KdfParams,
    ) -> CoreResult<()> {
        let slot = self.make_slot(user_name, passphrase, secret, key, kdf)?;
        self.put(slot);
        Ok(())
    }

    pub fn remove(&mut self, user_name: &str) -> bool {
        let id = self.slot_id(user_name);
        let before = self.slots.len();
        self.slots.retain(|s| s.id != id);
        before != self.slots.len()
    }

    fn find(&self, slot_id: &str) -> CoreResult<&Slot> {
        self.slots
            .iter()
            .find(|s| s.id == slot_id)
            .ok_or(CoreError::WrongCredentials)
    }

    /// Opens `user_name`'s slot with their passphrase. Unknown user and wrong passphrase give
    /// the same error, so the slots cannot be used to probe for names.
    pub fn unlock(&self, user_name: &str, passphrase: &str) -> CoreResult<Unlocked> {
        let slot = self.find(&self.slot_id(user_name))?;
        let malformed = |_| CoreError::Malformed("key slot".into());
        let salt = hex::decode(&slot.salt).map_err(malformed)?;
        let nonce = hex::decode(&slot.nonce).map_err(malformed)?;
        let wrapped = hex::decode(&slot.wrapped).map_err(malformed)?;
        if nonce.len() != 24 {
            return Err(CoreError::Malformed("key slot nonce".into()));
        }
        let kek = slot.kdf.derive(passphrase, &salt)?;
        let cipher = XChaCha20Poly1305::new_from_slice(kek.as_ref())
            .map_err(|_| CoreError::Crypto("bad key length"))?;
        let plain = Zeroizing::new(
            cipher
                .decrypt(XNonce::from_slice(&nonce), wrapped.as_ref())
                .map_err(|_| CoreError::WrongCredentials)?,
        );
        let bytes: [u8; 32] = plain
            .as_slice()
            .try_into()
            .map_err(|_| CoreError::Malformed("key size".into()))?;
        if slot.sealed.is_empty() {
            return Ok(Unlocked {
                secret: None,
                keys: vec![DataKey(bytes)],
            });
        }
        let secret = UserSecret::from_bytes(Zeroizing::new(bytes));
        let keys = self.open_slot(&slot.id, &secret)?;
        Ok(Unlocked {
            secret: Some(secret),
            keys,
        })
    }

    /// The data keys in slot `slot_id`, opened with the person's secret (for "remember me",
    /// which keeps the secret and the slot id, never the data key).
    pub fn open_slot(&self, slot_id: &str, secret: &UserSecret) -> CoreResult<Vec<DataKey>> {
        let slot = self.find(slot_id)?;
        // Newest first: a rotation appends the new key.
        slot.sealed.iter().rev().map(|s| s.open(secret)).collect()
    }

    /// Seals `key` for every slot whose person is in `members` (slot id → public keys), beside
    /// the key it holds (`keep_old`, the file between the steps of a rotation) or instead of
    /// it. Slots of anyone else are left as they are; [`retain_slots`](Self::retain_slots)
    /// drops them once the rotation is done.
    pub fn resealed(
        &self,
        members: &[(String, PublicKeys)],
        key: &DataKey,
        keep_old: bool,
    ) -> CoreResult<KeySlots> {
        let mut after = self.clone();
        for slot in &mut after.slots {
            let Some((_, public)) = members.iter().find(|(id, _)| *id == slot.id) else {
                continue;
            };
            if !keep_old {
                slot.sealed.clear();
            }
            slot.sealed.retain(|s| s.key_id != key.id());
            slot.sealed.push(Sealed::seal(key, public)?);
        }
        Ok(after)
    }

    /// Keeps only the slots in `ids` (the slots of the active members).
    pub fn retain_slots(&mut self, ids: &std::collections::HashSet<String>) {
        self.slots.retain(|s| ids.contains(&s.id));
    }

    /// Does slot `slot_id` hold the data key `key_id`?
    pub fn slot_holds(&self, slot_id: &str, key_id: &str) -> bool {
        self.find(slot_id)
            .is_ok_and(|s| s.sealed.iter().any(|k| k.key_id == key_id))
    }

    /// Drops every sealed key but `key_id`'s: the last step of a key rotation.
    pub fn keep_only(&mut self, key_id: &str) {
        for slot in &mut self.slots {
            slot.sealed.retain(|s| s.key_id == key_id);
        }
    }

    /// Does `user_name`'s slot still hold the data key `key_id`? (After a rotation it does
    /// not, and sessions opened with the old key must log in again.)
    pub fn holds(&self, user_name: &str, key_id: &str) -> bool {
        self.find(&self.slot_id(user_name))
            .is_ok_and(|s| s.sealed.iter().any(|k| k.key_id == key_id) || s.sealed.is_empty())
    }

    /// Is this a format-1 slot (no secret, no sealed key yet)?
    pub fn is_legacy(&self, user_name: &str) -> bool {
        self.find(&self.slot_id(user_name))
            .is_ok_and(|s| s.sealed.is_empty())
    }
}

impl Default for KeySlots {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(slots: &mut KeySlots, name: &str, passphrase: &str, key: &DataKey) -> UserSecret {
        let secret = UserSecret::random();
        slots
            .add(name, passphrase, &secret, key, KdfParams::TESTING)
            .unwrap();
        secret
    }

    #[test]
    fn right_passphrase_unwraps_the_same_key_wrong_one_does_not() {
        let key = DataKey::random();
        let mut slots = KeySlots::new();
        let wang = add(&mut slots, "wang.fang", "正确的口令 correct", &key);
        add(&mut slots, "li.lei", "another passphrase", &key);
        let unlocked = slots.unlock("wang.fang", "正确的口令 correct").unwrap();
        assert_eq!(unlocked.keys[0].0, key.0);
        assert_eq!(unlocked.secret.unwrap().to_hex(), wang.to_hex());
        assert_eq!(
            slots.unlock("LI.LEI ", "another passphrase").unwrap().keys[0].0,
            key.0
        );
        assert!(matches!(
            slots.unlock("wang.fang", "wrong"),
            Err(CoreError::WrongCredentials)
        ));
        assert!(matches!(
            slots.unlock("nobody", "x"),
            Err(CoreError::WrongCredentials)
        ));
    }

    #[test]
    fn a_secret_opens_only_its_own_slot() {
        let key = DataKey::random();
        let mut slots = KeySlots::new();
        let admin = add(&mut slots, "admin", "passphrase-1", &key);
        let kim = add(&mut slots, "kim", "passphrase-2", &key);
        let admin_slot = slots.slot_id("admin");
        assert_eq!(slots.open_slot(&admin_slot, &admin).unwrap()[0].0, key.0);
        assert!(matches!(
            slots.open_slot(&admin_slot, &kim),
            Err(CoreError::WrongCredentials)
        ));
    }

    #[test]
    fn resealing_keeps_both_keys_mid_rotation_and_then_only_the_members() {
        let old = DataKey::random();
        let new = DataKey::random();
        let mut slots = KeySlots::new();
        let a = add(&mut slots, "a", "passphrase-a", &old);
        let b = add(&mut slots, "b", "passphrase-b", &old);
        let members = vec![(slots.slot_id("a"), a.public_keys())];
        let mid = slots.resealed(&members, &new, true).unwrap();
        let keys = mid.open_slot(&mid.slot_id("a"), &a).unwrap();
        assert_eq!((keys[0].0, keys[1].0), (new.0, old.0));
        // b is left as it was until the rotation is done: only the old key.
        assert_eq!(mid.open_slot(&slots.slot_id("b"), &b).unwrap()[0].0, old.0);
        let mut done = mid.clone();
        done.keep_only(&new.id());
        done.retain_slots(&[slots.slot_id("a")].into_iter().collect());
        assert_eq!(done.unlock("a", "passphrase-a").unwrap().keys.len(), 1);
        assert!(done.open_slot(&slots.slot_id("b"), &b).is_err());
        assert!(!done.has("b"));
    }

    #[test]
    fn signatures_verify_only_with_the_signers_key() {
        let alice = UserSecret::random();
        let mallory = UserSecret::random();
        let sig = alice.sign(b"event hash");
        let key = alice.public_keys().verifying_key().unwrap();
        assert!(verify_signature(&key, b"event hash", &sig));
        assert!(!verify_signature(&key, b"event hash!", &sig));
        assert!(!verify_signature(
            &key,
            b"event hash",
            &mallory.sign(b"event hash")
        ));
        assert!(!verify_signature(&key, b"event hash", "zz"));
    }

    #[test]
    fn crafted_kdf_parameters_are_refused_before_use() {
        for kdf in [
            KdfParams {
                memory_kib: 1024,
                iterations: 1 << 31,
                parallelism: 1,
            },
            KdfParams {
                memory_kib: u32::MAX,
                iterations: 1,
                parallelism: 1,
            },
            KdfParams {
                memory_kib: 1024,
                iterations: 0,
                parallelism: 1,
            },
            KdfParams {
                memory_kib: 1024,
                iterations: 1,
                parallelism: 0,
            },
            KdfParams {
                memory_kib: 1024,
                iterations: 1,
                parallelism: 1 << 20,
            },
        ] {
            assert!(!kdf.is_within_limits(), "{kdf:?}");
            assert!(matches!(
                kdf.derive("x", &[0; 16]),
                Err(CoreError::Malformed(_))
            ));
        }
        assert!(KdfParams::INTERACTIVE.is_within_limits());
        assert!(KdfParams::TESTING.is_within_limits());
    }

    #[test]
    fn key_file_reveals_no_user_names_and_no_key() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("w.govbench");
        let key = DataKey::random();
        let mut slots = KeySlots::new();
        let secret = add(&mut slots, "zhang.wei", "passphrase-1", &key);
        slots.save(&db).unwrap();
        let text = std::fs::read_to_string(KeySlots::path_for(&db)).unwrap();
        assert!(!text.contains("zhang"));
        assert!(!text.contains(key.to_hex().as_str()));
        assert!(!text.contains(secret.to_hex().as_str()));
        let mut loaded = KeySlots::load(&db).unwrap();
        assert!(loaded.has("zhang.wei"));
        assert!(loaded.remove("Zhang.Wei"));
        assert!(loaded.is_empty());
    }
}
