//! Verifying the chains: every copy from its first event (cut into spans, one per core) or
//! from a verified mark on; each event's link, hash and signature.

use super::*;
use crate::error::{CoreError, CoreResult};
use crate::keyslots;
use ed25519_dalek::VerifyingKey;
use govbench_protocol::{AuditReport, BadEvent};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;

/// Verifies every copy's chain from its first event to its recorded head, on this connection
/// alone.
pub fn verify(conn: &Connection) -> CoreResult<AuditReport> {
    verify_in_spans(conn, None::<&fn() -> CoreResult<Connection>>, u64::MAX)
}

/// Verifies on every core: long chains are cut into one span per available thread (at most
/// four), each read on its own connection from `open_reader`.
pub fn verify_parallel<F>(conn: &Connection, open_reader: &F) -> CoreResult<AuditReport>
where
    F: Fn() -> CoreResult<Connection> + Sync,
{
    let longest = heads(conn)?
        .values()
        .map(|(seq, _)| *seq)
        .max()
        .unwrap_or(0);
    let span_len = longest.div_ceil(threads()).max(MIN_SPAN);
    verify_in_spans(conn, Some(open_reader), span_len)
}

/// Shorter chains are checked on one thread: a span is worth a thread from this length on.
const MIN_SPAN: u64 = 50_000;

/// How many threads a long chain is checked on (every core, at most four).
fn threads() -> u64 {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(4) as u64
}

/// Verifies the chains in spans of at most `span_len` events. Spans after the first are
/// checked on connections from `open_reader`, one thread each, so a long chain is read and
/// hashed on every core; the spans are then stitched (each must start where the previous one
/// ended). The first bad event is the one with the lowest seq.
pub fn verify_in_spans<F>(
    conn: &Connection,
    open_reader: Option<&F>,
    span_len: u64,
) -> CoreResult<AuditReport>
where
    F: Fn() -> CoreResult<Connection> + Sync + ?Sized,
{
    let heads = heads(conn)?;
    let mut report = AuditReport::default();
    let bad = |copy: &str, seq: u64, problem: &str, report: &AuditReport| AuditReport {
        first_bad: Some(BadEvent {
            copy_id: copy.to_owned(),
            seq,
            problem: problem.to_owned(),
        }),
        ..report.clone()
    };
    for (copy, (head_seq, head_hash)) in &heads {
        let genesis: Hex = [b'0'; 64];
        let range = verify_range(
            conn,
            open_reader,
            copy,
            (0, genesis),
            (*head_seq, head_hash),
            span_len,
        )?;
        report.events_verified += range.verified;
        report.signatures_verified += range.signed;
        report.unsigned_events += range.verified - range.signed;
        if let Some((seq, problem)) = range.bad {
            return Ok(bad(copy, seq, problem, &report));
        }
    }
    // A chain with no head was written around the write path. Walk the distinct copies by
    // seeking the primary key, not by scanning the table a second time.
    let mut after = String::new();
    while let Some((copy, first)) = conn
        .query_row(
            "SELECT copy_id, seq FROM audit_events WHERE copy_id > ?1 ORDER BY copy_id, seq LIMIT 1",
            [&after],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )
        .optional()?
    {
        if !heads.contains_key(&copy) {
            return Ok(bad(&copy, first as u64, "broken_link", &report));
        }
        after = copy;
    }
    Ok(report)
}

/// What checking a run of one copy's chain found.
struct RangeResult {
    verified: u64,
    signed: u64,
    bad: Option<Flaw>,
}

