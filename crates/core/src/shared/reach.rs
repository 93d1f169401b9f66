//! What one action may do to a record, as data: which kind of record it acts on, whether it
//! creates or changes one, which parts of the record it may change, and which parts name the
//! member who set them. Every feature declares the reach of each of its actions (its
//! `reach.rs`); verification judges every recorded change against it, so a member who writes
//! an event by hand, signed with their own key, still cannot make an action do more than the
//! write path would (ARCHITECTURE.md, "Verification re-checks the log").
//!
//! Paths name parts of a record's JSON image: `/draft`, `/review/by`, with `*` for any one
//! element of a list or entry of a map (`/timeline/*/by`). A path covers everything under it.

use serde_json::value::RawValue;
use serde_json::Value;

/// Whether an action makes a new record, changes an existing one, or either (a singleton
/// record such as the response rules is created by its first save).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Makes {
    Creates,
    Changes,
    CreatesOrChanges,
}

/// The reach of one action. Build it with [`Reach::creates`] or [`Reach::changes`] and the
/// `const` setters, in the feature's `reach.rs`.
#[derive(Clone, Copy, Debug)]
pub struct Reach {
    pub entity: govbench_protocol::EntityKind,
    pub makes: Makes,
    /// The statuses a record the action creates may start in (none: its kind has none).
    pub starts: &'static [&'static str],
    /// What a change may alter, besides `version`, `updated_at` and the status (which its
    /// lifecycle judges).
    pub changes: &'static [&'static str],
    /// Lists a change may append to. Their entries already there stay as they were, except
    /// that an empty field of one may be filled where `changes` allows it (a period closes).
    pub appends: &'static [&'static str],
    /// Parts that record who did something: wherever the action writes one, it names the
    /// member who signed the event (nobody records an act in someone else's name).
    pub signed: &'static [&'static str],
    /// Parts of the record as it was that must not name the signer: separation of duties
    /// (who recorded results does not accept them; who signed does not approve).
    pub not_by: &'static [&'static str],
}

impl Reach {
    pub const fn creates(entity: govbench_protocol::EntityKind) -> Reach {
        Reach {
            entity,
            makes: Makes::Creates,
            starts: &[],
            changes: &[],
            appends: &[],
            signed: &[],
            not_by: &[],
        }
    }

