//! The one write path. Every change to workspace data is a [`Command`] through
//! [`Session::execute`]: authorize (the role matrix) → prepare (slow work that must not hold
//! the write lock) → validate and apply inside one IMMEDIATE transaction → append the audit
//! event in that same transaction → commit. Nothing writes workspace data any other way.

mod change;

pub use change::{Change, Context, Image};

use crate::access::{Reader, Session};
use crate::audit::{self, Actor};
use crate::error::{ApiResult, CoreError, CoreResult};
use crate::features::{requirements, users};
use crate::keyslots::{KeySlots, PublicKeys, Slot, UserSecret};
use crate::shared::comments;
use govbench_protocol::{Action, Command, CommandOutcome};
use rusqlite::Transaction;
use std::path::Path;

impl Session {
    /// Runs one user action through the write path. Either all of it happens (the change and
    /// its audit event, durable on return) or none of it.
    pub fn execute(&mut self, command: impl Into<Command>) -> ApiResult<CommandOutcome> {
        Ok(self.write(&command.into())?)
    }

    fn write(&mut self, command: &Command) -> CoreResult<CommandOutcome> {
        let action = command.action();
        let mut staged = self.prepare_core(action, |reader| prepare(reader, command))?;
        let outcome = self.commit(action, command, &mut staged)?;
        if let Some(secret) = staged.new_secret.take() {
            self.replace_secret(secret);
        }
        self.record_witness();
        Ok(outcome)
    }

    fn commit(
        &mut self,
        action: Action,
        command: &Command,
        staged: &mut Staged,
    ) -> CoreResult<CommandOutcome> {
        let write = self.begin_write(action)?;
        let change = apply(&write.tx, &write.ctx, command, staged)?;
        let actor = Actor::of(write.ctx.actor);
        // A member enrolling their first key signs with it; everyone else with the key they
        // logged in with.
        let signer = write
            .signer
            .or(staged.new_secret.as_ref())
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
        let files_before = staged.land(&write.files.path)?;
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
fn prepare(reader: &Reader<'_>, command: &Command) -> CoreResult<Staged> {
    match command {
        Command::User(c) => users::prepare(reader, c),
        Command::Requirement(_) | Command::Comment(_) => Ok(Staged::default()),
    }
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
        Command::User(c) => users::apply(tx, ctx, c, staged),
        Command::Comment(c) => comments::apply(tx, ctx, c),
    }
}

/// What a command prepared before its transaction, and what it changes beside the database
/// (the key-slot file). The key file is re-read and changed under the write lock — the
/// IMMEDIATE transaction — just before the commit, and put back if the commit fails, so two
/// writers never lose each other's slots and the file and the database never disagree.
#[derive(Default)]
pub(crate) struct Staged {
    pub slots: Vec<SlotEdit>,
    /// Public keys the command registers (a new member's, or the actor's own).
    pub registered: Option<PublicKeys>,
    /// The actor's new secret, which replaces the session's after the commit.
    pub new_secret: Option<UserSecret>,
}

pub(crate) enum SlotEdit {
    Put(Slot),
    /// The slot of the member with this name.
    Remove(String),
}

impl Staged {
    /// Applies the slot edits to the key file as it is now. Returns the file before, to put
    /// back if the commit fails.
    fn land(&mut self, db_path: &Path) -> CoreResult<Option<KeySlots>> {
        if self.slots.is_empty() {
            return Ok(None);
        }
        let before = KeySlots::load(db_path)?;
        let mut after = before.clone();
        for edit in self.slots.drain(..) {
            match edit {
                SlotEdit::Put(slot) => after.put(slot),
                SlotEdit::Remove(name) => {
                    after.remove(&name);
                }
            }
        }
        after.save(db_path)?;
        Ok(Some(before))
    }
}