/// Checks the events of `copy` after `from` (seq and stored hash; `(0, GENESIS)` for the whole
/// chain) up to its head, in spans of at most `span_len` events checked on connections from
/// `open_reader`, one thread each, then stitched: each span must start where the one before
/// it ended, the last must end at the head, and nothing may lie beyond the head.
fn verify_range<F>(
    conn: &Connection,
    open_reader: Option<&F>,
    copy: &str,
    (from, from_hash): (u64, Hex),
    (head_seq, head_hash): (u64, &str),
    span_len: u64,
) -> CoreResult<RangeResult>
where
    F: Fn() -> CoreResult<Connection> + Sync + ?Sized,
{
    let mut range = RangeResult {
        verified: 0,
        signed: 0,
        bad: None,
    };
    let signers = Signers::of(conn, copy)?;
    let spans = split(copy, from + 1, head_seq, span_len);
    let results = run_spans(conn, open_reader, &spans, &signers)?;
    let mut prev_hash = from_hash;
    for (span, result) in spans.iter().zip(results) {
        if let Some((seq, problem)) = result.bad.filter(|(seq, _)| *seq == span.from) {
            range.bad = Some((seq, problem));
            return Ok(range);
        }
        if span.from <= span.to && result.first_prev != Some(prev_hash) {
            range.bad = Some((span.from, "broken_link"));
            return Ok(range);
        }
        range.verified += result.verified;
        range.signed += result.signed;
        if let Some(bad) = result.bad {
            range.bad = Some(bad);
            return Ok(range);
        }
        prev_hash = result.last_hash.unwrap_or(prev_hash);
    }
    if prev_hash.as_slice() != head_hash.as_bytes() {
        range.bad = Some((head_seq, "broken_link"));
        return Ok(range);
    }
    let beyond: Option<i64> = conn.query_row(
        "SELECT min(seq) FROM audit_events WHERE copy_id = ?1 AND seq > ?2",
        params![copy, head_seq as i64],
        |r| r.get(0),
    )?;
    if let Some(seq) = beyond {
        // Appended around the write path: the head was never moved to it.
        range.bad = Some((seq as u64, "broken_link"));
    }
    Ok(range)
}

/// A chain's head: (seq, hash).
pub(crate) type Head = (u64, String);
/// The first event that fails, and its `audit.problem.*` key.
pub(crate) type Flaw = (u64, &'static str);

/// Verifies the events of `copy` after `from` (whose stored hash is `from_hash`; `GENESIS` for
/// 0) up to the copy's head: links, hashes and signatures, as [`verify`] does for the whole
/// chain. Returns the head, or the first bad event as (seq, problem).
pub(crate) fn verify_after<F>(
    conn: &Connection,
    open_reader: &F,
    copy: &str,
    from: u64,
    from_hash: &str,
) -> CoreResult<Result<Option<Head>, Flaw>>
where
    F: Fn() -> CoreResult<Connection> + Sync + ?Sized,
{
    let Some((head_seq, head_hash)) = head_of(conn, copy)? else {
        return Ok(Ok(None));
    };
    if head_seq < from {
        return Ok(Err((head_seq, "sequence_gap")));
    }
    let mut from_hex: Hex = [b'0'; 64];
    if from_hash.len() != 64 {
        return Ok(Err((from, "broken_link")));
    }
    from_hex.copy_from_slice(from_hash.as_bytes());
    let span_len = (head_seq - from).div_ceil(threads()).max(MIN_SPAN);
    let range = verify_range(
        conn,
        Some(open_reader),
        copy,
        (from, from_hex),
        (head_seq, &head_hash),
        span_len,
    )?;
    Ok(match range.bad {
        Some(bad) => Err(bad),
        None => Ok(Some((head_seq, head_hash))),
    })
}

fn heads(conn: &Connection) -> CoreResult<BTreeMap<String, (u64, String)>> {
    let mut heads = BTreeMap::new();
    let mut stmt = conn.prepare("SELECT key, value FROM meta WHERE key LIKE 'audit_head:%'")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (key, value) = row?;
        let copy = key.trim_start_matches("audit_head:").to_owned();
        heads.insert(copy, parse_head(&value)?);
    }
    Ok(heads)
}

/// A run of seqs `from..=to` of one copy's chain.
struct Span {
    copy: String,
    from: u64,
    to: u64,
}

