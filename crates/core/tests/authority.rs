//! Verification re-checks what every event was allowed to do. Each test is an insider's attack
//! on a real demo workspace: a member with a valid login, the data key and a copy of the
//! files, writing straight into the database a correctly chained event **signed with their
//! own key**. Each must be named by `audit verify` at the forged event, must not change who
//! anyone is at the next login, and must hold the workspace read-only on this device.

mod common;

use common::Demo;
use govbench_core::audit::{Event, GENESIS};
use govbench_core::{DataKey, KdfParams, KeySlots, Session, UserSecret, Witness};
use govbench_protocol::{ErrorCode, RequirementStatus, Role, UserCommand};
use rusqlite::{params, Connection, OptionalExtension};

/// The demo's workspace opened beneath the API with `name`'s own slot, as that member can.
fn raw_as(demo: &Demo, name: &str) -> (Connection, DataKey) {
    let key = KeySlots::load(&demo.path)
        .unwrap()
        .unlock(name, govbench_core::demo::PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    (
        govbench_core::store::open_raw(&demo.path, &key).unwrap(),
        key,
    )
}

fn copy_of(conn: &Connection) -> String {
    conn.query_row("SELECT value FROM meta WHERE key = 'copy_id'", [], |r| {
        r.get(0)
    })
    .unwrap()
}

/// The last event about a record (its after-image is what a new event must start from).
fn last_image(conn: &Connection, entity_type: &str, id: &str) -> Option<String> {
    conn.query_row(
        "SELECT after FROM audit_events WHERE entity_type = ?1 AND entity_id = ?2
         ORDER BY seq DESC LIMIT 1",
        params![entity_type, id],
        |r| r.get(0),
    )
    .optional()
    .unwrap()
    .flatten()
}

/// Appends a perfectly chained event signed by `signer`, moves the head to it and, as a
/// careful forger would, makes the row agree with it. Returns its seq.
struct Forgery<'a> {
    actor: (&'a str, &'a str),
    action: &'a str,
    entity: (&'a str, &'a str),
    before: Option<String>,
    after: Option<String>,
}

fn forge(conn: &Connection, signer: &UserSecret, f: Forgery<'_>) -> u64 {
    let copy = copy_of(conn);
    let (seq, prev_hash): (i64, String) = conn
        .query_row(
            "SELECT seq, hash FROM audit_events WHERE copy_id = ?1 ORDER BY seq DESC LIMIT 1",
            [&copy],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let event = Event {
        copy_id: copy.clone(),
        seq: seq as u64 + 1,
        id: uuid::Uuid::now_v7().to_string(),
        at: govbench_core::audit::stamp(chrono::Utc::now()),
        actor_id: Some(f.actor.0.to_owned()),
        actor_name: f.actor.1.to_owned(),
        action: f.action.to_owned(),
        entity_type: f.entity.0.to_owned(),
        entity_id: f.entity.1.to_owned(),
        before: f.before,
        after: f.after,
        prev_hash,
    };
    let hash = event.hash();
    conn.execute(
        "INSERT INTO audit_events (copy_id, seq, id, at, actor_id, actor_name, action,
             entity_type, entity_id, before, after, prev_hash, hash, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            event.copy_id,
            event.seq as i64,
            event.id,
            event.at,
            event.actor_id,
            event.actor_name,
            event.action,
            event.entity_type,
            event.entity_id,
            event.before,
            event.after,
            event.prev_hash,
            hash,
            signer.sign(hash.as_bytes()),
        ],
    )
    .unwrap();
    conn.execute(
        "UPDATE meta SET value = ?2 WHERE key = ?1",
        params![
            format!("audit_head:{copy}"),
            format!("{}:{hash}", event.seq)
        ],
    )
    .unwrap();
    event.seq
}

fn user_id(conn: &Connection, name: &str) -> String {
    conn.query_row("SELECT id FROM users WHERE name = ?1", [name], |r| r.get(0))
        .unwrap()
}

fn with(image: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(image).unwrap();
    edit(&mut v);
    if let Some(version) = v.get("version").and_then(|v| v.as_u64()) {
        v["version"] = (version + 1).into();
    }
    v.to_string()
}

