//! The one write path. Every change to workspace data is a [`Command`] through
//! [`Session::execute`]: authorize (the role matrix) → prepare (slow work that must not hold
//! the write lock) → validate and apply inside one IMMEDIATE transaction → append the audit
//! event in that same transaction → commit. Nothing writes workspace data any other way.
//!
//! A command that changes who holds the data key (removing a member, rotating the key) then
//! re-encrypts the workspace in three crash-safe steps: (1) with the commit, the key file
//! gets the new key sealed to every remaining member *beside* the old one; (2) `PRAGMA rekey`
//! re-encrypts every page in one transaction; (3) the old key is dropped from the key file.
//! After a crash at any point the file opens with the old key or the new one, and the next
//! login finishes what was started.

pub use crate::change::{Change, Context, Image};

use crate::access::{Reader, Session};
use crate::audit::{self, Actor};
use crate::change::Preparing;
use crate::error::{ApiResult, CoreError, CoreResult};
use crate::features::{assessments, drills, incidents, models, requirements, users};
use crate::keyslots::{DataKey, KeySlots, PublicKeys, UserSecret};
use crate::members;
use crate::shared::{attachments, comments};
use govbench_protocol::{
    Action, BackupReason, Command, CommandOutcome, UserAction, UserPermission,
};
use rusqlite::Transaction;
use std::path::Path;

impl Session {
    /// Runs one user action through the write path. Either all of it happens (the change and
    /// its audit event, durable on return) or none of it.
    pub fn execute(&mut self, command: impl Into<Command>) -> ApiResult<CommandOutcome> {
        self.execute_with_progress(command, &|_, _| {})
    }

