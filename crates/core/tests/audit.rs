//! The audit chain: every change leaves an event in the same transaction, and verification
//! finds edited, deleted, inserted and reordered events (tampering through a raw SQLCipher
//! connection, as an attacker holding the key would).

mod common;

use common::{file, Fixture, PASSPHRASE};
use govbench_core::KeySlots;
use govbench_protocol::{AuditReport, RequirementCommand, Role};
use rusqlite::Connection;

/// A workspace with a few events, and a raw connection to tamper with.
fn tamper_setup() -> (Fixture, Connection, String, u64) {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    for i in 0..3 {
        file(&mut biz, &format!("需求 {i}"));
    }
    let report = biz.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    let copy = biz.copy_id().to_owned();
    drop(biz);
    let key = KeySlots::load(&fx.path)
        .unwrap()
        .unlock("admin", PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    let raw = govbench_core::store::open_raw(&fx.path, &key).unwrap();
    (fx, raw, copy, report.events_verified)
}

fn verify(fx: &Fixture) -> AuditReport {
    fx.login(Role::Auditor).verify_audit().unwrap()
}

#[test]
fn every_change_is_one_event_with_actor_time_and_before_after() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let before = biz.verify_audit().unwrap().events_verified;
    let id = file(&mut biz, "可追溯 traceable");
    let mut rnd = fx.login(Role::RnD);
    rnd.execute(RequirementCommand::StartAssessment { id })
        .unwrap();
    assert_eq!(rnd.verify_audit().unwrap().events_verified, before + 2);
    let key = KeySlots::load(&fx.path)
        .unwrap()
        .unlock("admin", PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    let raw = govbench_core::store::open_raw(&fx.path, &key).unwrap();
    let (actor, action, before_img, after_img, at): (String, String, String, String, String) = raw
        .query_row(
            "SELECT actor_name, action, before, after, at FROM audit_events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        (actor.as_str(), action.as_str()),
        ("rnd", "requirement.start_assessment")
    );
    assert!(
        before_img.contains("\"status\":\"submitted\""),
        "{before_img}"
    );
    assert!(
        after_img.contains("\"status\":\"under_assessment\""),
        "{after_img}"
    );
    assert!(
        at.starts_with("2026-03-02T") && at.ends_with('Z'),
        "UTC from the injected clock: {at}"
    );
}

#[test]
fn a_refused_command_leaves_no_trace() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let before = biz.verify_audit().unwrap().events_verified;
    let mut bad = common::draft("");
    bad.kpis.clear();
    assert!(biz
        .execute(RequirementCommand::File {
            draft: bad,
            submit: true
        })
        .is_err());
    let mut auditor = fx.login(Role::Auditor);
    assert!(auditor
        .execute(RequirementCommand::File {
            draft: common::draft("x"),
            submit: true
        })
        .is_err());
    assert_eq!(biz.verify_audit().unwrap().events_verified, before);
    assert_eq!(biz.requirements(&Default::default()).unwrap().total, 0);
}

#[test]
fn edited_event_is_detected() {
    let (fx, raw, copy, _) = tamper_setup();
    raw.execute(
        "UPDATE audit_events SET actor_name = 'mallory' WHERE copy_id = ?1 AND seq = 4",
        [&copy],
    )
    .unwrap();
    drop(raw);
    let bad = verify(&fx).first_bad.unwrap();
    assert_eq!((bad.seq, bad.problem.as_str()), (4, "hash_mismatch"));
}

#[test]
fn deleted_event_is_detected() {
    let (fx, raw, copy, _) = tamper_setup();
    raw.execute(
        "DELETE FROM audit_events WHERE copy_id = ?1 AND seq = 3",
        [&copy],
    )
    .unwrap();
    drop(raw);
    let bad = verify(&fx).first_bad.unwrap();
    assert_eq!((bad.seq, bad.problem.as_str()), (3, "sequence_gap"));
}

#[test]
fn deleted_last_event_is_detected() {
    let (fx, raw, copy, total) = tamper_setup();
    raw.execute(
        "DELETE FROM audit_events WHERE copy_id = ?1 AND seq = ?2",
        rusqlite::params![copy, total as i64],
    )
    .unwrap();
    drop(raw);
    let bad = verify(&fx).first_bad.unwrap();
    assert_eq!((bad.seq, bad.problem.as_str()), (total, "sequence_gap"));
}