fn first_bad(session: &Session) -> Option<(u64, String)> {
    session
        .verify_audit()
        .unwrap()
        .first_bad
        .map(|b| (b.seq, b.problem))
}

/// The auditor's verification names the event at `seq` with `problem`, and nothing before it.
fn assert_named(demo: &Demo, seq: u64, problem: &str) {
    assert_eq!(
        first_bad(&demo.login("qian.hui")),
        Some((seq, problem.to_owned()))
    );
}

fn login_on(demo: &Demo, name: &str, device: &std::path::Path) -> Session {
    let mut session = demo.login(name);
    session.set_witness(Witness::in_dir(device)).unwrap();
    session
}

/// What a small write (a comment on a requirement) answers: `None` when it is written.
fn held_code(session: &mut Session) -> Option<ErrorCode> {
    let on = session
        .requirements(&Default::default())
        .unwrap()
        .items
        .first()
        .unwrap()
        .id;
    session
        .execute(govbench_protocol::CommentCommand::Add {
            on: on.into(),
            body: "写点东西 anything".into(),
        })
        .err()
        .map(|e| e.code)
}

/// Puts a slot for `name` in the key file, as anyone who can write the file can.
fn plant_slot(demo: &Demo, name: &str, passphrase: &str, secret: &UserSecret, key: &DataKey) {
    let mut slots = KeySlots::load(&demo.path).unwrap();
    slots
        .add(name, passphrase, secret, key, KdfParams::TESTING)
        .unwrap();
    slots.save(&demo.path).unwrap();
}

fn first_requirement(session: &Session, status: RequirementStatus) -> String {
    session
        .requirements(&govbench_protocol::RequirementQuery {
            status: Some(status),
            ..Default::default()
        })
        .unwrap()
        .items
        .first()
        .expect("the demo has a requirement in that status")
        .id
        .to_string()
}

/// `name` writes beneath the API, signed with their own key, `action` on the record `kind`
/// `id`: from the record the log last recorded (as `before` makes it), to that image changed by
/// `after`. Returns the forged event's seq.
fn forge_on(
    demo: &Demo,
    name: &str,
    (kind, id): (&str, &str),
    action: &str,
    before: impl FnOnce(String) -> String,
    after: impl FnOnce(&mut serde_json::Value),
) -> u64 {
    let key = demo.login(name).secret().unwrap().clone();
    let (conn, _) = raw_as(demo, name);
    let actor = user_id(&conn, name);
    let before = before(last_image(&conn, kind, id).unwrap());
    let after = with(&before, after);
    forge(
        &conn,
        &key,
        Forgery {
            actor: (&actor, name),
            action,
            entity: (kind, id),
            before: Some(before),
            after: Some(after),
        },
    )
}

fn forge_on_requirement(
    demo: &Demo,
    name: &str,
    id: &str,
    action: &str,
    before: impl FnOnce(String) -> String,
    after: impl FnOnce(&mut serde_json::Value),
) -> u64 {
    forge_on(demo, name, ("requirement", id), action, before, after)
}

fn approved(v: &mut serde_json::Value) {
    v["status"] = "approved".into();
}

#[test]
fn a_business_user_or_an_auditor_approving_a_requirement_in_the_log_is_named() {
    for name in ["liu.yang", "qian.hui"] {
        let demo = Demo::new();
        let id = first_requirement(&demo.login(name), RequirementStatus::Assessed);
        let seq = forge_on_requirement(&demo, name, &id, "requirement.approve", |b| b, approved);
        let (conn, _) = raw_as(&demo, name);
        conn.execute(
            "UPDATE requirements SET status = 'approved', version = version + 1 WHERE id = ?1",
            [&id],
        )
        .unwrap();
        drop(conn);
        let auditor = demo.login("qian.hui");
        let report = auditor.verify_audit().unwrap();
        assert!(!report.is_intact(), "{name}: {report:?}");
        assert_eq!(
            report.first_bad.clone().map(|b| (b.seq, b.problem)),
            Some((seq, "not_permitted".to_owned())),
            "{name}"
        );
        assert_eq!(report.actions_checked, seq - 1, "{name}");
        let text = govbench_i18n::Locale::En.audit_summary(&report);
        assert!(text.contains("role"), "{text}");
    }
}