#[derive(Default)]
struct SpanResult {
    /// `prev_hash` of the span's first event, if it has one.
    first_prev: Option<Hex>,
    last_hash: Option<Hex>,
    verified: u64,
    /// Of the verified events, how many carried a valid signature.
    signed: u64,
    bad: Option<(u64, &'static str)>,
}

fn split(copy: &str, first: u64, head_seq: u64, span_len: u64) -> Vec<Span> {
    let span_len = span_len.max(1);
    let mut spans = Vec::new();
    let mut from = first;
    while from <= head_seq {
        let to = head_seq.min(from.saturating_add(span_len - 1));
        spans.push(Span {
            copy: copy.to_owned(),
            from,
            to,
        });
        from = to + 1;
    }
    if spans.is_empty() {
        spans.push(Span {
            copy: copy.to_owned(),
            from: first,
            to: first - 1,
        });
    }
    spans
}

fn run_spans<F>(
    conn: &Connection,
    open_reader: Option<&F>,
    spans: &[Span],
    signers: &Signers,
) -> CoreResult<Vec<SpanResult>>
where
    F: Fn() -> CoreResult<Connection> + Sync + ?Sized,
{
    let Some(open_reader) = open_reader.filter(|_| spans.len() > 1) else {
        return spans
            .iter()
            .map(|span| verify_span(conn, span, signers))
            .collect();
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = spans[1..]
            .iter()
            .map(|span| scope.spawn(move || verify_span(&open_reader()?, span, signers)))
            .collect();
        let mut results = vec![verify_span(conn, &spans[0], signers)?];
        for handle in others {
            results.push(
                handle
                    .join()
                    .map_err(|_| CoreError::Malformed("audit verifier thread panicked".into()))??,
            );
        }
        Ok(results)
    })
}

/// Checks one span: contiguous seqs, each event linked to the one before it within the span,
/// each stored hash equal to the recomputed one, each signature made by the key its actor had
/// then. Rows are hashed straight from SQLite's buffers, without copying them; signatures are
/// checked in batches (about twice as fast as one by one), and a failing batch is rechecked
/// one by one so the first bad event is still the one named.
fn verify_span(conn: &Connection, span: &Span, signers: &Signers) -> CoreResult<SpanResult> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, at, actor_id, actor_name, action, entity_type, entity_id, before, after,
                prev_hash, hash, signature
         FROM audit_events WHERE copy_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
    )?;
    let mut rows = stmt.query(params![span.copy, span.from as i64, span.to as i64])?;
    let mut result = SpanResult::default();
    let mut batch = SignatureBatch::default();
    let mut expected = span.from;
    let bad = loop {
        let Some(row) = rows.next()? else {
            break (expected <= span.to).then_some((expected, "sequence_gap"));
        };
        let seq = row.get::<_, i64>(0)? as u64;
        if seq != expected {
            break Some((expected, "sequence_gap"));
        }
        let field = |i: usize| -> rusqlite::Result<Option<&[u8]>> {
            Ok(row.get_ref(i)?.as_bytes_or_null().ok().flatten())
        };
        let required = |i: usize| -> rusqlite::Result<&[u8]> { Ok(field(i)?.unwrap_or_default()) };
        let prev_hash = required(10)?;
        let fields = Fields {
            copy_id: span.copy.as_bytes(),
            seq,
            id: required(1)?,
            at: required(2)?,
            actor_id: field(3)?,
            actor_name: required(4)?,
            action: required(5)?,
            entity_type: required(6)?,
            entity_id: required(7)?,
            before: field(8)?,
            after: field(9)?,
            prev_hash,
        };
        match (&result.last_hash, result.first_prev) {
            (Some(last), _) if last.as_slice() != prev_hash => break Some((seq, "broken_link")),
            (None, None) => result.first_prev = prev_hash.try_into().ok().or(Some([0; 64])),
            _ => {}
        }
        let computed = fields.hash();
        if computed.as_slice() != required(11)? {
            break Some((seq, "hash_mismatch"));
        }
        match (field(12)?, field(3)?) {
            (Some(signature), Some(actor)) => {
                let actor = std::str::from_utf8(actor).unwrap_or_default();
                let key = match signers.key_for(actor, seq, fields.action, fields.entity_id) {
                    Ok(key) => key,
                    Err(problem) => break Some((seq, problem)),
                };
                let Some(signature) = keyslots::parse_signature(signature) else {
                    break Some((seq, "bad_signature"));
                };
                if let Some(bad_seq) = batch.push(seq, computed, signature, key) {
                    break Some((bad_seq, "bad_signature"));
                }
            }
            _ if seq < signers.first_signed => {}
            _ => break Some((seq, "unsigned")),
        }
        result.last_hash = Some(computed);
        expected += 1;
    };
    // A bad signature still in the batch comes before anything found after it.
    let bad = match (batch.flush(), bad) {
        (Some(signature_seq), Some((seq, _))) if signature_seq < seq => {
            Some((signature_seq, "bad_signature"))
        }
        (Some(signature_seq), None) => Some((signature_seq, "bad_signature")),
        (_, bad) => bad,
    };
    let good_until = bad.map_or(expected, |(seq, _)| seq);
    result.verified = good_until - span.from;
    let unsigned = signers
        .first_signed
        .min(good_until)
        .saturating_sub(span.from);
    result.signed = result.verified - unsigned.min(result.verified);
    result.bad = bad;
    Ok(result)
}

