//! The one write path. Every change to workspace data is a [`Command`] through
//! [`Session::execute`]: authorize (the role matrix) → prepare (slow work that must not hold
//! the write lock) → validate and apply inside one IMMEDIATE transaction → append the audit
//! event in that same transaction → commit. Nothing writes workspace data any other way.

mod change;

pub use change::{Change, Context, Image};

use crate::access::{Reader, Session};
use crate::audit::{self, Actor};
use crate::error::{ApiResult, CoreResult};
use crate::features::{requirements, users};
use crate::keyslots::KeySlots;
use crate::shared::comments;
use govbench_protocol::{Command, CommandOutcome};
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
        let write = self.begin_write(action)?;
        let change = apply(&write.tx, &write.ctx, command, &mut staged)?;
        let actor = Actor::of(write.ctx.actor);
        let audit_seq = audit::append(
            &write.tx,
            write.copy_id,
            write.ctx.now,
            &actor,
            action.key(),
            &change,
        )?;
        staged.land(&write.files.path)?;
        if let Err(e) = write.tx.commit() {
            staged.undo(&write.files.path)?;
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

/// Files beside the database that a command changes together with it (today the key-slot
/// file, when users are added or removed). They are replaced just before the commit and put
/// back if the commit fails, so the file and the database never disagree.
#[derive(Default)]
pub(crate) struct Staged {
    pub key_slots: Option<KeySlotEdit>,
}

pub(crate) struct KeySlotEdit {
    pub before: KeySlots,
    pub after: KeySlots,
}

impl Staged {
    fn land(&self, db_path: &Path) -> CoreResult<()> {
        match &self.key_slots {
            Some(edit) => edit.after.save(db_path),
            None => Ok(()),
        }
    }

    fn undo(&self, db_path: &Path) -> CoreResult<()> {
        match &self.key_slots {
            Some(edit) => edit.before.save(db_path),
            None => Ok(()),
        }
    }
}