#[test]
fn verification_at_login_catches_what_was_forged_since_the_device_last_verified() {
    let demo = Demo::new();
    let device = tempfile::tempdir().unwrap();
    let liu = login_on(&demo, "liu.yang", device.path());
    let id = first_requirement(&liu, RequirementStatus::Assessed);
    drop(liu);
    let seq = forge_on_requirement(
        &demo,
        "liu.yang",
        &id,
        "requirement.approve",
        |b| b,
        approved,
    );
    // The project manager logs in on the same device: only the new event is checked, and it
    // holds the workspace read-only with the problem named.
    let mut pm = login_on(&demo, "chen.jing", device.path());
    assert_eq!(
        pm.held(),
        Some(&govbench_core::Hold::Log {
            seq,
            problem: "not_permitted"
        })
    );
    assert_eq!(held_code(&mut pm), Some(ErrorCode::WorkspaceHeld));
    let info = pm.info(false);
    let held = info.held.expect("the session info names the hold");
    assert_eq!(held.message_key, "error.held_log");
    assert_eq!(held.details["seq"], seq.to_string());
    assert_eq!(held.details["problem"], "audit.problem.not_permitted");
}

#[test]
fn a_member_cannot_make_themselves_admin() {
    let demo = Demo::new();
    let liu = demo.login("liu.yang");
    let key = liu.secret().unwrap().clone();
    drop(liu);
    let (conn, _) = raw_as(&demo, "liu.yang");
    let me = user_id(&conn, "liu.yang");
    let before = last_image(&conn, "user", &me).unwrap();
    let after = with(&before, |v| v["role"] = "Admin".into());
    let seq = forge(
        &conn,
        &key,
        Forgery {
            actor: (&me, "liu.yang"),
            action: "user.enroll",
            entity: ("user", &me),
            before: Some(before),
            after: Some(after),
        },
    );
    conn.execute(
        "UPDATE users SET role = 'admin', version = version + 1 WHERE id = ?1",
        [&me],
    )
    .unwrap();
    drop(conn);
    assert_named(&demo, seq, "illegal_change");
    // The row says Admin; the log does not. Her session is what the log says, held.
    let mut liu = demo.login("liu.yang");
    assert_eq!(liu.user().role, Role::Business);
    assert!(matches!(liu.held(), Some(govbench_core::Hold::Log { .. })));
    let refused = liu
        .execute(UserCommand::Remove {
            id: demo.login("admin").user().id,
        })
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden);
}

#[test]
fn an_admin_created_by_a_business_user_is_named_and_cannot_log_in() {
    let demo = Demo::new();
    let liu = demo.login("liu.yang");
    let key = liu.secret().unwrap().clone();
    drop(liu);
    let (conn, data_key) = raw_as(&demo, "liu.yang");
    let me = user_id(&conn, "liu.yang");
    let accomplice = UserSecret::random();
    let new_id = uuid::Uuid::now_v7().to_string();
    let image = serde_json::json!({
        "id": new_id,
        "name": "shadow.admin",
        "display_name": "Shadow",
        "role": "Admin",
        "active": true,
        "created_at": "2026-12-01T00:00:00Z",
        "version": 1,
        "keys": accomplice.public_keys(),
    })
    .to_string();
    let seq = forge(
        &conn,
        &key,
        Forgery {
            actor: (&me, "liu.yang"),
            action: "user.create",
            entity: ("user", &new_id),
            before: None,
            after: Some(image),
        },
    );
    conn.execute(
        "INSERT INTO users (id, name, display_name, role, active, created_at, version, sign_key,
             seal_key) VALUES (?1, 'shadow.admin', 'Shadow', 'admin', 1, '2026-12-01T00:00:00Z',
             1, ?2, ?3)",
        params![
            new_id,
            accomplice.public_keys().sign,
            accomplice.public_keys().seal
        ],
    )
    .unwrap();
    drop(conn);
    plant_slot(
        &demo,
        "shadow.admin",
        "shadow passphrase",
        &accomplice,
        &data_key,
    );
    assert_named(&demo, seq, "not_permitted");
    let refused = govbench_core::login(
        &demo.path,
        "shadow.admin",
        "shadow passphrase",
        std::sync::Arc::new(govbench_core::SystemClock),
    )
    .unwrap_err();
    assert_eq!(refused.code, ErrorCode::WrongCredentials);
}

