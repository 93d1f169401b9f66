//! A copy built from another's log alone (what joining a shared workspace does): every event
//! verified before it is applied, the tables then equal, and each forgery an insider could
//! slip into the log refused at its place with nothing after it applied.

mod common;

use chrono::{TimeZone, Utc};
use common::Demo;
use govbench_core::audit::{self, Sealed};
use govbench_core::receive::{Received, Receiver, Refused};
use govbench_core::{demo, store, DataKey, KeySlots};
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::path::Path;

fn open(demo: &Demo) -> Connection {
    let key = KeySlots::load(&demo.path)
        .unwrap()
        .unlock("admin", demo::PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    store::open_raw(&demo.path, &key).unwrap()
}

/// Every event of the workspace, in its one copy's order.
fn log(conn: &Connection) -> Vec<Sealed> {
    let start = Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(2200, 1, 1, 0, 0, 0).unwrap();
    audit::sealed_between(conn, start, end).unwrap()
}

/// An empty copy of the workspace `of` (its schema and id, no event yet), as joining makes it.
fn empty_copy(dir: &Path, of: &Connection) -> Connection {
    let conn = store::create(
        &dir.join("copy.govbench"),
        &DataKey::random(),
        &govbench_core::schema::WORKSPACE,
    )
    .unwrap();
    let id: String = of
        .query_row(
            "SELECT value FROM meta WHERE key = 'workspace_id'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('workspace_id', ?1), ('copy_id', ?2)",
        [id, uuid::Uuid::now_v7().to_string()],
    )
    .unwrap();
    conn
}

fn receive(copy: &mut Connection, events: &[Sealed]) -> Received {
    let tx = copy.transaction().unwrap();
    let received = Receiver::fresh().receive(&tx, events).unwrap();
    tx.commit().unwrap();
    received
}

/// Every table a person's work is in, row by row without this copy's own row keys: what two
/// copies of one history must agree on. (The log itself is compared on its own.)
fn tables(conn: &Connection) -> BTreeMap<String, Vec<String>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
               AND name NOT IN ('audit_events', 'meta', 'attachment_blobs', 'audit_positions',
                                'conflicts')
               AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'requirement_search%'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = BTreeMap::new();
    let mut dump = |name: String, sql: &str| {
        let mut stmt = conn.prepare(sql).unwrap();
        let columns: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut row = Vec::new();
                for (i, c) in columns.iter().enumerate() {
                    if c != "local_key" {
                        row.push(format!("{c}={:?}", r.get_ref(i)?));
                    }
                }
                Ok(row.join(" "))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.insert(name, rows);
    };
    for name in names {
        dump(name.clone(), &format!("SELECT * FROM {name}"));
    }
    dump(
        "requirement_search".into(),
        "SELECT r.id, s.terms FROM requirement_search s JOIN requirements r ON r.local_key = s.rowid",
    );
    out
}

#[test]
fn a_copy_built_from_the_log_alone_holds_the_same_tables_and_log() {
    let demo = Demo::new();
    // An export is the one kind of record the demo does not make.
    let mut auditor = demo.login("qian.hui");
    auditor
        .execute(govbench_protocol::AssessmentCommand::Export {
            quarter: govbench_core::features::assessments::samples::current_quarter(&auditor),
            kind: govbench_protocol::ExportKind::Report,
            lang: "en".into(),
            path: demo.dir.path().join("report.pdf").display().to_string(),
        })
        .unwrap();
    drop(auditor);
    let original = open(&demo);
    let events = log(&original);
    let dir = tempfile::tempdir().unwrap();
    let mut copy = empty_copy(dir.path(), &original);

    let received = receive(&mut copy, &events);
    assert_eq!(
        received,
        Received {
            applied: events.len() as u64,
            already_held: 0,
            refused: None
        }
    );
    let (theirs, ours) = (tables(&original), tables(&copy));
    // Every kind of record is there to compare.
    let empty: Vec<&str> = theirs
        .iter()
        .filter(|(_, rows)| rows.is_empty())
        .map(|(t, _)| t.as_str())
        .collect();
    assert!(empty.is_empty(), "nothing to compare in {empty:?}");
    for (name, rows) in &theirs {
        assert_eq!(Some(rows), ours.get(name), "table {name}");
    }
    assert_eq!(log(&copy), events);

    // The same events again (a batch offered twice) change nothing.
    let again = receive(&mut copy, &events);
    assert_eq!(again.applied, 0);
    assert_eq!(again.already_held, events.len() as u64);
    assert_eq!(tables(&copy), ours);
}

