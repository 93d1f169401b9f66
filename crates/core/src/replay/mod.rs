//! What each event was allowed to do. The chain and the signatures prove *who* wrote an event
//! and that nobody changed it since; this module proves that its author *could* write it: at
//! its place in the log the signer was an active member whose role — rebuilt from earlier
//! user events, themselves checked the same way — held the action (the matrix, including
//! own-records rules), and its before → after is a change that action can make: the record as
//! the log last left it, the lifecycle's legal step, and for members only the fields the
//! action may touch. Every rule the write path enforces on members and steps is enforced
//! again here, so a member who writes straight into the database (with their own key) is
//! named by `audit verify`, by login, and by every copy that replays the log.
//!
//! The member register this pass rebuilds is also where a session takes its user's role and
//! keys from (`session::login`), never from the `users` row beside it.

use crate::error::CoreResult;
use crate::features;
use crate::keyslots::PublicKeys;
use crate::shared::history::action_key;
use crate::shared::lifecycle::StepVerdict;
use crate::shared::reach::{Fields, Reach};
use govbench_protocol::{
    Action, AssessmentAction, EntityKind, Role, UserAction, UserId, UserSummary,
};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;
use std::collections::HashMap;
use std::hash::BuildHasher;

mod before;
mod gate;
mod passes;
pub(crate) use passes::{check_all, check_from, register};

/// A member as the verified log says: what their role, state and keys are.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub keys: Option<PublicKeys>,
}

impl Member {
    pub fn summary(&self, id: UserId) -> UserSummary {
        UserSummary {
            id,
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
        }
    }
}