#[test]
fn keys_enrolled_for_the_admin_by_someone_else_open_nothing() {
    let demo = Demo::new();
    let liu = demo.login("liu.yang");
    let key = liu.secret().unwrap().clone();
    drop(liu);
    let (conn, data_key) = raw_as(&demo, "liu.yang");
    let me = user_id(&conn, "liu.yang");
    let admin = user_id(&conn, "admin");
    let stolen = UserSecret::random();
    let before = last_image(&conn, "user", &admin).unwrap();
    let after = with(&before, |v| {
        v["keys"] = serde_json::to_value(stolen.public_keys()).unwrap()
    });
    let seq = forge(
        &conn,
        &key,
        Forgery {
            actor: (&me, "liu.yang"),
            action: "user.enroll",
            entity: ("user", &admin),
            before: Some(before),
            after: Some(after),
        },
    );
    conn.execute(
        "UPDATE users SET sign_key = ?2, seal_key = ?3, version = version + 1 WHERE id = ?1",
        params![admin, stolen.public_keys().sign, stolen.public_keys().seal],
    )
    .unwrap();
    drop(conn);
    // The admin's slot swapped for one she knows the passphrase of.
    plant_slot(&demo, "admin", "liu knows this one", &stolen, &data_key);
    assert_named(&demo, seq, "not_permitted");
    let refused = govbench_core::login(
        &demo.path,
        "admin",
        "liu knows this one",
        std::sync::Arc::new(govbench_core::SystemClock),
    )
    .unwrap_err();
    assert_eq!(refused.code, ErrorCode::WrongCredentials);
}

#[test]
fn a_step_the_lifecycle_does_not_allow_is_named_even_by_the_right_role() {
    let demo = Demo::new();
    let id = first_requirement(&demo.login("chen.jing"), RequirementStatus::Draft);
    // A project manager may approve, but not a draft nobody assessed.
    let seq = forge_on_requirement(
        &demo,
        "chen.jing",
        &id,
        "requirement.approve",
        |b| b,
        approved,
    );
    assert_named(&demo, seq, "illegal_step");
}

#[test]
fn an_event_that_starts_from_a_record_the_log_never_held_is_named() {
    let demo = Demo::new();
    let id = first_requirement(&demo.login("chen.jing"), RequirementStatus::Assessed);
    // The before-image claims a different title than the log last recorded.
    let other_title = |real: String| {
        let mut v: serde_json::Value = serde_json::from_str(&real).unwrap();
        v["draft"]["title"] = "别的标题 another title".into();
        v.to_string()
    };
    let seq = forge_on_requirement(
        &demo,
        "chen.jing",
        &id,
        "requirement.approve",
        other_title,
        approved,
    );
    assert_named(&demo, seq, "stale_before");
}

/// Copies the workspace's files (database and key file) to `to`.
fn snapshot(demo: &Demo, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(demo.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

fn put_back(demo: &Demo, from: &std::path::Path) {
    for entry in std::fs::read_dir(demo.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::remove_file(path).unwrap();
        }
    }
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, demo.dir.path().join(path.file_name().unwrap())).unwrap();
    }
}