    pub const fn changes(
        entity: govbench_protocol::EntityKind,
        changes: &'static [&'static str],
    ) -> Reach {
        Reach {
            makes: Makes::Changes,
            changes,
            ..Reach::creates(entity)
        }
    }

    /// A change that creates the record when there is none yet.
    pub const fn or_creates(self) -> Reach {
        Reach {
            makes: Makes::CreatesOrChanges,
            ..self
        }
    }

    pub const fn starts(self, starts: &'static [&'static str]) -> Reach {
        Reach { starts, ..self }
    }

    pub const fn appends(self, appends: &'static [&'static str]) -> Reach {
        Reach { appends, ..self }
    }

    pub const fn signed(self, signed: &'static [&'static str]) -> Reach {
        Reach { signed, ..self }
    }

    pub const fn not_by(self, not_by: &'static [&'static str]) -> Reach {
        Reach { not_by, ..self }
    }

    /// Judges one recorded change, signed by `signer`, of a record whose status sits in
    /// `status`: `before` is `None` for a creation. Returns the problem by its
    /// `audit.problem.*` key.
    pub fn judge(
        &self,
        signer: &str,
        status: &str,
        before: Option<&Fields<'_>>,
        after: &Fields<'_>,
    ) -> Result<(), &'static str> {
        let version = after.number("version");
        let Some(before) = before else {
            if self.makes == Makes::Changes || version.is_some_and(|v| v != 1) {
                return Err("illegal_change");
            }
            let starts = after.text(status);
            if !self.starts.is_empty() && !starts.is_some_and(|s| self.starts.contains(&s)) {
                return Err("illegal_step");
            }
            return self.in_signers_name(signer, None, after);
        };
        if self.makes == Makes::Creates {
            return Err("illegal_change");
        }
        if let (Some(b), Some(a)) = (before.number("version"), version) {
            if b.checked_add(1) != Some(a) {
                return Err("illegal_change");
            }
        }
        let implicit = ["version", "updated_at", status];
        let added = after.0.keys().filter(|k| !before.0.contains_key(*k));
        for &key in before.0.keys().chain(added) {
            let (b, a) = (before.raw(key), after.raw(key));
            if b == a || implicit.contains(&key) || self.changes.iter().any(|c| named(c) == [key]) {
                continue;
            }
            // Only a part of this field may change: compare it part by part.
            let deeper = self.changes.iter().chain(self.appends);
            if !deeper.into_iter().any(|p| named(p).first() == Some(&key)) {
                return Err("illegal_change");
            }
            let (Some(b), Some(a)) = (parsed(b), parsed(a)) else {
                return Err("illegal_change");
            };
            let mut differences = Vec::new();
            self.differ(&b, &a, &mut vec![key.to_owned()], false, &mut differences);
            let allowed = |d: &Difference| match d {
                Difference::Changed(p) => self.changes.iter().any(|c| covers(c, p)),
                Difference::Appended => true,
                Difference::Rewritten => false,
            };
            if !differences.iter().all(allowed) {
                return Err("illegal_change");
            }
        }
        for pattern in self.not_by {
            let (key, rest) = split(pattern);
            let was = before.value(key);
            if was.is_some_and(|v| matches(&v, rest).any(|(_, v)| v.as_str() == Some(signer))) {
                return Err("own_work");
            }
        }
        self.in_signers_name(signer, Some(before), after)
    }

    /// Does every part that records who did something, where this change writes it, name the
    /// signer?
    fn in_signers_name(
        &self,
        signer: &str,
        before: Option<&Fields<'_>>,
        after: &Fields<'_>,
    ) -> Result<(), &'static str> {
        for pattern in self.signed {
            let (key, rest) = split(pattern);
            let Some(raw) = after.raw(key) else {
                continue;
            };
            let was = before.and_then(|b| b.raw(key));
            if was == Some(raw) {
                continue;
            }
            let (Some(now), was) = (parsed(Some(raw)), was.and_then(|w| parsed(Some(w)))) else {
                return Err("illegal_change");
            };
            for (path, value) in matches(&now, rest) {
                let old = was.as_ref().and_then(|w| at(w, &path));
                if old != Some(value) && !value.is_null() && value.as_str() != Some(signer) {
                    return Err("not_signer");
                }
            }
        }
        Ok(())
    }

    fn append_only(&self, path: &[String]) -> bool {
        self.appends.iter().any(|p| same_place(p, path))
    }

    /// Collects where `after` differs from `before`. `filling`: inside an entry already in an
    /// append-only list, where only empty fields may change.
    fn differ(
        &self,
        before: &Value,
        after: &Value,
        path: &mut Vec<String>,
        filling: bool,
        out: &mut Vec<Difference>,
    ) {
        if before == after {
            return;
        }
        match (before, after) {
            (Value::Object(b), Value::Object(a)) => {
                for key in b.keys().chain(a.keys().filter(|k| !b.contains_key(*k))) {
                    path.push(key.clone());
                    let (b, a) = (b.get(key), a.get(key));
                    self.differ(
                        b.unwrap_or(&Value::Null),
                        a.unwrap_or(&Value::Null),
                        path,
                        filling,
                        out,
                    );
                    path.pop();
                }
            }
            (Value::Array(b), Value::Array(a))
                if b.len() == a.len() || (a.len() > b.len() && self.append_only(path)) =>
            {
                let filling = filling || self.append_only(path);
                for (index, (b, a)) in b.iter().zip(a).enumerate() {
                    path.push(index.to_string());
                    self.differ(b, a, path, filling, out);
                    path.pop();
                }
                if a.len() > b.len() {
                    out.push(Difference::Appended);
                }
            }
            _ if filling && !before.is_null() => out.push(Difference::Rewritten),
            _ => out.push(Difference::Changed(path.clone())),
        }
    }
}