/// The first event its author could not have written: (copy, seq, problem key).
pub type FirstBad = (String, u64, &'static str);

/// One event as this pass reads it.
pub(crate) struct Seen<'a> {
    pub copy: &'a str,
    pub seq: u64,
    pub actor: Option<&'a str>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

/// The state the checks need, built up event by event.
#[derive(Default)]
pub(crate) struct Authority {
    members: HashMap<String, Member>,
    /// Every record's last event: (entity type, id) → where it is and its after-image's hash
    /// (`None`: the record was deleted).
    records: HashMap<(String, String), LastEvent>,
    /// The register above holds every record (a pass from the first event); otherwise a
    /// record not in it is looked up in the log.
    complete: bool,
    /// Records not in the register are looked up as the log orders them (the server's
    /// order), not by each copy's sequence: the events checked come after all that is held.
    at_end: bool,
    workspace_created: bool,
    /// The quarters an assessment was opened for: one per quarter.
    quarters: std::collections::HashSet<String>,
    /// Each model's evaluations (model id → evaluation ids), as the log made them: the
    /// go-live gate is judged on them (`gate`).
    evaluations: HashMap<String, Vec<String>>,
    /// Every signing key (hex) the log ever registered to a member.
    ever_registered: std::collections::HashSet<String>,
    /// Keys the fingerprints of after-images, chosen anew for every pass: a forger cannot
    /// search offline for a before-image that passes for the record's last after-image.
    keyed: std::hash::RandomState,
}

#[derive(Clone)]
struct LastEvent {
    copy: String,
    seq: u64,
    after: Option<u64>,
}

impl LastEvent {
    /// The after-image the event recorded, read back from the log (the register keeps only
    /// its hash).
    fn after_image(&self, conn: &Connection) -> CoreResult<Option<String>> {
        let image = conn
            .prepare_cached("SELECT after FROM audit_events WHERE copy_id = ?1 AND seq = ?2")?
            .query_row(params![self.copy, self.seq as i64], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?;
        Ok(image.flatten())
    }
}

/// The fields of a member's image the rules read.
#[derive(Deserialize)]
struct UserImage {
    id: String,
    name: String,
    #[serde(default)]
    display_name: String,
    /// Images carry a role by its variant name (`"Admin"`).
    role: Role,
    active: bool,
    #[serde(default)]
    keys: Option<PublicKeys>,
}

impl Authority {
    /// For a pass over the whole log, from each copy's first event.
    pub fn from_start() -> Authority {
        Authority {
            complete: true,
            ..Authority::default()
        }
    }

    /// Resumes at `from` (the first event not yet verified) of `copy`: the members are rebuilt
    /// from the user events before it (few, already verified), the quarters from the
    /// assessments opened, and records are looked up in the log as events name them.
    pub fn resume(conn: &Connection, copy: &str, from: u64) -> CoreResult<Authority> {
        let mut authority = Authority::default();
        let before = before::Before::at(conn, copy, from)?;
        // Through the entity index (a few member events, not the log), before `from` in the
        // log's order.
        let mut stmt = conn.prepare(&format!(
            "SELECT {SEEN} FROM {log}
             WHERE entity_type IN ('user', 'workspace', 'assessment') AND {before}
             ORDER BY {order}",
            log = crate::audit::LOG_BY_ENTITY,
            before = before::BEFORE,
            order = crate::audit::LOG_ORDER,
        ))?;
        let mut rows = stmt.query(params![before.copy, before.seq, before.position])?;
        while let Some(row) = rows.next()? {
            // Verified when they were appended; rebuilt here without judging them again.
            authority.learn(&seen(row)?);
        }
        Ok(authority)
    }

    /// For events that come after everything `conn` holds (a shared copy taking in the
    /// server's next events): the members from the user and workspace events (few, verified
    /// when they were stored), and records looked up in the log as events name them — not a
    /// pass over the whole log before every exchange.
    pub fn at_end(conn: &Connection) -> CoreResult<Authority> {
        let mut authority = Authority {
            at_end: true,
            ..Authority::default()
        };
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {SEEN} FROM {log} WHERE entity_type IN ('user', 'workspace', 'assessment')
             ORDER BY {order}",
            log = crate::audit::LOG_BY_ENTITY,
            order = crate::audit::LOG_ORDER,
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            authority.learn(&seen(row)?);
        }
        Ok(authority)
    }

    /// Every signing key (hex) the log ever registered.
    pub fn registered_keys(&self) -> std::collections::HashSet<String> {
        self.ever_registered.clone()
    }

    /// The member called `name` (names compare as ASCII without case, as everywhere).
    pub fn named(&self, name: &str) -> Option<(UserId, &Member)> {
        self.members
            .iter()
            .find(|(_, m)| m.name.eq_ignore_ascii_case(name))
            .and_then(|(id, m)| Some((id.parse().ok()?, m)))
    }

    /// The role of the active member `id` at this point of the log.
    pub fn role_of(&self, id: &str) -> Option<Role> {
        self.members.get(id).filter(|m| m.active).map(|m| m.role)
    }

    /// The member whose registered signing key is `sign` (hex).
    pub fn holding(&self, sign: &str) -> Option<(UserId, &Member)> {
        self.members
            .iter()
            .find(|(_, m)| m.keys.as_ref().is_some_and(|k| k.sign == sign))
            .and_then(|(id, m)| Some((id.parse().ok()?, m)))
    }

    /// Checks one event (in log order) and takes in its effect. Returns the problem, by its
    /// `audit.problem.*` key, if its author could not have written it.
    pub fn check(
        &mut self,
        conn: &Connection,
        e: &Seen<'_>,
    ) -> CoreResult<Result<(), &'static str>> {
        let verdict = self.judge(conn, e)?;
        if verdict.is_ok() {
            self.learn(e);
        }
        Ok(verdict)
    }

    fn judge(&mut self, conn: &Connection, e: &Seen<'_>) -> CoreResult<Result<(), &'static str>> {
        let action = action_key(e.action);
        let Some(actor) = e.actor else {
            return Ok(Err("unknown_signer"));
        };
        // Who the author is at this point. The one member nobody registered is the founder,
        // who registers themselves in a workspace's first event.
        let founding = self.members.is_empty()
            && action == UserAction::Create.key()
            && e.entity_type == EntityKind::User.key()
            && e.entity_id == actor;
        let role = match self.members.get(actor) {
            Some(m) if m.active => m.role,
            Some(_) => return Ok(Err("removed_signer")),
            None if founding => Role::Admin,
            None => return Ok(Err("unknown_signer")),
        };
        if let Err(problem) = self.continues(conn, e)? {
            return Ok(Err(problem));
        }
        if action == crate::audit::CREATE_WORKSPACE {
            let legal = role == Role::Admin
                && !self.workspace_created
                && e.entity_type == EntityKind::Workspace.key()
                && e.before.is_none();
            return Ok(if legal { Ok(()) } else { Err("not_permitted") });
        }
        let Some(parsed) = Action::from_key(action) else {
            return Ok(Err("unknown_action"));
        };
        if !crate::authz::allows_action(role, parsed) {
            return Ok(Err("not_permitted"));
        }
        let Some(kind) = EntityKind::from_key(e.entity_type) else {
            return Ok(Err("illegal_change"));
        };
        let reach = features::reach(parsed);
        if reach.entity != kind {
            return Ok(Err("illegal_change"));
        }
        if kind == EntityKind::User || matches!(parsed, Action::User(_)) {
            return Ok(self.member_change(e, actor, role, parsed, &reach, founding));
        }
        if crate::authz::own_records_only(parsed.permission(), role) {
            let author = e.before.and_then(|b| field(b, "filed_by"));
            if author.as_deref() != Some(actor) {
                return Ok(Err("not_author"));
            }
        }
        // The server refuses a second opening of a quarter; a copy does not take one in either.
        if parsed == Action::Assessment(AssessmentAction::Open)
            && opened_quarter(e).is_some_and(|q| self.quarters.contains(&q))
        {
            return Ok(Err("quarter_taken"));
        }
        if let Err(problem) = change(kind, parsed, &reach, actor, e) {
            return Ok(Err(problem));
        }
        self.gate(conn, e, role)
    }

    /// Does the event start from the record as the log last left it? A creation must find no
    /// record; a change must find the record with exactly its before-image.
    fn continues(&self, conn: &Connection, e: &Seen<'_>) -> CoreResult<Result<(), &'static str>> {
        let key = (e.entity_type.to_owned(), e.entity_id.to_owned());
        let last = match self.records.get(&key) {
            Some(last) => Some(last.clone()),
            None if self.complete => None,
            None if self.at_end => last_in_log(conn, e, &self.keyed)?,
            None => last_event(conn, e, &self.keyed)?,
        };
        let last_after = last.as_ref().and_then(|l| l.after);
        let Some(before) = e.before else {
            return Ok(if last_after.is_none() {
                Ok(())
            } else {
                Err("stale_before")
            });
        };
        let Some(last) = last.filter(|l| l.after.is_some()) else {
            return Ok(Err("stale_before"));
        };
        if last.after == Some(self.keyed.hash_one(before)) {
            return Ok(Ok(()));
        }
        // Not the same text: an image written by an older version may lack fields added since
        // (or list them in another order). Every field both carry must agree.
        let recorded = last.after_image(conn)?;
        let agree = recorded.as_deref().is_some_and(|r| agree(r, before));
        Ok(if agree { Ok(()) } else { Err("stale_before") })
    }

    /// The rules of membership (ARCHITECTURE.md, "Keys"): an Admin adds members (the founder
    /// adds themselves first); a member renews only their own keys, signed with the previous
    /// ones, and nothing else of their record; an Admin removes someone else, and nothing but
    /// the active flag changes. No event changes a role.
    fn member_change(
        &self,
        e: &Seen<'_>,
        actor: &str,
        role: Role,
        action: Action,
        reach: &Reach,
        founding: bool,
    ) -> Result<(), &'static str> {
        let Action::User(user_action) = action else {
            return Err("illegal_change");
        };
        if e.entity_type != EntityKind::User.key() {
            // Rotating the key counts on the workspace's record.
            return match user_action {
                UserAction::RotateKey | UserAction::ContinueCopy
                    if e.entity_type == EntityKind::Workspace.key() =>
                {
                    match e.before {
                        Some(_) => change(EntityKind::Workspace, action, reach, actor, e),
                        // Workspaces from before the workspace's record was logged.
                        None => Ok(()),
                    }
                }
                _ => Err("illegal_change"),
            };
        }
        let before = e.before.map(serde_json::from_str::<serde_json::Value>);
        let after = e.after.map(serde_json::from_str::<serde_json::Value>);
        let (before, after) = match (before.transpose(), after.transpose()) {
            (Ok(b), Ok(a)) => (b, a),
            _ => return Err("illegal_change"),
        };
        let image = after
            .as_ref()
            .and_then(|a| serde_json::from_value::<UserImage>(a.clone()).ok());
        let Some(image) = image.filter(|i| i.id == e.entity_id) else {
            return Err("illegal_change");
        };
        let unchanged_but = |fields: &[&str]| -> bool {
            let strip = |v: &Option<serde_json::Value>| {
                v.as_ref().and_then(|v| v.as_object()).map(|o| {
                    let mut o = o.clone();
                    for f in fields.iter().chain(&["version"]) {
                        o.remove(*f);
                    }
                    o
                })
            };
            let (b, a) = (strip(&before), strip(&after));
            b.is_some() && b == a
        };
        match user_action {
            UserAction::Create => {
                // Members from before signing were added without keys; they enroll at their
                // first login, signing with the key that event registers.
                let legal =
                    before.is_none() && image.active && (!founding || image.role == Role::Admin);
                legal.then_some(()).ok_or("illegal_change")
            }
            UserAction::Enroll => {
                if e.entity_id != actor {
                    return Err("not_permitted");
                }
                (unchanged_but(&["keys"]) && image.keys.is_some())
                    .then_some(())
                    .ok_or("illegal_change")
            }
            UserAction::Remove => {
                if e.entity_id == actor || role != Role::Admin {
                    return Err("not_permitted");
                }
                (unchanged_but(&["active"]) && !image.active)
                    .then_some(())
                    .ok_or("illegal_change")
            }
            UserAction::RotateKey | UserAction::ContinueCopy => Err("illegal_change"),
        }
    }

    /// Takes in an event's effect on the members and the record register.
    pub(crate) fn learn(&mut self, e: &Seen<'_>) {
        if action_key(e.action) == crate::audit::CREATE_WORKSPACE {
            self.workspace_created = true;
        }
        if let Some(quarter) = opened_quarter(e) {
            self.quarters.insert(quarter);
        }
        if let Some(model) = gate::evaluated_model(e) {
            self.evaluations
                .entry(model)
                .or_default()
                .push(e.entity_id.to_owned());
        }
        if e.entity_type == EntityKind::User.key() {
            let image = e
                .after
                .and_then(|a| serde_json::from_str::<UserImage>(a).ok());
            match image {
                Some(image) => {
                    if let Some(keys) = &image.keys {
                        self.ever_registered.insert(keys.sign.clone());
                    }
                    self.members.insert(
                        e.entity_id.to_owned(),
                        Member {
                            name: image.name,
                            display_name: image.display_name,
                            role: image.role,
                            active: image.active,
                            keys: image.keys,
                        },
                    );
                }
                None => {
                    if let Some(m) = self.members.get_mut(e.entity_id) {
                        m.active = false;
                    }
                }
            }
        }
        self.records.insert(
            (e.entity_type.to_owned(), e.entity_id.to_owned()),
            LastEvent {
                copy: e.copy.to_owned(),
                seq: e.seq,
                after: e.after.map(|a| self.keyed.hash_one(a)),
            },
        );
    }
}

/// Is the recorded change one `action` can make, signed by `signer`? It is about the kind of
/// record the action acts on, moves the version by exactly one, changes the status only by a
/// step of the kind's lifecycle, and stays within the action's reach: the parts it may change,
/// in the signer's own name (`shared::reach`).
fn change(
    kind: EntityKind,
    action: Action,
    reach: &Reach,
    signer: &str,
    e: &Seen<'_>,
) -> Result<(), &'static str> {
    judged(kind, action, reach, signer, e.entity_id, e.before, e.after)
}