#[test]
fn a_copy_put_back_is_seen_by_every_user_of_the_device_until_an_admin_continues_it() {
    let demo = Demo::new();
    let device = tempfile::tempdir().unwrap();
    let old = tempfile::tempdir().unwrap();
    drop(login_on(&demo, "liu.yang", device.path()));
    snapshot(&demo, old.path());
    // Work goes on after the copy was taken: a member is removed, a requirement filed.
    let mut admin = login_on(&demo, "admin", device.path());
    let he_na = admin
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.name == "he.na")
        .unwrap();
    admin.execute(UserCommand::Remove { id: he_na.id }).unwrap();
    drop(admin);
    let mut liu = login_on(&demo, "liu.yang", device.path());
    common::file(&mut liu, "之后的需求 later");
    drop(liu);

    put_back(&demo, old.path());
    // Another user of the same device, who never saw the newer head themselves, is told.
    let mut pm = demo.login("chen.jing");
    let check = pm
        .set_witness(Witness::in_dir(device.path()))
        .unwrap()
        .expect("this device saw the log before");
    assert!(!check.found);
    assert!(matches!(
        pm.held(),
        Some(govbench_core::Hold::Rollback { .. })
    ));
    assert_eq!(held_code(&mut pm), Some(ErrorCode::WorkspaceHeld));
    assert!(!pm.verify_audit().unwrap().is_intact());
    drop(pm);
    // The removed member is back in the old copy, but cannot write on this device either.
    let mut he = login_on(&demo, "he.na", device.path());
    assert_eq!(held_code(&mut he), Some(ErrorCode::WorkspaceHeld));
    drop(he);

    // An Admin decides this copy is the one to continue; it is in the log.
    let mut admin = login_on(&demo, "admin", device.path());
    let non_admin = demo.login("chen.jing").execute(UserCommand::ContinueCopy);
    assert_eq!(non_admin.unwrap_err().code, ErrorCode::Forbidden);
    admin.execute(UserCommand::ContinueCopy).unwrap();
    assert_eq!(admin.held(), None);
    assert_eq!(held_code(&mut admin), None);
    drop(admin);
    let mut pm = login_on(&demo, "chen.jing", device.path());
    assert_eq!(pm.held(), None);
    assert_eq!(held_code(&mut pm), None);
    assert!(pm.verify_audit().unwrap().is_intact());
}

#[test]
fn a_new_device_says_it_sees_the_log_for_the_first_time() {
    let demo = Demo::new();
    let device = tempfile::tempdir().unwrap();
    let liu = login_on(&demo, "liu.yang", device.path());
    let anchor = liu.verify_audit().unwrap().anchor.expect("an anchor line");
    assert_eq!(anchor.source, "first_sight");
    let text = govbench_i18n::Locale::En.audit_summary(&liu.verify_audit().unwrap());
    assert!(text.contains("first time"), "{text}");
    drop(liu);
    let liu = login_on(&demo, "liu.yang", device.path());
    assert_eq!(liu.verify_audit().unwrap().anchor.unwrap().source, "device");
}