/// A record's image as its top-level fields, each still as its JSON text: judging a change
/// parses only the fields it touched (verification judges a million events).
pub struct Fields<'a>(std::collections::BTreeMap<&'a str, &'a RawValue>);

impl<'a> Fields<'a> {
    /// `None` unless `image` is a JSON object.
    pub fn parse(image: &'a str) -> Option<Fields<'a>> {
        serde_json::from_str(image).ok().map(Fields)
    }

    fn raw(&self, field: &str) -> Option<&'a str> {
        self.0.get(field).map(|v| v.get())
    }

    /// A text field's value (`None` if it is not plain text).
    pub fn text(&self, field: &str) -> Option<&'a str> {
        self.raw(field).and_then(|r| serde_json::from_str(r).ok())
    }

    pub fn number(&self, field: &str) -> Option<u64> {
        self.raw(field).and_then(|r| serde_json::from_str(r).ok())
    }

    fn value(&self, field: &str) -> Option<Value> {
        parsed(self.raw(field))
    }
}

/// A field's value; an absent field reads as `null`.
fn parsed(raw: Option<&str>) -> Option<Value> {
    match raw {
        Some(raw) => serde_json::from_str(raw).ok(),
        None => Some(Value::Null),
    }
}

/// A path's segments.
fn named(pattern: &str) -> Vec<&str> {
    segments(pattern).collect()
}

/// A path's top-level field, and the segments under it.
fn split(pattern: &str) -> (&str, Vec<&str>) {
    let mut segments = segments(pattern);
    (segments.next().unwrap_or_default(), segments.collect())
}

enum Difference {
    Changed(Vec<String>),
    /// Entries added at the end of an append-only list.
    Appended,
    /// A field of an earlier entry of an append-only list that already had a value.
    Rewritten,
}

fn segments(pattern: &str) -> impl Iterator<Item = &str> {
    pattern.split('/').filter(|s| !s.is_empty())
}

/// Does `pattern` name `path` or a part above it?
fn covers(pattern: &str, path: &[String]) -> bool {
    let pattern: Vec<&str> = segments(pattern).collect();
    pattern.len() <= path.len()
        && pattern
            .iter()
            .zip(path)
            .all(|(p, s)| *p == "*" || *p == s.as_str())
}

/// Does `pattern` name exactly `path`?
fn same_place(pattern: &str, path: &[String]) -> bool {
    segments(pattern).count() == path.len() && covers(pattern, path)
}

/// The value at a concrete path.
fn at<'v>(value: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, segment| match v {
        Value::Object(o) => o.get(segment),
        Value::Array(a) => a.get(segment.parse::<usize>().ok()?),
        _ => None,
    })
}

