//! Backups are whole encrypted workspaces that open only with a slot; restoring verifies
//! before anything is put in place; removals back up first; old backups are pruned.

mod common;

use common::{file, Fixture, PASSPHRASE};
use govbench_core::{backup, Backups, KeySlots};
use govbench_protocol::{BackupReason, ErrorCode, Role, UserCommand};

#[test]
fn a_backup_restores_into_a_new_verified_workspace() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    file(&mut biz, "备份之前 before the backup");
    let backups = Backups::new(fx.dir.path().join("backups"));
    let made = biz.backup(&backups, BackupReason::Manual).unwrap();
    file(&mut biz, "备份之后 after the backup");
    let listed = backups.list("test").unwrap();
    assert_eq!(listed, vec![made.clone()]);
    // Encrypted like the workspace: no plaintext title in it.
    let bytes = std::fs::read(&made.path).unwrap();
    assert!(!bytes.windows(6).any(|w| w == "备份".as_bytes()));

    let into = fx.dir.path().join("restored.govbench");
    let wrong = backup::restore(
        made.path.as_ref(),
        &into,
        "biz",
        "wrong passphrase",
        fx.clock.clone(),
    )
    .unwrap_err();
    assert_eq!(wrong.code, ErrorCode::WrongCredentials);
    assert!(!into.exists(), "nothing left behind");
    let restored = backup::restore(
        made.path.as_ref(),
        &into,
        "biz",
        PASSPHRASE,
        fx.clock.clone(),
    )
    .unwrap();
    assert_eq!(restored.restored_to.as_deref(), into.to_str());
    assert!(restored.report.is_intact(), "{:?}", restored.report);
    let session = govbench_core::login(&into, "pm", PASSPHRASE, fx.clock.clone()).unwrap();
    let titles: Vec<String> = session
        .requirements(&Default::default())
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.title)
        .collect();
    assert_eq!(titles, ["备份之前 before the backup"]);
    // Never over an existing file.
    let again = backup::restore(
        made.path.as_ref(),
        &into,
        "biz",
        PASSPHRASE,
        fx.clock.clone(),
    );
    assert_eq!(again.unwrap_err().code, ErrorCode::WorkspaceExists);
}

#[test]
fn a_damaged_backup_is_not_restored() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    for i in 0..30 {
        let mut d = common::draft(&format!("需求 {i}"));
        d.scenario = "长文本 long text ".repeat(200);
        biz.execute(govbench_protocol::RequirementCommand::File {
            draft: d,
            submit: true,
        })
        .unwrap();
    }
    let backups = Backups::new(fx.dir.path().join("backups"));
    let made = biz.backup(&backups, BackupReason::Manual).unwrap();
    let mut bytes = std::fs::read(&made.path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&made.path, bytes).unwrap();
    let into = fx.dir.path().join("restored.govbench");
    match backup::restore(
        made.path.as_ref(),
        &into,
        "biz",
        PASSPHRASE,
        fx.clock.clone(),
    ) {
        Ok(outcome) => {
            assert_eq!(outcome.restored_to, None);
            assert!(!outcome.report.is_intact());
        }
        Err(e) => assert!(
            matches!(
                e.code,
                ErrorCode::WorkspaceDamaged | ErrorCode::WorkspaceUnreadable
            ),
            "{e:?}"
        ),
    }
    assert!(!into.exists());
    assert!(!KeySlots::path_for(&into).exists());
    let leftovers: Vec<_> = std::fs::read_dir(fx.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restor"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn removing_a_member_backs_up_first_under_the_old_key() {
    let fx = Fixture::new();
    let backups = Backups::new(fx.dir.path().join("backups"));
    let mut admin = fx.login(Role::Admin);
    admin.set_backups(backups.clone());
    let ops = admin
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.name == "ops")
        .unwrap();
    admin.execute(UserCommand::Remove { id: ops.id }).unwrap();
    let listed = backups.list("test").unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].reason, BackupReason::BeforeRotation);
    // The backup is the workspace as it was, under the old key — but once the removal
    // committed, only the members who remain hold a slot in it: the removed member's
    // passphrase opens no copy made on this device.
    let path: &std::path::Path = listed[0].path.as_ref();
    let old = govbench_core::login(path, "ops", PASSPHRASE, fx.clock.clone());
    assert_eq!(old.unwrap_err().code, ErrorCode::WrongCredentials);
    assert!(!KeySlots::load(path).unwrap().has("ops"));
    let pm = govbench_core::login(path, "pm", PASSPHRASE, fx.clock.clone()).unwrap();
    assert!(
        pm.users().unwrap().iter().any(|u| u.name == "ops"),
        "ops is in the copy"
    );
}

