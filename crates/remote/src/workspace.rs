//! A member's connection to one shared workspace on the server: the core's `sharing::Server`,
//! each call blocking on a runtime of its own (the core and its callers are synchronous).

use crate::log::{self, Offer as WireOffer, Outcome as WireOutcome};
use crate::{RemoteError, ServerAddress};
use govbench_core::error::{CoreError, CoreResult, ServerProblem};
use govbench_core::sharing::{
    Delivered, MemberLogin, Offer, Outcome, Placed, RetiredKey, Rotation, Server,
};
use govbench_core::wire::{Link, SealedBlob};
use govbench_protocol::ServerRefusal;
use std::time::Duration;
use tokio_postgres::Client;
use uuid::Uuid;

/// How long one call may take before the connection is given up (and the call's outcome is
/// unknown: offering the same event again is safe, it is recognised by its hash).
const CALL_TIMEOUT: Duration = Duration::from_secs(20);

/// How long logging in may take: a server that does not answer at all (a black-holed network)
/// makes a desk offline after this, not after a call's full timeout.
const LOGIN_TIMEOUT: Duration = Duration::from_secs(15);

pub struct SharedWorkspace {
    runtime: tokio::runtime::Runtime,
    /// `None` until a login succeeded (a desk that started offline).
    client: Option<Client>,
    workspace: Uuid,
    /// How to log in again when the connection was lost (a restart, a failover, the network).
    address: ServerAddress,
    role: String,
    password: zeroize::Zeroizing<String>,
    /// After a failed attempt to reconnect, none is made before this; the wait doubles from
    /// 250 ms up to 30 s and starts over once connected.
    retry: Option<(std::time::Instant, Duration)>,
    /// How the link stood at the last call, for the app's header.
    link: Link,
}

impl From<RemoteError> for CoreError {
    fn from(e: RemoteError) -> CoreError {
        match &e {
            RemoteError::Address(_) => return CoreError::invalid("server", "server_address"),
            RemoteError::PlaintextRefused(_) => {
                return CoreError::invalid("server", "server_plaintext")
            }
            RemoteError::CaFile { .. } => return CoreError::invalid("ca", "server_ca"),
            RemoteError::Tls(_) | RemoteError::Protocol(_) | RemoteError::Postgres(_) => {}
        }
        if let RemoteError::Postgres(pg) = &e {
            if let Some(db) = pg.as_db_error() {
                use tokio_postgres::error::SqlState;
                let code = db.code();
                // Raised by `govbench.issue_login` (schema step 3).
                if code.code() == "GB001" {
                    return CoreError::Server(ServerProblem::Refused(
                        ServerRefusal::MemberHasOwnLogin,
                    ));
                }
                if *code == SqlState::INSUFFICIENT_PRIVILEGE
                    || *code == SqlState::INVALID_PASSWORD
                    || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
                {
                    return CoreError::Server(ServerProblem::Refused(ServerRefusal::NotMember));
                }
                if *code == SqlState::UNIQUE_VIOLATION || *code == SqlState::DUPLICATE_OBJECT {
                    return CoreError::Server(ServerProblem::Refused(ServerRefusal::AlreadyShared));
                }
                // A server without the schema, or with an older one than this version needs.
                if *code == SqlState::UNDEFINED_FUNCTION
                    || *code == SqlState::INVALID_SCHEMA_NAME
                    || *code == SqlState::UNDEFINED_TABLE
                {
                    return CoreError::Server(ServerProblem::Refused(ServerRefusal::NoServerYet));
                }
            }
        }
        CoreError::Server(ServerProblem::Unreachable(e.to_string()))
    }
}

/// Logs in as `role`, within the login timeout.
async fn login(address: &ServerAddress, role: &str, password: &str) -> Result<Client, RemoteError> {
    let (client, _driver) = tokio::time::timeout(LOGIN_TIMEOUT, address.connect(role, password))
        .await
        .map_err(|_| RemoteError::Protocol("no answer".into()))??;
    Ok(client)
}

