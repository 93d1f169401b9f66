//! Opening a workspace: creating one with its first admin, logging in with a passphrase, and
//! reopening with a remembered secret. Everything after that goes through the [`Session`]'s
//! doors.
//!
//! Who the user is comes from their key slot, never from a name beside it: the slot's secret
//! must match the keys registered in the member record of the name typed (or, for "remember
//! me", the member is found by the secret's public key).

use crate::access::{Files, Hold, Parts, Session};
use crate::audit::{self, Actor};
use crate::change::{Change, Context};
use crate::clock::Clock;
use crate::error::{ApiResult, CoreError, CoreResult};
use crate::features::users;
use crate::keyslots::{DataKey, KdfParams, KeySlots, UserSecret};
use crate::members;
use crate::shared::workspace::{self, meta};
use crate::store;
use crate::witness::Witness;
use govbench_protocol::AnchorCheck;
use govbench_protocol::{NewUser, Passphrase, Role, UserCommand, UserId, UserSummary, WorkspaceId};
use rusqlite::{params, Connection};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uuid::Uuid;

/// How a new workspace is set up.
#[derive(Clone, Copy, Debug)]
pub struct CreateOptions {
    /// Argon2id cost of every key slot of this workspace.
    pub kdf: KdfParams,
    pub is_demo: bool,
}

impl Default for CreateOptions {
    fn default() -> Self {
        CreateOptions {
            kdf: KdfParams::INTERACTIVE,
            is_demo: false,
        }
    }
}

/// Creates a workspace at `path` with `admin` as its first user, and logs the admin in.
/// On any failure nothing is left behind: the files this call created are removed.
pub fn create_workspace(
    path: &Path,
    admin: &NewUser,
    options: CreateOptions,
    clock: Arc<dyn Clock>,
) -> ApiResult<Session> {
    Ok(create(path, admin, options, clock)?)
}

fn create(
    path: &Path,
    admin: &NewUser,
    options: CreateOptions,
    clock: Arc<dyn Clock>,
) -> CoreResult<Session> {
    if admin.role != Role::Admin {
        return Err(CoreError::invalid("role", "required"));
    }
    users::validate_fields(admin)?;
    let keys_path = KeySlots::path_for(path);
    if path.exists() || keys_path.exists() {
        return Err(CoreError::WorkspaceExists(path.to_owned()));
    }
    let key = DataKey::random();
    let secret = UserSecret::random();
    let mut slots = KeySlots::new();
    slots.add(&admin.name, &admin.passphrase, &secret, &key, options.kdf)?;
    let built = (|| -> CoreResult<Session> {
        let mut conn = store::create(path, &key, &crate::schema::WORKSPACE)?;
        let workspace_id = WorkspaceId(Uuid::now_v7());
        let copy_id = Uuid::now_v7().to_string();
        // The workspace's own creation is the one write outside `Session::execute`: there is
        // no session (and no admin) yet. It is recorded in the chain like any other change.
        let tx = conn.transaction()?;
        let now = clock.now();
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (k, v) in [
            ("workspace_id", workspace_id.to_string()),
            ("copy_id", copy_id.clone()),
            ("name", name.clone()),
            ("kdf", serde_json::to_string(&options.kdf)?),
            ("is_demo", options.is_demo.to_string()),
            ("created_at", now.to_rfc3339()),
        ] {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![k, v],
            )?;
        }
        let founder = UserSummary {
            id: UserId(Uuid::nil()),
            name: admin.name.clone(),
            display_name: admin.display_name.clone(),
            role: Role::Admin,
        };
        let ctx = Context {
            now,
            actor: &founder,
            zone: chrono::Offset::fix(&chrono::Utc),
        };
        let record = users::insert(&tx, &ctx, admin, secret.public_keys())?;
        let actor = Actor::of(&record.summary());
        // The founder's own record comes first: it registers the key that signs both events
        // (the one self-registration verification accepts, at seq 1).
        let user_change = Change::created(&record)?;
        let create_user = govbench_protocol::Action::from(govbench_protocol::UserAction::Create);
        audit::append(
            &tx,
            &copy_id,
            now,
            &actor,
            create_user.key(),
            &user_change,
            &secret,
        )?;
        let workspace = Change {
            entity: workspace_id.into(),
            before: None,
            after: workspace::image(&tx)?,
            version: 1,
        };
        audit::append(
            &tx,
            &copy_id,
            now,
            &actor,
            audit::CREATE_WORKSPACE,
            &workspace,
            &secret,
        )?;
        tx.commit()?;
        slots.save(path)?;
        Ok(Session::from_parts(Parts {
            conn,
            files: Files {
                path: path.to_owned(),
                key: key.clone(),
                kdf: options.kdf,
            },
            workspace_id,
            copy_id,
            is_demo: options.is_demo,
            user: record.summary(),
            secret: Some(secret.clone()),
            clock: clock.clone(),
            held: None,
            registered_keys: [secret.public_keys().sign].into_iter().collect(),
        }))
    })();
    if built.is_err() {
        // Only files this call created are removed; `path` did not exist before.
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
        let _ = std::fs::remove_file(&keys_path);
    }
    built
}

