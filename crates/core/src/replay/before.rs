//! The log as it stood just before an event, for a check resumed part way (whose register
//! holds only what it has passed): everything before the event in the log's order
//! (`audit::LOG_ORDER`: what the server placed, by position; then what it has not, by copy
//! and sequence).

use crate::error::CoreResult;
use rusqlite::{params, Connection, OptionalExtension};

pub(super) struct Before<'a> {
    pub copy: &'a str,
    pub seq: i64,
    /// Where the server placed the event, if it did.
    pub position: Option<i64>,
}

/// [`Before`] as a condition on [`crate::audit::LOG`]'s rows, with its fields as `?1` (copy),
/// `?2` (seq) and `?3` (position).
pub(super) const BEFORE: &str = "CASE WHEN ?3 IS NULL
                                      THEN position IS NOT NULL OR (copy_id, seq) < (?1, ?2)
                                      ELSE position < ?3 END";

impl<'a> Before<'a> {
    /// Before the event at `seq` of `copy` (which need not be stored yet).
    pub(super) fn at(conn: &Connection, copy: &'a str, seq: u64) -> CoreResult<Before<'a>> {
        let seq = seq as i64;
        let position = conn
            .prepare_cached("SELECT position FROM audit_positions WHERE copy_id = ?1 AND seq = ?2")?
            .query_row(params![copy, seq], |r| r.get(0))
            .optional()?;
        Ok(Before {
            copy,
            seq,
            position,
        })
    }
}
