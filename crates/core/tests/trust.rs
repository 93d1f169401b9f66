//! The record can be trusted against an insider: a member with a valid login, the data key and
//! a copy of the file. Each test is one attack, run for real on a SQLCipher workspace; each
//! must be refused, or detected with what was changed named.

mod common;

use common::{draft, file, rewrite_chain, Fixture, PASSPHRASE};
use govbench_core::{KeySlots, Witness};
use govbench_protocol::{
    AuditReport, CommentCommand, ErrorCode, NewUser, RequirementCommand, RequirementDraft, Role,
    UserCommand,
};
use rusqlite::{params, Connection};

fn raw(fx: &Fixture) -> Connection {
    let key = KeySlots::load(&fx.path)
        .unwrap()
        .unlock("pm", PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    govbench_core::store::open_raw(&fx.path, &key).unwrap()
}

fn verify(fx: &Fixture) -> AuditReport {
    fx.login(Role::Auditor).verify_audit().unwrap()
}

fn problem(report: &AuditReport) -> Option<(u64, &str)> {
    report
        .first_bad
        .as_ref()
        .map(|b| (b.seq, b.problem.as_str()))
}

#[test]
fn an_insider_who_recomputes_every_hash_is_caught_by_the_signatures() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let id = file(&mut biz, "原始标题 original");
    let copy = biz.copy_id().to_owned();
    drop(biz);
    let pm = fx.login(Role::ProjectManager);
    let insider = pm.secret().unwrap().clone();
    drop(pm);
    let conn = raw(&fx);
    let filed_at: i64 = conn
        .query_row(
            "SELECT seq FROM audit_events WHERE entity_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    rewrite_chain(&conn, &copy, &insider, |e| {
        if e.seq == filed_at as u64 {
            e.after = e.after.as_ref().map(|a| a.replace("原始标题", "篡改标题"));
        }
    });
    conn.execute(
        "UPDATE requirements SET title = replace(title, '原始标题', '篡改标题')",
        [],
    )
    .unwrap();
    drop(conn);
    let report = verify(&fx);
    // The very first event is already re-signed by the wrong person.
    assert_eq!(problem(&report), Some((1, "bad_signature")), "{report:?}");
    assert!(!report.is_intact());
}

#[test]
fn an_event_forged_in_another_members_name_is_caught() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let id = file(&mut biz, "需求");
    let copy = biz.copy_id().to_owned();
    drop(biz);
    let pm = fx.login(Role::ProjectManager);
    let insider = pm.secret().unwrap().clone();
    let admin_id = fx.login(Role::Admin).user().id.to_string();
    drop(pm);
    let conn = raw(&fx);
    let mut last = common::events(&conn, &copy).pop().unwrap();
    let hash_of_last: String = conn
        .query_row(
            "SELECT hash FROM audit_events WHERE copy_id = ?1 AND seq = ?2",
            params![copy, last.seq as i64],
            |r| r.get(0),
        )
        .unwrap();
    // A perfectly chained event "by the admin", closing the requirement, signed by the PM.
    last.seq += 1;
    last.id = uuid::Uuid::now_v7().to_string();
    last.actor_id = Some(admin_id);
    last.actor_name = "admin".into();
    last.action = "requirement.close".into();
    last.entity_id = id.to_string();
    last.prev_hash = hash_of_last;
    let hash = last.hash();
    for signature in [Some(insider.sign(hash.as_bytes())), None] {
        conn.execute(
            "DELETE FROM audit_events WHERE copy_id = ?1 AND seq = ?2",
            params![copy, last.seq as i64],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO audit_events (copy_id, seq, id, at, actor_id, actor_name, action,
                 entity_type, entity_id, before, after, prev_hash, hash, signature)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                copy,
                last.seq as i64,
                last.id,
                last.at,
                last.actor_id,
                last.actor_name,
                last.action,
                last.entity_type,
                last.entity_id,
                last.before,
                last.after,
                last.prev_hash,
                hash,
                signature
            ],
        )
        .unwrap();
        conn.execute(
            "UPDATE meta SET value = ?2 WHERE key = ?1",
            params![format!("audit_head:{copy}"), format!("{}:{hash}", last.seq)],
        )
        .unwrap();
        let expected = if signature.is_some() {
            "bad_signature"
        } else {
            "unsigned"
        };
        assert_eq!(problem(&verify(&fx)), Some((last.seq, expected)));
    }
}