#[test]
fn inserted_event_is_detected() {
    let (fx, raw, copy, total) = tamper_setup();
    // Make room after seq 2 and insert a forged event there, copying a real one's shape.
    raw.execute(
        "UPDATE audit_events SET seq = seq + 1000 WHERE copy_id = ?1 AND seq > 2",
        [&copy],
    )
    .unwrap();
    raw.execute(
        "UPDATE audit_events SET seq = seq - 999 WHERE copy_id = ?1 AND seq > 1000",
        [&copy],
    )
    .unwrap();
    raw.execute(
        "INSERT INTO audit_events (copy_id, seq, id, at, actor_id, actor_name, action, entity_type, entity_id, before, after, prev_hash, hash)
         SELECT copy_id, 3, 'forged', at, actor_id, 'mallory', 'approve_requirement', entity_type, entity_id, before, after, hash, hash
         FROM audit_events WHERE copy_id = ?1 AND seq = 2",
        [&copy],
    )
    .unwrap();
    drop(raw);
    let report = verify(&fx);
    let bad = report.first_bad.unwrap();
    assert_eq!(bad.seq, 3, "{bad:?}");
    assert!(total > 3);
}

#[test]
fn event_appended_around_the_write_path_is_detected() {
    let (fx, raw, copy, total) = tamper_setup();
    raw.execute(
        "INSERT INTO audit_events (copy_id, seq, id, at, actor_id, actor_name, action, entity_type, entity_id, before, after, prev_hash, hash)
         SELECT copy_id, seq + 1, 'forged', at, actor_id, 'mallory', action, entity_type, entity_id, before, after, hash, hash
         FROM audit_events WHERE copy_id = ?1 AND seq = ?2",
        rusqlite::params![copy, total as i64],
    )
    .unwrap();
    drop(raw);
    assert!(verify(&fx).first_bad.is_some());
}

#[test]
fn reordered_events_are_detected() {
    let (fx, raw, copy, _) = tamper_setup();
    raw.execute_batch(&format!(
        "UPDATE audit_events SET seq = -1 WHERE copy_id = '{copy}' AND seq = 4;
         UPDATE audit_events SET seq = 4 WHERE copy_id = '{copy}' AND seq = 5;
         UPDATE audit_events SET seq = 5 WHERE copy_id = '{copy}' AND seq = -1;"
    ))
    .unwrap();
    drop(raw);
    let bad = verify(&fx).first_bad.unwrap();
    assert_eq!(bad.seq, 4, "{bad:?}");
}

/// Verification cut into spans of two events, each on its own connection and thread, finds
/// the same first bad event as one pass does.
#[test]
fn spans_are_stitched_and_find_the_same_first_bad_event() {
    let (fx, raw, copy, total) = tamper_setup();
    let key = KeySlots::load(&fx.path)
        .unwrap()
        .unlock("admin", PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    let open = || govbench_core::store::open_reader(&fx.path, &key);
    let spans =
        |raw: &Connection| govbench_core::audit::verify_in_spans(raw, Some(&open), 2).unwrap();
    let intact = spans(&raw);
    assert_eq!((intact.events_verified, intact.first_bad), (total, None));

    // Event 5 starts a span: cut it out, and the span boundary must notice.
    raw.execute(
        "DELETE FROM audit_events WHERE copy_id = ?1 AND seq = 5",
        [&copy],
    )
    .unwrap();
    let one_pass = govbench_core::audit::verify(&raw).unwrap();
    let stitched = spans(&raw);
    assert_eq!(stitched.first_bad, one_pass.first_bad);
    assert_eq!(
        stitched
            .first_bad
            .as_ref()
            .map(|b| (b.seq, b.problem.as_str())),
        Some((5, "sequence_gap"))
    );
    assert_eq!(stitched.events_verified, 4);
}

#[test]
fn spans_notice_a_link_broken_exactly_at_a_boundary() {
    let (fx, raw, copy, _) = tamper_setup();
    let key = KeySlots::load(&fx.path)
        .unwrap()
        .unlock("admin", PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    let open = || govbench_core::store::open_reader(&fx.path, &key);
    // Event 3 (first of the second span) claims another predecessor; its own hash is
    // recomputed as a forger would, so only the link gives it away.
    raw.execute(
        "UPDATE audit_events SET prev_hash = ?2 WHERE copy_id = ?1 AND seq = 3",
        rusqlite::params![copy, common::FORGED_HASH],
    )
    .unwrap();
    let report = govbench_core::audit::verify_in_spans(&raw, Some(&open), 2).unwrap();
    let bad = report.first_bad.unwrap();
    assert_eq!(bad.seq, 3, "{bad:?}");
}