/// Logs `user_name` in: opens their key slot with the passphrase, the workspace with the data
/// key sealed in it, and checks that the slot's keys are the ones registered for that member.
/// A member from before signed events is enrolled on the spot.
pub fn login(
    path: &Path,
    user_name: &str,
    passphrase: &str,
    clock: Arc<dyn Clock>,
) -> ApiResult<Session> {
    if !path.exists() {
        return Err(CoreError::WorkspaceNotFound(path.to_owned()).into());
    }
    let unlocked = KeySlots::load(path)?.unlock(user_name, passphrase)?;
    let conn = open_first(path, &unlocked.keys)?;
    let mut register = Register::read(&conn.0, |a| {
        a.named(user_name).is_some_and(|(_, m)| m.active)
    })?;
    let found = register
        .authority
        .named(user_name)
        .filter(|(_, m)| m.active)
        .map(|(id, m)| (m.summary(id), m.keys.clone()));
    let (user, keys) = match found {
        Some(found) => found,
        None => {
            // The log does not know this member at all: its events were deleted, or the row
            // was written around it. The workspace still opens for them, read-only, with the
            // problem named; a member the log names but refused (made by someone who could
            // not) never gets this far.
            let record = members::find_by_name_any(&conn.0, user_name)?
                .filter(|r| r.active)
                .ok_or(CoreError::WrongCredentials)?;
            if members::has_events(&conn.0, record.id)? {
                return Err(CoreError::WrongCredentials.into());
            }
            register.held.get_or_insert(Hold::Unaccounted {
                name: record.name.clone(),
            });
            (record.summary(), record.keys.clone())
        }
    };
    let secret = match unlocked.secret {
        Some(secret) if keys.as_ref() == Some(&secret.public_keys()) => Some(secret),
        // A slot whose keys are not the ones the log registered for this member (someone
        // else's, or nobody's) opens nothing.
        Some(_) => return Err(CoreError::WrongCredentials.into()),
        None if keys.is_none() => None,
        // A format-1 slot for a member who already has keys: an old key file put back.
        None => return Err(CoreError::WrongCredentials.into()),
    };
    let enroll = secret.is_none();
    let mut session = assemble(path, conn, user, secret, register, clock)?;
    finish_interrupted_rotation(&mut session, &unlocked.keys)?;
    if enroll {
        session.execute(UserCommand::Enroll {
            passphrase: Passphrase(passphrase.to_owned()),
        })?;
    }
    Ok(session)
}

/// Who the members are, as the log's verified member events say (never the `users` rows),
/// and the first member event that failed its checks, if one did.
struct Register {
    authority: crate::replay::Authority,
    held: Option<Hold>,
}

