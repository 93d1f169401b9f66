//! A workspace's log on the server: registering it, its members, and offering events. Every
//! write is one call of a server function that checks it under the workspace's lock; the
//! client only ever reads tables directly.

use crate::RemoteError;
use tokio_postgres::Client;
use uuid::Uuid;

/// The SCRAM-SHA-256 verifier of a login password: what the server stores, so the password
/// itself never leaves the client.
pub fn verifier(password: &str) -> String {
    postgres_protocol::password::scram_sha_256(password.as_bytes())
}

/// The login role of the member called `name` in `workspace`: named from both, so a desktop
/// joining can name it before it has logged in (the server learns a hash of the name, which
/// a dictionary of likely names can guess; it learns the member's id from the log anyway).
pub fn login_role(workspace: Uuid, name: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"govbench member login v1\0");
    h.update(workspace.as_bytes());
    h.update(govbench_core::keyslots::canonical_name(name).as_bytes());
    format!("gbm_{}", hex::encode(&h.finalize()[..20]))
}

/// Registers a workspace with its founding Admin; returns the founder's login role.
pub async fn create_workspace(
    client: &Client,
    workspace: Uuid,
    founder: Uuid,
    founder_name: &str,
    founder_password: &str,
    key_id: &[u8],
    min_format: i32,
) -> Result<String, RemoteError> {
    let row = client
        .query_one(
            "SELECT govbench.create_workspace($1, $2, $3, $4, $5, $6)::text",
            &[
                &workspace,
                &founder,
                &login_role(workspace, founder_name),
                &verifier(founder_password),
                &key_id,
                &min_format,
            ],
        )
        .await?;
    Ok(row.get(0))
}

/// An Admin adds a member (recorded at log position `position`); returns its login role.
pub async fn add_member(
    client: &Client,
    workspace: Uuid,
    member: Uuid,
    name: &str,
    is_admin: bool,
    password: &str,
    position: i64,
) -> Result<String, RemoteError> {
    let row = client
        .query_one(
            "SELECT govbench.add_member($1, $2, $3, $4, $5, $6)::text",
            &[
                &workspace,
                &member,
                &login_role(workspace, name),
                &is_admin,
                &verifier(password),
                &position,
            ],
        )
        .await?;
    Ok(row.get(0))
}

/// An Admin sets a member's login with a join code's password (see `govbench.issue_login`).
pub async fn issue_login(
    client: &Client,
    workspace: Uuid,
    member: Uuid,
    name: &str,
    is_admin: bool,
    password: &str,
) -> Result<(), RemoteError> {
    client
        .execute(
            "SELECT govbench.issue_login($1, $2, $3, $4, $5)",
            &[
                &workspace,
                &member,
                &login_role(workspace, name),
                &is_admin,
                &verifier(password),
            ],
        )
        .await?;
    Ok(())
}

/// The logged-in member replaces their login's password (only its verifier is sent).
pub async fn set_own_password(client: &Client, password: &str) -> Result<(), RemoteError> {
    client
        .execute(
            "SELECT govbench.set_own_password($1)",
            &[&verifier(password)],
        )
        .await?;
    Ok(())
}

/// An Admin removes a member: from the commit on they can neither log in, read nor append.
pub async fn remove_member(
    client: &Client,
    workspace: Uuid,
    member: Uuid,
    position: i64,
) -> Result<(), RemoteError> {
    client
        .execute(
            "SELECT govbench.remove_member($1, $2, $3)",
            &[&workspace, &member, &position],
        )
        .await?;
    Ok(())
}

