//! A logged-in user on an open workspace, and the API use cases every front end calls.
//!
//! Public methods return [`ApiResult`]: internal errors become the public error shape through
//! the one `From<CoreError> for ApiError` conversion.

use crate::audit::{self, Actor, Change};
use crate::clock::Clock;
use crate::error::{CoreError, CoreResult};
use crate::keyslots::{DataKey, KdfParams, KeySlots};
use crate::{authz, requirements, store, users};
use chrono::{DateTime, NaiveDate, Utc};
use govbench_protocol::{
    ApiError, AuditReport, Command, CommandOutcome, Dashboard, NewUser, RequirementDetail,
    RequirementId, RequirementPage, RequirementQuery, Role, SessionInfo, UserSummary, WorkspaceId,
    WorkspaceInfo,
};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uuid::Uuid;

pub type ApiResult<T> = Result<T, ApiError>;

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

/// What the write path hands a feature's `apply`.
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    pub actor: &'a UserSummary,
}

pub struct Session {
    conn: Connection,
    path: PathBuf,
    key: DataKey,
    workspace_id: WorkspaceId,
    /// This copy of the workspace; its audit chain and sequence numbers are its own.
    copy_id: String,
    kdf: KdfParams,
    is_demo: bool,
    user: UserSummary,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("path", &self.path)
            .field("user", &self.user.name)
            .finish_non_exhaustive()
    }
}