/// A runtime for one blocking call from a synchronous caller.
fn runtime() -> CoreResult<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Connects with the login the address names (IT's), within the call timeout.
async fn connect_as_address(address: &ServerAddress) -> Result<Client, RemoteError> {
    let (user, password) = address.login()?;
    let (client, _driver) = tokio::time::timeout(CALL_TIMEOUT, address.connect(&user, &password))
        .await
        .map_err(|_| RemoteError::Protocol("no answer".into()))??;
    Ok(client)
}

/// Reaches the server as the address's own login (with a stand-in password when none is
/// known, to see that the server answers and its certificate holds) and tells whether
/// Govbench's schema is there. Changes nothing.
pub(crate) fn probe(address: &ServerAddress) -> Result<bool, RemoteError> {
    runtime()
        .map_err(|e| RemoteError::Protocol(e.to_string()))?
        .block_on(async {
            let (user, password) = address.login().unwrap_or_else(|_| {
                let user = address.user().unwrap_or("govbench_probe").to_owned();
                (user, "-".into())
            });
            let (client, _driver) =
                tokio::time::timeout(LOGIN_TIMEOUT, address.connect(&user, &password))
                    .await
                    .map_err(|_| RemoteError::Protocol("no answer".into()))??;
            let row = client
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'govbench')",
                    &[],
                )
                .await?;
            Ok(row.get(0))
        })
}

/// `govbench server init`: installs or upgrades the server schema, as the login the address
/// names (one that may create roles).
pub fn install_schema(address: &ServerAddress) -> CoreResult<()> {
    runtime()?.block_on(async {
        let client = connect_as_address(address).await?;
        crate::init_server(&client).await?;
        Ok::<_, RemoteError>(())
    })?;
    Ok(())
}

/// Registers a workspace on the server with its founding Admin (the address names a login
/// IT placed in `govbench_sharer`); the founder's login takes `founder_password`.
pub fn register_workspace(
    address: &ServerAddress,
    workspace: Uuid,
    founder: Uuid,
    founder_name: &str,
    founder_password: &str,
    key_id: &str,
) -> CoreResult<()> {
    runtime()?.block_on(async {
        let client = connect_as_address(address).await?;
        log::create_workspace(
            &client,
            workspace,
            founder,
            founder_name,
            founder_password,
            key_id.as_bytes(),
            govbench_core::wire::FORMAT as i32,
        )
        .await?;
        Ok::<_, RemoteError>(())
    })?;
    Ok(())
}

impl SharedWorkspace {
    /// Logs in to `workspace` on the server as the member called `name` with `password`.
    pub fn connect(
        address: &ServerAddress,
        workspace: Uuid,
        name: &str,
        password: &str,
    ) -> CoreResult<SharedWorkspace> {
        let runtime = runtime()?;
        let role = log::login_role(workspace, name);
        let client = runtime.block_on(login(address, &role, password))?;
        Ok(SharedWorkspace {
            runtime,
            client: Some(client),
            workspace,
            address: address.clone(),
            role,
            password: zeroize::Zeroizing::new(password.to_owned()),
            retry: None,
            link: Link {
                connected: true,
                last_contact: Some(chrono::Utc::now()),
                problem: None,
            },
        })
    }

    /// [`SharedWorkspace::connect`] for a desk that works whether or not the server answers
    /// now: if it does not, the link starts offline (its [`Link`] says why) and logs in at
    /// the next call that may (edits wait to be shared meanwhile, decisions are refused).
    pub fn open(
        address: &ServerAddress,
        workspace: Uuid,
        name: &str,
        password: &str,
    ) -> CoreResult<SharedWorkspace> {
        match SharedWorkspace::connect(address, workspace, name, password) {
            Ok(link) => Ok(link),
            Err(CoreError::Server(problem)) => {
                let mut link = SharedWorkspace {
                    runtime: runtime()?,
                    client: None,
                    workspace,
                    address: address.clone(),
                    role: log::login_role(workspace, name),
                    password: zeroize::Zeroizing::new(password.to_owned()),
                    retry: None,
                    link: Link::default(),
                };
                link.note::<()>(&Err(CoreError::Server(problem)));
                Ok(link)
            }
            Err(e) => Err(e),
        }
    }