/// [`change`] of images as text.
fn judged(
    kind: EntityKind,
    action: Action,
    reach: &Reach,
    signer: &str,
    entity_id: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<(), &'static str> {
    // No action deletes a record.
    let Some(after) = after.and_then(Fields::parse) else {
        return Err("illegal_change");
    };
    let before = match before.map(Fields::parse) {
        Some(None) => return Err("illegal_change"),
        Some(Some(b)) => Some(b),
        None => None,
    };
    let status = crate::kinds::status_field(kind);
    reach.judge(signer, status, before.as_ref(), &after)?;
    let Some(before) = before else {
        // A creation: of the record the event names.
        return match after.text("id") {
            Some(id) if id != entity_id => Err("illegal_change"),
            _ => Ok(()),
        };
    };
    let (Some(from), Some(to)) = (before.text(status), after.text(status)) else {
        return Ok(());
    };
    match features::judge_step(kind, action, from, to) {
        None | Some(StepVerdict::Legal) => Ok(()),
        Some(StepVerdict::NotAStep) if from == to => Ok(()),
        Some(StepVerdict::NotAStep | StepVerdict::Illegal) => Err("illegal_step"),
    }
}

/// Is a change the write path is about to record within what `action` may do, by `signer`?
/// The same judgement verification makes of the recorded event.
pub(crate) fn within_reach(
    action: Action,
    change: &crate::change::Change,
    signer: &str,
) -> CoreResult<()> {
    let reach = features::reach(action);
    let text = |image: &Option<serde_json::Value>| image.as_ref().map(|v| v.to_string());
    let (before, after) = (text(&change.before), text(&change.after));
    let verdict = if change.entity.kind == reach.entity {
        judged(
            reach.entity,
            action,
            &reach,
            signer,
            &change.entity.id.to_string(),
            before.as_deref(),
            after.as_deref(),
        )
    } else {
        Err("illegal_change")
    };
    verdict.map_err(|problem| {
        crate::error::CoreError::Malformed(format!(
            "{} would record a change beyond its reach ({problem})",
            action.key()
        ))
    })
}