/// Every value the path `segments` names in `value`, with its concrete path.
fn matches<'v>(
    value: &'v Value,
    segments: Vec<&str>,
) -> impl Iterator<Item = (Vec<String>, &'v Value)> {
    let mut found = vec![(Vec::new(), value)];
    for segment in segments {
        found = found
            .into_iter()
            .flat_map(|(path, v)| {
                let children: Vec<(String, &Value)> = match (segment, v) {
                    ("*", Value::Array(a)) => a
                        .iter()
                        .enumerate()
                        .map(|(i, c)| (i.to_string(), c))
                        .collect(),
                    ("*", Value::Object(o)) => o.iter().map(|(k, c)| (k.clone(), c)).collect(),
                    (key, Value::Object(o)) => o
                        .get(key)
                        .map(|c| vec![(key.to_owned(), c)])
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                children.into_iter().map(move |(s, c)| {
                    let mut p = path.clone();
                    p.push(s);
                    (p, c)
                })
            })
            .collect();
    }
    found.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use govbench_protocol::EntityKind;
    use serde_json::json;

    const JOURNAL: Reach = Reach::changes(EntityKind::Incident, &["/live", "/timeline/*/to"])
        .appends(&["/timeline"])
        .signed(&["/timeline/*/by"]);

    fn judge(reach: &Reach, before: Value, after: Value) -> Result<(), &'static str> {
        let (before, after) = (before.to_string(), after.to_string());
        let (before, after) = (
            Fields::parse(&before).unwrap(),
            Fields::parse(&after).unwrap(),
        );
        reach.judge("me", "status", Some(&before), &after)
    }

    fn create(reach: &Reach, after: Value) -> Result<(), &'static str> {
        let after = after.to_string();
        reach.judge("me", "status", None, &Fields::parse(&after).unwrap())
    }

    #[test]
    fn a_change_stays_within_its_paths() {
        let plan = Reach::changes(EntityKind::Requirement, &["/plan"]);
        let before = json!({"plan": null, "draft": {"title": "a"}, "version": 1});
        let planned = json!({"plan": {"by": 1}, "draft": {"title": "a"}, "version": 2});
        assert_eq!(judge(&plan, before.clone(), planned), Ok(()));
        let retitled = json!({"plan": null, "draft": {"title": "b"}, "version": 2});
        assert_eq!(judge(&plan, before, retitled), Err("illegal_change"));
    }

    #[test]
    fn an_append_only_list_keeps_its_entries_and_names_the_signer() {
        let before = json!({"live": "v1", "timeline": [{"by": "ann", "to": null}]});
        let moved =
            json!({"live": "v2", "timeline": [{"by": "ann", "to": 5}, {"by": "me", "to": null}]});
        assert_eq!(judge(&JOURNAL, before.clone(), moved), Ok(()));
        let in_bobs_name =
            json!({"live": "v2", "timeline": [{"by": "ann", "to": 5}, {"by": "bob", "to": null}]});
        assert_eq!(
            judge(&JOURNAL, before.clone(), in_bobs_name),
            Err("not_signer")
        );
        let rewritten = json!({"live": "v2", "timeline": [{"by": "me", "to": 5}, {"by": "me"}]});
        assert_eq!(
            judge(&JOURNAL, before.clone(), rewritten),
            Err("illegal_change")
        );
        let dropped = json!({"live": "v2", "timeline": []});
        assert_eq!(judge(&JOURNAL, before, dropped), Err("illegal_change"));
        let closed = json!({"live": "v1", "timeline": [{"by": "ann", "to": 5}]});
        let reopened = json!({"live": "v1", "timeline": [{"by": "ann", "to": 6}, {"by": "me"}]});
        assert_eq!(judge(&JOURNAL, closed, reopened), Err("illegal_change"));
    }

    #[test]
    fn a_creation_starts_where_its_kind_starts_and_in_its_signers_name() {
        let file = Reach::creates(EntityKind::Requirement)
            .starts(&["draft", "submitted"])
            .signed(&["/filed_by"]);
        let draft = json!({"status": "draft", "filed_by": "me", "version": 1});
        assert_eq!(create(&file, draft.clone()), Ok(()));
        let approved = json!({"status": "approved", "filed_by": "me", "version": 1});
        assert_eq!(create(&file, approved.clone()), Err("illegal_step"));
        let as_bob = json!({"status": "draft", "filed_by": "bob", "version": 1});
        assert_eq!(create(&file, as_bob.clone()), Err("not_signer"));
        assert_eq!(judge(&file, draft.clone(), draft), Err("illegal_change"));
    }

    #[test]
    fn separation_of_duties_reads_the_record_as_it_was() {
        let sign_off = Reach::changes(EntityKind::Evaluation, &["/review"])
            .signed(&["/review/by"])
            .not_by(&["/created_by"]);
        let mine = json!({"created_by": "me", "review": null});
        let reviewed = json!({"created_by": "me", "review": {"by": "me"}});
        assert_eq!(judge(&sign_off, mine, reviewed), Err("own_work"));
        let theirs = json!({"created_by": "ann", "review": null});
        let reviewed = json!({"created_by": "ann", "review": {"by": "me"}});
        assert_eq!(judge(&sign_off, theirs, reviewed), Ok(()));
    }
}
