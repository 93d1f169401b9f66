//! `audit verify` on a shared workspace's copy also compares it with the server's log, by what
//! the server shows in clear: each position's event (copy, sequence number, hash) and the
//! hash over the log up to it. Taking events in already refuses a log that does not follow
//! from what the copy holds; this finds what the server changed *afterwards* — an event it
//! dropped, altered, moved or inserted before the copy's frontier, or a log rolled back
//! behind it — and names the position.

use super::*;
use govbench_protocol::{AnchorCheck, AuditReport, ServerLogCheck, ServerLogProblem};
use std::collections::BTreeMap;

/// Disagreements listed in full; the rest are counted.
const LISTED: usize = 20;

impl Session {
    /// Every check of [`verify_audit`](Session::verify_audit) (against `anchor`, if given),
    /// and on a shared workspace whose server answers, the comparison with the server's log.
    pub fn verify_audit_with_server(&mut self, anchor: Option<&str>) -> ApiResult<AuditReport> {
        let mut report = match anchor {
            Some(anchor) => self.verify_audit_against(anchor)?,
            None => self.verify_audit()?,
        };
        let Some(mut server) = self.take_server() else {
            return Ok(report);
        };
        let compared = compare(self.connection().0, server.as_mut());
        self.set_server(Some(server));
        report.server = match compared {
            Ok(check) => Some(check),
            // Offline: this copy's own checks stand; there is nothing to compare with.
            Err(CoreError::Server(ServerProblem::Unreachable(_))) => None,
            Err(e) => return Err(self.explain(e).into()),
        };
        Ok(report)
    }
}

/// One position as this copy took it in: the event there and the hash over the log up to it.
struct Held {
    position: u64,
    copy_id: String,
    seq: u64,
    event_hash: String,
    log_hash: String,
}

fn compare(conn: &Connection, server: &mut dyn Server) -> CoreResult<ServerLogCheck> {
    const PAGE: u32 = 5000;
    let mut check = ServerLogCheck {
        copy_position: frontier(conn)?.position,
        not_yet_shared: conn.query_row(
            &format!("SELECT count(*) FROM {} WHERE position IS NULL", audit::LOG),
            [],
            |r| r.get::<_, i64>(0),
        )? as u64,
        ..ServerLogCheck::default()
    };
    let mut chain = Frontier::START;
    loop {
        let page = server.placed_after(chain.position, PAGE)?;
        let Some(last) = page.last() else { break };
        if last.position <= chain.position {
            // A server that pages backwards would be read for ever.
            return Err(refused(ServerRefusal::Disagrees));
        }
        let mut held = held_between(conn, chain.position, last.position)?;
        for placed in &page {
            // The server's own order: positions without a gap, each hash following the last.
            if placed.position != chain.position + 1 {
                note(&mut check, chain.position + 1, "missing", None);
            } else if chain.next(&placed.event_hash).log_hash != placed.log_hash {
                note(&mut check, placed.position, "broken", None);
            }
            chain = Frontier {
                position: placed.position.max(chain.position),
                log_hash: placed.log_hash,
            };
            // The event this copy took in at that position must be the one shown there.
            if let Some(h) = held.remove(&placed.position) {
                let same = h.copy_id == placed.copy_id.to_string()
                    && h.seq == placed.copy_seq
                    && h.event_hash == hex::encode(placed.event_hash)
                    && h.log_hash == hex::encode(placed.log_hash);
                if same {
                    check.positions_matched += 1;
                } else {
                    note(&mut check, h.position, "altered", Some(&h));
                }
            }
        }
        // What this copy took in at positions the server no longer shows.
        for h in held.values() {
            note(&mut check, h.position, "missing", Some(h));
        }
        check.server_position = chain.position;
        check.server_log_hash = hex::encode(chain.log_hash);
    }
    // Held beyond the server's end: its log was rolled back behind this copy.
    for h in held_between(conn, chain.position, u64::MAX >> 1)?.values() {
        note(&mut check, h.position, "missing", Some(h));
    }
    Ok(check)
}

/// The positions this copy took in after `from`, up to `to`.
fn held_between(conn: &Connection, from: u64, to: u64) -> CoreResult<BTreeMap<u64, Held>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.position, p.copy_id, p.seq, e.hash, p.log_hash
           FROM audit_positions p JOIN audit_events e USING (copy_id, seq)
          WHERE p.position > ?1 AND p.position <= ?2",
    )?;
    let rows = stmt.query_map(params![from as i64, to as i64], |r| {
        Ok(Held {
            position: r.get::<_, i64>(0)? as u64,
            copy_id: r.get(1)?,
            seq: r.get::<_, i64>(2)? as u64,
            event_hash: r.get(3)?,
            log_hash: r.get(4)?,
        })
    })?;
    let mut held = BTreeMap::new();
    for h in rows {
        let h = h?;
        held.insert(h.position, h);
    }
    Ok(held)
}

fn note(check: &mut ServerLogCheck, position: u64, problem: &str, held: Option<&Held>) {
    check.problem_count += 1;
    if check.problems.len() < LISTED {
        check.problems.push(ServerLogProblem {
            position,
            problem: problem.to_owned(),
            copy_id: held.map(|h| h.copy_id.clone()),
            seq: held.map(|h| h.seq),
        });
    }
}

/// A frontier as reports print it, `log:<position>:<64 hex>`: the server's position and its
/// hash over the log up to there.
pub(crate) fn parse_frontier(text: &str) -> Option<(u64, String)> {
    let rest = text.trim().strip_prefix("log:")?;
    let (position, hash) = rest.split_once(':')?;
    let hash = hash.to_ascii_lowercase();
    let valid = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    Some((position.parse().ok()?, hash)).filter(|_| valid)
}

/// Does this copy hold the server's log exactly as a printed frontier names it? The hash at a
/// position covers every event up to it, so one match proves the whole history before it.
pub(crate) fn check_frontier(
    conn: &Connection,
    position: u64,
    hash: &str,
) -> CoreResult<AnchorCheck> {
    let held: Option<String> = conn
        .query_row(
            "SELECT log_hash FROM audit_positions WHERE position = ?1",
            [position as i64],
            |r| r.get(0),
        )
        .optional()?;
    let ends = frontier(conn)?.position;
    let found = held.as_deref() == Some(hash);
    Ok(AnchorCheck {
        head: format!("{position}:{hash}"),
        source: "given_log".into(),
        found,
        rewritten_from: (!found && held.is_some()).then_some(position),
        rewritten_to: (!found && held.is_some()).then_some(position),
        copy_ends_at: (!found && held.is_none() && ends < position).then_some(ends),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontiers_parse_as_printed_and_nothing_else_does() {
        let hash = "AB".repeat(32);
        assert_eq!(
            parse_frontier(&format!(" log:1234:{hash} ")),
            Some((1234, hash.to_ascii_lowercase()))
        );
        for bad in [
            format!("1234:{hash}"),
            format!("log:x:{hash}"),
            format!("log:1234:{}", &hash[2..]),
            "log:1234".to_owned(),
        ] {
            assert_eq!(parse_frontier(&bad), None, "{bad}");
        }
    }
}
