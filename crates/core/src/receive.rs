//! Events another copy made, received in the log's one order (the server's) and applied to
//! this copy's tables only once they are verified, each exactly as `audit verify` would:
//! its hash, its link to the previous event of its own copy, its signature by the key its
//! author held at that point, and what its author could do there (`replay`: role, own
//! records, the record as the log left it, the lifecycle's step, the action's reach). Then
//! the event joins its copy's chain here and its after-image is stored
//! (`features::put_image`) — once what the author's write path judged on its tables (the
//! go-live gate, `features::recheck`) holds on this copy's, which are the log's state just
//! before the event. The first event that fails stops the batch: nothing from it on is
//! applied, and it is named.

use crate::audit::{self, Sealed, GENESIS};
use crate::change::Change;
use crate::error::{CoreError, CoreResult};
use crate::keyslots::PublicKeys;
use crate::replay::{verify_with, Authority, Seen};
use ed25519_dalek::VerifyingKey;
use govbench_protocol::{EntityKind, EntityRef};
use rusqlite::Transaction;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How `receive` reads an event.
fn seen_of(e: &audit::Event) -> Seen<'_> {
    Seen {
        copy: &e.copy_id,
        seq: e.seq,
        actor: e.actor_id.as_deref(),
        action: &e.action,
        entity_type: &e.entity_type,
        entity_id: &e.entity_id,
        before: e.before.as_deref(),
        after: e.after.as_deref(),
    }
}

/// What one batch did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Received {
    /// Events verified and applied.
    pub applied: u64,
    /// Events this copy already held (the same hash at the same place): skipped.
    pub already_held: u64,
    /// The first event refused; nothing after it in the batch was applied.
    pub refused: Option<Refused>,
}

/// An event that was not applied: its place in its copy's chain and why, as an
/// `audit.problem.*` key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub copy: String,
    pub seq: u64,
    pub problem: &'static str,
}

/// Receives events for one copy of a workspace, keeping what the checks need between
/// batches: who the members are and what each record last was.
pub struct Receiver {
    authority: Authority,
    /// Members' signing keys as parsed, by their hex.
    parsed: HashMap<String, Result<VerifyingKey, &'static str>>,
}