#[test]
fn cutting_the_tail_is_caught_by_this_devices_witness_and_the_records() {
    let fx = Fixture::new();
    let witness = Witness::in_dir(fx.dir.path());
    let mut biz = fx.login(Role::Business);
    assert_eq!(
        biz.set_witness(witness.clone()).unwrap(),
        None,
        "first visit"
    );
    let id = file(&mut biz, "需求");
    for i in 0..3 {
        biz.execute(CommentCommand::Add {
            on: id.into(),
            body: format!("评论 {i}"),
        })
        .unwrap();
    }
    let copy = biz.copy_id().to_owned();
    let head = biz.verify_audit().unwrap();
    assert!(head.is_intact(), "{head:?}");
    let total = head.events_verified;
    assert!(head.anchor.as_ref().is_some_and(|a| a.found));
    drop(biz);

    // Drop the last two events and point the head at the one before: a consistent chain.
    let conn = raw(&fx);
    conn.execute(
        "DELETE FROM audit_events WHERE copy_id = ?1 AND seq > ?2",
        params![copy, (total - 2) as i64],
    )
    .unwrap();
    let hash: String = conn
        .query_row(
            "SELECT hash FROM audit_events WHERE copy_id = ?1 AND seq = ?2",
            params![copy, (total - 2) as i64],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "UPDATE meta SET value = ?2 WHERE key = ?1",
        params![
            format!("audit_head:{copy}"),
            format!("{}:{hash}", total - 2)
        ],
    )
    .unwrap();
    drop(conn);

    let mut biz = fx.login(Role::Business);
    let check = biz.set_witness(witness).unwrap().expect("seen before");
    assert!(!check.found);
    assert_eq!(
        (check.rewritten_from, check.rewritten_to),
        (Some(total - 1), Some(total))
    );
    let report = biz.verify_audit().unwrap();
    assert_eq!(report.first_bad, None, "the chain itself is consistent");
    assert!(!report.is_intact());
    assert!(report.anchor.is_some_and(|a| !a.found));
    // The two comments whose events were cut are rows without events.
    let records = report.records.unwrap();
    assert_eq!(records.problem_count, 2, "{records:?}");
    assert!(records
        .problems
        .iter()
        .all(|p| p.entity == "comment" && p.problem == "no_event"));
    // Later writes do not paper over it: they are refused until an Admin decides, and the
    // device keeps reporting the rewrite.
    let refused = biz
        .execute(RequirementCommand::File {
            draft: draft("之后 later"),
            submit: true,
        })
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::WorkspaceHeld);
    assert!(biz.verify_audit().unwrap().anchor.is_some_and(|a| !a.found));
}

#[test]
fn deleting_the_whole_log_is_not_intact() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    file(&mut biz, "需求");
    drop(biz);
    let conn = raw(&fx);
    conn.execute_batch("DELETE FROM audit_events; DELETE FROM meta WHERE key LIKE 'audit_head:%';")
        .unwrap();
    drop(conn);
    let report = verify(&fx);
    assert_eq!(report.events_verified, 0);
    assert!(!report.is_intact());
    let records = report.records.unwrap();
    // Six members (one per role) and one requirement, none written by any event.
    assert_eq!(records.problem_count, 7, "{records:?}");
}

#[test]
fn a_row_changed_or_added_around_the_write_path_is_named() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let id = file(&mut biz, "需求");
    drop(biz);
    let conn = raw(&fx);
    conn.execute("UPDATE requirements SET priority = 1", [])
        .unwrap();
    drop(conn);
    let report = verify(&fx);
    let records = report.records.clone().unwrap();
    assert_eq!(records.problem_count, 1);
    assert_eq!(
        (
            records.problems[0].id.as_str(),
            records.problems[0].problem.as_str()
        ),
        (id.to_string().as_str(), "differs")
    );
    let text = govbench_i18n::Locale::En.audit_summary(&report);
    assert!(text.contains(&id.to_string()), "{text}");

    let conn = raw(&fx);
    conn.execute(
        "INSERT INTO users (id, name, display_name, role, active, created_at, version)
         VALUES ('0190a0a0-0000-7000-8000-000000000001', 'ghost', 'Ghost', 'admin', 1,
                 '2026-03-02T09:00:00Z', 1)",
        [],
    )
    .unwrap();
    drop(conn);
    let records = verify(&fx).records.unwrap();
    assert!(records
        .problems
        .iter()
        .any(|p| p.entity == "user" && p.problem == "no_event"));
}