/// One top-level text field of an image.
fn field(image: &str, name: &str) -> Option<String> {
    Fields::parse(image)?.text(name).map(str::to_owned)
}

/// Do two images agree on every field both carry?
fn agree(recorded: &str, before: &str) -> bool {
    let parse = |t: &str| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t);
    match (parse(recorded), parse(before)) {
        (Ok(r), Ok(b)) => r
            .iter()
            .all(|(k, v)| b.get(k).is_none_or(|other| other == v)),
        _ => false,
    }
}

/// The last event about `e`'s record before `e`, looked up in the log.
fn last_event(
    conn: &Connection,
    e: &Seen<'_>,
    keyed: &std::hash::RandomState,
) -> CoreResult<Option<LastEvent>> {
    let found = conn
        .prepare_cached(
            "SELECT copy_id, seq, after FROM audit_events
             WHERE entity_type = ?1 AND entity_id = ?2 AND NOT (copy_id = ?3 AND seq >= ?4)
             ORDER BY at DESC, seq DESC LIMIT 1",
        )?
        .query_row(
            params![e.entity_type, e.entity_id, e.copy, e.seq as i64],
            |r| last_of(r, keyed),
        )
        .optional()?;
    Ok(found)
}

/// A row of `copy_id, seq, after` as the register keeps it.
fn last_of(r: &rusqlite::Row<'_>, keyed: &std::hash::RandomState) -> rusqlite::Result<LastEvent> {
    Ok(LastEvent {
        copy: r.get(0)?,
        seq: r.get::<_, i64>(1)? as u64,
        after: r
            .get::<_, Option<String>>(2)?
            .as_deref()
            .map(|a| keyed.hash_one(a)),
    })
}

