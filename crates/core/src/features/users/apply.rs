use super::store::{self, Record};
use super::validate::validate_new;
use crate::access::Reader;
use crate::error::{CoreError, CoreResult};
use crate::keyslots::KeySlots;
use crate::write::{Change, Context, KeySlotEdit, Staged};
use govbench_protocol::{Role, UserCommand};
use rusqlite::Transaction;

/// Before the transaction: the new user's key slot is derived here, because the KDF is slow
/// and must not hold the write lock. The key file itself is replaced by the write path just
/// before the commit.
pub fn prepare(reader: &Reader<'_>, command: &UserCommand) -> CoreResult<Staged> {
    let files = reader.files();
    let before = KeySlots::load(&files.path)?;
    let mut after = before.clone();
    if let UserCommand::Create { user } = command {
        validate_new(reader.conn, user)?;
        after.add(&user.name, &user.passphrase, &files.key, files.kdf)?;
    }
    Ok(Staged {
        key_slots: Some(KeySlotEdit { before, after }),
    })
}

pub fn apply(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &UserCommand,
    staged: &mut Staged,
) -> CoreResult<Change> {
    match command {
        UserCommand::Create { user } => {
            // Checked again inside the transaction: another admin may have taken the name.
            validate_new(tx, user)?;
            let record = store::insert(tx, ctx, user)?;
            Change::created(&record)
        }
        UserCommand::Remove { id } => {
            let before = store::find(tx, *id)?.ok_or(CoreError::NotFound((*id).into()))?;
            if before.id == ctx.actor.id {
                return Err(CoreError::invalid("id", "self"));
            }
            if before.role == Role::Admin && store::active_admins(tx)? <= 1 {
                return Err(CoreError::invalid("id", "last_admin"));
            }
            let after = Record {
                active: false,
                version: before.version + 1,
                ..before.clone()
            };
            if !store::deactivate(tx, &before, &after)? {
                return Err(CoreError::Conflict((*id).into()));
            }
            if let Some(edit) = staged.key_slots.as_mut() {
                edit.after.remove(&before.name);
            }
            Change::updated(&before, &after)
        }
    }
}