#[test]
fn a_damaged_file_is_never_called_intact() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    for i in 0..40 {
        let mut long = draft(&format!("需求 {i}"));
        long.scenario = "长文本 long text ".repeat(200);
        biz.execute(RequirementCommand::File {
            draft: long,
            submit: true,
        })
        .unwrap();
    }
    drop(biz);
    let len = std::fs::metadata(&fx.path).unwrap().len();
    let mut bytes = std::fs::read(&fx.path).unwrap();
    let middle = (len / 2) as usize;
    bytes[middle] ^= 0x01;
    std::fs::write(&fx.path, &bytes).unwrap();
    match fx_login(&fx) {
        Err(e) => assert_eq!(e.code, ErrorCode::WorkspaceDamaged, "{e:?}"),
        Ok(session) => {
            let report = session.verify_audit();
            match report {
                Ok(report) => {
                    assert!(!report.is_intact());
                    assert!(
                        report.storage.is_some_and(|s| !s.problems.is_empty()),
                        "storage problems are named"
                    );
                }
                Err(e) => assert_eq!(e.code, ErrorCode::WorkspaceDamaged, "{e:?}"),
            }
        }
    }
}

fn fx_login(fx: &Fixture) -> Result<govbench_core::Session, govbench_protocol::ApiError> {
    govbench_core::login(&fx.path, "auditor", PASSPHRASE, fx.clock.clone())
}

#[test]
fn one_name_one_person_kelvin_sign_and_case_do_not_make_a_second_kim() {
    let fx = Fixture::new();
    let mut admin = fx.login(Role::Admin);
    let new = |name: &str| NewUser {
        name: name.into(),
        display_name: "Kim".into(),
        role: Role::Admin,
        passphrase: "newcomer passphrase".into(),
    };
    admin
        .execute(UserCommand::Create {
            user: NewUser {
                role: Role::Business,
                passphrase: "kim's own passphrase".into(),
                ..new("kim")
            },
        })
        .unwrap();
    let slots_before = std::fs::read(KeySlots::path_for(&fx.path)).unwrap();
    for name in ["\u{212A}im", "KIM", " Kim "] {
        let err = admin
            .execute(UserCommand::Create { user: new(name) })
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation, "{name}");
    }
    assert_eq!(
        std::fs::read(KeySlots::path_for(&fx.path)).unwrap(),
        slots_before,
        "no slot was replaced"
    );
    let kim =
        govbench_core::login(&fx.path, "kim", "kim's own passphrase", fx.clock.clone()).unwrap();
    assert_eq!(kim.user().role, Role::Business);
    assert!(
        govbench_core::login(&fx.path, "kim", "newcomer passphrase", fx.clock.clone()).is_err()
    );
}