fn meta(conn: &Connection, key: &str) -> CoreResult<String> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?
        .ok_or_else(|| CoreError::Malformed(format!("meta {key} missing")))
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
    let mut slots = KeySlots::new();
    slots.add(&admin.name, &admin.passphrase, &key, options.kdf)?;
    let built = (|| -> CoreResult<Session> {
        let mut conn = store::create(path, &key)?;
        let now = clock.now();
        let workspace_id = WorkspaceId(Uuid::now_v7());
        let copy_id = Uuid::now_v7().to_string();
        let admin_id;
        {
            let tx = conn.transaction()?;
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
            let placeholder = UserSummary {
                id: govbench_protocol::UserId(Uuid::nil()),
                name: admin.name.clone(),
                display_name: admin.display_name.clone(),
                role: Role::Admin,
            };
            let ctx = Context {
                now,
                actor: &placeholder,
            };
            let user_change = users::insert(&tx, &ctx, admin)?;
            admin_id = user_change.entity_id.clone();
            let actor = Actor {
                id: Some(admin_id.clone()),
                name: admin.name.trim().to_owned(),
            };
            let workspace_change = Change {
                entity_type: "workspace",
                entity_id: workspace_id.to_string(),
                before: None,
                after: Some(
                    serde_json::json!({ "name": name, "is_demo": options.is_demo, "kdf": options.kdf }),
                ),
            };
            audit::append(
                &tx,
                &copy_id,
                now,
                &actor,
                "create_workspace",
                &workspace_change,
            )?;
            audit::append(&tx, &copy_id, now, &actor, "create_user", &user_change)?;
            tx.commit()?;
        }
        slots.save(path)?;
        let user = users::find_by_name_any(&conn, &admin.name)?
            .ok_or_else(|| CoreError::Malformed("admin missing after create".into()))?
            .summary();
        Ok(Session {
            conn,
            path: path.to_owned(),
            key: key.clone(),
            workspace_id,
            copy_id,
            kdf: options.kdf,
            is_demo: options.is_demo,
            user,
            clock: clock.clone(),
        })
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

/// Logs `user_name` in: unwraps the data key from the user's key slot and opens the workspace.
pub fn login(
    path: &Path,
    user_name: &str,
    passphrase: &str,
    clock: Arc<dyn Clock>,
) -> ApiResult<Session> {
    if !path.exists() {
        return Err(CoreError::WorkspaceNotFound(path.to_owned()).into());
    }
    let key = KeySlots::load(path)?.unlock(user_name, passphrase)?;
    open_with_key(path, key, user_name, clock)
}

/// Opens the workspace with an already unwrapped key (from "remember me") as `user_name`.
pub fn open_with_key(
    path: &Path,
    key: DataKey,
    user_name: &str,
    clock: Arc<dyn Clock>,
) -> ApiResult<Session> {
    let conn = store::open(path, &key)?;
    let user = users::find_by_name_any(&conn, user_name)?
        .filter(|u| u.active)
        .ok_or(CoreError::WrongCredentials)?
        .summary();
    let workspace_id = meta(&conn, "workspace_id")?
        .parse()
        .map_err(|_| CoreError::Malformed("workspace id".into()))?;
    let copy_id = meta(&conn, "copy_id")?;
    let kdf = serde_json::from_str(&meta(&conn, "kdf")?).map_err(CoreError::from)?;
    let is_demo = meta(&conn, "is_demo")? == "true";
    Ok(Session {
        conn,
        path: path.to_owned(),
        key,
        workspace_id,
        copy_id,
        kdf,
        is_demo,
        user,
        clock,
    })
}

impl Session {
    pub fn user(&self) -> &UserSummary {
        &self.user
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn workspace_id(&self) -> WorkspaceId {
        self.workspace_id
    }

    pub fn data_key(&self) -> &DataKey {
        &self.key
    }

    pub fn info(&self, remembered: bool) -> SessionInfo {
        SessionInfo {
            user: self.user.clone(),
            workspace: WorkspaceInfo {
                id: self.workspace_id,
                path: self.path.display().to_string(),
                name: self
                    .path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                is_demo: self.is_demo,
            },
            remembered,
            permissions: authz::actions_of(self.user.role),
        }
    }

    fn today(&self) -> NaiveDate {
        self.clock.now().date_naive()
    }

    /// The one write path: authorize → validate → apply in one transaction → append the audit
    /// event in the same transaction. Nothing changes workspace data any other way.
    pub fn execute(&mut self, command: Command) -> ApiResult<CommandOutcome> {
        Ok(self.write(&command)?)
    }

    fn write(&mut self, command: &Command) -> CoreResult<CommandOutcome> {
        authz::authorize(self.user.role, command)?;
        // Key-slot work happens before the transaction: the KDF is slow and must not hold
        // the write lock. The key file is replaced just before commit and restored if the
        // commit fails, so slots and users never disagree.
        let slots_before = match command {
            Command::CreateUser { .. } | Command::RemoveUser { .. } => {
                Some(KeySlots::load(&self.path)?)
            }
            _ => None,
        };
        let mut slots_after = slots_before.clone();
        if let (Command::CreateUser { user }, Some(slots)) = (command, slots_after.as_mut()) {
            users::validate_new(&self.conn, user)?;
            slots.add(&user.name, &user.passphrase, &self.key, self.kdf)?;
        }
        let now = self.clock.now();
        let ctx = Context {
            now,
            actor: &self.user,
        };
        let tx = self.conn.transaction()?;
        let change = match command {
            Command::CreateUser { user } => users::insert(&tx, &ctx, user)?,
            Command::RemoveUser { id } => {
                let (removed, change) = users::deactivate(&tx, &ctx, *id)?;
                if let Some(slots) = slots_after.as_mut() {
                    slots.remove(&removed.name);
                }
                change
            }
            _ => requirements::apply(&tx, &ctx, command)?,
        };
        let actor = Actor {
            id: Some(self.user.id.to_string()),
            name: self.user.name.clone(),
        };
        let audit_seq = audit::append(&tx, &self.copy_id, now, &actor, command.action(), &change)?;
        if let Some(slots) = &slots_after {
            slots.save(&self.path)?;
        }
        if let Err(e) = tx.commit() {
            if let Some(slots) = &slots_before {
                slots.save(&self.path)?;
            }
            return Err(e.into());
        }
        Ok(CommandOutcome {
            entity_type: change.entity_type.to_owned(),
            entity_id: change.entity_id,
            audit_seq,
        })
    }

    pub fn requirements(&self, query: &RequirementQuery) -> ApiResult<RequirementPage> {
        authz::authorize_read(self.user.role, "list_requirements")?;
        Ok(requirements::list(&self.conn, query, self.today())?)
    }

    pub fn requirement(&self, id: RequirementId) -> ApiResult<RequirementDetail> {
        authz::authorize_read(self.user.role, "read_requirement")?;
        let requirement = requirements::requirement(&self.conn, id, self.today())?;
        Ok(RequirementDetail {
            allowed_actions: requirements::allowed_actions(self.user.role, requirement.status),
            history: requirements::history(&self.conn, id)?,
            comments: requirements::comments(&self.conn, id)?,
            requirement,
        })
    }

    pub fn dashboard(&self) -> ApiResult<Dashboard> {
        authz::authorize_read(self.user.role, "read_dashboard")?;
        let today = self.today();
        let by_status = requirements::counts_by_status(&self.conn)?;
        Ok(Dashboard {
            total: by_status.iter().map(|(_, n)| n).sum(),
            by_status,
            overdue: requirements::overdue(&self.conn, today, 10)?,
            waiting_for_me: requirements::waiting_for(
                &self.conn,
                self.user.role,
                self.user.id,
                today,
                10,
            )?,
        })
    }

    pub fn users(&self) -> ApiResult<Vec<UserSummary>> {
        authz::authorize_read(self.user.role, "list_users")?;
        Ok(users::list(&self.conn)?)
    }

    pub fn verify_audit(&self) -> ApiResult<AuditReport> {
        authz::authorize_read(self.user.role, "verify_audit")?;
        let (path, key) = (&self.path, &self.key);
        let open_reader = || store::open_reader(path, key);
        Ok(audit::verify_parallel(&self.conn, &open_reader)?)
    }

    /// The raw connection, for benchmarks and data generators in this crate's tests.
    #[doc(hidden)]
    pub fn connection_for_tools(&mut self) -> &mut Connection {
        &mut self.conn
    }

    #[doc(hidden)]
    pub fn copy_id(&self) -> &str {
        &self.copy_id
    }
}
