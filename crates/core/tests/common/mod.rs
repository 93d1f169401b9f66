//! Shared fixtures: real SQLCipher workspaces in temp dirs, a manual clock, one user per role.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use govbench_core::{CreateOptions, KdfParams, ManualClock, Session};
use govbench_protocol::{
    Comparator, Kpi, NewUser, Priority, RequirementCommand, RequirementDraft, RequirementId, Role,
    UserCommand,
};
use std::path::PathBuf;
use std::sync::Arc;

pub const PASSPHRASE: &str = "correct horse 电池 staple";

pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

pub fn today() -> NaiveDate {
    start().date_naive()
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub clock: Arc<ManualClock>,
}

/// User name of the fixture user holding `role`.
pub fn user_of(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::ProjectManager => "pm",
        Role::RnD => "rnd",
        Role::Operations => "ops",
        Role::Business => "biz",
        Role::Auditor => "auditor",
    }
}

impl Fixture {
    /// A workspace with one user per role (all with [`PASSPHRASE`]).
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.govbench");
        let clock = Arc::new(ManualClock::new(start()));
        let mut admin = govbench_core::create_workspace(
            &path,
            &NewUser {
                name: "admin".into(),
                display_name: "管理员 Admin".into(),
                role: Role::Admin,
                passphrase: PASSPHRASE.into(),
            },
            CreateOptions {
                kdf: KdfParams::TESTING,
                is_demo: false,
            },
            clock.clone(),
        )
        .unwrap();
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Admin) {
            admin
                .execute(UserCommand::Create {
                    user: NewUser {
                        name: user_of(role).into(),
                        display_name: format!("{role:?} 用户"),
                        role,
                        passphrase: PASSPHRASE.into(),
                    },
                })
                .unwrap();
        }
        Fixture { dir, path, clock }
    }

    pub fn login(&self, role: Role) -> Session {
        govbench_core::login(&self.path, user_of(role), PASSPHRASE, self.clock.clone()).unwrap()
    }

    /// A raw connection to the workspace (the data key unlocked with the admin's slot), for
    /// tests that look beneath the API: counting events, or tampering as an insider would.
    pub fn raw(&self) -> rusqlite::Connection {
        let key = govbench_core::KeySlots::load(&self.path)
            .unwrap()
            .unlock("admin", PASSPHRASE)
            .unwrap()
            .keys
            .remove(0);
        govbench_core::store::open_raw(&self.path, &key).unwrap()
    }

    /// Every file of the workspace: database, WAL, shared memory, key slots.
    pub fn files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }
}

pub fn draft(title: &str) -> RequirementDraft {
    RequirementDraft {
        title: title.into(),
        scenario: "门诊病历质控 outpatient record QA".into(),
        goals: "降低缺陷率 reduce defects".into(),
        kpis: vec![Kpi {
            metric: "recall".into(),
            comparator: Comparator::AtLeast,
            target: 92.0,
            unit: "%".into(),
        }],
        priority: Priority::High,
        department: "医疗事业部".into(),
        wanted_by: today() + chrono::Duration::days(30),
    }
}

pub fn file(session: &mut Session, title: &str) -> RequirementId {
    let outcome = session
        .execute(RequirementCommand::File {
            draft: draft(title),
            submit: true,
        })
        .unwrap();
    RequirementId(outcome.entity.id)
}

/// A well-formed but wrong chain hash.
pub const FORGED_HASH: &str = "1111111111111111111111111111111111111111111111111111111111111111";

/// The requirements card of the session's dashboard.
pub fn requirements_card(session: &Session) -> govbench_protocol::RequirementsDashboard {
    session
        .dashboard()
        .unwrap()
        .sections
        .into_iter()
        .find_map(|section| match section {
            govbench_protocol::DashboardSection::Requirements(card) => Some(card),
            _ => None,
        })
        .expect("a requirements card")
}

/// Every event of `copy`'s chain as stored, in order (for tests that tamper as a forger would).
pub fn events(conn: &rusqlite::Connection, copy: &str) -> Vec<govbench_core::audit::Event> {
    let mut stmt = conn
        .prepare(
            "SELECT seq, id, at, actor_id, actor_name, action, entity_type, entity_id, before,
                    after, prev_hash FROM audit_events WHERE copy_id = ?1 ORDER BY seq",
        )
        .unwrap();
    stmt.query_map([copy], |r| {
        Ok(govbench_core::audit::Event {
            copy_id: copy.to_owned(),
            seq: r.get::<_, i64>(0)? as u64,
            id: r.get(1)?,
            at: r.get(2)?,
            actor_id: r.get(3)?,
            actor_name: r.get(4)?,
            action: r.get(5)?,
            entity_type: r.get(6)?,
            entity_id: r.get(7)?,
            before: r.get(8)?,
            after: r.get(9)?,
            prev_hash: r.get(10)?,
        })
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// What a forger holding the data key does after editing events: recomputes every hash from
/// the first event on, re-signs with the only key they have (their own), and moves the head.
pub fn rewrite_chain(
    conn: &rusqlite::Connection,
    copy: &str,
    signer: &govbench_core::UserSecret,
    edit: impl Fn(&mut govbench_core::audit::Event),
) {
    let mut prev = govbench_core::audit::GENESIS.to_owned();
    for mut event in events(conn, copy) {
        edit(&mut event);
        event.prev_hash = prev.clone();
        let hash = event.hash();
        conn.execute(
            "UPDATE audit_events SET actor_name = ?3, after = ?4, prev_hash = ?5, hash = ?6,
                 signature = ?7 WHERE copy_id = ?1 AND seq = ?2",
            rusqlite::params![
                copy,
                event.seq as i64,
                event.actor_name,
                event.after,
                event.prev_hash,
                hash,
                signer.sign(hash.as_bytes())
            ],
        )
        .unwrap();
        conn.execute(
            "UPDATE meta SET value = ?2 WHERE key = ?1",
            rusqlite::params![
                format!("audit_head:{copy}"),
                format!("{}:{hash}", event.seq)
            ],
        )
        .unwrap();
        prev = hash;
    }
}

/// The demo workspace, made now in a temp dir, whose people log in by name.
pub struct Demo {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Demo {
    pub fn new() -> Demo {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.govbench");
        govbench_core::demo::create(&path, KdfParams::TESTING, Utc::now()).unwrap();
        Demo { dir, path }
    }

    pub fn login(&self, name: &str) -> Session {
        govbench_core::login(
            &self.path,
            name,
            govbench_core::demo::PASSPHRASE,
            Arc::new(govbench_core::SystemClock),
        )
        .unwrap()
    }
}