#[cfg(unix)]
#[test]
fn backups_are_their_owners_only_and_interrupted_ones_are_swept() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new();
    let folder = fx.dir.path().join("backups");
    let backups = Backups::new(&folder);
    // What an interrupted backup of this workspace leaves, and one of another workspace.
    std::fs::create_dir_all(&folder).unwrap();
    let leftovers = [
        "test--20260101T000000.000000Z--manual.govbench.partial",
        "test--20260101T000000.000000Z--manual.govbench.partial-journal",
        "test--20260101T000000.000000Z--manual.govbench-keys",
    ];
    for name in leftovers {
        std::fs::write(folder.join(name), b"left over").unwrap();
    }
    std::fs::write(
        folder.join("other--x--manual.govbench.partial"),
        b"not ours",
    )
    .unwrap();
    let mut biz = fx.login(Role::Business);
    let made = biz.backup(&backups, BackupReason::Manual).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    let db: &std::path::Path = made.path.as_ref();
    assert_eq!(mode(db), 0o600);
    assert_eq!(mode(&KeySlots::path_for(db)), 0o600);
    for name in leftovers {
        assert!(!folder.join(name).exists(), "{name} was swept");
    }
    assert!(folder.join("other--x--manual.govbench.partial").exists());
    // The workspace's own key file is its owner's only too.
    assert_eq!(mode(&KeySlots::path_for(&fx.path)), 0o600);
}

#[test]
fn old_backups_are_pruned_by_count_keeping_the_newest() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let backups = Backups {
        keep_count: 3,
        ..Backups::new(fx.dir.path().join("backups"))
    };
    let mut made = Vec::new();
    for i in 0..5 {
        fx.clock.set(common::start() + chrono::Duration::minutes(i));
        made.push(biz.backup(&backups, BackupReason::Manual).unwrap());
    }
    let listed = backups.list("test").unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0], made[4], "newest first");
    let files = std::fs::read_dir(fx.dir.path().join("backups"))
        .unwrap()
        .count();
    assert_eq!(files, 6, "three databases and their key files");
}

#[test]
fn a_migration_keeps_a_copy_of_the_workspace_as_it_was() {
    let fx = Fixture::new();
    let key = KeySlots::load(&fx.path)
        .unwrap()
        .unlock("admin", PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    // Take the workspace back to schema 2 (what the previous release wrote).
    let raw = govbench_core::store::open_raw(&fx.path, &key).unwrap();
    raw.execute_batch(
        "DROP TABLE models; DROP TABLE model_versions; DROP TABLE evaluations;
         DROP TABLE model_requirements;
         DROP TABLE incidents; DROP TABLE team_members; DROP TABLE response_rules;
         DROP TABLE drill_templates; DROP TABLE drill_plans; DROP TABLE drill_runs;
         DROP TABLE attachments; DROP TABLE attachment_blobs; DROP TABLE open_actions;
         DROP TABLE assessments; DROP TABLE report_exports; DROP TABLE audit_positions;
         DROP TABLE conflicts; DROP TABLE member_devices;
         DROP INDEX audit_by_time; DROP INDEX audit_by_entity_time;
         CREATE INDEX audit_by_entity ON audit_events(entity_type, entity_id);
         DROP INDEX users_by_sign_key;
         ALTER TABLE users DROP COLUMN sign_key;
         ALTER TABLE users DROP COLUMN seal_key;
         ALTER TABLE audit_events DROP COLUMN signature;
         PRAGMA user_version = 2;",
    )
    .unwrap();
    drop(raw);
    let conn =
        govbench_core::store::open(&fx.path, &key, &govbench_core::schema::WORKSPACE).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, govbench_core::schema::VERSION);
    let copy = fx.dir.path().join("test--before-schema-2.govbench");
    let old = govbench_core::store::open_raw(&copy, &key).unwrap();
    let version: i64 = old
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2);
    assert!(KeySlots::path_for(&copy).exists());
}