/// The quarter an event opens an assessment for (a creation on an assessment's record).
fn opened_quarter(e: &Seen<'_>) -> Option<String> {
    if e.entity_type != EntityKind::Assessment.key() || e.before.is_some() {
        return None;
    }
    field(e.after?, "quarter")
}

/// The record's last event in the log's order, of all this copy holds.
fn last_in_log(
    conn: &Connection,
    e: &Seen<'_>,
    keyed: &std::hash::RandomState,
) -> CoreResult<Option<LastEvent>> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT copy_id, seq, after FROM {log}
             WHERE entity_type = ?1 AND entity_id = ?2
             ORDER BY position IS NULL DESC, position DESC, copy_id DESC, seq DESC LIMIT 1",
            log = crate::audit::LOG_BY_ENTITY,
        ))?
        .query_row(params![e.entity_type, e.entity_id], |r| last_of(r, keyed))
        .optional()?;
    Ok(found)
}

/// The columns [`seen`] reads, in its order.
pub(crate) const SEEN: &str =
    "copy_id, seq, actor_id, action, entity_type, entity_id, before, after";

/// One event as this pass reads it, borrowed from a row of [`SEEN`] columns.
pub(crate) fn seen<'r>(row: &'r rusqlite::Row<'_>) -> rusqlite::Result<Seen<'r>> {
    let text = |i: usize| -> rusqlite::Result<Option<&'r str>> {
        Ok(row.get_ref(i)?.as_str_or_null().ok().flatten())
    };
    Ok(Seen {
        copy: text(0)?.unwrap_or_default(),
        seq: row.get::<_, i64>(1)? as u64,
        actor: text(2)?,
        action: text(3)?.unwrap_or_default(),
        entity_type: text(4)?.unwrap_or_default(),
        entity_id: text(5)?.unwrap_or_default(),
        before: text(6)?,
        after: text(7)?,
    })
}

