//! The write path on a shared workspace: judged on the server's latest facts, placed by the
//! server before it commits, undone with the reason when it is stale, kept to be shared when
//! the server cannot be reached (decisions refused), read back when the answer was lost.

use super::*;

impl Session {
    /// Before a write on a shared workspace: takes in what others wrote and offers what this
    /// copy still holds back, so the write is judged on the server's latest facts. Returns
    /// whether the server answered; offline, an ordinary edit goes on (kept to be shared
    /// later) and a decision is refused.
    pub(crate) fn catch_up_before(&mut self, action: Action) -> CoreResult<bool> {
        let Some(mut server) = self.take_server() else {
            let shared = ServerNote::load(self.connection().0)?.is_some();
            return match shared && action.is_decision() {
                true => Err(CoreError::NeedsServer(action)),
                false => Ok(false),
            };
        };
        let exchanged = (|| -> CoreResult<()> {
            // What waits goes first (an edit the server turns down becomes a conflict for its
            // author and does not hold this write up), then what others wrote.
            self.offer_waiting(server.as_mut())?;
            if self.pull_before_write(server.as_mut())?.refused.is_some() {
                return Err(refused(ServerRefusal::Tampered));
            }
            Ok(())
        })();
        self.set_server(Some(server));
        match exchanged {
            Ok(()) => Ok(true),
            Err(CoreError::Server(ServerProblem::Unreachable(_))) if !action.is_decision() => {
                Ok(false)
            }
            Err(CoreError::Server(ServerProblem::Unreachable(_))) => {
                Err(CoreError::NeedsServer(action))
            }
            Err(e) => Err(e),
        }
    }

    /// A decision whose answer from the server was lost: if the server placed it, it comes
    /// back with the next exchange and stands (its outcome is returned); otherwise it was not
    /// taken, and needs the server.
    pub(crate) fn settle(&mut self, e: CoreError) -> CoreResult<govbench_protocol::CommandOutcome> {
        let CoreError::Unanswered { action, hash } = e else {
            return Err(e);
        };
        if let Some(mut server) = self.take_server() {
            let _ = self.pull(server.as_mut());
            self.set_server(Some(server));
        }
        let conn = self.connection().0;
        let placed: Option<(String, i64)> = conn
            .query_row(
                "SELECT copy_id, seq FROM audit_events WHERE hash = ?1",
                [&hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((copy, seq)) = placed else {
            return Err(CoreError::NeedsServer(action));
        };
        let sealed = audit::sealed_of(conn, &copy, seq as u64)?;
        let change = crate::receive::change_of(&sealed)?;
        Ok(govbench_protocol::CommandOutcome {
            entity: change.entity,
            version: change.version,
            audit_seq: seq as u64,
        })
    }

    /// After the server refused a write as stale: takes in what changed (so the person sees
    /// it when they look again), and names who changed it.
    pub(crate) fn after_refusal(&mut self, e: CoreError) -> CoreError {
        let CoreError::ChangedMeanwhile { entity, by, at } = e else {
            return e;
        };
        if let Some(mut server) = self.take_server() {
            let _ = self.pull(server.as_mut());
            self.set_server(Some(server));
        }
        let name = by
            .as_deref()
            .and_then(|id| id.parse().ok())
            .and_then(|id| {
                crate::members::find_any(self.connection().0, govbench_protocol::UserId(id))
                    .ok()
                    .flatten()
            })
            .map(|m| m.display_name);
        CoreError::ChangedMeanwhile {
            entity,
            by: name.or(by),
            at,
        }
    }
}

/// The refusal of a write on `entity` that the server found stale.
pub(super) fn changed_meanwhile(entity: govbench_protocol::EntityRef, stale: Outcome) -> CoreError {
    match stale {
        Outcome::Stale { signer, at, .. } => CoreError::ChangedMeanwhile {
            entity,
            by: signer.map(|s| s.to_string()),
            at,
        },
        _ => refused(ServerRefusal::Disagrees),
    }
}

/// Offers the event a write just appended (`seq` of this copy) to the server, inside the
/// write's transaction: placed, it is recorded and the write commits; refused as stale, the
/// write is undone and the person told who changed what meanwhile. When the server cannot be
/// reached an ordinary edit commits, kept to be offered later; a decision is refused. A write
/// that rotates the data key (`rotating`: a removal) is placed with the new key's slots and
/// history, in one server transaction.
pub(crate) fn offer_written(
    w: &mut crate::access::Write<'_>,
    entity: govbench_protocol::EntityRef,
    seq: u64,
    action: Action,
    adds: Option<&govbench_protocol::NewUser>,
    rotating: Option<&super::Rotating<'_>>,
) -> CoreResult<()> {
    let Some(server) = w.server.as_deref_mut() else {
        return Ok(());
    };
    let sealed = audit::sealed_of(&w.tx, w.copy_id, seq)?;
    let at = frontier(&w.tx)?;
    let mut offer = offer_of(&w.files.key, w.workspace_id.0, &sealed, at.position)?;
    if let Some(user) = adds {
        offer.adds = Some(MemberLogin {
            id: entity.id,
            name: user.name.clone(),
            is_admin: user.role == govbench_protocol::Role::Admin,
            password: crate::keyslots::server_password(
                &user.passphrase,
                w.workspace_id.0,
                &user.name,
            )?,
        });
    }
    let placed = match rotating {
        None => server.append(&offer),
        Some(rotating) => {
            let files = (w.files.path.as_path(), &w.files.key, w.workspace_id.0);
            super::keys::rotation(files, server, rotating)
                .and_then(|rotation| server.append_rotating(&offer, &rotation))
        }
    };
    match placed {
        Ok(
            Outcome::Accepted { position, log_hash } | Outcome::Duplicate { position, log_hash },
        ) => {
            // Placed on the server, not committed here yet: a desk killed now must find its
            // own event on the server when it comes back.
            crate::crash::point("sharing.placed");
            record_position(&w.tx, &sealed.event, &Frontier { position, log_hash })
        }
        Ok(stale @ Outcome::Stale { .. }) => Err(changed_meanwhile(entity, stale)),
        Ok(Outcome::Refused(why)) => Err(refused(why)),
        Err(CoreError::Server(ServerProblem::Unreachable(_))) if !action.is_decision() => Ok(()),
        // The answer was lost: the server may have placed it. Undone here; whether it stands
        // is read back from the server (`Session::settle`).
        Err(CoreError::Server(ServerProblem::Unreachable(_))) => Err(CoreError::Unanswered {
            action,
            hash: sealed.hash,
        }),
        Err(e) => Err(e),
    }
}