impl Register {
    /// The register from events whose hash and signature hold. If the log fails and the one
    /// logging in (`finds`) is not in it, the register is read again taking in events that
    /// fail only their seal (a log rewritten wholesale), so the workspace still opens — held
    /// read-only. Events that break the rules of membership never count: a member made by
    /// someone who could not, or keys enrolled for someone else, open nothing either way.
    fn read(
        conn: &Connection,
        finds: impl Fn(&crate::replay::Authority) -> bool,
    ) -> CoreResult<Register> {
        let (mut authority, bad) = crate::replay::register(conn, true)?;
        if bad.is_some() && !finds(&authority) {
            authority = crate::replay::register(conn, false)?.0;
        }
        Ok(Register {
            authority,
            held: bad.map(|(seq, problem)| Hold::Log { seq, problem }),
        })
    }
}

/// Reopens the workspace for the member whose secret "remember me" kept: the secret opens only
/// that member's own slot, and the member is the one whose registered key it is.
pub fn open_remembered(
    path: &Path,
    slot_id: &str,
    secret: &UserSecret,
    clock: Arc<dyn Clock>,
) -> ApiResult<Session> {
    if !path.exists() {
        return Err(CoreError::WorkspaceNotFound(path.to_owned()).into());
    }
    let keys = KeySlots::load(path)?.open_slot(slot_id, secret)?;
    let conn = open_first(path, &keys)?;
    let sign = secret.public_keys().sign;
    let register = Register::read(&conn.0, |a| a.holding(&sign).is_some_and(|(_, m)| m.active))?;
    let (id, member) = register
        .authority
        .holding(&sign)
        .filter(|(_, m)| m.active)
        .ok_or(CoreError::WrongCredentials)?;
    let user = member.summary(id);
    let mut session = assemble(path, conn, user, Some(secret.clone()), register, clock)?;
    finish_interrupted_rotation(&mut session, &keys)?;
    Ok(session)
}

/// Finishes (or rolls back) a key rotation a crash or a busy workspace interrupted, and drops
/// stray slots. Best effort: a workspace that is busy now still opens with the keys it has,
/// and the next login tries again.
fn finish_interrupted_rotation(session: &mut Session, keys: &[DataKey]) -> CoreResult<()> {
    let _ = session.reconcile_slots(keys);
    Ok(())
}

/// Opens the database with the first of `keys` (newest first) that opens it: during a key
/// rotation a slot holds the old and the new key, and the file is under one of them.
fn open_first(path: &Path, keys: &[DataKey]) -> CoreResult<(Connection, DataKey)> {
    let mut last = CoreError::WrongCredentials;
    for key in keys {
        match store::open(path, key, &crate::schema::WORKSPACE) {
            Ok(conn) => return Ok((conn, key.clone())),
            Err(e @ CoreError::WorkspaceUnreadable { .. }) => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

fn assemble(
    path: &Path,
    (conn, key): (Connection, DataKey),
    user: UserSummary,
    secret: Option<UserSecret>,
    register: Register,
    clock: Arc<dyn Clock>,
) -> CoreResult<Session> {
    let registered_keys = register.authority.registered_keys();
    let workspace_id = workspace::id(&conn)?;
    let copy_id = meta(&conn, "copy_id")?;
    let kdf = serde_json::from_str(&meta(&conn, "kdf")?)?;
    let is_demo = meta(&conn, "is_demo")? == "true";
    Ok(Session::from_parts(Parts {
        conn,
        files: Files {
            path: path.to_owned(),
            key,
            kdf,
        },
        workspace_id,
        copy_id,
        is_demo,
        user,
        secret,
        clock,
        held: register.held,
        registered_keys,
    }))
}

impl Session {
    /// Gives the session this device's witness: the log is verified from where this device
    /// last verified it (all of it on a first visit) — chain, signatures and every event as
    /// its author's action — and checked against the heads the device saw before. A log that
    /// fails, or a copy older than one seen here, holds the session read-only. From now on the
    /// head is recorded after every change. Returns the witness check (`None` on a first
    /// visit).
    pub fn set_witness(&mut self, witness: Witness) -> ApiResult<Option<AnchorCheck>> {
        self.attach_witness(witness, |conn, open_reader, copy, from, hash| {
            crate::verify::after(conn, open_reader, copy, from, hash)
        })
        .map_err(|e| self.explain(e).into())
    }
}