    /// Notifications of this workspace's new events, on a connection of their own.
    pub fn wakeups(&self) -> crate::Wakeups {
        crate::Wakeups::listen(
            self.address.clone(),
            self.workspace,
            self.role.clone(),
            self.password.clone(),
        )
    }

    fn closed(&self) -> bool {
        self.client.as_ref().is_none_or(Client::is_closed)
    }

    fn client(&self) -> CoreResult<&Client> {
        self.client
            .as_ref()
            .ok_or_else(|| CoreError::Server(ServerProblem::Unreachable("not connected".into())))
    }

    /// Keeps what a call showed of the link: an answer (even a refusal) is contact; a failure
    /// to reach the server is kept as the reason the desk is offline.
    fn note<T>(&mut self, result: &CoreResult<T>) {
        match result {
            Err(CoreError::Server(ServerProblem::Unreachable(reason))) => {
                self.link.connected = false;
                self.link.problem =
                    Some(CoreError::Server(ServerProblem::Unreachable(reason.clone())).into());
            }
            Err(CoreError::Server(ServerProblem::Refused(why))) if self.closed() => {
                self.link.connected = false;
                self.link.problem = Some(CoreError::Server(ServerProblem::Refused(*why)).into());
            }
            _ => {
                self.link = Link {
                    connected: !self.closed(),
                    last_contact: Some(chrono::Utc::now()),
                    problem: None,
                };
            }
        }
    }

    /// Makes a call; if it failed because the connection was lost, logs in again and makes
    /// it once more.
    fn twice<T>(&mut self, call: impl Fn(&Self) -> CoreResult<T>) -> CoreResult<T> {
        let result = self.ready().and_then(|()| match call(self) {
            Err(_) if self.closed() => {
                self.ready()?;
                call(self)
            }
            result => result,
        });
        self.note(&result);
        result
    }

    /// Before a call: the connection, logged in again if it was lost. Every call is safe to
    /// make again (an event offered twice is recognised by its hash), so a call that failed
    /// with the connection is simply made anew by whoever needs it.
    fn ready(&mut self) -> CoreResult<()> {
        if !self.closed() {
            return Ok(());
        }
        if let Some((not_before, _)) = self.retry {
            if std::time::Instant::now() < not_before {
                return Err(CoreError::Server(ServerProblem::Unreachable(
                    "the connection was lost; retrying shortly".into(),
                )));
            }
        }
        match self
            .runtime
            .block_on(login(&self.address, &self.role, &self.password))
        {
            Ok(client) => {
                self.client = Some(client);
                self.retry = None;
                Ok(())
            }
            Err(e) => {
                let wait = self.retry.map_or(Duration::from_millis(250), |(_, w)| {
                    (w * 2).min(Duration::from_secs(30))
                });
                self.retry = Some((std::time::Instant::now() + wait, wait));
                Err(e.into())
            }
        }
    }

