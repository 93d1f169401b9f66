//! A logged-in user on an open workspace, and the only two doors to its database: [`Session::read`]
//! for queries and [`Session::begin_write`] for the write path. Both check the permission
//! matrix first, and the connection is a private field of this module, so no feature can reach
//! the data without an authorization check.

use crate::authz;
use crate::change::Context;
use crate::clock::Clock;
use crate::error::{ApiResult, CoreError, CoreResult};
use crate::keyslots::{DataKey, KdfParams, UserSecret};
use crate::members;
use crate::wire::Server;
use crate::witness::{ChainOf, Seen, Witness};
use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
use govbench_protocol::AnchorCheck;
use govbench_protocol::{
    Action, ApiError, Permission, SessionInfo, UserAction, UserSummary, WorkspaceId, WorkspaceInfo,
};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the workspace lives and how to open it again (for second connections and key slots).
pub(crate) struct Files {
    pub path: PathBuf,
    pub key: DataKey,
    /// Argon2id cost of new key slots of this workspace.
    pub kdf: KdfParams,
}

pub struct Session {
    conn: Connection,
    files: Files,
    workspace_id: WorkspaceId,
    /// This copy of the workspace; its audit chain and sequence numbers are its own.
    copy_id: String,
    is_demo: bool,
    user: UserSummary,
    /// The user's own secret: signs every event they write. `None` only between logging in
    /// with a slot from before signed events and enrolling (which `session::login` does at
    /// once).
    secret: Option<UserSecret>,
    /// This device's record of the chain heads it has seen (set by the front end).
    witness: Option<Witness>,
    /// This device had not seen the chain before this session attached to it.
    first_sight: bool,
    /// Why this session may only read; `None`: it may write.
    held: Option<Hold>,
    /// Every signing key the log registered to a member (the witness trusts entries signed
    /// with one of them).
    registered_keys: HashSet<String>,
    /// Where this device keeps backups (set by the front end); automatic backups go there.
    backups: Option<Backups>,
    clock: Arc<dyn Clock>,
    /// The user's UTC offset: "today" (and so "overdue") is the user's own date.
    zone: FixedOffset,
    /// The shared workspace's server, when the front end connected this session to it:
    /// every write is then offered to it before it commits.
    server: Option<Box<dyn Server>>,
    /// The key file and attachments' bytes are as the server had them at this session's last
    /// full exchange, and no event taken in since changed members, keys or attachments: the
    /// exchange before a write may leave them (`sharing`).
    keys_current: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("path", &self.files.path)
            .field("user", &self.user.name)
            .finish_non_exhaustive()
    }
}

/// What a read sees: the connection, who reads, and when.
pub struct Reader<'a> {
    pub conn: &'a Connection,
    pub user: &'a UserSummary,
    pub now: DateTime<Utc>,
    /// The user's local date now.
    pub today: NaiveDate,
    /// The user's UTC offset (quarters and deadlines are read in it).
    pub zone: FixedOffset,
    /// This copy of the workspace (its chain's head is what exports print).
    pub copy_id: &'a str,
    files: &'a Files,
}

impl Reader<'_> {
    /// Where the workspace is and its key (to open second connections for work spread over
    /// threads, or to read the key-slot file).
    pub(crate) fn files(&self) -> &Files {
        self.files
    }
}

/// An authorized write in progress: the IMMEDIATE transaction and the write path's context.
pub(crate) struct Write<'a> {
    pub tx: Transaction<'a>,
    pub ctx: Context<'a>,
    pub copy_id: &'a str,
    pub workspace_id: WorkspaceId,
    pub files: &'a Files,
    pub signer: Option<&'a UserSecret>,
    /// The shared workspace's server, if the session is connected to one.
    pub server: Option<&'a mut dyn Server>,
}

/// The parts `session` assembles a session from.
pub(crate) struct Parts {
    pub conn: Connection,
    pub files: Files,
    pub workspace_id: WorkspaceId,
    pub copy_id: String,
    pub is_demo: bool,
    pub user: UserSummary,
    pub secret: Option<UserSecret>,
    pub clock: Arc<dyn Clock>,
    /// Set when the log's member events failed their checks at login.
    pub held: Option<Hold>,
    pub registered_keys: HashSet<String>,
}

