//! The encrypted workspace: key slots, wrong passphrases, damaged and foreign files, schema
//! versions and what is (not) readable on disk.

mod common;

use common::{draft, Fixture, PASSPHRASE};
use govbench_core::{DataKey, KeySlots, SystemClock};
use govbench_protocol::{ErrorCode, NewUser, RequirementCommand, Role, UserCommand};
use std::sync::Arc;

fn login_error(path: &std::path::Path, user: &str, passphrase: &str) -> ErrorCode {
    govbench_core::login(path, user, passphrase, Arc::new(SystemClock))
        .unwrap_err()
        .code
}

#[test]
fn every_user_unlocks_the_same_workspace_with_their_own_passphrase() {
    let fx = Fixture::new();
    for role in Role::ALL {
        let session = fx.login(role);
        assert_eq!(session.user().role, role);
        assert_eq!(session.users().unwrap().len(), 6);
    }
}

#[test]
fn wrong_passphrase_and_unknown_user_are_the_same_clear_error() {
    let fx = Fixture::new();
    assert_eq!(
        login_error(&fx.path, "pm", "not the passphrase"),
        ErrorCode::WrongCredentials
    );
    assert_eq!(
        login_error(&fx.path, "nobody", PASSPHRASE),
        ErrorCode::WrongCredentials
    );
}

#[test]
fn missing_workspace_is_reported_as_not_found() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        login_error(&dir.path().join("none.govbench"), "pm", PASSPHRASE),
        ErrorCode::WorkspaceNotFound
    );
}

#[test]
fn added_user_gets_a_slot_and_removed_user_loses_it() {
    let fx = Fixture::new();
    let mut admin = fx.login(Role::Admin);
    admin
        .execute(UserCommand::Create {
            user: NewUser {
                name: "zhang.san".into(),
                display_name: "张三".into(),
                role: Role::Business,
                passphrase: "张三的口令 secret".into(),
            },
        })
        .unwrap();
    let zhang =
        govbench_core::login(&fx.path, "zhang.san", "张三的口令 secret", fx.clock.clone()).unwrap();
    let id = zhang.user().id;
    drop(zhang);
    assert_eq!(KeySlots::load(&fx.path).unwrap().len(), 7);
    admin.execute(UserCommand::Remove { id }).unwrap();
    assert_eq!(KeySlots::load(&fx.path).unwrap().len(), 6);
    assert_eq!(
        login_error(&fx.path, "zhang.san", "张三的口令 secret"),
        ErrorCode::WrongCredentials
    );
}