/// A signature checked ahead: the keys it was checked against, and the verdict.
type Checked = (PublicKeys, Result<(), &'static str>);

/// An author's keys, and their signing key parsed.
struct AuthorKey {
    keys: PublicKeys,
    parsed: Result<VerifyingKey, &'static str>,
}

/// Events per chunk handed to one signature worker.
const CHUNK: usize = 32;

impl Receiver {
    /// For a copy that holds no event yet (one being joined): the first event received must
    /// be the workspace's first.
    pub fn fresh() -> Receiver {
        Receiver {
            authority: Authority::from_start(),
            parsed: HashMap::new(),
        }
    }

    /// For a copy that holds events, to receive those that come after them: what they
    /// established is taken in (they were verified when they were stored) — the members at
    /// once, each record's last state when an event names it.
    pub fn resume(conn: &rusqlite::Connection) -> CoreResult<Receiver> {
        Ok(Receiver {
            authority: Authority::at_end(conn)?,
            parsed: HashMap::new(),
        })
    }

    /// Checks and applies `events`, in order, inside `tx`. A batch worth it (a page of a
    /// join or a catch-up) has its signatures checked on other threads while this one applies
    /// the events whose signatures are already checked: checking a signature and applying an
    /// event cost about the same, and only the order of applying matters.
    pub fn receive(&mut self, tx: &Transaction<'_>, events: &[Sealed]) -> CoreResult<Received> {
        let workers = match events.len() {
            // A few events (a desk's exchange before a write) are not worth a thread.
            0..=63 => 0,
            _ => std::thread::available_parallelism().map_or(1, |n| (n.get() - 1).clamp(1, 3)),
        };
        if workers == 0 {
            return self.receive_checked(tx, events, &mut |_| None);
        }
        // Against the keys each author holds as the batch begins; the ordered pass checks
        // again where a member event in the batch changed them.
        let keys: Vec<Option<AuthorKey>> = events
            .iter()
            .map(|sealed| self.author_key(&seen_of(&sealed.event)).ok())
            .collect();
        // How far the ordered pass has come: a worker skips what it has passed.
        let passed = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            // Worker `w` checks the chunks `w`, `w + workers`, … in order and hands each
            // verdict over as it has it; the ordered pass takes them in the events' order.
            let verdicts: Vec<_> = (0..workers)
                .map(|w| {
                    let (verdict, arriving) =
                        std::sync::mpsc::channel::<(usize, Option<Checked>)>();
                    let (events, keys, passed) = (events, &keys, &passed);
                    scope.spawn(move || {
                        let mine = (0..events.len()).filter(|i| (i / CHUNK) % workers == w);
                        for i in mine {
                            if i < passed.load(Ordering::Relaxed) {
                                continue;
                            }
                            let checked = keys[i].as_ref().and_then(|key| {
                                let signature = events[i].signature.as_deref()?;
                                let verdict = match &key.parsed {
                                    Ok(parsed) => verify_with(parsed, &events[i].hash, signature),
                                    Err(problem) => Err(*problem),
                                };
                                Some((key.keys.clone(), verdict))
                            });
                            // The ordered pass stopped (a refusal): nothing more is needed.
                            if verdict.send((i, checked)).is_err() {
                                return;
                            }
                        }
                    });
                    arriving
                })
                .collect();
            // A verdict not there yet is not waited for: the ordered pass checks that one
            // itself (`None`). The workers share the cores with it, with the thread fetching
            // the next page and with the server; waiting left a core idle a fifth of the time.
            // Returning drops the receivers, which ends the workers at their next verdict.
            self.receive_checked(tx, events, &mut |i| {
                passed.store(i, Ordering::Relaxed);
                let from = &verdicts[(i / CHUNK) % workers];
                // Verdicts for events this pass checked itself come late and are dropped.
                while let Ok((at, checked)) = from.try_recv() {
                    if at == i {
                        return checked;
                    }
                }
                None
            })
        })
    }

    /// The ordered pass: checks and applies `events`, taking the signature of the `i`-th as
    /// `ahead(i)` checked it (called once per event, in order), if it was.
    fn receive_checked(
        &mut self,
        tx: &Transaction<'_>,
        events: &[Sealed],
        ahead: &mut dyn FnMut(usize) -> Option<Checked>,
    ) -> CoreResult<Received> {
        let mut received = Received::default();
        for (i, sealed) in events.iter().enumerate() {
            let e = &sealed.event;
            let ahead = ahead(i);
            let refuse = |problem| Refused {
                copy: e.copy_id.clone(),
                seq: e.seq,
                problem,
            };
            let seen = seen_of(e);
            match self.place(tx, sealed)? {
                Place::Held => {
                    // Verified when it was stored: only its effect on the register is needed.
                    self.authority.learn(&seen);
                    received.already_held += 1;
                    continue;
                }
                Place::Refused(problem) => {
                    received.refused = Some(refuse(problem));
                    break;
                }
                Place::Next => {}
            }
            let Some(signature) = sealed.signature.as_deref() else {
                received.refused = Some(refuse("unsigned"));
                break;
            };
            // Checked ahead against the key the author held as the batch began; again here
            // if a member event in the batch changed it.
            let signed = match (self.author_key(&seen), ahead) {
                (Ok(key), Some((held, verdict))) if key.keys == held => verdict,
                (Ok(key), _) => key
                    .parsed
                    .and_then(|parsed| verify_with(&parsed, &sealed.hash, signature)),
                (Err(problem), _) => Err(problem),
            };
            if let Err(problem) = signed {
                received.refused = Some(refuse(problem));
                break;
            }
            if let Err(problem) = self.authority.check(tx, &seen)? {
                received.refused = Some(refuse(problem));
                break;
            }
            // What the author's write path judged on its tables, judged again on these (the
            // log's state just before the event): the go-live gate.
            let change = change_of(sealed)?;
            let may_override = e
                .actor_id
                .as_deref()
                .and_then(|actor| self.authority.role_of(actor))
                .is_some_and(|role| {
                    crate::authz::allows_action(
                        role,
                        govbench_protocol::ModelAction::OverrideGate.into(),
                    )
                });
            let action = crate::shared::history::action_key(&e.action);
            if let Err(problem) = crate::features::recheck(tx, action, &change, may_override)? {
                received.refused = Some(refuse(problem));
                break;
            }
            audit::store(tx, e, &sealed.hash, Some(signature))?;
            crate::features::put_image(tx, &change)?;
            received.applied += 1;
        }
        Ok(received)
    }

    /// The key `e`'s author holds at this point, parsed once per key (parsing decompresses a
    /// curve point, a fifth of a check), or why there is none.
    fn author_key(&mut self, e: &Seen<'_>) -> Result<AuthorKey, &'static str> {
        let keys = self.authority.author_keys(e)?;
        let parsed = match self.parsed.get(&keys.sign) {
            Some(parsed) => *parsed,
            None => {
                let parsed = keys.verifying_key().map_err(|_| "unknown_signer");
                self.parsed.insert(keys.sign.clone(), parsed);
                parsed
            }
        };
        Ok(AuthorKey { keys, parsed })
    }

    /// Where `sealed` falls in its copy's chain as this copy holds it.
    fn place(&self, tx: &Transaction<'_>, sealed: &Sealed) -> CoreResult<Place> {
        let e = &sealed.event;
        if e.hash() != sealed.hash {
            return Ok(Place::Refused("hash_mismatch"));
        }
        let (head_seq, head_hash) =
            audit::head_of(tx, &e.copy_id)?.unwrap_or((0, GENESIS.to_owned()));
        if e.seq <= head_seq {
            let held = audit::hash_of(tx, &e.copy_id, e.seq)?;
            return Ok(if held.as_deref() == Some(sealed.hash.as_str()) {
                Place::Held
            } else {
                // Another event at a place this copy's chain already fills: a fork.
                Place::Refused("broken_link")
            });
        }
        if e.seq != head_seq + 1 {
            return Ok(Place::Refused("sequence_gap"));
        }
        if e.prev_hash != head_hash {
            return Ok(Place::Refused("broken_link"));
        }
        Ok(Place::Next)
    }
}

enum Place {
    /// The next event of its copy's chain.
    Next,
    /// Already here.
    Held,
    Refused(&'static str),
}

/// The change an event records, as the write path made it.
pub(crate) fn change_of(sealed: &Sealed) -> CoreResult<Change> {
    let e = &sealed.event;
    let malformed =
        |what: &str| CoreError::Malformed(format!("event {}/{}: {what}", e.copy_id, e.seq));
    let kind = EntityKind::from_key(&e.entity_type).ok_or_else(|| malformed("kind"))?;
    let id = e.entity_id.parse().map_err(|_| malformed("record id"))?;
    let image = |text: Option<&String>| -> CoreResult<Option<serde_json::Value>> {
        text.map(|t| serde_json::from_str(t).map_err(|_| malformed("image")))
            .transpose()
    };
    let after = image(e.after.as_ref())?;
    let version = after
        .as_ref()
        .and_then(|a| a.get("version"))
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(1);
    Ok(Change {
        entity: EntityRef { kind, id },
        before: image(e.before.as_ref())?,
        after,
        version,
    })
}