pub use crate::error::Hold;

/// Where this device keeps a workspace's backups, and how many.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backups {
    pub folder: PathBuf,
    /// At most this many are kept…
    pub keep_count: usize,
    /// …and none older than this many days (the newest is always kept).
    pub keep_days: u32,
}

impl Backups {
    pub fn new(folder: impl Into<PathBuf>) -> Backups {
        Backups {
            folder: folder.into(),
            keep_count: 20,
            keep_days: 180,
        }
    }
}

/// The check login runs on what was appended since this device's mark (`verify::after`,
/// handed in by `session`, which sits above both).
pub(crate) type VerifyAfter =
    fn(
        &Connection,
        &(dyn Fn() -> CoreResult<Connection> + Sync),
        &str,
        u64,
        &str,
    ) -> CoreResult<Result<Option<crate::audit::Head>, crate::audit::Flaw>>;

impl Session {
    pub(crate) fn from_parts(parts: Parts) -> Session {
        Session {
            conn: parts.conn,
            files: parts.files,
            workspace_id: parts.workspace_id,
            copy_id: parts.copy_id,
            is_demo: parts.is_demo,
            user: parts.user,
            secret: parts.secret,
            witness: None,
            first_sight: false,
            held: parts.held,
            registered_keys: parts.registered_keys,
            backups: None,
            clock: parts.clock,
            zone: Utc.fix(),
            server: None,
            keys_current: false,
        }
    }