    fn call<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, RemoteError>>,
    ) -> CoreResult<T> {
        self.runtime.block_on(async {
            match tokio::time::timeout(CALL_TIMEOUT, work).await {
                Ok(result) => result.map_err(CoreError::from),
                Err(_) => Err(CoreError::Server(ServerProblem::Unreachable(
                    "no answer within 20 s".into(),
                ))),
            }
        })
    }

    fn wire(offer: &Offer) -> CoreResult<WireOffer> {
        let int = |n: u64| {
            i64::try_from(n).map_err(|_| CoreError::Malformed(format!("{n} out of range")))
        };
        Ok(WireOffer {
            workspace: offer.workspace,
            base_position: int(offer.base_position)?,
            reads: offer.reads.clone(),
            copy_id: offer.copy_id,
            copy_seq: int(offer.copy_seq)?,
            event_hash: offer.event_hash,
            prev_hash: offer.prev_hash,
            signer: offer.signer,
            signature: offer.signature.clone(),
            entity_kind: offer.entity_kind.clone(),
            entity_id: offer.entity_id.clone(),
            base_version: offer.base_version.map(int).transpose()?,
            new_version: int(offer.new_version)?,
            touches: offer.touches.clone(),
            key_id: offer.key_id.as_bytes().to_vec(),
            format: offer.format as i32,
            nonce: offer.nonce.to_vec(),
            payload: offer.payload.clone(),
            adds: offer.adds.as_ref().map(|m| {
                (
                    m.id,
                    log::login_role(offer.workspace, &m.name),
                    m.is_admin,
                    log::verifier(&m.password),
                )
            }),
        })
    }
}

fn hash32(bytes: &[u8]) -> CoreResult<[u8; 32]> {
    bytes
        .try_into()
        .map_err(|_| CoreError::Server(ServerProblem::Refused(ServerRefusal::Tampered)))
}

fn outcome(wire: WireOutcome) -> CoreResult<Outcome> {
    let at = |position: i64| position.max(0) as u64;
    Ok(match wire {
        WireOutcome::Accepted { position, log_hash } => Outcome::Accepted {
            position: at(position),
            log_hash: hash32(&log_hash)?,
        },
        WireOutcome::Duplicate { position, log_hash } => Outcome::Duplicate {
            position: at(position),
            log_hash: hash32(&log_hash)?,
        },
        WireOutcome::Stale {
            position,
            signer,
            at: when,
        } => Outcome::Stale {
            position: at(position),
            signer,
            at: when,
        },
        WireOutcome::NotSigner => Outcome::Refused(ServerRefusal::NotSigner),
        WireOutcome::Fork | WireOutcome::Gap => Outcome::Refused(ServerRefusal::Disagrees),
        WireOutcome::OldKey => Outcome::Refused(ServerRefusal::OldKey),
        WireOutcome::FormatTooOld => Outcome::Refused(ServerRefusal::FormatTooOld),
        WireOutcome::Importing => Outcome::Refused(ServerRefusal::NotShared),
        WireOutcome::NotImporting => Outcome::Refused(ServerRefusal::AlreadyShared),
    })
}

impl Server for SharedWorkspace {
    fn link(&self) -> Link {
        self.link.clone()
    }

    fn append(&mut self, offer: &Offer) -> CoreResult<Outcome> {
        self.twice(|me| me.append_once(offer))
    }

    fn append_rotating(&mut self, offer: &Offer, rotation: &Rotation) -> CoreResult<Outcome> {
        self.twice(|me| me.append_rotating_once(offer, rotation))
    }

    fn retired_keys(&mut self) -> CoreResult<Vec<RetiredKey>> {
        self.twice(|me| me.retired_keys_once())
    }

    fn import(&mut self, offers: &[Offer]) -> CoreResult<Vec<Outcome>> {
        self.twice(|me| me.import_once(offers))
    }

    fn finish_import(&mut self) -> CoreResult<()> {
        self.twice(|me| me.finish_import_once())
    }

    fn events_after(&mut self, position: u64, limit: u32) -> CoreResult<Vec<Delivered>> {
        self.twice(|me| me.events_after_once(position, limit))
    }

    fn placed_after(&mut self, position: u64, limit: u32) -> CoreResult<Vec<Placed>> {
        self.twice(|me| me.placed_after_once(position, limit))
    }

    fn put_key_rows(&mut self, rows: &[(String, Vec<u8>)]) -> CoreResult<()> {
        self.twice(|me| me.put_key_rows_once(rows))
    }

    fn put_blob(&mut self, blob: &SealedBlob) -> CoreResult<()> {
        self.twice(|me| me.put_blob_once(blob))
    }