/// One event offered to the server: its clear checking fields, what the command read (and
/// at which server position), and the sealed payload.
#[derive(Clone, Debug)]
pub struct Offer {
    pub workspace: Uuid,
    /// The server position the command's reads were based on.
    pub base_position: i64,
    /// The records and scopes the command read (`kind:id`, `evaluations-of:<id>`…).
    pub reads: Vec<String>,
    pub copy_id: Uuid,
    pub copy_seq: i64,
    pub event_hash: [u8; 32],
    pub prev_hash: [u8; 32],
    pub signer: Option<Uuid>,
    pub signature: Vec<u8>,
    pub entity_kind: String,
    pub entity_id: String,
    pub base_version: Option<i64>,
    pub new_version: i64,
    /// The scopes the changed record belongs to (its own `kind:id` is added by the server).
    pub touches: Vec<String>,
    pub key_id: Vec<u8>,
    pub format: i32,
    pub nonce: Vec<u8>,
    pub payload: Vec<u8>,
    /// The member this event adds (by an Admin), with their login: (id, role, is admin,
    /// SCRAM verifier).
    pub adds: Option<(Uuid, String, bool, String)>,
}

/// An Admin's removal or key rotation, placed with its event (`append_rotating`): the member
/// removed, the new key's id, the retired key sealed under it, and every remaining member's
/// slot.
#[derive(Clone, Debug)]
pub struct KeyRotation {
    pub removes: Option<Uuid>,
    pub new_key_id: Vec<u8>,
    pub nonce: Vec<u8>,
    pub sealed_key: Vec<u8>,
    pub slot_ids: Vec<String>,
    pub slot_bodies: Vec<Vec<u8>>,
}

/// Places the event that removes a member (or rotates the key) and the new key in one
/// transaction: both or neither. Offered again after a lost answer, the event is recognised
/// (`Duplicate`) and the rotation, committed with it, is not made twice.
pub async fn append_rotating(
    client: &Client,
    offer: &Offer,
    rotation: &KeyRotation,
) -> Result<Outcome, RemoteError> {
    client.batch_execute("BEGIN").await?;
    let placed = async {
        let outcome = append(client, offer).await?;
        if matches!(outcome, Outcome::Accepted { .. }) {
            client
                .execute(
                    "SELECT govbench.rotate_key($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[
                        &offer.workspace,
                        &rotation.removes,
                        &offer.key_id,
                        &rotation.new_key_id,
                        &rotation.nonce,
                        &rotation.sealed_key,
                        &rotation.slot_ids,
                        &rotation.slot_bodies,
                    ],
                )
                .await?;
        }
        Ok::<_, RemoteError>(outcome)
    }
    .await;
    match placed {
        Ok(outcome) => {
            client.batch_execute("COMMIT").await?;
            Ok(outcome)
        }
        Err(e) => {
            // A connection that failed ends its transaction by itself.
            let _ = client.batch_execute("ROLLBACK").await;
            Err(e)
        }
    }
}

/// What the server made of an offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Appended at `position`.
    Accepted { position: i64, log_hash: Vec<u8> },
    /// Already there (an acknowledgement that was lost): at `position`.
    Duplicate { position: i64, log_hash: Vec<u8> },
    /// Something the command read, or the record it changed, was changed after its base
    /// position: by `signer` at `position`.
    Stale {
        position: i64,
        signer: Option<Uuid>,
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Signed by someone other than the member offering it.
    NotSigner,
    /// The copy already has another event at this sequence number.
    Fork,
    /// The copy's previous event is not the one the server has.
    Gap,
    /// Sealed with a data key the workspace no longer uses.
    OldKey,
    /// Written by a version of Govbench the workspace no longer accepts.
    FormatTooOld,
    /// The workspace is still being shared: only its founder's upload is placed.
    Importing,
    /// An upload after the sharing was finished.
    NotImporting,
}

/// The founder places a run of the log being shared, in order, in one server transaction:
/// all of them or none. The calls are pipelined (sent without waiting for each answer), so a
/// run of a thousand events costs about one round trip, not a thousand.
pub async fn import_run(client: &Client, offers: &[Offer]) -> Result<Vec<Outcome>, RemoteError> {
    client.batch_execute("BEGIN").await?;
    let placed =
        futures_util::future::try_join_all(offers.iter().map(|offer| import(client, offer))).await;
    match placed {
        Ok(outcomes) => {
            client.batch_execute("COMMIT").await?;
            Ok(outcomes)
        }
        Err(e) => {
            let _ = client.batch_execute("ROLLBACK").await;
            Err(e)
        }
    }
}

