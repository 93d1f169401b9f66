use super::store::{self, Record};
use super::validate::validate_new;
use crate::access::Reader;
use crate::change::{Change, Context};
use crate::error::{CoreError, CoreResult};
use crate::keyslots::{DataKey, KeySlots, PublicKeys, Slot, UserSecret};
use crate::shared::workspace;
use govbench_protocol::{Role, UserCommand};
use rusqlite::Transaction;

/// What a member command prepared before its transaction. The write path lands the slots in
/// the key file under its lock, and after the commit registers the keys, replaces the
/// session's secret and re-encrypts under the new data key.
#[derive(Default)]
pub(crate) struct KeyChanges {
    /// Slots put into the key file (a new member's, or the actor's renewed one).
    pub slots: Vec<Slot>,
    /// Public keys the command registers (a new member's, or the actor's own).
    pub registered: Option<PublicKeys>,
    /// The actor's new secret, which replaces the session's after the commit.
    pub new_secret: Option<UserSecret>,
    /// A new data key for the workspace (removal, rotation).
    pub rotation: Option<DataKey>,
}

/// Before the transaction: new key slots are derived here, because the KDF is slow and must
/// not hold the write lock. The key file itself is changed by the write path under the lock,
/// just before the commit.
pub fn prepare(reader: &Reader<'_>, command: &UserCommand) -> CoreResult<KeyChanges> {
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
            Ok(KeyChanges {
                slots: vec![slot],
                registered: Some(secret.public_keys()),
                ..KeyChanges::default()
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
            Ok(KeyChanges {
                slots: vec![slot],
                registered: Some(secret.public_keys()),
                new_secret: Some(secret),
                ..KeyChanges::default()
            })
        }
        // Removing a member revokes their access: the workspace gets a new data key that only
        // the remaining members hold.
        UserCommand::Remove { .. } | UserCommand::RotateKey => Ok(KeyChanges {
            rotation: Some(DataKey::random()),
            ..KeyChanges::default()
        }),
        UserCommand::ContinueCopy => Ok(KeyChanges::default()),
    }
}

pub fn apply(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &UserCommand,
    keys: Option<&KeyChanges>,
) -> CoreResult<Change> {
    let registered = || {
        keys.and_then(|keys| keys.registered.clone())
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
