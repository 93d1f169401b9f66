//! Where a copy of a shared workspace stands, for the app's header and the Sharing page, and
//! the member dealing with their conflicts.

use super::*;
use govbench_protocol::{RefusedEvent, SharingStatus, SyncReport};

/// Where the last event this copy refused is noted (in `meta`, as JSON).
const REFUSED_KEY: &str = "server_refused";

impl Session {
    /// Notes what the last exchange found: the problem of the event it refused (shown until an
    /// exchange takes in everything again), or none.
    pub(super) fn note_refusal(&mut self, problem: Option<String>) -> CoreResult<()> {
        let now = self.clock_now();
        let position = frontier(self.connection().0)?.position + 1;
        let tx = self.begin_sync()?;
        match problem {
            Some(problem) => {
                let noted = RefusedEvent {
                    position,
                    problem,
                    found_at: now,
                };
                tx.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                    params![REFUSED_KEY, serde_json::to_string(&noted)?],
                )?;
            }
            None => {
                tx.execute("DELETE FROM meta WHERE key = ?1", [REFUSED_KEY])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Where this copy stands with its server; `None` for a workspace that is not shared.
    /// Read from the copy and the link's last call alone: it never waits for the server.
    pub fn sharing_status(&self) -> ApiResult<Option<SharingStatus>> {
        let status = (|| -> CoreResult<Option<SharingStatus>> {
            let conn = self.connection().0;
            let Some(note) = ServerNote::load(conn)? else {
                return Ok(None);
            };
            let copy = self.copy_id();
            // This copy's events are offered in their order and placed in it, so what waits
            // is what follows the last one placed.
            let (head, placed): (i64, i64) = conn.query_row(
                "SELECT (SELECT coalesce(max(seq), 0) FROM audit_events WHERE copy_id = ?1),
                        (SELECT coalesce(max(seq), 0) FROM audit_positions WHERE copy_id = ?1)",
                [copy],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let conflicts: i64 = conn.query_row(
                "SELECT count(*) FROM conflicts
                  WHERE author_id = ?1 AND resolved_at IS NULL AND reason <> 'waiting'",
                [self.user().id.to_string()],
                |r| r.get(0),
            )?;
            let link = self.server_link().unwrap_or_else(|| crate::wire::Link {
                problem: Some(refused(ServerRefusal::NotConnected).into()),
                ..crate::wire::Link::default()
            });
            Ok(Some(SharingStatus {
                server: note.address,
                workspace_id: self.workspace_id(),
                connected: link.connected,
                last_contact: link.last_contact,
                problem: link.problem,
                position: frontier(conn)?.position,
                pending: (head - placed).max(0) as u64,
                conflicts: conflicts.max(0) as u64,
                refused: crate::shared::workspace::meta_opt(conn, REFUSED_KEY)?
                    .and_then(|text| serde_json::from_str(&text).ok()),
            }))
        })();
        status.map_err(|e| self.explain(e).into())
    }

    /// The member has dealt with one of their conflicts: it leaves their list. Only this
    /// copy's note of it changes; the workspace and its log do not.
    pub fn dismiss_conflict(&mut self, id: Uuid) -> ApiResult<()> {
        let me = self.user().id.to_string();
        let now = audit::stamp(self.clock_now());
        let dismissed = (|| -> CoreResult<()> {
            let tx = self.begin_sync()?;
            let changed = tx.execute(
                "UPDATE conflicts SET resolved_at = ?1
                  WHERE id = ?2 AND author_id = ?3 AND resolved_at IS NULL
                    AND reason <> 'waiting'",
                params![now, id.to_string(), me],
            )?;
            if changed == 0 {
                return Err(CoreError::invalid("conflict", "no_such_conflict"));
            }
            tx.commit()?;
            Ok(())
        })();
        dismissed.map_err(|e| self.explain(e).into())
    }
}

impl From<Synced> for SyncReport {
    fn from(s: Synced) -> SyncReport {
        SyncReport {
            pushed: s.pushed,
            pulled: s.pulled,
            position: s.position,
            conflicts: s.conflicts,
        }
    }
}