    /// The door for reads: checks `permission` against the matrix, then runs `query`.
    pub fn read<T>(
        &self,
        permission: impl Into<Permission>,
        query: impl FnOnce(&Reader<'_>) -> CoreResult<T>,
    ) -> ApiResult<T> {
        self.read_core(permission.into(), query)
            .map_err(|e| self.explain(e).into())
    }

    pub(crate) fn read_core<T>(
        &self,
        permission: Permission,
        query: impl FnOnce(&Reader<'_>) -> CoreResult<T>,
    ) -> CoreResult<T> {
        authz::authorize_read(self.user.role, permission)?;
        query(&self.reader())
    }

    /// The door for the write path's preparation (work that must happen before the
    /// transaction, such as deriving a key slot): checks `action`, then hands out a reader.
    pub(crate) fn prepare_core<T>(
        &self,
        action: Action,
        prepare: impl FnOnce(&Reader<'_>) -> CoreResult<T>,
    ) -> CoreResult<T> {
        authz::authorize(self.user.role, action)?;
        self.writable(action)?;
        prepare(&self.reader())
    }

    /// Refuses every write while the session is held, except an Admin confirming, after a
    /// copy was put back, that this copy is the one to continue.
    fn writable(&self, action: Action) -> CoreResult<()> {
        match &self.held {
            None => Ok(()),
            Some(Hold::Rollback { .. }) if action == UserAction::ContinueCopy.into() => Ok(()),
            Some(hold) => Err(CoreError::Held(hold.clone())),
        }
    }

    /// Why the session may only read, if it may.
    pub fn held(&self) -> Option<&Hold> {
        self.held.as_ref()
    }

    /// The door for the write path: checks `action`, then starts an IMMEDIATE transaction (the
    /// write lock is taken at once, so a read-then-write never fails half way for a lock).
    pub(crate) fn begin_write(&mut self, action: Action) -> CoreResult<Write<'_>> {
        authz::authorize(self.user.role, action)?;
        self.writable(action)?;
        let now = self.clock.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(Write {
            tx,
            ctx: Context {
                now,
                actor: &self.user,
                zone: self.zone,
            },
            copy_id: &self.copy_id,
            workspace_id: self.workspace_id,
            files: &self.files,
            signer: self.secret.as_ref(),
            server: self.server.as_deref_mut().map(|s| s as &mut dyn Server),
        })
    }

    /// Connects the session to its shared workspace's server (`None`: works on the copy
    /// alone, sharing later).
    pub fn set_server(&mut self, server: Option<Box<dyn Server>>) {
        self.server = server;
    }

    /// How the link to the session's server stood at its last call; `None` when the session
    /// has no server.
    pub(crate) fn server_link(&self) -> Option<crate::wire::Link> {
        self.server.as_ref().map(|s| s.link())
    }

    /// The session's server, taken out for an exchange with it (put back with
    /// [`Session::set_server`]).
    pub(crate) fn take_server(&mut self) -> Option<Box<dyn Server>> {
        self.server.take()
    }

    /// See `keys_current`.
    pub(crate) fn keys_current(&self) -> bool {
        self.keys_current
    }

    pub(crate) fn set_keys_current(&mut self, current: bool) {
        self.keys_current = current;
    }

    /// The door for a shared workspace's traffic (`sharing`): an IMMEDIATE transaction in
    /// which events others wrote are applied and the server's placing of events is recorded.
    /// Not an action of the user's, so no matrix row; a held copy takes in nothing.
    pub(crate) fn begin_sync(&mut self) -> CoreResult<Transaction<'_>> {
        if let Some(hold) = &self.held {
            return Err(CoreError::Held(hold.clone()));
        }
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// After the user enrolled new keys, they sign from now on.
    pub(crate) fn replace_secret(&mut self, secret: UserSecret) {
        self.secret = Some(secret);
    }

    /// Attaches this device's witness (see `Session::set_witness`), verifying the log from
    /// where the device last verified it with `verify_after`.
    pub(crate) fn attach_witness(
        &mut self,
        witness: Witness,
        verify_after: VerifyAfter,
    ) -> CoreResult<Option<AnchorCheck>> {
        let chain = self.chain();
        let keys = &self.registered_keys;
        let registered = |k: &str| keys.contains(k);
        let seen = witness.seen(&chain, &registered);
        let check = witness.check(&self.conn, &chain, &registered)?;
        self.first_sight = matches!(seen, Seen::First);
        // Where verification resumes: the mark this device left, if the chain still holds it.
        let mark = match seen {
            Seen::Entry(entry) => entry.verified,
            Seen::First | Seen::Altered => None,
        };
        let mark = match mark {
            Some((seq, hash))
                if crate::audit::hash_of(&self.conn, &self.copy_id, seq)?.as_deref()
                    == Some(hash.as_str()) =>
            {
                (seq, hash)
            }
            _ => (0, crate::audit::GENESIS.to_owned()),
        };
        let files = &self.files;
        let open_reader = || crate::store::open_reader(&files.path, &files.key);
        let verified = match verify_after(&self.conn, &open_reader, &self.copy_id, mark.0, &mark.1)?
        {
            Ok(head) => head,
            Err((seq, problem)) => {
                self.held.get_or_insert(Hold::Log { seq, problem });
                None
            }
        };
        if let Some(c) = check.as_ref().filter(|c| !c.found && c.source == "device") {
            let head = crate::audit::head_of(&self.conn, &self.copy_id)?.map_or(0, |h| h.0);
            self.held.get_or_insert(Hold::Rollback {
                seen: c.rewritten_to.unwrap_or(0),
                head,
            });
        }
        self.witness = Some(witness);
        if self.held.is_none() {
            self.record_witness_with(verified, false);
        }
        Ok(check)
    }

    /// Where this device keeps backups: automatic ones (before a key rotation or a removal)
    /// are made there from now on.
    pub fn set_backups(&mut self, backups: Backups) {
        self.backups = Some(backups);
    }

    pub(crate) fn backups(&self) -> Option<Backups> {
        self.backups.clone()
    }

    pub(crate) fn clock_now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    /// The workspace file's name without extension.
    pub(crate) fn stem(&self) -> String {
        self.files
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// The session's connection and files, for the backup, which copies the workspace page
    /// by page under a lock of its own.
    pub(crate) fn connection(&self) -> (&Connection, &Files) {
        (&self.conn, &self.files)
    }

    /// This device's witness check of the session's chain. On a first visit it says so: the
    /// head this session itself recorded proves nothing.
    pub(crate) fn device_anchor(&self) -> CoreResult<Option<AnchorCheck>> {
        let Some(w) = &self.witness else {
            return Ok(None);
        };
        if self.first_sight {
            let head = crate::audit::head_of(&self.conn, &self.copy_id)?;
            return Ok(head.map(|(seq, hash)| AnchorCheck {
                head: format!("{seq}:{hash}"),
                source: "first_sight".into(),
                found: true,
                rewritten_from: None,
                rewritten_to: None,
                copy_ends_at: None,
            }));
        }
        let keys = &self.registered_keys;
        w.check(&self.conn, &self.chain(), &|k| keys.contains(k))
    }

    /// Adds the current head to the witness. A failure here does not undo the change that was
    /// just committed; the witness is a detector, and the next write records again.
    pub(crate) fn record_witness(&self) {
        self.record_witness_with(None, false);
    }

    /// Records the head, and moves the verified mark to `verified`; `restart` forgets what the
    /// device saw before (an Admin confirmed this copy as the one to continue).
    pub(crate) fn record_witness_with(&self, verified: Option<(u64, String)>, restart: bool) {
        if let (Some(w), Some(secret)) = (&self.witness, &self.secret) {
            let keys = &self.registered_keys;
            let user = self.user.id.to_string();
            let _ = w.record(
                &self.conn,
                &self.chain(),
                (&user, secret),
                &|k| keys.contains(k) || k == secret.public_keys().sign,
                verified,
                restart,
            );
        }
    }

    /// After an Admin confirmed this copy as the one to continue: the hold is lifted and the
    /// device starts over from this head.
    pub(crate) fn continue_copy(&mut self) {
        if matches!(self.held, Some(Hold::Rollback { .. })) {
            self.held = None;
        }
        let verified = crate::audit::head_of(&self.conn, &self.copy_id)
            .ok()
            .flatten();
        self.record_witness_with(verified, true);
    }

    /// A key the log registered since the session opened (a member added or enrolled).
    pub(crate) fn registered(&mut self, sign: String) {
        self.registered_keys.insert(sign);
    }

    fn chain(&self) -> ChainOf {
        ChainOf {
            workspace: self.workspace_id.to_string(),
            copy: self.copy_id.clone(),
        }
    }

    /// Steps 2 and 3 of a key rotation: re-encrypts the file under `key` (reporting the bytes
    /// re-encrypted so far, read from the WAL's growth, from a watcher thread), then drops the
    /// old key from the key file under the write lock.
    pub(crate) fn rekey(
        &mut self,
        key: DataKey,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> CoreResult<()> {
        let total = std::fs::metadata(&self.files.path).map_or(0, |m| m.len());
        let mut wal = self.files.path.clone().into_os_string();
        wal.push("-wal");
        let done = std::sync::atomic::AtomicBool::new(false);
        let rekeyed = std::thread::scope(|scope| {
            scope.spawn(|| {
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let written = std::fs::metadata(&wal).map_or(0, |m| m.len());
                    progress(written.min(total), total);
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            });
            let rekeyed = crate::store::rekey(&self.conn, &key);
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            rekeyed
        });
        rekeyed?;
        progress(total, total);
        self.files.key = key;
        crate::crash::point("rotation.rekeyed");
        self.drop_old_keys()?;
        crate::crash::point("rotation.done");
        Ok(())
    }

    /// Keeps only the session's data key, and only the slots of active members, in the key
    /// file (under the write lock): the last step of a rotation.
    pub(crate) fn drop_old_keys(&mut self) -> CoreResult<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut slots = crate::keyslots::KeySlots::load(&self.files.path)?;
        let members = members::active_names(&tx)?;
        let ids = members.iter().map(|n| slots.slot_id(n)).collect();
        slots.keep_only(&self.files.key.id());
        slots.retain_slots(&ids);
        slots.save(&self.files.path)?;
        tx.commit()?;
        Ok(())
    }

    /// Brings the key file in line with the members after an interruption (run at every
    /// login; cheap when there is nothing to do). A key rotation left half done is finished
    /// if its command was committed — every active member's slot holds the new key, which
    /// also drops the slots of anyone no longer a member — or rolled back if it never was.
    /// A slot still held by a removed member (left by an interrupted removal, or by a version
    /// before removals rotated the key) is dropped. A slot of nobody at all (a creation that
    /// never committed, or a damaged id) is left alone: harmless, and reported by
    /// verification.
    pub(crate) fn reconcile_slots(&mut self, my_keys: &[DataKey]) -> CoreResult<()> {
        if my_keys.len() < 2 {
            let slots = crate::keyslots::KeySlots::load(&self.files.path)?;
            let removed = members::inactive_names(&self.conn)?;
            if removed.iter().any(|name| slots.has(name)) {
                return self.drop_old_keys();
            }
            return Ok(());
        }
        let slots = crate::keyslots::KeySlots::load(&self.files.path)?;
        let members = members::key_holders(&self.conn)?;
        match my_keys {
            [newest, _, ..] => {
                let committed = members
                    .iter()
                    .all(|(name, _)| slots.slot_holds(&slots.slot_id(name), &newest.id()));
                if !committed {
                    // The file is still under the key it opened with; forget the other.
                    return self.drop_old_keys();
                }
                if newest.id() == self.files.key.id() {
                    self.drop_old_keys()
                } else {
                    self.rekey(newest.clone(), &|_, _| {})
                }
            }
            _ => Ok(()),
        }
    }

    /// Turns the errors of a session whose data key was rotated away (by another process)
    /// into "log in again", instead of "the file is damaged".
    pub(crate) fn explain(&self, e: CoreError) -> CoreError {
        let suspicious = matches!(
            e,
            CoreError::Damaged(_) | CoreError::WorkspaceUnreadable { .. }
        );
        let rotated = suspicious
            && crate::keyslots::KeySlots::load(&self.files.path)
                .is_ok_and(|s| !s.holds(&self.user.name, &self.files.key.id()));
        if rotated {
            CoreError::KeyChanged
        } else {
            e
        }
    }

    /// The user's own secret ("remember me" keeps it in the OS keyring).
    pub fn secret(&self) -> Option<&UserSecret> {
        self.secret.as_ref()
    }

    /// Does the user's role hold `permission`?
    pub fn may(&self, permission: impl Into<Permission>) -> bool {
        authz::allows(self.user.role, permission.into())
    }

    fn reader(&self) -> Reader<'_> {
        let now = self.clock.now();
        Reader {
            conn: &self.conn,
            user: &self.user,
            now,
            today: now.with_timezone(&self.zone).date_naive(),
            zone: self.zone,
            copy_id: &self.copy_id,
            files: &self.files,
        }
    }

    pub fn user(&self) -> &UserSummary {
        &self.user
    }

    pub fn path(&self) -> &Path {
        &self.files.path
    }

    pub fn workspace_id(&self) -> WorkspaceId {
        self.workspace_id
    }

    pub fn data_key(&self) -> &DataKey {
        &self.files.key
    }

    /// Sets the user's UTC offset (front ends pass the user's local one), which decides what
    /// "today" and "overdue" mean.
    pub fn set_utc_offset(&mut self, offset: FixedOffset) {
        self.zone = offset;
    }

    pub fn info(&self, remembered: bool) -> SessionInfo {
        SessionInfo {
            user: self.user.clone(),
            workspace: WorkspaceInfo {
                id: self.workspace_id,
                path: self.files.path.display().to_string(),
                name: self
                    .files
                    .path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                is_demo: self.is_demo,
            },
            remembered,
            permissions: authz::permissions_of(self.user.role),
            held: self.held.clone().map(ApiError::from),
        }
    }

    /// The raw connection, around every check: only for the benchmark data generator and
    /// tools in this crate's tests, never for the application.
    #[doc(hidden)]
    pub fn connection_for_tools(&mut self) -> &mut Connection {
        &mut self.conn
    }

    #[doc(hidden)]
    pub fn copy_id(&self) -> &str {
        &self.copy_id
    }
}