/// Receives `events` into an empty copy and returns what was refused and how many applied.
fn refused(demo: &Demo, events: &[Sealed]) -> (u64, Option<Refused>) {
    let dir = tempfile::tempdir().unwrap();
    let mut copy = empty_copy(dir.path(), &open(demo));
    let received = receive(&mut copy, events);
    let stored: i64 = copy
        .query_row("SELECT count(*) FROM audit_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        stored as u64, received.applied,
        "only applied events are kept"
    );
    (received.applied, received.refused)
}

fn at(events: &[Sealed], n: usize, problem: &'static str) -> Option<Refused> {
    Some(Refused {
        copy: events[n].event.copy_id.clone(),
        seq: events[n].event.seq,
        problem,
    })
}

#[test]
fn an_edited_event_is_refused_at_its_place() {
    let demo = Demo::new();
    let mut events = log(&open(&demo));
    let n = events.len() / 2;
    let after = events[n].event.after.clone().unwrap();
    events[n].event.after = Some(after.replacen('"', "\"x", 1));
    assert_eq!(
        refused(&demo, &events),
        (n as u64, at(&events, n, "hash_mismatch"))
    );

    // Re-hashed by whoever edited it, the author's signature no longer matches.
    events[n].hash = events[n].event.hash();
    assert_eq!(
        refused(&demo, &events),
        (n as u64, at(&events, n, "bad_signature"))
    );
}

#[test]
fn a_dropped_or_reordered_event_is_refused_where_the_chain_breaks() {
    let demo = Demo::new();
    let events = log(&open(&demo));
    let n = events.len() / 3;
    let mut dropped = events.clone();
    dropped.remove(n);
    assert_eq!(
        refused(&demo, &dropped),
        (n as u64, at(&dropped, n, "sequence_gap"))
    );

    let mut swapped = events.clone();
    swapped.swap(n, n + 1);
    assert_eq!(
        refused(&demo, &swapped),
        (n as u64, at(&swapped, n, "sequence_gap"))
    );
}

#[test]
fn a_member_signing_an_action_beyond_their_role_is_refused() {
    let demo = Demo::new();
    let conn = open(&demo);
    let mut events = log(&conn);
    let (business_id, business_name): (String, String) = conn
        .query_row(
            "SELECT id, name FROM users WHERE role = 'business' AND active = 1 LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let (requirement, before): (String, String) = conn
        .query_row(
            "SELECT entity_id, after FROM audit_events e
              WHERE entity_type = 'requirement' AND after LIKE '%\"status\":\"assessed\"%'
                AND seq = (SELECT max(seq) FROM audit_events f
                            WHERE f.entity_type = 'requirement' AND f.entity_id = e.entity_id)
              LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let secret = KeySlots::load(&demo.path)
        .unwrap()
        .unlock(&business_name, demo::PASSPHRASE)
        .unwrap()
        .secret
        .unwrap();
    let mut image: serde_json::Value = serde_json::from_str(&before).unwrap();
    image["status"] = "approved".into();
    image["version"] = (image["version"].as_u64().unwrap() + 1).into();
    let last = events.last().unwrap().clone();
    let forged = audit::Event {
        seq: last.event.seq + 1,
        id: uuid::Uuid::now_v7().to_string(),
        actor_id: Some(business_id),
        actor_name: business_name,
        action: "requirement.approve".into(),
        entity_type: "requirement".into(),
        entity_id: requirement,
        before: Some(before),
        after: Some(image.to_string()),
        prev_hash: last.hash.clone(),
        ..last.event.clone()
    };
    let hash = forged.hash();
    events.push(Sealed {
        signature: Some(secret.sign(hash.as_bytes())),
        event: forged,
        hash,
    });
    let n = events.len() - 1;
    assert_eq!(
        refused(&demo, &events),
        (n as u64, at(&events, n, "not_permitted"))
    );
}
