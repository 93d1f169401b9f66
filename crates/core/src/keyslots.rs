//! Key slots: the workspace's random 256-bit data key, wrapped once per user under a key that
//! Argon2id derives from that user's passphrase.
//!
//! The slots live beside the database in `<workspace>-keys` (JSON), because they must be
//! readable before the encrypted database can be opened. The file holds no secret in the
//! clear: a slot is found by a salted hash of the user name (so names are not revealed), and
//! its wrapped key is XChaCha20-Poly1305 ciphertext. Unwrapping succeeds only with the right
//! passphrase, which is how logging in both proves identity and unlocks the workspace.

use crate::error::{CoreError, CoreResult};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

const FORMAT: &str = "govbench-keys/1";

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

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
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

    fn derive(&self, passphrase: &str, salt: &[u8]) -> CoreResult<Zeroizing<[u8; 32]>> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|_| CoreError::Crypto("invalid KDF parameters"))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
            .map_err(|_| CoreError::Crypto("key derivation failed"))?;
        Ok(out)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Slot {
    /// hex(SHA-256(name_salt ‖ normalised user name))
    id: String,
    kdf: KdfParams,
    salt: String,
    nonce: String,
    wrapped: String,
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
        let bytes = std::fs::read(&path).map_err(|e| unreadable(format!("key file: {e}")))?;
        let slots: KeySlots =
            serde_json::from_slice(&bytes).map_err(|e| unreadable(format!("key file: {e}")))?;
        if slots.format != FORMAT {
            return Err(unreadable(format!("key file format {}", slots.format)));
        }
        Ok(slots)
    }

    /// Writes the file atomically: a crash leaves the old or the new file, never half of one.
    pub fn save(&self, db_path: &Path) -> CoreResult<()> {
        let path = Self::path_for(db_path);
        let mut tmp = path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        std::fs::write(&tmp, serde_json::to_vec_pretty(self)?)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        // The rename itself is durable only once the directory entry is on disk.
        #[cfg(unix)]
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    }

    fn slot_id(&self, user_name: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.name_salt.as_bytes());
        h.update([0]);
        h.update(user_name.trim().to_lowercase().as_bytes());
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

    /// Adds (or replaces) the slot of `user_name`.
    pub fn add(
        &mut self,
        user_name: &str,
        passphrase: &str,
        key: &DataKey,
        kdf: KdfParams,
    ) -> CoreResult<()> {
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        let kek = kdf.derive(passphrase, &salt)?;
        let cipher = XChaCha20Poly1305::new_from_slice(kek.as_ref())
            .map_err(|_| CoreError::Crypto("bad key length"))?;
        let mut nonce = [0u8; 24];
        OsRng.fill_bytes(&mut nonce);
        let wrapped = cipher
            .encrypt(XNonce::from_slice(&nonce), key.0.as_ref())
            .map_err(|_| CoreError::Crypto("wrapping failed"))?;
        let id = self.slot_id(user_name);
        self.slots.retain(|s| s.id != id);
        self.slots.push(Slot {
            id,
            kdf,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            wrapped: hex::encode(wrapped),
        });
        Ok(())
    }

    pub fn remove(&mut self, user_name: &str) -> bool {
        let id = self.slot_id(user_name);
        let before = self.slots.len();
        self.slots.retain(|s| s.id != id);
        before != self.slots.len()
    }

    /// Unwraps the data key with `user_name`'s passphrase. Unknown user and wrong passphrase
    /// give the same error, so the slots cannot be used to probe for names.
    pub fn unlock(&self, user_name: &str, passphrase: &str) -> CoreResult<DataKey> {
        let id = self.slot_id(user_name);
        let slot = self
            .slots
            .iter()
            .find(|s| s.id == id)
            .ok_or(CoreError::WrongCredentials)?;
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
        let key: [u8; 32] = plain
            .as_slice()
            .try_into()
            .map_err(|_| CoreError::Malformed("key size".into()))?;
        Ok(DataKey(key))
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

    #[test]
    fn right_passphrase_unwraps_the_same_key_wrong_one_does_not() {
        let key = DataKey::random();
        let mut slots = KeySlots::new();
        slots
            .add("wang.fang", "正确的口令 correct", &key, KdfParams::TESTING)
            .unwrap();
        slots
            .add("li.lei", "another passphrase", &key, KdfParams::TESTING)
            .unwrap();
        assert_eq!(
            slots.unlock("wang.fang", "正确的口令 correct").unwrap().0,
            key.0
        );
        assert_eq!(
            slots.unlock("LI.LEI ", "another passphrase").unwrap().0,
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
    fn key_file_reveals_no_user_names_and_no_key() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("w.govbench");
        let key = DataKey::random();
        let mut slots = KeySlots::new();
        slots
            .add("zhang.wei", "passphrase-1", &key, KdfParams::TESTING)
            .unwrap();
        slots.save(&db).unwrap();
        let text = std::fs::read_to_string(KeySlots::path_for(&db)).unwrap();
        assert!(!text.contains("zhang"));
        assert!(!text.contains(key.to_hex().as_str()));
        let loaded = KeySlots::load(&db).unwrap();
        assert!(loaded.has("zhang.wei"));
        assert!(loaded.remove_clone("zhang.wei").is_empty());
    }

    impl KeySlots {
        fn remove_clone(&self, name: &str) -> KeySlots {
            let mut c = self.clone();
            c.remove(name);
            c
        }
    }
}