    /// [`execute`](Session::execute), reporting `progress(done, total)` bytes of long work
    /// (re-encrypting the workspace after a removal or key rotation) from another thread.
    pub fn execute_with_progress(
        &mut self,
        command: impl Into<Command>,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> ApiResult<CommandOutcome> {
        let written = self.write(&command.into(), progress);
        written.map_err(|e| {
            let e = self.after_refusal(e);
            self.explain(e).into()
        })
    }

    fn write(
        &mut self,
        command: &Command,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> CoreResult<CommandOutcome> {
        let action = command.action();
        // On a shared workspace: judged on the server's latest facts, or (offline) kept to be
        // shared later; a decision needs the server.
        let online = self.catch_up_before(action)?;
        let mut staged = {
            let preparing = Preparing {
                signer: self.secret(),
                progress,
            };
            self.prepare_core(action, |reader| prepare(reader, command, &preparing))?
        };
        let mut before_rotation = None;
        if staged.rotation().is_some() {
            // A copy under the old key, before anyone loses it.
            if let Some(backups) = self.backups() {
                let made = self.backup_core(&backups, BackupReason::BeforeRotation, &|_, _| {})?;
                before_rotation = Some(made.path);
            }
        }
        let outcome = match self.commit(action, command, &mut staged, online) {
            Err(e @ CoreError::Unanswered { .. }) => {
                let outcome = self.settle(e)?;
                // It stands: what it prepared beside the database (a new member's slot)
                // lands now, under the write lock, and goes to the server.
                let path = self.path().to_owned();
                let tx = self.begin_sync()?;
                staged.land(&path, None)?;
                tx.commit()?;
                if matches!(command, Command::User(_)) {
                    self.after_member_write();
                }
                return Ok(outcome);
            }
            committed => committed?,
        };
        if let Some(backup) = before_rotation {
            // The copy keeps the old key, but from now on only for those who remain. If this
            // fails the rotation still stands; the copy is pruned in time like any other.
            let members = self.read_core(UserPermission::Read.into(), |r| {
                members::active_names(r.conn)
            });
            if let Ok(members) = members {
                let _ = crate::backup::drop_removed_slots(Path::new(&backup), &members);
            }
        }
        match staged {
            Staged::Export(export) => {
                export.file.keep();
            }
            Staged::Keys(keys) => {
                if let Some(registered) = keys.registered {
                    self.registered(registered.sign);
                }
                if let Some(secret) = keys.new_secret {
                    self.replace_secret(secret);
                }
                if let Some(key) = keys.rotation {
                    crate::crash::point("rotation.committed");
                    // Steps 2 and 3. If they fail (another process holds the workspace), the
                    // file stays under the old key, which the remaining members still hold
                    // beside the new one; the next login finishes the rotation.
                    let _ = self.rekey(key, progress);
                }
            }
            Staged::Nothing | Staged::Import(_) | Staged::Attachment(_) => {}
        }
        if action == UserAction::ContinueCopy.into() {
            self.continue_copy();
        } else {
            self.record_witness();
        }
        if online && matches!(command, Command::User(_)) {
            self.after_member_write();
        }
        Ok(outcome)
    }

    fn commit(
        &mut self,
        action: Action,
        command: &Command,
        staged: &mut Staged,
        online: bool,
    ) -> CoreResult<CommandOutcome> {
        let mut write = self.begin_write(action)?;
        let change = apply(&write.tx, &write.ctx, command, staged)?;
        // Verification will judge this change against what the action may do; a change it
        // would refuse is a bug in the write path, stopped here rather than recorded.
        crate::replay::within_reach(action, &change, &write.ctx.actor.id.to_string())?;
        let actor = Actor::of(write.ctx.actor);
        // A member enrolling their first key signs with it; everyone else with the key they
        // logged in with.
        let signer = write
            .signer
            .or(staged.new_secret())
            .ok_or(CoreError::Crypto("no signing key"))?;
        let audit_seq = audit::append(
            &write.tx,
            write.copy_id,
            write.ctx.now,
            &actor,
            action.key(),
            &change,
            signer,
        )?;
        // Whom a new data key is sealed to: every active member, all of whom must have keys.
        let members = match staged.rotation() {
            Some(_) => {
                let holders = members::key_holders(&write.tx)?;
                if members::active_names(&write.tx)?.len() != holders.len() {
                    return Err(CoreError::invalid("members", "members_not_enrolled"));
                }
                Some(holders)
            }
            None => None,
        };
        if online {
            // The server places it, or nothing is written here either.
            let adds = match command {
                Command::User(govbench_protocol::UserCommand::Create { user }) => Some(user),
                _ => None,
            };
            let rotating = match (staged.rotation(), &members) {
                (Some(key), Some(holders)) => Some(crate::sharing::Rotating {
                    key,
                    holders,
                    removes: matches!(
                        command,
                        Command::User(govbench_protocol::UserCommand::Remove { .. })
                    )
                    .then_some(change.entity.id),
                }),
                _ => None,
            };
            crate::sharing::offer_written(
                &mut write,
                change.entity,
                audit_seq,
                action,
                adds,
                rotating.as_ref(),
            )?;
        }
        let files_before = staged.land(&write.files.path, members.as_deref())?;
        crate::crash::point("write.key_file_landed");
        if let Err(e) = write.tx.commit() {
            if let Some(before) = files_before {
                before.save(&write.files.path)?;
            }
            return Err(e.into());
        }
        Ok(CommandOutcome {
            entity: change.entity,
            version: change.version,
            audit_seq,
        })
    }
}

/// Work a command needs before its transaction. One line per feature; most need none.
fn prepare(
    reader: &Reader<'_>,
    command: &Command,
    preparing: &Preparing<'_>,
) -> CoreResult<Staged> {
    Ok(match command {
        Command::Assessment(c) => {
            (assessments::prepare(reader, c, preparing)?).map_or(Staged::Nothing, Staged::Export)
        }
        Command::User(c) => Staged::Keys(users::prepare(reader, c)?),
        Command::Evaluation(c) => {
            (models::prepare(reader, c)?).map_or(Staged::Nothing, Staged::Import)
        }
        Command::Attachment(c) => Staged::Attachment(attachments::prepare(reader, c)?),
        Command::Requirement(_)
        | Command::Comment(_)
        | Command::Model(_)
        | Command::Incident(_)
        | Command::Drill(_) => Staged::Nothing,
    })
}

/// Applies a command inside the write transaction. One line per feature, no catch-all: a new
/// feature's commands do not compile until they are dispatched here.
fn apply(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &Command,
    staged: &mut Staged,
) -> CoreResult<Change> {
    match command {
        Command::Requirement(c) => requirements::apply(tx, ctx, c),
        Command::User(c) => users::apply(tx, ctx, c, staged.keys()),
        Command::Comment(c) => comments::apply(tx, ctx, c),
        Command::Model(c) => models::apply(tx, ctx, c),
        Command::Evaluation(c) => models::apply_evaluation(tx, ctx, c, staged.take_import()),
        Command::Incident(c) => incidents::apply(tx, ctx, c),
        Command::Drill(c) => drills::apply(tx, ctx, c),
        Command::Attachment(c) => attachments::apply(tx, ctx, c, staged.take_attachment()),
        Command::Assessment(c) => assessments::apply(tx, ctx, c, staged.export()),
    }
}

/// What a command prepared before its transaction, in the type of the feature that prepared
/// it: a feature with work to do before its transaction adds a variant here, not a field. Key
/// changes are landed in the key-slot file under the write lock — the IMMEDIATE transaction —
/// just before the commit, and put back if the commit fails, so two writers never lose each
/// other's slots and the file and the database never disagree.
pub(crate) enum Staged {
    /// Most commands prepare nothing.
    Nothing,
    /// A member command's key slots, registered keys, new secret or new data key.
    Keys(users::KeyChanges),
    /// Results files read for an import (read before the transaction: they may be large).
    Import(models::ReadFiles),
    /// A file read for an attachment.
    Attachment(attachments::ReadFile),
    /// A report or pack written for an export (removed again unless the commit succeeds).
    Export(assessments::export::Written),
}

impl Staged {
    fn keys(&self) -> Option<&users::KeyChanges> {
        match self {
            Staged::Keys(keys) => Some(keys),
            Staged::Nothing | Staged::Import(_) | Staged::Attachment(_) | Staged::Export(_) => None,
        }
    }

    fn rotation(&self) -> Option<&DataKey> {
        self.keys().and_then(|keys| keys.rotation.as_ref())
    }

    fn new_secret(&self) -> Option<&UserSecret> {
        self.keys().and_then(|keys| keys.new_secret.as_ref())
    }

    fn export(&self) -> Option<&assessments::export::Written> {
        match self {
            Staged::Export(written) => Some(written),
            Staged::Nothing | Staged::Keys(_) | Staged::Import(_) | Staged::Attachment(_) => None,
        }
    }

    /// The files read for an import, dropped once the evaluation is made from them.
    fn take_import(&mut self) -> Option<models::ReadFiles> {
        match std::mem::replace(self, Staged::Nothing) {
            Staged::Import(files) => Some(files),
            other => {
                *self = other;
                None
            }
        }
    }

    /// The attachment's file, which its record takes over.
    fn take_attachment(&mut self) -> Option<attachments::ReadFile> {
        match std::mem::replace(self, Staged::Nothing) {
            Staged::Attachment(file) => Some(file),
            other => {
                *self = other;
                None
            }
        }
    }

    /// Applies the slot edits to the key file as it is now. Returns the file before, to put
    /// back if the commit fails.
    ///
    /// With a rotation, every slot of `members` (name, keys) also gets the new key sealed
    /// beside the old one.
    fn land(
        &mut self,
        db_path: &Path,
        members: Option<&[(String, PublicKeys)]>,
    ) -> CoreResult<Option<KeySlots>> {
        let Staged::Keys(keys) = self else {
            return Ok(None);
        };
        if keys.slots.is_empty() && keys.rotation.is_none() {
            return Ok(None);
        }
        let before = KeySlots::load(db_path)?;
        let mut after = before.clone();
        for slot in keys.slots.drain(..) {
            after.put(slot);
        }
        if let (Some(key), Some(members)) = (&keys.rotation, members) {
            let by_slot: Vec<(String, PublicKeys)> = members
                .iter()
                .map(|(name, keys)| (after.slot_id(name), keys.clone()))
                .collect();
            after = after.resealed(&by_slot, key, true)?;
        }
        after.save(db_path)?;
        Ok(Some(before))
    }
}