    fn blob(&mut self, blob_id: &[u8; 32]) -> CoreResult<Option<SealedBlob>> {
        self.twice(|me| me.blob_once(blob_id))
    }

    fn key_rows(&mut self) -> CoreResult<Vec<(String, Vec<u8>)>> {
        self.twice(|me| me.key_rows_once())
    }

    fn issue_login(&mut self, login: &MemberLogin) -> CoreResult<()> {
        self.twice(|me| {
            let client = me.client()?;
            me.call(log::issue_login(
                client,
                me.workspace,
                login.id,
                &login.name,
                login.is_admin,
                &login.password,
            ))
        })
    }

    fn set_own_password(&mut self, password: &str) -> CoreResult<()> {
        self.twice(|me| me.call(log::set_own_password(me.client()?, password)))
    }
}

/// Each call once, on the connection as it is.
impl SharedWorkspace {
    fn append_once(&self, offer: &Offer) -> CoreResult<Outcome> {
        let wire = Self::wire(offer)?;
        outcome(self.call(log::append(self.client()?, &wire))?)
    }

    fn append_rotating_once(&self, offer: &Offer, rotation: &Rotation) -> CoreResult<Outcome> {
        if rotation.retired.key_id != offer.key_id {
            return Err(CoreError::Malformed(
                "a rotation retires the key its event is sealed with".into(),
            ));
        }
        let wire = Self::wire(offer)?;
        let (slot_ids, slot_bodies) = rotation.slots.iter().cloned().unzip();
        let rotation = log::KeyRotation {
            removes: rotation.removes,
            new_key_id: rotation.retired.under_key_id.as_bytes().to_vec(),
            nonce: rotation.retired.nonce.to_vec(),
            sealed_key: rotation.retired.sealed_key.clone(),
            slot_ids,
            slot_bodies,
        };
        outcome(self.call(log::append_rotating(self.client()?, &wire, &rotation))?)
    }

    fn retired_keys_once(&self) -> CoreResult<Vec<RetiredKey>> {
        let client = self.client()?;
        let rows = self.call(async {
            Ok(client
                .query(
                    "SELECT key_id, under_key_id, nonce, sealed_key FROM govbench.key_history
                      WHERE workspace_id = $1 ORDER BY position",
                    &[&self.workspace],
                )
                .await?)
        })?;
        rows.iter()
            .map(|row| {
                let nonce: Vec<u8> = row.get(2);
                Ok(RetiredKey {
                    key_id: String::from_utf8_lossy(row.get(0)).into_owned(),
                    under_key_id: String::from_utf8_lossy(row.get(1)).into_owned(),
                    nonce: nonce.as_slice().try_into().map_err(|_| {
                        CoreError::Server(ServerProblem::Refused(ServerRefusal::Tampered))
                    })?,
                    sealed_key: row.get(3),
                })
            })
            .collect()
    }

    fn import_once(&self, offers: &[Offer]) -> CoreResult<Vec<Outcome>> {
        let wire = offers
            .iter()
            .map(Self::wire)
            .collect::<CoreResult<Vec<_>>>()?;
        let placed = self.call(log::import_run(self.client()?, &wire))?;
        placed.into_iter().map(outcome).collect()
    }

    fn finish_import_once(&self) -> CoreResult<()> {
        let client = self.client()?;
        self.call(async {
            client
                .execute("SELECT govbench.finish_import($1)", &[&self.workspace])
                .await?;
            Ok(())
        })
    }

