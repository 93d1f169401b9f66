use super::store::{self, Record};
use super::validate::validate_new;
use crate::access::Reader;
use crate::change::{Change, Context};
use crate::error::{CoreError, CoreResult};
use crate::keyslots::{DataKey, KeySlots, UserSecret};
use crate::shared::workspace;
use crate::write::{SlotEdit, Staged};
use govbench_protocol::{Role, UserCommand};
use rusqlite::Transaction;

/// Before the transaction: new key slots are derived here, because the KDF is slow and must
/// not hold the write lock. The key file itself is changed by the write path under the lock,
/// just before the commit.
pub fn prepare(reader: &Reader<'_>, command: &UserCommand) -> CoreResult<Staged> {
    let files = reader.files();
    match command {
        UserCommand::Create { user } => {
            validate_new(reader.conn, user)?;
            let secret = UserSecret::random();
            let slot = KeySlots::load(&files.path)?.make_slot(
                &user.name,
                &user.passphrase,
                &secret,
                &files.key,
                files.kdf,
            )?;
            Ok(Staged {
                slots: vec![SlotEdit::Put(slot)],
                registered: Some(secret.public_keys()),
                ..Staged::default()
            })
        }
        UserCommand::Enroll { passphrase } => {
            let slots = KeySlots::load(&files.path)?;
            // The passphrase proves it is the member themselves renewing their keys.
            slots.unlock(&reader.user.name, &passphrase.0)?;
            let secret = UserSecret::random();
            let slot = slots.make_slot(
                &reader.user.name,
                &passphrase.0,
                &secret,
                &files.key,
                files.kdf,
            )?;
            Ok(Staged {
                slots: vec![SlotEdit::Put(slot)],
                registered: Some(secret.public_keys()),
                new_secret: Some(secret),
                ..Staged::default()
            })
        }
        // Removing a member revokes their access: the workspace gets a new data key that only
        // the remaining members hold.
        UserCommand::Remove { .. } | UserCommand::RotateKey => Ok(Staged {
            rotation: Some(DataKey::random()),
            ..Staged::default()
        }),
        UserCommand::ContinueCopy => Ok(Staged::default()),
    }
}

pub fn apply(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &UserCommand,
    staged: &mut Staged,
) -> CoreResult<Change> {
    let registered = || {
        staged
            .registered
            .clone()
            .ok_or_else(|| CoreError::Malformed("keys were not prepared".into()))
    };
    match command {
        UserCommand::Create { user } => {
            // Checked again inside the transaction: another admin may have taken the name.
            validate_new(tx, user)?;
            let record = store::insert(tx, ctx, user, registered()?)?;
            Change::created(&record)
        }
        UserCommand::Enroll { .. } => {
            let id = ctx.actor.id;
            let before = store::find(tx, id)?.ok_or(CoreError::NotFound(id.into()))?;
            let after = Record {
                keys: Some(registered()?),
                version: before.version + 1,
                ..before.clone()
            };
            if !store::set_keys(tx, &before, &after)? {
                return Err(CoreError::Conflict(id.into()));
            }
            Change::updated(&before, &after)
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
            // Their slot goes when the rotation this command started is done (not before the
            // commit: a crash in between must not lock out a member still on the roll).
            Change::updated(&before, &after)
        }
        UserCommand::RotateKey => workspace::count_rotation(tx),
        UserCommand::ContinueCopy => workspace::count_continuation(tx),
    }
}