#[test]
fn two_admins_adding_members_at_once_lose_no_key_slot() {
    let fx = Fixture::new();
    let mut admin = fx.login(Role::Admin);
    admin
        .execute(UserCommand::Create {
            user: NewUser {
                name: "admin2".into(),
                display_name: "Admin 2".into(),
                role: Role::Admin,
                passphrase: PASSPHRASE.into(),
            },
        })
        .unwrap();
    drop(admin);
    let added: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = ["admin", "admin2"]
            .into_iter()
            .map(|who| {
                let fx = &fx;
                scope.spawn(move || {
                    let mut s =
                        govbench_core::login(&fx.path, who, PASSPHRASE, fx.clock.clone()).unwrap();
                    let mut added = Vec::new();
                    for i in 0..15 {
                        let name = format!("{who}.member{i}");
                        s.execute(UserCommand::Create {
                            user: NewUser {
                                name: name.clone(),
                                display_name: name.clone(),
                                role: Role::Operations,
                                passphrase: PASSPHRASE.into(),
                            },
                        })
                        .unwrap();
                        added.push(name);
                    }
                    added
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert_eq!(added.len(), 30);
    for name in &added {
        govbench_core::login(&fx.path, name, PASSPHRASE, fx.clock.clone())
            .unwrap_or_else(|e| panic!("{name} cannot log in: {e:?}"));
    }
    let report = verify(&fx);
    assert!(report.is_intact(), "{report:?}");
    let slots = report.key_slots.unwrap();
    // One member per role, the second admin and the thirty new ones.
    assert_eq!((slots.members, slots.slots), (37, 37));
}

#[test]
fn a_crafted_key_file_is_refused_quickly_and_left_as_it_was() {
    let fx = Fixture::new();
    let keys = KeySlots::path_for(&fx.path);
    let original = std::fs::read_to_string(&keys).unwrap();
    for (field, value) in [
        ("\"iterations\": 1", "\"iterations\": 2147483648"),
        ("\"memory_kib\": 1024", "\"memory_kib\": 4294967295"),
        ("\"parallelism\": 1", "\"parallelism\": 0"),
    ] {
        let crafted = original.replace(field, value);
        assert_ne!(crafted, original, "{field}");
        std::fs::write(&keys, &crafted).unwrap();
        let started = std::time::Instant::now();
        let err =
            govbench_core::login(&fx.path, "admin", PASSPHRASE, fx.clock.clone()).unwrap_err();
        assert_eq!(err.code, ErrorCode::WorkspaceUnreadable, "{value}");
        assert!(
            started.elapsed().as_secs() < 5,
            "refused before any derivation"
        );
        assert_eq!(std::fs::read_to_string(&keys).unwrap(), crafted);
    }
}

#[test]
fn text_that_would_corrupt_a_view_or_a_terminal_is_refused() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let with = |f: &dyn Fn(&mut RequirementDraft)| {
        let mut d = draft("正常标题");
        f(&mut d);
        d
    };
    let cases: Vec<(RequirementDraft, &str, &str)> = vec![
        (
            with(&|d| d.title = "nul\0byte".into()),
            "title",
            "rule.control_characters",
        ),
        (
            with(&|d| d.title = "\u{1b}]0;owned\u{7}".into()),
            "title",
            "rule.control_characters",
        ),
        (
            with(&|d| d.title = "two\r\nlines".into()),
            "title",
            "rule.control_characters",
        ),
        (
            with(&|d| d.title = "invoice\u{202E}fdp.exe".into()),
            "title",
            "rule.bidi_controls",
        ),
        (
            with(&|d| d.title = "\u{200B}\u{2060}".into()),
            "title",
            "rule.invisible_only",
        ),
        (
            with(&|d| d.wanted_by = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()),
            "wanted_by",
            "rule.date_out_of_range",
        ),
        (
            with(&|d| d.wanted_by = chrono::NaiveDate::from_ymd_opt(262_142, 1, 1).unwrap()),
            "wanted_by",
            "rule.date_out_of_range",
        ),
        (
            with(&|d| d.kpis[0].target = -1e308),
            "kpis.0.target",
            "rule.out_of_range",
        ),
        (
            with(&|d| d.kpis = vec![d.kpis[0].clone(); 10_000]),
            "kpis",
            "rule.too_many",
        ),
    ];
    for (draft, field, rule) in cases {
        let err = biz
            .execute(RequirementCommand::File {
                draft,
                submit: false,
            })
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation);
        assert_eq!(
            err.details.get(field).map(String::as_str),
            Some(rule),
            "{err:?}"
        );
    }
    // Multi-line fields keep their newlines and tabs.
    let ok = with(&|d| d.scenario = "第一行\n\t第二行".into());
    biz.execute(RequirementCommand::File {
        draft: ok,
        submit: false,
    })
    .unwrap();
    assert_eq!(biz.requirements(&Default::default()).unwrap().total, 1);
}

#[test]
fn only_the_author_or_an_admin_edits_or_submits_a_draft() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let id = RequirementId(
        biz.execute(RequirementCommand::File {
            draft: draft("我的草稿"),
            submit: false,
        })
        .unwrap()
        .entity
        .id,
    );
    let mut admin = fx.login(Role::Admin);
    admin
        .execute(UserCommand::Create {
            user: NewUser {
                name: "biz2".into(),
                display_name: "Another business user".into(),
                role: Role::Business,
                passphrase: PASSPHRASE.into(),
            },
        })
        .unwrap();
    let mut other = govbench_core::login(&fx.path, "biz2", PASSPHRASE, fx.clock.clone()).unwrap();
    for command in [
        RequirementCommand::Edit {
            id,
            draft: draft("改掉别人的草稿"),
        },
        RequirementCommand::Submit { id },
    ] {
        let err = other.execute(command).unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden);
        assert_eq!(err.message_key, "error.not_author");
    }
    admin
        .execute(RequirementCommand::Edit {
            id,
            draft: draft("管理员整理 tidied by admin"),
        })
        .unwrap();
    biz.execute(RequirementCommand::Submit { id }).unwrap();
}