#[test]
fn user_validation_names_each_bad_field() {
    let fx = Fixture::new();
    let mut admin = fx.login(Role::Admin);
    let err = admin
        .execute(UserCommand::Create {
            user: NewUser {
                name: "pm".into(),
                display_name: " ".into(),
                role: Role::RnD,
                passphrase: "short".into(),
            },
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(
        err.details.get("name").map(String::as_str),
        Some("rule.duplicate")
    );
    assert_eq!(
        err.details.get("display_name").map(String::as_str),
        Some("rule.required")
    );
    assert_eq!(
        err.details.get("passphrase").map(String::as_str),
        Some("rule.passphrase_too_short")
    );
    assert_eq!(
        KeySlots::load(&fx.path).unwrap().len(),
        6,
        "no slot for a refused user"
    );
}

#[test]
fn the_last_admin_cannot_be_removed() {
    let fx = Fixture::new();
    let mut admin = fx.login(Role::Admin);
    let id = admin.user().id;
    let err = admin.execute(UserCommand::Remove { id }).unwrap_err();
    assert_eq!(err.details.get("id").map(String::as_str), Some("rule.self"));
}

#[test]
fn no_plaintext_reaches_the_disk() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let mut d = draft("绝密需求标题XYZ Confidential-Title-Marker");
    d.scenario = "肿瘤早筛模型 secret-scenario-marker".into();
    biz.execute(RequirementCommand::File {
        draft: d,
        submit: true,
    })
    .unwrap();
    // Scan while the session is open (WAL present) and after it is closed.
    let markers: [&[u8]; 5] = [
        "绝密需求标题XYZ".as_bytes(),
        b"Confidential-Title-Marker",
        "肿瘤早筛模型".as_bytes(),
        b"secret-scenario-marker",
        b"SQLite format 3",
    ];
    for pass in 0..2 {
        for file in fx.files() {
            let bytes = std::fs::read(&file).unwrap();
            for marker in markers {
                assert!(
                    !bytes.windows(marker.len()).any(|w| w == marker),
                    "{} contains {:?} (pass {pass})",
                    file.display(),
                    String::from_utf8_lossy(marker)
                );
            }
        }
        if pass == 0 {
            assert!(
                fx.files()
                    .iter()
                    .any(|f| f.to_string_lossy().ends_with("-wal")),
                "WAL was scanned"
            );
        }
        drop(std::mem::replace(&mut biz, fx.login(Role::Auditor)));
    }
}

fn assert_refused_and_unchanged(fx: &Fixture, expected: ErrorCode) {
    let before = std::fs::read(&fx.path).unwrap();
    let listing_before: Vec<_> = {
        let mut l: Vec<_> = fx.files();
        l.sort();
        l
    };
    assert_eq!(login_error(&fx.path, "pm", PASSPHRASE), expected);
    assert_eq!(
        std::fs::read(&fx.path).unwrap(),
        before,
        "workspace bytes changed"
    );
    let mut listing_after = fx.files();
    listing_after.sort();
    assert_eq!(listing_before, listing_after, "files appeared or vanished");
}

#[test]
fn truncated_workspace_is_refused_and_left_as_it_was() {
    let fx = Fixture::new();
    let bytes = std::fs::read(&fx.path).unwrap();
    std::fs::write(&fx.path, &bytes[..bytes.len() / 3]).unwrap();
    assert_refused_and_unchanged(&fx, ErrorCode::WorkspaceUnreadable);
}

#[test]
fn corrupted_workspace_is_refused_and_left_as_it_was() {
    let fx = Fixture::new();
    let mut bytes = std::fs::read(&fx.path).unwrap();
    for b in bytes.iter_mut().take(600).skip(100) {
        *b ^= 0x5a;
    }
    std::fs::write(&fx.path, &bytes).unwrap();
    assert_refused_and_unchanged(&fx, ErrorCode::WorkspaceUnreadable);
}

#[test]
fn foreign_file_is_refused_and_left_as_it_was() {
    let fx = Fixture::new();
    // A plain, unencrypted SQLite database under the workspace's name.
    std::fs::remove_file(&fx.path).unwrap();
    let plain = rusqlite::Connection::open(&fx.path).unwrap();
    plain
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES ('hello');")
        .unwrap();
    drop(plain);
    assert_refused_and_unchanged(&fx, ErrorCode::WorkspaceUnreadable);
    // And a text file.
    std::fs::write(&fx.path, "just some notes, not a workspace\n").unwrap();
    assert_refused_and_unchanged(&fx, ErrorCode::WorkspaceUnreadable);
}

#[test]
fn damaged_key_file_is_refused_and_left_as_it_was() {
    let fx = Fixture::new();
    let keys = KeySlots::path_for(&fx.path);
    std::fs::write(&keys, b"{ not json").unwrap();
    assert_refused_and_unchanged(&fx, ErrorCode::WorkspaceUnreadable);
    assert_eq!(std::fs::read(&keys).unwrap(), b"{ not json");
}

#[test]
fn workspace_from_a_newer_schema_is_refused_with_that_reason() {
    let fx = Fixture::new();
    let key = KeySlots::load(&fx.path)
        .unwrap()
        .unlock("pm", PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    let raw = govbench_core::store::open_raw(&fx.path, &key).unwrap();
    raw.execute_batch(&format!(
        "PRAGMA user_version = {}",
        govbench_core::schema::VERSION + 1
    ))
    .unwrap();
    drop(raw);
    let err = govbench_core::login(&fx.path, "pm", PASSPHRASE, Arc::new(SystemClock)).unwrap_err();
    assert_eq!(err.code, ErrorCode::WorkspaceTooNew);
    assert_eq!(
        err.details.get("found").map(String::as_str),
        Some(&*(govbench_core::schema::VERSION + 1).to_string())
    );
    assert_refused_and_unchanged(&fx, ErrorCode::WorkspaceTooNew);
}

#[test]
fn creating_over_an_existing_file_is_refused_and_it_survives() {
    let fx = Fixture::new();
    let before = std::fs::read(&fx.path).unwrap();
    let err = govbench_core::create_workspace(
        &fx.path,
        &NewUser {
            name: "x".into(),
            display_name: "x".into(),
            role: Role::Admin,
            passphrase: PASSPHRASE.into(),
        },
        govbench_core::CreateOptions {
            kdf: govbench_core::KdfParams::TESTING,
            is_demo: false,
        },
        Arc::new(SystemClock),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::WorkspaceExists);
    assert_eq!(std::fs::read(&fx.path).unwrap(), before);
}

#[test]
fn workspaces_in_synced_folders_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let synced = dir.path().join("Dropbox");
    std::fs::create_dir_all(&synced).unwrap();
    let err = govbench_core::create_workspace(
        &synced.join("w.govbench"),
        &NewUser {
            name: "a".into(),
            display_name: "a".into(),
            role: Role::Admin,
            passphrase: PASSPHRASE.into(),
        },
        govbench_core::CreateOptions {
            kdf: govbench_core::KdfParams::TESTING,
            is_demo: false,
        },
        Arc::new(SystemClock),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NetworkPath);
    assert!(
        std::fs::read_dir(&synced).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn a_raw_data_key_opens_the_file_and_a_random_one_does_not() {
    let fx = Fixture::new();
    let wrong = DataKey::random();
    assert!(govbench_core::store::open_raw(&fx.path, &wrong)
        .unwrap()
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r
            .get::<_, i64>(0))
        .is_err());
}

/// Each member's devices are the copies their events were written on, counted as they are
/// written, and the same as counting the log afresh (what the schema step does for a file
/// from before it).
#[test]
fn members_devices_are_counted_as_events_are_written() {
    let fx = Fixture::new();
    let mut business = fx.login(Role::Business);
    for i in 0..3 {
        business
            .execute(RequirementCommand::File {
                draft: draft(&format!("设备 device {i}")),
                submit: false,
            })
            .unwrap();
    }
    let devices = business.member_devices().unwrap();
    let mine: Vec<_> = devices
        .iter()
        .filter(|d| d.user == business.user().id)
        .collect();
    assert_eq!(mine.len(), 1, "{devices:?}");
    assert!(mine[0].this_copy && mine[0].events >= 3);
    assert!(mine[0].first_at <= mine[0].last_at);

    // Counted afresh from the log, the table holds the same rows.
    let conn = govbench_core::store::open_raw(&fx.path, business.data_key()).unwrap();
    let kept: Vec<(String, String, i64, String, String)> = rows(
        &conn,
        "SELECT actor_id, copy_id, events, first_at, last_at FROM member_devices
          ORDER BY actor_id, copy_id",
    );
    let counted = rows(
        &conn,
        "SELECT actor_id, copy_id, count(*), min(at), max(at) FROM audit_events
          WHERE actor_id IS NOT NULL GROUP BY actor_id, copy_id ORDER BY actor_id, copy_id",
    );
    assert_eq!(kept, counted);
}

fn rows(conn: &rusqlite::Connection, sql: &str) -> Vec<(String, String, i64, String, String)> {
    conn.prepare(sql)
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}