impl Authority {
    /// Was `hash` signed with the key the event's author held at that point? A member signs
    /// with their registered key; the founder's first event and a member from before signing
    /// enrolling their first key are signed with the key the event itself registers.
    pub(crate) fn signed_by_author(
        &self,
        e: &Seen<'_>,
        hash: &str,
        signature: &str,
    ) -> Result<(), &'static str> {
        verify_signature(&self.author_keys(e)?, hash, signature)
    }

    /// The keys `e`'s author holds at this point of the log: the ones their member events
    /// registered, or (registering themselves) the ones the event registers.
    pub(crate) fn author_keys(&self, e: &Seen<'_>) -> Result<PublicKeys, &'static str> {
        let actor = e.actor.ok_or("unknown_signer")?;
        let own = || {
            e.after
                .and_then(|a| serde_json::from_str::<UserImage>(a).ok())
                .and_then(|i| i.keys)
        };
        let self_registers = e.entity_id == actor && e.entity_type == EntityKind::User.key();
        let keys = match self.members.get(actor) {
            Some(m) if !m.active => return Err("removed_signer"),
            Some(Member {
                keys: Some(keys), ..
            }) => Some(keys.clone()),
            Some(Member { keys: None, .. }) if self_registers => own(),
            None if self_registers && self.members.is_empty() => own(),
            _ => None,
        };
        keys.ok_or("unknown_signer")
    }
}

/// Is `signature` (hex) `keys`' signature of `hash`?
pub(crate) fn verify_signature(
    keys: &PublicKeys,
    hash: &str,
    signature: &str,
) -> Result<(), &'static str> {
    let key = keys.verifying_key().map_err(|_| "unknown_signer")?;
    verify_with(&key, hash, signature)
}

/// Is `signature` (hex) the signature of `hash` by `key` (parsed once for many events)?
pub(crate) fn verify_with(
    key: &ed25519_dalek::VerifyingKey,
    hash: &str,
    signature: &str,
) -> Result<(), &'static str> {
    let signature =
        crate::keyslots::parse_signature(signature.as_bytes()).ok_or("bad_signature")?;
    key.verify_strict(hash.as_bytes(), &signature)
        .map_err(|_| "bad_signature")
}