/// The founder places an event of the log of the workspace being shared, whoever signed it.
pub async fn import(client: &Client, offer: &Offer) -> Result<Outcome, RemoteError> {
    let row = client
        .query_one(
            "SELECT outcome, out_position, out_log_hash, NULL::bigint, NULL::uuid,
                    NULL::timestamptz
               FROM govbench.import($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                                    $14, $15)",
            &[
                &offer.workspace,
                &offer.copy_id,
                &offer.copy_seq,
                &offer.event_hash.as_slice(),
                &offer.prev_hash.as_slice(),
                &offer.signer,
                &offer.signature,
                &offer.entity_kind,
                &offer.entity_id,
                &offer.base_version,
                &offer.new_version,
                &offer.key_id,
                &offer.format,
                &offer.nonce,
                &offer.payload,
            ],
        )
        .await?;
    outcome_of(&row)
}

pub async fn append(client: &Client, offer: &Offer) -> Result<Outcome, RemoteError> {
    let row = client
        .query_one(
            "SELECT outcome, out_position, out_log_hash, conflict_position, conflict_signer,
                    conflict_at
               FROM govbench.append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                                    $14, $15, $16, $17, $18, $19, $20, $21, $22)",
            &[
                &offer.workspace,
                &offer.base_position,
                &offer.reads,
                &offer.copy_id,
                &offer.copy_seq,
                &offer.event_hash.as_slice(),
                &offer.prev_hash.as_slice(),
                &offer.signer,
                &offer.signature,
                &offer.entity_kind,
                &offer.entity_id,
                &offer.base_version,
                &offer.new_version,
                &offer.touches,
                &offer.key_id,
                &offer.format,
                &offer.nonce,
                &offer.payload,
                &offer.adds.as_ref().map(|a| a.0),
                &offer.adds.as_ref().map(|a| a.1.as_str()),
                &offer.adds.as_ref().map(|a| a.2),
                &offer.adds.as_ref().map(|a| a.3.as_str()),
            ],
        )
        .await?;
    outcome_of(&row)
}

/// The outcome a row of (outcome, position, log hash, conflict position, signer, time) says.
fn outcome_of(row: &tokio_postgres::Row) -> Result<Outcome, RemoteError> {
    let outcome: String = row.get(0);
    let placed = || -> Result<(i64, Vec<u8>), RemoteError> {
        match (
            row.get::<_, Option<i64>>(1),
            row.get::<_, Option<Vec<u8>>>(2),
        ) {
            (Some(position), Some(log_hash)) => Ok((position, log_hash)),
            _ => Err(RemoteError::Protocol(format!(
                "{outcome} without a position"
            ))),
        }
    };
    Ok(match outcome.as_str() {
        "accepted" => {
            let (position, log_hash) = placed()?;
            Outcome::Accepted { position, log_hash }
        }
        "duplicate" => {
            let (position, log_hash) = placed()?;
            Outcome::Duplicate { position, log_hash }
        }
        "stale" => Outcome::Stale {
            position: row.get::<_, Option<i64>>(3).unwrap_or_default(),
            signer: row.get(4),
            at: row.get(5),
        },
        "not_signer" => Outcome::NotSigner,
        "fork" => Outcome::Fork,
        "gap" => Outcome::Gap,
        "old_key" => Outcome::OldKey,
        "format_too_old" => Outcome::FormatTooOld,
        "importing" => Outcome::Importing,
        "not_importing" => Outcome::NotImporting,
        other => return Err(RemoteError::Protocol(format!("unknown outcome {other}"))),
    })
}