/// Signatures waiting to be checked together.
#[derive(Default)]
pub(crate) struct SignatureBatch {
    seqs: Vec<u64>,
    messages: Vec<Hex>,
    signatures: Vec<ed25519_dalek::Signature>,
    keys: Vec<VerifyingKey>,
}

impl SignatureBatch {
    const SIZE: usize = 64;

    /// Adds one; checks the batch when full. Returns the seq of the first bad signature.
    fn push(
        &mut self,
        seq: u64,
        message: Hex,
        signature: ed25519_dalek::Signature,
        key: VerifyingKey,
    ) -> Option<u64> {
        if self.add(seq, message, signature, key) {
            self.flush()
        } else {
            None
        }
    }

    /// Adds one. Returns whether the batch is full (time to check it).
    pub(crate) fn add(
        &mut self,
        seq: u64,
        message: Hex,
        signature: ed25519_dalek::Signature,
        key: VerifyingKey,
    ) -> bool {
        self.seqs.push(seq);
        self.messages.push(message);
        self.signatures.push(signature);
        self.keys.push(key);
        self.seqs.len() >= Self::SIZE
    }

    /// Checks what is waiting. Returns the seq of the first bad signature.
    fn flush(&mut self) -> Option<u64> {
        self.check(true).first().copied()
    }

    /// Checks what is waiting. Returns the seqs of every bad signature.
    pub(crate) fn flush_all(&mut self) -> Vec<u64> {
        self.check(false)
    }

    fn check(&mut self, first_only: bool) -> Vec<u64> {
        let messages: Vec<&[u8]> = self.messages.iter().map(|m| m.as_slice()).collect();
        let all_good = messages.is_empty()
            || ed25519_dalek::verify_batch(&messages, &self.signatures, &self.keys).is_ok();
        let mut bad = Vec::new();
        if !all_good {
            let each = self
                .seqs
                .iter()
                .zip(&messages)
                .zip(&self.signatures)
                .zip(&self.keys);
            for (((seq, message), signature), key) in each {
                if key.verify_strict(message, signature).is_err() {
                    bad.push(*seq);
                    if first_only {
                        break;
                    }
                }
            }
        }
        self.seqs.clear();
        self.messages.clear();
        self.signatures.clear();
        self.keys.clear();
        bad
    }
}