#[test]
fn an_edited_device_record_vouches_for_nothing() {
    let demo = Demo::new();
    let device = tempfile::tempdir().unwrap();
    drop(login_on(&demo, "liu.yang", device.path()));
    let path = device.path().join("witness.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["entries"][0]["checkpoints"][0][1] = GENESIS.into();
    std::fs::write(&path, v.to_string()).unwrap();
    let mut pm = demo.login("chen.jing");
    let check = pm.set_witness(Witness::in_dir(device.path())).unwrap();
    assert_eq!(check.map(|c| c.source), Some("device_altered".to_owned()));
}

#[test]
fn a_legal_step_that_also_rewrites_who_filed_the_record_is_named() {
    let demo = Demo::new();
    let id = first_requirement(&demo.login("chen.jing"), RequirementStatus::Assessed);
    let me = user_id(&raw_as(&demo, "chen.jing").0, "chen.jing");
    // Approving is the project manager's step from "assessed"; taking over the filing is not.
    let take_over = |v: &mut serde_json::Value| {
        approved(v);
        v["filed_by"] = me.clone().into();
    };
    let seq = forge_on_requirement(
        &demo,
        "chen.jing",
        &id,
        "requirement.approve",
        |b| b,
        take_over,
    );
    assert_named(&demo, seq, "illegal_change");
}

#[test]
fn a_legal_step_that_also_changes_what_the_action_does_not_touch_is_named() {
    let demo = Demo::new();
    let id = first_requirement(&demo.login("chen.jing"), RequirementStatus::Assessed);
    // Approving decides; it does not rewrite what the business asked for.
    let rewrite = |v: &mut serde_json::Value| {
        approved(v);
        v["decision"] = serde_json::json!({"kind": "approve"});
        v["draft"]["title"] = "改过的标题 a different ask".into();
    };
    let seq = forge_on_requirement(
        &demo,
        "chen.jing",
        &id,
        "requirement.approve",
        |b| b,
        rewrite,
    );
    assert_named(&demo, seq, "illegal_change");
}

#[test]
fn an_action_recorded_on_a_record_of_another_kind_is_named() {
    let demo = Demo::new();
    let (conn, _) = raw_as(&demo, "chen.jing");
    let model: String = conn
        .query_row(
            "SELECT entity_id FROM audit_events WHERE entity_type = 'model' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(conn);
    // A project manager plans requirements; "planning" a model to move its live version is
    // not what that action does.
    let seq = forge_on(
        &demo,
        "chen.jing",
        ("model", &model),
        "requirement.plan",
        |b| b,
        |v| v["live"] = serde_json::Value::Null,
    );
    assert_named(&demo, seq, "illegal_change");
}

/// A new requirement, filed beneath the API by `name` with `edit` applied to a real filing.
fn forge_filing(demo: &Demo, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> u64 {
    let key = demo.login(name).secret().unwrap().clone();
    let (conn, _) = raw_as(demo, name);
    let me = user_id(&conn, name);
    let template = conn
        .query_row(
            "SELECT after FROM audit_events WHERE action = 'requirement.file' LIMIT 1",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap();
    let id = uuid::Uuid::now_v7().to_string();
    let mut image: serde_json::Value = serde_json::from_str(&template).unwrap();
    image["id"] = id.clone().into();
    image["filed_by"] = me.clone().into();
    image["status"] = "draft".into();
    edit(&mut image);
    forge(
        &conn,
        &key,
        Forgery {
            actor: (&me, name),
            action: "requirement.file",
            entity: ("requirement", &id),
            before: None,
            after: Some(image.to_string()),
        },
    )
}

#[test]
fn a_record_created_past_its_first_steps_or_in_someone_elses_name_is_named() {
    let demo = Demo::new();
    let seq = forge_filing(&demo, "liu.yang", |v| v["status"] = "approved".into());
    assert_named(&demo, seq, "illegal_step");

    let demo = Demo::new();
    let he_na = user_id(&raw_as(&demo, "liu.yang").0, "he.na");
    let seq = forge_filing(&demo, "liu.yang", |v| v["filed_by"] = he_na.clone().into());
    assert_named(&demo, seq, "not_signer");

    // The same filing, honestly made, verifies: the forger's tools are not what fails.
    let demo = Demo::new();
    forge_filing(&demo, "liu.yang", |_| {});
    assert_eq!(first_bad(&demo.login("qian.hui")), None);
}

/// An incident of the demo still open to notes (an Operations member may add them).
fn noted_incident(demo: &Demo) -> String {
    let (conn, _) = raw_as(demo, "zhao.qiang");
    conn.query_row(
        "SELECT id FROM incidents WHERE status != 'closed' ORDER BY number LIMIT 1",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_note_that_rewrites_the_timeline_or_speaks_for_someone_else_is_named() {
    let demo = Demo::new();
    let id = noted_incident(&demo);
    let note = |by: &str| serde_json::json!({"at": "2026-11-30T09:00:00Z", "by": by, "kind": "note", "status": null, "text": "补记 a note"});
    // Rewriting what was said earlier, while adding a note in one's own name.
    let me = user_id(&raw_as(&demo, "zhao.qiang").0, "zhao.qiang");
    let seq = forge_on(
        &demo,
        "zhao.qiang",
        ("incident", &id),
        "incident.add_note",
        |b| b,
        |v| {
            let timeline = v["timeline"].as_array_mut().unwrap();
            timeline[0]["text"] = "从未发生 it never happened".into();
            timeline.push(note(&me));
        },
    );
    assert_named(&demo, seq, "illegal_change");

    // Adding a note in the admin's name.
    let demo = Demo::new();
    let id = noted_incident(&demo);
    let admin = user_id(&raw_as(&demo, "zhao.qiang").0, "admin");
    let seq = forge_on(
        &demo,
        "zhao.qiang",
        ("incident", &id),
        "incident.add_note",
        |b| b,
        |v| {
            v["timeline"].as_array_mut().unwrap().push(note(&admin));
        },
    );
    assert_named(&demo, seq, "not_signer");

    // The same note in one's own name verifies.
    let demo = Demo::new();
    let id = noted_incident(&demo);
    let me = user_id(&raw_as(&demo, "zhao.qiang").0, "zhao.qiang");
    forge_on(
        &demo,
        "zhao.qiang",
        ("incident", &id),
        "incident.add_note",
        |b| b,
        |v| {
            v["timeline"].as_array_mut().unwrap().push(note(&me));
        },
    );
    assert_eq!(first_bad(&demo.login("qian.hui")), None);
}

#[test]
fn a_second_assessment_of_a_quarter_in_the_log_is_named() {
    // What the server refuses when two desks open one quarter at once, forged beneath it: the
    // project manager opens the demo's quarter again, correctly signed and chained.
    let demo = Demo::new();
    let (conn, _) = raw_as(&demo, "chen.jing");
    let existing: String = conn
        .query_row("SELECT id FROM assessments LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let id = uuid::Uuid::now_v7().to_string();
    let image = with(&last_image(&conn, "assessment", &existing).unwrap(), |v| {
        v["id"] = id.clone().into();
        v["status"] = "draft".into();
        v["version"] = 0.into();
    });
    let actor = user_id(&conn, "chen.jing");
    drop(conn);
    let key = demo.login("chen.jing").secret().unwrap().clone();
    let (conn, _) = raw_as(&demo, "chen.jing");
    let seq = forge(
        &conn,
        &key,
        Forgery {
            actor: (&actor, "chen.jing"),
            action: "assessment.open",
            entity: ("assessment", &id),
            before: None,
            after: Some(image),
        },
    );
    drop(conn);
    let report = demo.login("qian.hui").verify_audit().unwrap();
    assert_eq!(
        report.first_bad.map(|b| (b.seq, b.problem)),
        Some((seq, "quarter_taken".to_owned())),
    );
}

/// A project manager writes a release of a version whose gate is closed (the medical model's
/// v1.2: in testing, its evaluation not signed off) straight into the database, signed with
/// their own key and built exactly as the write path builds one. Verification names it, and
/// so does the next login on a device that had verified the log before it.
#[test]
fn a_release_past_a_closed_gate_is_named_by_verification_and_by_the_next_login() {
    let demo = Demo::new();
    let device = tempfile::tempdir().unwrap();
    drop(login_on(&demo, "chen.jing", device.path()));

    let (conn, _) = raw_as(&demo, "chen.jing");
    let (version, model): (String, String) = conn
        .query_row(
            "SELECT id, model_id FROM model_versions
              WHERE json_extract(body, '$.draft.label') = 'v1.2'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let actor = user_id(&conn, "chen.jing");
    drop(conn);
    let go_live = |model: &mut serde_json::Value| {
        let timeline = model["timeline"].as_array_mut().unwrap();
        let mut period = timeline.last().unwrap().clone();
        let since = period["from"].clone();
        for open in timeline.iter_mut().filter(|p| p["to"].is_null()) {
            open["to"] = since.clone();
        }
        period["version"] = version.clone().into();
        period["from"] = since;
        period["to"] = serde_json::Value::Null;
        period["by"] = actor.into();
        period["reason"] = serde_json::Value::Null;
        period["gate_override"] = serde_json::Value::Null;
        timeline.push(period);
        model["live"] = version.clone().into();
    };
    let seq = forge_on(
        &demo,
        "chen.jing",
        ("model", &model),
        "model.go_live",
        |b| b,
        go_live,
    );

    assert_named(&demo, seq, "gate_closed");
    let pm = login_on(&demo, "zhou.min", device.path());
    assert_eq!(
        pm.held(),
        Some(&govbench_core::Hold::Log {
            seq,
            problem: "gate_closed"
        })
    );
}