use govbench_protocol::RequirementId;

#[test]
fn renewing_ones_keys_is_signed_with_the_old_key_and_retires_it() {
    let fx = Fixture::new();
    let mut pm = fx.login(Role::ProjectManager);
    let old = govbench_core::Remembered::of(&pm).unwrap();
    pm.execute(UserCommand::Enroll {
        passphrase: govbench_protocol::Passphrase(PASSPHRASE.into()),
    })
    .unwrap();
    // The renewed session signs with the new key, and verification accepts it.
    let id = file(&mut fx.login(Role::Business), "需求");
    pm.execute(CommentCommand::Add {
        on: id.into(),
        body: "新密钥签名 signed with the new key".into(),
    })
    .unwrap();
    let report = verify(&fx);
    assert!(report.is_intact(), "{report:?}");
    assert!(
        govbench_core::open_remembered(&fx.path, &old.slot_id, &old.secret, fx.clock.clone())
            .is_err(),
        "the old secret opens nothing any more"
    );
    let again = fx.login(Role::ProjectManager);
    assert_eq!(again.user().name, "pm");
    let wrong = pm
        .execute(UserCommand::Enroll {
            passphrase: govbench_protocol::Passphrase("not it".into()),
        })
        .unwrap_err();
    assert_eq!(wrong.code, ErrorCode::WrongCredentials);
}

