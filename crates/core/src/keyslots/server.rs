//! What a shared workspace's server holds of the key file, and the login a member's
//! passphrase gives them there.

use super::{canonical_name, KdfParams, KeySlots, Slot, FORMAT};
use crate::error::{CoreError, CoreResult};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The row of a key file on a server that holds what every slot shares.
const HEADER_ROW: &str = "header";

/// The password a member logs in to a shared workspace's server with, derived from their
/// passphrase (Argon2id salted with the workspace and the member's canonical name, then
/// HMAC-SHA-256 for this one use): whoever knows the passphrase can log in from any desktop,
/// and the server only ever receives its SCRAM verifier. The costs are fixed (OWASP's
/// Argon2id minimum, 19 MiB and 2 passes): a desktop joining knows nothing of the workspace
/// before it has logged in. The key slot, which guards the data key, keeps its own costs.
pub fn server_password(
    passphrase: &str,
    workspace: uuid::Uuid,
    name: &str,
) -> CoreResult<Zeroizing<String>> {
    const SERVER_LOGIN: KdfParams = KdfParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let mut salt = Sha256::new();
    salt.update(b"govbench server login v1\0");
    salt.update(workspace.as_bytes());
    salt.update(canonical_name(name).as_bytes());
    let stretched = SERVER_LOGIN.derive(passphrase, &salt.finalize())?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(stretched.as_ref())
        .map_err(|_| CoreError::Crypto("bad key length"))?;
    mac.update(b"govbench server password");
    Ok(Zeroizing::new(
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(mac.finalize().into_bytes()),
    ))
}

impl KeySlots {
    /// The file as a shared workspace's server keeps it: one row for what every slot shares
    /// (`header`), one per person's slot, by the slot's id.
    pub fn to_rows(&self) -> CoreResult<Vec<(String, Vec<u8>)>> {
        let header = KeySlots {
            format: FORMAT.to_owned(),
            name_salt: self.name_salt.clone(),
            slots: Vec::new(),
        };
        let mut rows = vec![(HEADER_ROW.to_owned(), serde_json::to_vec(&header)?)];
        for slot in &self.slots {
            rows.push((slot.id.clone(), serde_json::to_vec(slot)?));
        }
        Ok(rows)
    }

    /// The members' slots as rows, without the header: what a key rotation hands the server.
    pub fn member_rows(&self) -> CoreResult<Vec<(String, Vec<u8>)>> {
        self.slots
            .iter()
            .map(|slot| Ok((slot.id.clone(), serde_json::to_vec(slot)?)))
            .collect()
    }

    /// Takes in a key rotation made on another copy (`theirs`: the server's slots, each
    /// holding the new key). Every slot gets the keys of theirs beside those it holds, so the
    /// file still opens under the old key until it is re-encrypted; a slot this file lacks is
    /// taken as it is, and one the server no longer has (a member removed) is dropped. A slot
    /// both have keeps this file's passphrase wrapping: a passphrase changed here stays.
    pub fn adopt_rotated(&mut self, theirs: KeySlots) -> CoreResult<()> {
        if theirs.name_salt != self.name_salt {
            return Err(CoreError::Malformed("key rows of another key file".into()));
        }
        let mut slots = Vec::with_capacity(theirs.slots.len());
        for their in theirs.slots {
            let slot = match self.slots.iter().find(|s| s.id == their.id) {
                Some(ours) => {
                    let mut slot = ours.clone();
                    slot.sealed
                        .retain(|k| their.sealed.iter().all(|n| n.key_id != k.key_id));
                    // Newest last, as a rotation here appends it.
                    slot.sealed.extend(their.sealed);
                    slot
                }
                None => their,
            };
            slots.push(slot);
        }
        self.slots = slots;
        Ok(())
    }

    /// The row of `user_name`'s slot, if they have one.
    pub fn row_of(&self, user_name: &str) -> CoreResult<Option<(String, Vec<u8>)>> {
        let id = self.slot_id(user_name);
        self.slots
            .iter()
            .find(|s| s.id == id)
            .map(|slot| Ok((id.clone(), serde_json::to_vec(slot)?)))
            .transpose()
    }

    /// Takes in the slots of `rows` (a server's) this file lacks: members added on another
    /// copy. Slots this file has are left as they are. Returns whether any was added.
    pub fn take_new_rows(&mut self, rows: &[(String, Vec<u8>)]) -> CoreResult<bool> {
        let theirs = KeySlots::from_rows(rows)?;
        if theirs.name_salt != self.name_salt {
            return Err(CoreError::Malformed("key rows of another key file".into()));
        }
        let before = self.slots.len();
        for slot in theirs.slots {
            if !self.slots.iter().any(|s| s.id == slot.id) {
                self.slots.push(slot);
            }
        }
        Ok(self.slots.len() != before)
    }

    /// The file from a server's rows (checked like a file read from disk).
    pub fn from_rows(rows: &[(String, Vec<u8>)]) -> CoreResult<KeySlots> {
        let malformed = |reason: String| CoreError::Malformed(format!("key rows: {reason}"));
        let header = rows
            .iter()
            .find(|(id, _)| id == HEADER_ROW)
            .ok_or_else(|| malformed("no header".into()))?;
        let mut file: KeySlots =
            serde_json::from_slice(&header.1).map_err(|e| malformed(e.to_string()))?;
        for (id, body) in rows.iter().filter(|(id, _)| id != HEADER_ROW) {
            let slot: Slot = serde_json::from_slice(body).map_err(|e| malformed(e.to_string()))?;
            if &slot.id != id {
                return Err(malformed(format!("slot {id:.16} holds another")));
            }
            file.slots.push(slot);
        }
        file.checked(malformed)
    }
}