    fn events_after_once(&self, position: u64, limit: u32) -> CoreResult<Vec<Delivered>> {
        let client = self.client()?;
        let rows = self.call(async {
            Ok(client
                .query(
                    "SELECT position, log_hash, copy_id, copy_seq, event_hash, key_id, format,
                            nonce, payload
                       FROM govbench.events
                      WHERE workspace_id = $1 AND position > $2
                      ORDER BY position LIMIT $3",
                    &[&self.workspace, &(position as i64), &i64::from(limit)],
                )
                .await?)
        })?;
        rows.iter()
            .map(|row| {
                let nonce: Vec<u8> = row.get(7);
                Ok(Delivered {
                    position: row.get::<_, i64>(0).max(0) as u64,
                    log_hash: hash32(row.get(1))?,
                    copy_id: row.get(2),
                    copy_seq: row.get::<_, i64>(3).max(0) as u64,
                    event_hash: hash32(row.get(4))?,
                    key_id: String::from_utf8_lossy(row.get(5)).into_owned(),
                    format: row.get::<_, i32>(6).max(0) as u32,
                    nonce: nonce.as_slice().try_into().map_err(|_| {
                        CoreError::Server(ServerProblem::Refused(ServerRefusal::Tampered))
                    })?,
                    payload: row.get(8),
                })
            })
            .collect()
    }

    fn placed_after_once(&self, position: u64, limit: u32) -> CoreResult<Vec<Placed>> {
        let client = self.client()?;
        let rows = self.call(async {
            Ok(client
                .query(
                    "SELECT position, log_hash, copy_id, copy_seq, event_hash
                       FROM govbench.events
                      WHERE workspace_id = $1 AND position > $2
                      ORDER BY position LIMIT $3",
                    &[&self.workspace, &(position as i64), &i64::from(limit)],
                )
                .await?)
        })?;
        rows.iter()
            .map(|row| {
                Ok(Placed {
                    position: row.get::<_, i64>(0).max(0) as u64,
                    log_hash: hash32(row.get(1))?,
                    copy_id: row.get(2),
                    copy_seq: row.get::<_, i64>(3).max(0) as u64,
                    event_hash: hash32(row.get(4))?,
                })
            })
            .collect()
    }

    fn put_key_rows_once(&self, rows: &[(String, Vec<u8>)]) -> CoreResult<()> {
        let client = self.client()?;
        self.call(async {
            for (id, body) in rows {
                client
                    .execute(
                        "SELECT govbench.put_key_slot($1, $2, $3)",
                        &[&self.workspace, id, body],
                    )
                    .await?;
            }
            Ok(())
        })
    }

    fn put_blob_once(&self, blob: &SealedBlob) -> CoreResult<()> {
        let client = self.client()?;
        self.call(async {
            client
                .execute(
                    "SELECT govbench.put_blob($1, $2, $3, $4, $5)",
                    &[
                        &self.workspace,
                        &blob.blob_id.as_slice(),
                        &blob.key_id.as_bytes(),
                        &blob.nonce.as_slice(),
                        &blob.ciphertext,
                    ],
                )
                .await?;
            Ok(())
        })
    }

    fn blob_once(&self, blob_id: &[u8; 32]) -> CoreResult<Option<SealedBlob>> {
        let client = self.client()?;
        let row = self.call(async {
            Ok(client
                .query_opt(
                    "SELECT key_id, nonce, ciphertext FROM govbench.blobs
                      WHERE workspace_id = $1 AND blob_id = $2",
                    &[&self.workspace, &blob_id.as_slice()],
                )
                .await?)
        })?;
        let Some(row) = row else { return Ok(None) };
        let nonce: Vec<u8> = row.get(1);
        Ok(Some(SealedBlob {
            blob_id: *blob_id,
            key_id: String::from_utf8_lossy(row.get(0)).into_owned(),
            nonce: nonce
                .as_slice()
                .try_into()
                .map_err(|_| CoreError::Server(ServerProblem::Refused(ServerRefusal::Tampered)))?,
            ciphertext: row.get(2),
        }))
    }

    fn key_rows_once(&self) -> CoreResult<Vec<(String, Vec<u8>)>> {
        let client = self.client()?;
        let rows = self.call(async {
            Ok(client
                .query(
                    "SELECT slot_id, body FROM govbench.key_slots WHERE workspace_id = $1",
                    &[&self.workspace],
                )
                .await?)
        })?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }
}