#[test]
fn a_removed_member_with_an_old_key_file_opens_nothing_written_afterwards() {
    let fx = Fixture::new();
    let keys = KeySlots::path_for(&fx.path);
    // What the business user keeps before being removed: the key file and their passphrase.
    let old_keys = std::fs::read(&keys).unwrap();
    let id = file(&mut fx.login(Role::Business), "移除之前 before removal");
    let mut pm = fx.login(Role::ProjectManager);
    let mut admin = fx.login(Role::Admin);
    let biz = admin
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.name == "biz")
        .unwrap();
    admin.execute(UserCommand::Remove { id: biz.id }).unwrap();
    admin
        .execute(CommentCommand::Add {
            on: id.into(),
            body: "移除之后 after removal".into(),
        })
        .unwrap();

    // The old key file, put back beside the current database: its key no longer opens it.
    let stolen = tempfile::tempdir().unwrap();
    let copy = stolen.path().join("copy.govbench");
    std::fs::copy(&fx.path, &copy).unwrap();
    std::fs::write(KeySlots::path_for(&copy), &old_keys).unwrap();
    let err = govbench_core::login(&copy, "biz", PASSPHRASE, fx.clock.clone()).unwrap_err();
    assert_eq!(err.code, ErrorCode::WorkspaceUnreadable, "{err:?}");
    let old_key = KeySlots::load(&copy)
        .unwrap()
        .unlock("biz", PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    assert!(
        govbench_core::store::open(&copy, &old_key, &govbench_core::schema::WORKSPACE).is_err()
    );
    // With the current key file, biz has no slot at all.
    assert_eq!(
        govbench_core::login(&fx.path, "biz", PASSPHRASE, fx.clock.clone())
            .unwrap_err()
            .code,
        ErrorCode::WrongCredentials
    );

    // A session opened before the rotation is told to log in again, not that the file is bad.
    let err = pm.requirements(&Default::default()).unwrap_err();
    assert_eq!(err.code, ErrorCode::KeyChanged, "{err:?}");
    let err = pm
        .execute(CommentCommand::Add {
            on: id.into(),
            body: "x".into(),
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::KeyChanged, "{err:?}");

    // Everyone else carries on, with one slot each and an intact record.
    let report = verify(&fx);
    assert!(report.is_intact(), "{report:?}");
    let slots = report.key_slots.unwrap();
    assert_eq!((slots.members, slots.slots), (5, 5));
    assert_eq!(
        KeySlots::load(&fx.path)
            .unwrap()
            .unlock("pm", PASSPHRASE)
            .unwrap()
            .keys
            .len(),
        1
    );
}

#[test]
fn an_admin_rotates_the_key_and_nobody_else_may() {
    let fx = Fixture::new();
    let before = KeySlots::load(&fx.path)
        .unwrap()
        .unlock("admin", PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    let err = fx
        .login(Role::ProjectManager)
        .execute(UserCommand::RotateKey)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let mut admin = fx.login(Role::Admin);
    let seen = std::sync::Mutex::new(Vec::new());
    admin
        .execute_with_progress(UserCommand::RotateKey, &|done, total| {
            seen.lock().unwrap().push((done, total));
        })
        .unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(
        seen.last().is_some_and(|(d, t)| d == t && *t > 0),
        "{seen:?}"
    );
    // The session carries on under the new key.
    file(&mut fx.login(Role::Business), "轮换之后");
    assert_eq!(admin.requirements(&Default::default()).unwrap().total, 1);
    assert!(
        govbench_core::store::open(&fx.path, &before, &govbench_core::schema::WORKSPACE).is_err()
    );
    for role in Role::ALL {
        fx.login(role);
    }
    let report = verify(&fx);
    assert!(report.is_intact(), "{report:?}");
}

/// Signatures are checked in batches; a bad one in the middle of a batch is still named
/// exactly, and one event's bad signature is found among a hundred good ones.
#[test]
fn a_single_resigned_event_in_the_middle_of_a_batch_is_named() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let id = file(&mut biz, "需求");
    for i in 0..100 {
        biz.execute(CommentCommand::Add {
            on: id.into(),
            body: format!("评论 {i}"),
        })
        .unwrap();
    }
    let copy = biz.copy_id().to_owned();
    drop(biz);
    let insider = fx.login(Role::ProjectManager).secret().unwrap().clone();
    let conn = raw(&fx);
    let hash: String = conn
        .query_row(
            "SELECT hash FROM audit_events WHERE copy_id = ?1 AND seq = 40",
            [&copy],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "UPDATE audit_events SET signature = ?2 WHERE copy_id = ?1 AND seq = 40",
        params![copy, insider.sign(hash.as_bytes())],
    )
    .unwrap();
    drop(conn);
    let report = verify(&fx);
    assert_eq!(problem(&report), Some((40, "bad_signature")));
    assert_eq!(report.events_verified, 39);
}

/// A head printed on an earlier report is an anchor outside the file: a chain rewritten later
/// (here: the tail cut and the head moved, which the chain check alone cannot see) no longer
/// contains it, and a malformed head is refused with a clear message.
#[test]
fn a_printed_head_catches_a_later_rewrite() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    file(&mut biz, "一");
    let copy = biz.copy_id().to_owned();
    let conn = raw(&fx);
    let (seq, hash): (i64, String) = conn
        .query_row(
            "SELECT seq, hash FROM audit_events WHERE copy_id = ?1 ORDER BY seq DESC LIMIT 1",
            [&copy],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    drop(conn);
    let printed = format!("{seq}:{hash}");
    let report = biz.verify_audit_against(&printed).unwrap();
    assert!(report.is_intact());
    assert_eq!(report.anchor.as_ref().map(|a| a.found), Some(true));

    file(&mut biz, "二");
    let conn = raw(&fx);
    conn.execute(
        "DELETE FROM audit_events WHERE copy_id = ?1 AND seq >= ?2",
        params![copy, seq],
    )
    .unwrap();
    let (last, last_hash): (i64, String) = conn
        .query_row(
            "SELECT seq, hash FROM audit_events WHERE copy_id = ?1 ORDER BY seq DESC LIMIT 1",
            [&copy],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    conn.execute(
        "UPDATE meta SET value = ?2 WHERE key = ?1",
        params![format!("audit_head:{copy}"), format!("{last}:{last_hash}")],
    )
    .unwrap();
    drop(conn);
    let report = biz.verify_audit_against(&printed).unwrap();
    assert!(!report.is_intact());
    let anchor = report.anchor.unwrap();
    assert!(!anchor.found);
    assert_eq!(anchor.rewritten_to, Some(seq as u64));
    let err = biz.verify_audit_against("not a head").unwrap_err();
    assert_eq!(
        err.details.get("anchor").map(String::as_str),
        Some("rule.anchor")
    );
}

/// Another writer holding the workspace longer than the busy timeout: the action is refused
/// as "busy", translated, and nothing of it is written.
#[test]
fn a_workspace_held_by_another_writer_is_busy_and_nothing_is_lost() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let before = biz.requirements(&Default::default()).unwrap().total;
    let mut holder = raw(&fx);
    let held = holder
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let err = biz
        .execute(RequirementCommand::File {
            draft: draft("被挡住的 blocked"),
            submit: true,
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Busy);
    let text = govbench_i18n::Locale::En.describe(&err);
    assert!(
        text.contains("busy") && text.contains("Nothing was lost"),
        "{text}"
    );
    held.rollback().unwrap();
    assert_eq!(biz.requirements(&Default::default()).unwrap().total, before);
    // Once free, the same action goes through.
    file(&mut biz, "之后 afterwards");
}

#[test]
fn absurd_plans_are_refused() {
    let fx = Fixture::new();
    let id = file(&mut fx.login(Role::Business), "计划");
    let mut rnd = fx.login(Role::RnD);
    rnd.execute(RequirementCommand::StartAssessment { id })
        .unwrap();
    rnd.execute(RequirementCommand::Assess {
        id,
        assessment: govbench_protocol::Assessment {
            feasibility: govbench_protocol::Feasibility::Feasible,
            resources: "两名工程师".into(),
            effort_person_days: 20,
            plan: "分两期".into(),
            risks: String::new(),
        },
    })
    .unwrap();
    let mut pm = fx.login(Role::ProjectManager);
    pm.execute(RequirementCommand::Decide {
        id,
        decision: govbench_protocol::Decision::Approve,
    })
    .unwrap();
    let due = common::today() + chrono::Duration::days(10);
    let milestone = govbench_protocol::Milestone {
        title: "里程碑".into(),
        due,
    };
    let err = pm
        .execute(RequirementCommand::Plan {
            id,
            plan: govbench_protocol::DeliveryPlan {
                owner: rnd.user().id,
                milestones: vec![milestone; 100_000],
                target_delivery: due,
            },
        })
        .unwrap_err();
    assert_eq!(
        err.details.get("milestones").map(String::as_str),
        Some("rule.too_many")
    );
}

/// A slot still held by someone who is no longer a member (left by an older version, or an
/// interrupted removal) is dropped at the next login; a slot of nobody is left alone.
#[test]
fn slots_of_removed_members_are_dropped_at_login() {
    let fx = Fixture::new();
    let conn = raw(&fx);
    conn.execute("UPDATE users SET active = 0 WHERE name = 'ops'", [])
        .unwrap();
    drop(conn);
    assert!(KeySlots::load(&fx.path).unwrap().has("ops"));
    fx.login(Role::ProjectManager);
    let slots = KeySlots::load(&fx.path).unwrap();
    assert!(!slots.has("ops"));
    assert!(slots.has("pm") && slots.has("admin"));
    assert_eq!(slots.len(), 5);
}

/// Deep verification compares each record with the image its event carries; a number read
/// back from the log must be the very same number (a KPI target with 17 significant digits,
/// which a naive float parser rounds differently).
#[test]
fn numbers_read_back_from_the_log_equal_the_records() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let mut d = draft("精确的目标 exact target");
    d.kpis[0].target = 0.389_084_087_660_790_83;
    d.kpis.push(govbench_protocol::Kpi {
        metric: "p95".into(),
        comparator: govbench_protocol::Comparator::AtMost,
        target: 1_234.567_890_123_456_7,
        unit: "ms".into(),
    });
    biz.execute(RequirementCommand::File {
        draft: d,
        submit: true,
    })
    .unwrap();
    let report = verify(&fx);
    assert!(report.is_intact(), "{report:?}");
}
