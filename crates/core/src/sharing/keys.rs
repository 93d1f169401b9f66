//! The data keys a copy opens the server's events and bytes with. Each is sealed with the key
//! that was current when it was placed, and removing a member rotates it: events before a
//! rotation need an older key (the server keeps each retired key sealed under its successor),
//! events after it a newer one (sealed to each remaining member in their slot). A copy moves
//! its own file to the newest key once its slot on the server holds it
//! (`Session::adopt_rotated_key`), as a rotation made here would.

use super::*;
use crate::keyslots::{KeySlots, UserSecret};
use std::collections::HashMap;

/// The keys known so far, found on the server as events need them.
pub(super) struct Keys {
    workspace: Uuid,
    by_id: HashMap<String, DataKey>,
    /// The member's secret and name, to open a newer key from their slot on the server.
    own: Option<(UserSecret, String)>,
    slot_read: bool,
    history_read: bool,
}

impl Keys {
    pub(super) fn new(
        current: &DataKey,
        workspace: Uuid,
        own: Option<(UserSecret, String)>,
    ) -> Keys {
        Keys {
            workspace,
            by_id: HashMap::from([(current.id(), current.clone())]),
            own,
            slot_read: false,
            history_read: false,
        }
    }

    /// The key `key_id` names: known already, from the member's slot (a newer one), or from the
    /// key history (an older one). One the server cannot give is refused: the copy takes in
    /// nothing it cannot open.
    pub(super) fn get(&mut self, key_id: &str, server: &mut dyn Server) -> CoreResult<DataKey> {
        if !self.by_id.contains_key(key_id) && !self.slot_read {
            self.read_own_slot(server)?;
        }
        if !self.by_id.contains_key(key_id) && !self.history_read {
            self.read_history(server)?;
        }
        self.by_id
            .get(key_id)
            .cloned()
            .ok_or_else(|| refused(ServerRefusal::OldKey))
    }

    /// Every key this copy can open, the history included (attachments' bytes are named by
    /// the key they were sealed with, so a missing one is looked for under each).
    pub(super) fn all(&mut self, server: &mut dyn Server) -> CoreResult<Vec<DataKey>> {
        if !self.history_read {
            self.read_history(server)?;
        }
        Ok(self.by_id.values().cloned().collect())
    }

    fn read_own_slot(&mut self, server: &mut dyn Server) -> CoreResult<()> {
        self.slot_read = true;
        let Some((secret, name)) = &self.own else {
            return Ok(());
        };
        let rows = server.key_rows()?;
        if rows.is_empty() {
            return Ok(());
        }
        let slots = KeySlots::from_rows(&rows)?;
        // A slot that is not there (or does not open with this member's secret) gives nothing.
        if let Ok(keys) = slots.open_slot(&slots.slot_id(name), secret) {
            for key in keys {
                self.by_id.insert(key.id(), key);
            }
        }
        Ok(())
    }

    /// Opens every retired key reachable from a key known: each is sealed under the key that
    /// replaced it, so the chain is walked back from the newest.
    fn read_history(&mut self, server: &mut dyn Server) -> CoreResult<()> {
        self.history_read = true;
        let retired = server.retired_keys()?;
        loop {
            let known = self.by_id.len();
            for r in &retired {
                if self.by_id.contains_key(&r.key_id) {
                    continue;
                }
                if let Some(under) = self.by_id.get(&r.under_key_id) {
                    let key = wire::unretire(r, under, self.workspace)
                        .map_err(|_| refused(ServerRefusal::Tampered))?;
                    self.by_id.insert(key.id(), key);
                }
            }
            if self.by_id.len() == known {
                return Ok(());
            }
        }
    }
}

/// What an Admin's removal or key rotation hands the server with its event: the key retired
/// (sealed under the new one) and every remaining member's slot holding only the new key —
/// built from the server's slots (a member's passphrase as the server has it), with any slot
/// only this copy holds.
pub(super) fn rotation(
    (path, old_key, workspace): (&std::path::Path, &DataKey, Uuid),
    server: &mut dyn Server,
    rotating: &Rotating<'_>,
) -> CoreResult<wire::Rotation> {
    let local = KeySlots::load(path)?;
    let rows = server.key_rows()?;
    let mut slots = if rows.is_empty() {
        local.clone()
    } else {
        KeySlots::from_rows(&rows)?
    };
    slots.take_new_rows(&local.to_rows()?)?;
    let holders: Vec<(String, crate::keyslots::PublicKeys)> = rotating
        .holders
        .iter()
        .map(|(name, keys)| (slots.slot_id(name), keys.clone()))
        .collect();
    slots.retain_slots(&holders.iter().map(|(id, _)| id.clone()).collect());
    let slots = slots.resealed(&holders, rotating.key, false)?;
    Ok(wire::Rotation {
        removes: rotating.removes,
        retired: wire::retire(old_key, rotating.key, workspace)?,
        slots: slots.member_rows()?,
    })
}

/// A write that rotates the data key, as the write path hands it to the offer: the new key,
/// whom it is sealed to (every active member, by name), and the member removed, if any.
pub(crate) struct Rotating<'a> {
    pub key: &'a DataKey,
    pub holders: &'a [(String, crate::keyslots::PublicKeys)],
    pub removes: Option<Uuid>,
}

impl Session {
    /// The keys this session opens the server's events with.
    pub(super) fn server_keys(&self) -> CoreResult<Keys> {
        let own = self
            .secret()
            .map(|secret| (secret.clone(), self.user().name.clone()));
        Ok(Keys::new(self.data_key(), self.workspace_id().0, own))
    }

    /// After the key was rotated on another desk (a member removed): once this member's slot
    /// on the server no longer holds the key this copy is under, the copy moves to the newest
    /// key the slot holds, as a rotation here would — the server's slots are kept beside the
    /// old key, the file is re-encrypted, then the old key is dropped (the next login finishes
    /// what a crash interrupted). Returns whether it moved.
    pub(super) fn adopt_rotated_key(&mut self, server: &mut dyn Server) -> CoreResult<bool> {
        let rows = server.key_rows()?;
        self.adopt_rotated_from(&rows)
    }

    /// [`adopt_rotated_key`](Session::adopt_rotated_key) with the server's slots as just read.
    pub(super) fn adopt_rotated_from(&mut self, rows: &[(String, Vec<u8>)]) -> CoreResult<bool> {
        let Some(secret) = self.secret().cloned() else {
            return Ok(false);
        };
        if rows.is_empty() {
            return Ok(false);
        }
        let theirs = KeySlots::from_rows(rows)?;
        let own = theirs.slot_id(&self.user().name);
        let current = self.data_key().id();
        if !theirs.has(&self.user().name) || theirs.slot_holds(&own, &current) {
            return Ok(false);
        }
        let newest = theirs
            .open_slot(&own, &secret)?
            .into_iter()
            .next()
            .ok_or_else(|| refused(ServerRefusal::OldKey))?;
        let path = self.path().to_owned();
        let tx = self.begin_sync()?;
        let mut slots = KeySlots::load(&path)?;
        slots.adopt_rotated(theirs)?;
        slots.save(&path)?;
        tx.commit()?;
        self.rekey(newest, &|_, _| {})?;
        Ok(true)
    }
}
