//! A workspace shared on the real server (`scripts/pg-test.sh`) and joined from another
//! desktop: the joined copy holds the same tables, its member logs in there, a change made on
//! one copy reaches the other through the server, and a server that alters an event is caught
//! before anything of it is applied. Skipped without a test server unless
//! `GOVBENCH_REQUIRE_PG` is set.

mod common;

use common::{database, server, tables, TestServer};

use chrono::Utc;
use govbench_core::keyslots::server_password;
use govbench_core::sharing::{self, Delivered, Offer, Outcome, Server, ServerNote};
use govbench_core::wire::SealedBlob;
use govbench_core::{demo, KdfParams, Session, SystemClock};
use govbench_protocol::{
    ApiError, ConflictReason, EntityRef, ErrorCode, EvaluationCommand, EvaluationId,
    EvaluationMeta, Evaluator, IncidentCommand, IncidentId, IncidentQuery, ManualValue, ModelDraft,
    ModelId, ModelVersionId, NewUser, RequirementQuery, RiskTier, Role, TimelineKind, UserCommand,
    VersionDraft,
};
use govbench_remote::{create_workspace, ServerAddress, SharedWorkspace};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uuid::Uuid;

fn login(path: &Path, name: &str) -> Session {
    govbench_core::login(path, name, demo::PASSPHRASE, Arc::new(SystemClock)).unwrap()
}

/// The demo, shared on the server by its Admin; returns the Admin's session and link.
struct Shared {
    dir: tempfile::TempDir,
    path: PathBuf,
    address: ServerAddress,
    workspace: Uuid,
    _runtime: tokio::runtime::Runtime,
    root: tokio_postgres::Client,
}

impl Shared {
    fn new(s: &TestServer) -> (Shared, Session) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.govbench");
        demo::create(&path, KdfParams::TESTING, Utc::now()).unwrap();
        let mut session = login(&path, "admin");
        let (address, runtime, root) = database(s);
        let workspace = session.workspace_id().0;
        let admin = session.user().id.0;
        let password = server_password(demo::PASSPHRASE, workspace, "admin").unwrap();
        runtime.block_on(async {
            create_workspace(
                &root,
                workspace,
                admin,
                "admin",
                &password,
                session.data_key().id().as_bytes(),
                1,
            )
            .await
            .unwrap();
        });
        let mut link = SharedWorkspace::connect(&address, workspace, "admin", &password).unwrap();
        let shared = session
            .share(&mut link, &server_note(&address), &|_, _| {})
            .unwrap();
        assert!(shared.events > 50, "{shared:?}");
        let shared = Shared {
            dir,
            path,
            address,
            workspace,
            _runtime: runtime,
            root,
        };
        (shared, session)
    }

    fn link(&self) -> SharedWorkspace {
        let password = server_password(demo::PASSPHRASE, self.workspace, "admin").unwrap();
        SharedWorkspace::connect(&self.address, self.workspace, "admin", &password).unwrap()
    }

    fn join(&self, name: &str) -> Result<PathBuf, ApiError> {
        let path = self.dir.path().join(name);
        let mut link = self.link();
        sharing::join(
            &path,
            govbench_protocol::WorkspaceId(self.workspace),
            "admin",
            demo::PASSPHRASE,
            &mut link,
            &server_note(&self.address),
            &|_| {},
        )?;
        Ok(path)
    }
}

fn server_note(address: &ServerAddress) -> ServerNote {
    let (address, ca) = address.without_password();
    ServerNote {
        address,
        ca: ca.map(|c| c.display().to_string()),
        allow_plaintext: false,
    }
}

fn raw(path: &Path) -> Connection {
    let key = govbench_core::KeySlots::load(path)
        .unwrap()
        .unlock("admin", demo::PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    govbench_core::store::open_raw(path, &key).unwrap()
}

#[test]
fn a_workspace_with_a_member_not_enrolled_yet_is_not_shared() {
    // A member from before signed records has no keys until their first login; their slot on
    // the server would be left behind when they enroll on some desk. Sharing waits for them.
    let Some(s) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.govbench");
    demo::create(&path, KdfParams::TESTING, Utc::now()).unwrap();
    raw(&path)
        .execute("UPDATE users SET sign_key = NULL WHERE name = 'li.wei'", [])
        .unwrap();
    let mut session = login(&path, "admin");
    let (address, runtime, root) = database(&s);
    let workspace = session.workspace_id().0;
    let password = server_password(demo::PASSPHRASE, workspace, "admin").unwrap();
    runtime.block_on(async {
        create_workspace(
            &root,
            workspace,
            session.user().id.0,
            "admin",
            &password,
            session.data_key().id().as_bytes(),
            1,
        )
        .await
        .unwrap();
    });
    let mut link = SharedWorkspace::connect(&address, workspace, "admin", &password).unwrap();
    let refused = session
        .share(&mut link, &server_note(&address), &|_, _| {})
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Validation, "{refused:?}");
    assert_eq!(
        refused.details["members"],
        "rule.members_not_enrolled_share"
    );
    let sent: i64 = runtime.block_on(async {
        root.query_one("SELECT count(*) FROM govbench.events", &[])
            .await
            .unwrap()
            .get(0)
    });
    assert_eq!(sent, 0, "nothing was sent");
    assert_eq!(session.server_note().unwrap(), None);
}

#[test]
fn a_joined_copy_holds_the_workspace_and_changes_travel_both_ways() {
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    let copy = shared.join("copy.govbench").unwrap();
    assert_eq!(tables(&raw(&shared.path)), tables(&raw(&copy)));

    // The member logs in on the joined copy as on any workspace, and works there: not
    // connected, an edit waits there and goes out with the next exchange.
    let mut joined = login(&copy, "admin");
    // The search index, built once at the end of the join, finds what the origin's does.
    let search = |session: &Session, text: &str| -> Vec<String> {
        let query = RequirementQuery {
            text: Some(text.into()),
            limit: 1000,
            ..RequirementQuery::default()
        };
        let mut found: Vec<String> = (session.requirements(&query).unwrap().items)
            .iter()
            .map(|r| r.title.clone())
            .collect();
        found.sort();
        found
    };
    let title = joined
        .requirements(&RequirementQuery::default())
        .unwrap()
        .items[0]
        .title
        .clone();
    let part: String = title.chars().skip(1).take(3).collect();
    assert!(search(&joined, &part).contains(&title), "{part} in {title}");
    for text in [part.as_str(), "智能", "质控", "a"] {
        assert_eq!(search(&joined, text), search(&origin, text), "{text}");
    }
    let incident = an_open_incident(&joined);
    joined
        .execute(note(incident, "共享前写下 written before the exchange"))
        .unwrap();
    let mut link = shared.link();
    let synced = joined.sync(&mut link).unwrap();
    assert_eq!((synced.pushed, synced.pulled, synced.conflicts), (1, 0, 0));

    // The origin takes it in; a decision there, online, travels back.
    let synced = origin.sync(&mut link).unwrap();
    assert_eq!((synced.pushed, synced.pulled), (0, 1));
    assert!(notes(&origin, incident)
        .iter()
        .any(|n| n.contains("before the exchange")));
    origin.set_server(Some(Box::new(shared.link())));
    origin
        .execute(UserCommand::Create {
            user: NewUser {
                name: "second.member".into(),
                display_name: "Second Member".into(),
                role: Role::Auditor,
                passphrase: demo::PASSPHRASE.into(),
            },
        })
        .unwrap();
    assert_eq!(
        origin.sync(&mut link).unwrap().pushed,
        0,
        "placed by the write"
    );
    assert_eq!(joined.sync(&mut link).unwrap().pulled, 1);
    assert!(joined
        .users()
        .unwrap()
        .iter()
        .any(|u| u.name == "second.member"));
    // Both logs, each now holding two copies' chains, verify in full on each desk.
    for session in [&origin, &joined] {
        let report = session.verify_audit().unwrap();
        assert!(report.is_intact(), "{report:?}");
    }
    // The Admin has two devices now, and both desks say so (each knowing which is its own).
    for session in [&origin, &joined] {
        let admin = session.user().id;
        let devices: Vec<_> = session
            .member_devices()
            .unwrap()
            .into_iter()
            .filter(|d| d.user == admin)
            .collect();
        assert_eq!(devices.len(), 2, "{devices:?}");
        assert_eq!(devices.iter().filter(|d| d.this_copy).count(), 1);
        let own = devices.iter().find(|d| d.this_copy).unwrap();
        assert_eq!(own.copy_id, session.copy_id());
    }
    drop((origin, joined));
    assert_eq!(tables(&raw(&shared.path)), tables(&raw(&copy)));
}

#[test]
fn a_server_that_alters_an_event_is_caught_before_anything_of_it_is_applied() {
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);

    // A copy that is already there: the altered event is refused, and its header says so.
    let early = shared.join("early.govbench").unwrap();
    let mut early = login(&early, "admin");
    origin.set_server(Some(Box::new(shared.link())));
    let incident = an_open_incident(&origin);
    origin
        .execute(note(incident, "将被篡改 to be altered"))
        .unwrap();
    let altered_at = origin.sharing_status().unwrap().unwrap().position;
    shared._runtime.block_on(async {
        shared
            .root
            .execute(
                "UPDATE govbench.events SET payload = set_byte(payload, 10, get_byte(payload, 10) # 1)
                  WHERE position = $1",
                &[&(altered_at as i64)],
            )
            .await
            .unwrap();
    });
    let mut link = shared.link();
    let refused = early.sync(&mut link).unwrap_err();
    assert_eq!(refused.details["reason"], "server.refused.tampered");
    let status = early.sharing_status().unwrap().unwrap();
    let noted = status.refused.expect("the refusal is noted for the header");
    assert_eq!(noted.problem, "server.refused.tampered");
    assert_eq!(noted.position, altered_at);
    assert_eq!(status.position, altered_at - 1, "nothing of it applied");
    assert!(!notes(&early, incident)
        .iter()
        .any(|n| n.contains("to be altered")));

    shared._runtime.block_on(async {
        shared
            .root
            .execute(
                "UPDATE govbench.events SET payload = set_byte(payload, 40, get_byte(payload, 40) # 1)
                  WHERE position = 30",
                &[],
            )
            .await
            .unwrap();
    });
    let refused = shared.join("altered.govbench").unwrap_err();
    assert_eq!(refused.code, ErrorCode::ServerRefused);
    assert_eq!(refused.details["reason"], "server.refused.tampered");
    assert!(!shared.dir.path().join("altered.govbench").exists());
    let left: Vec<String> = std::fs::read_dir(shared.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("altered"))
        .collect();
    assert!(
        left.is_empty(),
        "a refused join leaves nothing behind: {left:?}"
    );

    // Dropping an event breaks the server's own log hash at the gap.
    shared._runtime.block_on(async {
        shared
            .root
            .batch_execute(
                "DELETE FROM govbench.touches WHERE position = 30;
                 DELETE FROM govbench.events WHERE position = 30;",
            )
            .await
            .unwrap();
    });
    let refused = shared.join("dropped.govbench").unwrap_err();
    assert_eq!(refused.details["reason"], "server.refused.disagrees");
}

#[test]
fn a_stranger_to_the_workspace_is_refused_by_the_server() {
    let Some(s) = server() else { return };
    let (shared, _origin) = Shared::new(&s);
    let wrong = server_password("not the passphrase", shared.workspace, "admin").unwrap();
    let refused = SharedWorkspace::connect(&shared.address, shared.workspace, "admin", &wrong)
        .err()
        .expect("a wrong password is refused");
    let api: ApiError = refused.into();
    assert_eq!(api.code, ErrorCode::ServerRefused);
    // A login of the same server that is no member cannot even connect to the database.
    let outsider = format!("outsider_{}", Uuid::now_v7().simple());
    let connected = shared._runtime.block_on(async {
        shared
            .root
            .batch_execute(&format!(
                "CREATE ROLE {outsider} LOGIN PASSWORD 'outsider-pw'"
            ))
            .await
            .unwrap();
        shared.address.connect(&outsider, "outsider-pw").await
    });
    let refused = format!("{:?}", connected.expect_err("an outsider is refused"));
    assert!(
        refused.contains("permission denied for database"),
        "{refused}"
    );

    // A member of another workspace on the same server reads none of this one's rows.
    let other = Uuid::now_v7();
    let password = server_password(demo::PASSPHRASE, other, "admin").unwrap();
    let count = |client: &tokio_postgres::Client, table: &str| -> i64 {
        shared._runtime.block_on(async {
            client
                .query_one(
                    &format!("SELECT count(*) FROM govbench.{table} WHERE workspace_id = $1"),
                    &[&shared.workspace],
                )
                .await
                .unwrap()
                .get(0)
        })
    };
    let theirs = shared._runtime.block_on(async {
        create_workspace(
            &shared.root,
            other,
            Uuid::now_v7(),
            "admin",
            &password,
            b"k",
            1,
        )
        .await
        .unwrap();
        let role = govbench_remote::login_role(other, "admin");
        shared.address.connect(&role, &password).await.unwrap().0
    });
    let ours = shared._runtime.block_on(async {
        let role = govbench_remote::login_role(shared.workspace, "admin");
        let password = server_password(demo::PASSPHRASE, shared.workspace, "admin").unwrap();
        shared.address.connect(&role, &password).await.unwrap().0
    });
    for table in ["events", "key_slots", "members", "workspaces", "touches"] {
        assert!(count(&ours, table) > 0, "{table}");
        assert_eq!(count(&theirs, table), 0, "{table}");
    }
}

/// A link that, the moment its session offers a write, first lets another desktop write:
/// the race of two people acting on the same record at once, made to happen every time. With
/// `cut_after_stale`, the connection drops on the first read of the log after the server
/// turned an offer down as stale.
struct Racing {
    inner: SharedWorkspace,
    first: Option<Box<dyn FnOnce() + Send>>,
    cut_after_stale: bool,
    /// Offers without the scopes the command read, as a member's own program could: the
    /// server has nothing to find stale.
    strip_reads: bool,
}

impl Server for Racing {
    fn append(&mut self, offer: &Offer) -> govbench_core::CoreResult<Outcome> {
        if let Some(other) = self.first.take() {
            other();
        }
        let outcome = match self.strip_reads {
            true => self.inner.append(&Offer {
                reads: Vec::new(),
                ..offer.clone()
            }),
            false => self.inner.append(offer),
        };
        if !matches!(outcome, Ok(Outcome::Stale { .. })) {
            self.cut_after_stale = false;
        }
        outcome
    }
    fn link(&self) -> govbench_core::wire::Link {
        self.inner.link()
    }
    fn append_rotating(
        &mut self,
        offer: &Offer,
        rotation: &govbench_core::sharing::Rotation,
    ) -> govbench_core::CoreResult<Outcome> {
        self.inner.append_rotating(offer, rotation)
    }
    fn placed_after(
        &mut self,
        position: u64,
        limit: u32,
    ) -> govbench_core::CoreResult<Vec<govbench_core::sharing::Placed>> {
        self.inner.placed_after(position, limit)
    }
    fn retired_keys(
        &mut self,
    ) -> govbench_core::CoreResult<Vec<govbench_core::sharing::RetiredKey>> {
        self.inner.retired_keys()
    }
    fn import(&mut self, offers: &[Offer]) -> govbench_core::CoreResult<Vec<Outcome>> {
        self.inner.import(offers)
    }
    fn finish_import(&mut self) -> govbench_core::CoreResult<()> {
        self.inner.finish_import()
    }
    fn events_after(
        &mut self,
        position: u64,
        limit: u32,
    ) -> govbench_core::CoreResult<Vec<Delivered>> {
        if std::mem::take(&mut self.cut_after_stale) {
            return Err(govbench_core::CoreError::Server(
                govbench_core::error::ServerProblem::Unreachable("cut".into()),
            ));
        }
        self.inner.events_after(position, limit)
    }
    fn put_key_rows(&mut self, rows: &[(String, Vec<u8>)]) -> govbench_core::CoreResult<()> {
        self.inner.put_key_rows(rows)
    }
    fn key_rows(&mut self) -> govbench_core::CoreResult<Vec<(String, Vec<u8>)>> {
        self.inner.key_rows()
    }
    fn put_blob(&mut self, blob: &SealedBlob) -> govbench_core::CoreResult<()> {
        self.inner.put_blob(blob)
    }
    fn blob(&mut self, id: &[u8; 32]) -> govbench_core::CoreResult<Option<SealedBlob>> {
        self.inner.blob(id)
    }
    fn issue_login(
        &mut self,
        login: &govbench_core::sharing::MemberLogin,
    ) -> govbench_core::CoreResult<()> {
        self.inner.issue_login(login)
    }
    fn set_own_password(&mut self, password: &str) -> govbench_core::CoreResult<()> {
        self.inner.set_own_password(password)
    }
}

fn an_open_incident(session: &Session) -> IncidentId {
    let page = session
        .incidents(&IncidentQuery {
            active_only: true,
            limit: 50,
            ..IncidentQuery::default()
        })
        .unwrap();
    page.items
        .first()
        .expect("the demo has an open incident")
        .id
}

fn note(id: IncidentId, text: &str) -> IncidentCommand {
    IncidentCommand::AddNote {
        id,
        kind: TimelineKind::Note,
        text: text.into(),
    }
}

fn notes(session: &Session, id: IncidentId) -> Vec<String> {
    session
        .incident(id)
        .unwrap()
        .incident
        .timeline
        .into_iter()
        .map(|t| t.text)
        .collect()
}

#[test]
fn of_two_desktops_writing_the_same_record_at_once_one_wins_and_the_other_is_told_who() {
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    let copy = shared.join("copy.govbench").unwrap();
    let mut joined = login(&copy, "admin");
    let incident = an_open_incident(&origin);
    origin.set_server(Some(Box::new(shared.link())));
    let origin = std::sync::Arc::new(std::sync::Mutex::new(origin));
    let racer = origin.clone();
    joined.set_server(Some(Box::new(Racing {
        inner: shared.link(),
        cut_after_stale: false,
        strip_reads: false,
        first: Some(Box::new(move || {
            let mut origin = racer.lock().unwrap();
            origin
                .execute(note(incident, "来自第一台电脑 from the first desk"))
                .unwrap();
        })),
    })));

    // Written online: placed by the server before it committed, nothing left to send.
    let lost = joined.execute(note(incident, "来自第二台电脑 from the second desk"));
    let refused = lost.unwrap_err();
    assert_eq!(refused.code, ErrorCode::Conflict);
    assert_eq!(refused.message_key, "error.changed_meanwhile");
    assert_eq!(refused.details["by"], "系统管理员 Admin");
    // Nothing of the refused write is on the second desk; the first desk's note is, already.
    let seen = notes(&joined, incident);
    assert!(seen.iter().any(|n| n.contains("first desk")), "{seen:?}");
    assert!(!seen.iter().any(|n| n.contains("second desk")), "{seen:?}");

    // Looking again and redoing it goes through, on both desks.
    joined
        .execute(note(incident, "再试一次 second desk, again"))
        .unwrap();
    let mut link = shared.link();
    let synced = joined.sync(&mut link).unwrap();
    assert_eq!(
        (synced.pushed, synced.pulled),
        (0, 0),
        "written online, nothing waits"
    );
    let mut origin = origin.lock().unwrap();
    assert_eq!(origin.sync(&mut link).unwrap().pulled, 1);
    let both = notes(&origin, incident);
    assert!(both.iter().any(|n| n.contains("again")), "{both:?}");
    assert_eq!(notes(&joined, incident), both);
}

#[test]
fn offline_an_edit_waits_to_be_shared_and_a_decision_is_refused() {
    let Some(s) = server() else { return };
    let (shared, _origin) = Shared::new(&s);
    let copy = shared.join("copy.govbench").unwrap();
    let mut joined = login(&copy, "admin");
    let incident = an_open_incident(&joined);

    // No server: a note is kept to be shared later; adding a member is refused.
    joined.set_server(None);
    joined
        .execute(note(incident, "离线记录 written offline"))
        .unwrap();
    let refused = joined
        .execute(UserCommand::Create {
            user: NewUser {
                name: "offline.member".into(),
                display_name: "Offline".into(),
                role: Role::Auditor,
                passphrase: demo::PASSPHRASE.into(),
            },
        })
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::ServerUnreachable);
    assert_eq!(refused.message_key, "error.needs_server");
    assert!(!joined
        .users()
        .unwrap()
        .iter()
        .any(|u| u.name == "offline.member"));

    // Back online, the waiting note goes first, then the decision.
    joined.set_server(Some(Box::new(shared.link())));
    joined
        .execute(UserCommand::Create {
            user: NewUser {
                name: "online.member".into(),
                display_name: "Online".into(),
                role: Role::Auditor,
                passphrase: demo::PASSPHRASE.into(),
            },
        })
        .unwrap();
    let mut link = shared.link();
    let synced = joined.sync(&mut link).unwrap();
    assert_eq!(synced.pushed, 0, "both were placed by the write itself");
    let mut origin = login(&shared.path, "admin");
    assert_eq!(origin.sync(&mut link).unwrap().pulled, 2);
    assert!(notes(&origin, incident)
        .iter()
        .any(|n| n.contains("written offline")));
}

#[test]
fn a_member_added_online_joins_with_their_passphrase_and_writes_in_their_own_name() {
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    origin.set_server(Some(Box::new(shared.link())));
    let passphrase = "运维值班 on call 2026";
    origin
        .execute(UserCommand::Create {
            user: NewUser {
                name: "Ops.One".into(),
                display_name: "值班运维 Ops One".into(),
                role: Role::Operations,
                passphrase: passphrase.into(),
            },
        })
        .unwrap();

    // Another desktop: only the address, the id, the name and the passphrase.
    let path = shared.dir.path().join("ops.govbench");
    let password = server_password(passphrase, shared.workspace, "ops.one").unwrap();
    let mut link =
        SharedWorkspace::connect(&shared.address, shared.workspace, "ops.one", &password).unwrap();
    sharing::join(
        &path,
        govbench_protocol::WorkspaceId(shared.workspace),
        "ops.one",
        passphrase,
        &mut link,
        &server_note(&shared.address),
        &|_| {},
    )
    .unwrap();
    let mut ops =
        govbench_core::login(&path, "ops.one", passphrase, Arc::new(SystemClock)).unwrap();
    ops.set_server(Some(Box::new(link)));
    let incident = an_open_incident(&ops);
    ops.execute(note(incident, "值班已接手 on call has it"))
        .unwrap();

    let mut admin_link = shared.link();
    assert_eq!(origin.sync(&mut admin_link).unwrap().pulled, 1);
    let detail = origin.incident(incident).unwrap();
    let entry = detail.incident.timeline.last().unwrap();
    assert!(entry.text.contains("on call has it"));
    assert_eq!(entry.by.0, ops.user().id.0, "in their own name");
}

#[test]
fn an_offline_edit_turned_down_becomes_its_authors_conflict_and_nothing_else_is_lost() {
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    let copy = shared.join("copy.govbench").unwrap();
    let mut joined = login(&copy, "admin");
    let open = joined
        .incidents(&IncidentQuery {
            active_only: true,
            limit: 10,
            ..IncidentQuery::default()
        })
        .unwrap()
        .items;
    assert!(open.len() >= 2, "the demo has two open incidents");
    let (contested, other) = (open[0].id, open[1].id);

    // Offline on one desk: a note on the contested incident, then one on another.
    joined
        .execute(note(contested, "离线：我的说法 offline: my account"))
        .unwrap();
    joined
        .execute(note(other, "离线：另一件事 offline: something else"))
        .unwrap();
    // The header's view of it: not connected, two changes not yet shared.
    let waiting = joined.sharing_status().unwrap().unwrap();
    assert_eq!(
        (waiting.connected, waiting.pending, waiting.conflicts),
        (false, 2, 0)
    );
    let problem = waiting.problem.unwrap();
    assert_eq!(
        problem.details.get("reason").map(String::as_str),
        Some("server.refused.not_connected")
    );
    // Meanwhile, online on the other desk, the contested incident changes.
    origin.set_server(Some(Box::new(shared.link())));
    origin
        .execute(note(contested, "在线：先到 online: first"))
        .unwrap();

    let mut link = shared.link();
    let synced = joined.sync(&mut link).unwrap();
    assert_eq!(synced.conflicts, 1, "{synced:?}");
    assert_eq!(
        synced.pushed, 1,
        "the note that still fits, applied again and placed"
    );

    // The contested note is its author's conflict, naming who changed the incident.
    let conflicts = joined.conflicts().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let conflict = &conflicts[0];
    assert_eq!(conflict.entity, EntityRef::from(contested));
    assert_eq!(conflict.reason, ConflictReason::Stale);
    assert_eq!(conflict.theirs_by.as_deref(), Some("系统管理员 Admin"));
    assert!(conflict.mine.as_deref().unwrap().contains("my account"));
    assert_eq!(conflict.action, "incident.add_note");
    let after = joined.sharing_status().unwrap().unwrap();
    assert_eq!((after.pending, after.conflicts), (0, 1));
    // Dealt with: it leaves the author's list (once; the workspace does not change).
    joined.dismiss_conflict(conflict.id).unwrap();
    assert!(joined.conflicts().unwrap().is_empty());
    assert_eq!(joined.sharing_status().unwrap().unwrap().conflicts, 0);
    let again = joined.dismiss_conflict(conflict.id).unwrap_err();
    assert_eq!(again.code, ErrorCode::Validation);

    // This desk now holds the server's order: the winner's note, not the conflict's; the other
    // note went through. Both desks agree and both logs verify.
    let contested_notes = notes(&joined, contested);
    assert!(contested_notes.iter().any(|n| n.contains("online: first")));
    assert!(!contested_notes.iter().any(|n| n.contains("my account")));
    assert_eq!(origin.sync(&mut link).unwrap().pulled, 1);
    assert_eq!(notes(&origin, other), notes(&joined, other));
    assert!(notes(&origin, other)
        .iter()
        .any(|n| n.contains("something else")));
    for session in [&origin, &joined] {
        let report = session.verify_audit().unwrap();
        assert!(report.is_intact(), "{report:?}");
    }
    drop((origin, joined));
    // (The dismissed conflict is this copy's own note, which `tables` leaves out.)
    assert_eq!(tables(&raw(&shared.path)), tables(&raw(&copy)));
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn a_desk_that_starts_offline_keeps_edits_says_why_and_goes_online_by_itself() {
    let Some(s) = server() else { return };
    let (shared, _origin) = Shared::new(&s);
    let copy = shared.join("copy.govbench").unwrap();
    let mut joined = login(&copy, "admin");
    let password = server_password(demo::PASSPHRASE, shared.workspace, "admin").unwrap();

    // The server's port answers nothing: the link opens offline and says why.
    let dead = ServerAddress::parse(
        &format!("postgresql://postgres@localhost:{}/x", closed_port()),
        Some(&s.ca),
        false,
    )
    .unwrap();
    let link = SharedWorkspace::open(&dead, shared.workspace, "admin", &password).unwrap();
    assert!(!link.link().connected);
    joined.set_server(Some(Box::new(link)));
    let incident = an_open_incident(&joined);
    joined
        .execute(note(incident, "断网时记下 noted offline"))
        .unwrap();
    let status = joined.sharing_status().unwrap().unwrap();
    assert!(!status.connected);
    assert_eq!(status.pending, 1);
    // The record's history marks the change as not yet shared.
    let last_shared = |session: &Session| {
        let page = session
            .history(&govbench_protocol::RecentRequest {
                of: EntityRef::from(incident),
                before: None,
            })
            .unwrap();
        !page.items.last().unwrap().not_yet_shared
    };
    assert!(!last_shared(&joined));
    assert_eq!(
        status.problem.map(|p| p.code),
        Some(ErrorCode::ServerUnreachable)
    );
    assert_eq!(status.last_contact, None);

    // The real server: the same desk, opened afresh, connects; the exchange sends the note.
    let link =
        SharedWorkspace::open(&shared.address, shared.workspace, "admin", &password).unwrap();
    joined.set_server(Some(Box::new(link)));
    let synced = joined.sync_connected().unwrap();
    assert_eq!(synced.pushed, 1);
    let status = joined.sharing_status().unwrap().unwrap();
    assert!(status.connected, "{status:?}");
    assert_eq!((status.pending, status.problem), (0, None));
    assert!(status.last_contact.is_some());
    assert!(last_shared(&joined));
}

#[test]
fn test_connection_reaches_the_server_checks_its_certificate_and_changes_nothing() {
    let Some(s) = server() else { return };
    let (shared, _origin) = Shared::new(&s);
    let named = |address: &str, ca: Option<&Path>| {
        govbench_remote::desk::Named::parse(&govbench_protocol::ServerRequest {
            address: address.into(),
            ca: ca.map(|c| c.display().to_string()),
            allow_plaintext: false,
        })
        .unwrap()
    };
    let (url, _) = shared.address.without_password();
    // IT's login (its password from the password file the test command wrote).
    let it = govbench_remote::desk::check(&named(&url, Some(&s.ca))).unwrap();
    assert_eq!(
        (it.verified_tls, it.logged_in, it.schema_ready),
        (true, true, Some(true))
    );
    // A name the server does not know: reached, certificate verified, not logged in.
    let stranger = url.replace("user=postgres", "user=nobody_here");
    let reached = govbench_remote::desk::check(&named(&stranger, Some(&s.ca))).unwrap();
    assert_eq!((reached.verified_tls, reached.logged_in), (true, false));
    // A certificate from another CA: refused, not "reached".
    let other_ca = shared.dir.path().join("other-ca.pem");
    std::fs::write(&other_ca, include_str!("fixtures/other-ca.pem")).unwrap();
    let refused = govbench_remote::desk::check(&named(&url, Some(&other_ca))).unwrap_err();
    assert!(
        matches!(refused, govbench_core::CoreError::Server(_)),
        "{refused:?}"
    );
    // No server on the port: unreachable.
    let nowhere = format!("postgresql://postgres@localhost:{}/x", closed_port());
    assert!(govbench_remote::desk::check(&named(&nowhere, Some(&s.ca))).is_err());
}

/// The join codes issued on `shared`'s workspace, in order: for whom, by whom.
fn login_issues(shared: &Shared) -> Vec<(Uuid, Uuid)> {
    let rows = shared
        ._runtime
        .block_on(shared.root.query(
            "SELECT member_id, issued_by FROM govbench.login_issues \
              WHERE workspace_id = $1 ORDER BY issued_at",
            &[&shared.workspace],
        ))
        .unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

#[test]
fn a_member_from_before_sharing_joins_once_with_a_join_code_then_with_their_passphrase() {
    use govbench_remote::desk::{self, Joining, Named};
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    let named = Named {
        address: shared.address.clone(),
        allow_plaintext: false,
    };
    let workspace = shared.workspace.to_string();
    let joining = |passphrase: &str, code: Option<&str>, into: &Path| {
        desk::join(
            &named,
            &Joining {
                workspace: &workspace,
                user: "li.wei",
                passphrase,
                join_code: code,
            },
            into,
            &|_| {},
        )
    };
    let into = shared.dir.path().join("li.govbench");

    // Sharing imported li.wei's events, not a login: their passphrase opens nothing there.
    let refused = joining(demo::PASSPHRASE, None, &into).unwrap_err();
    assert_eq!(refused.code, ErrorCode::ServerRefused, "{refused:?}");
    assert!(!into.exists());

    // Only an Admin, online, issues a code; never for themselves.
    let li = origin
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.name == "li.wei")
        .unwrap();
    assert_eq!(
        origin
            .issue_join_code(li.id)
            .unwrap_err()
            .details
            .get("reason")
            .map(String::as_str),
        Some("server.refused.not_connected")
    );
    origin.set_server(Some(Box::new(shared.link())));
    let me = origin.user().id;
    assert_eq!(
        origin.issue_join_code(me).unwrap_err().code,
        ErrorCode::Validation
    );
    // A code that was lost is replaced by the next one.
    let lost = origin.issue_join_code(li.id).unwrap();
    let code = origin.issue_join_code(li.id).unwrap();
    assert!(joining(demo::PASSPHRASE, Some(&lost), &into).is_err());
    assert!(!into.exists());

    // The right code with a wrong passphrase: refused before the code is spent.
    assert!(joining("not the passphrase", Some(&code), &into).is_err());
    assert!(!into.exists());
    // The code as someone types it, with the passphrase: joined.
    let typed = code.to_lowercase().replace('-', " ");
    joining(demo::PASSPHRASE, Some(&typed), &into).unwrap();
    // Spent: the code opens nothing more; the passphrase now does.
    let again = shared.dir.path().join("li-again.govbench");
    assert!(joining(demo::PASSPHRASE, Some(&code), &again).is_err());
    joining(demo::PASSPHRASE, None, &again).unwrap();

    // li.wei has a login of their own now: a code would only lock them out, so no Admin can
    // issue one, through the app or by calling the server directly.
    let refused = origin.issue_join_code(li.id).unwrap_err();
    assert_eq!(
        refused.details.get("reason").map(String::as_str),
        Some("server.refused.member_has_own_login"),
        "{refused:?}"
    );
    let lockout = govbench_core::sharing::MemberLogin {
        id: li.id.0,
        name: "li.wei".into(),
        is_admin: false,
        password: zeroize::Zeroizing::new("locked out".into()),
    };
    assert!(shared.link().issue_login(&lockout).is_err());
    let third = shared.dir.path().join("li-third.govbench");
    joining(demo::PASSPHRASE, None, &third).unwrap();
    // Every code issued is on record at the server, with who issued it.
    assert_eq!(
        login_issues(&shared),
        vec![(li.id.0, me.0), (li.id.0, me.0)]
    );

    // li.wei writes in their own name from the joined copy; an insider's direct call to issue
    // logins is refused by the server.
    let mut li_desk = login(&into, "li.wei");
    let password = desk::member_password(&li_desk, demo::PASSPHRASE).unwrap();
    assert!(desk::connect(&mut li_desk, &password).unwrap());
    let incident = an_open_incident(&li_desk);
    li_desk
        .execute(note(incident, "研发已定位 R&D found it"))
        .unwrap();
    let refused = li_desk.issue_join_code(me).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden, "{refused:?}");
    let mut link =
        SharedWorkspace::connect(&shared.address, shared.workspace, "li.wei", &password).unwrap();
    let forged = govbench_core::sharing::MemberLogin {
        id: me.0,
        name: "admin".into(),
        is_admin: true,
        password: zeroize::Zeroizing::new("taken over".into()),
    };
    assert!(link.issue_login(&forged).is_err());
    assert!(
        SharedWorkspace::connect(&shared.address, shared.workspace, "admin", "taken over").is_err()
    );

    let mut admin_link = shared.link();
    assert_eq!(origin.sync(&mut admin_link).unwrap().pulled, 1);
    let entry = origin.incident(incident).unwrap().incident.timeline;
    assert_eq!(entry.last().unwrap().by.0, li.id.0, "in their own name");
}

#[test]
fn a_listening_desk_is_woken_as_soon_as_another_desk_writes() {
    use std::time::{Duration, Instant};
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    let copy = shared.join("copy.govbench").unwrap();
    let mut joined = login(&copy, "admin");
    let link = shared.link();
    let wakeups = link.wakeups();
    // Once listening it wakes the desk once (what came meanwhile is fetched then), then waits.
    assert!(wakeups.wait(Duration::from_secs(30)), "listening");
    assert!(!wakeups.wait(Duration::from_millis(300)), "nothing new yet");

    origin.set_server(Some(Box::new(shared.link())));
    let incident = an_open_incident(&origin);
    origin
        .execute(note(incident, "另一台电脑 from the other desk"))
        .unwrap();
    let written = Instant::now();
    assert!(wakeups.wait(Duration::from_secs(30)), "woken by the event");
    eprintln!(
        "woken {:?} after the other desk's write returned",
        written.elapsed()
    );
    joined.set_server(Some(Box::new(link)));
    assert_eq!(joined.sync_connected().unwrap().pulled, 1);
    assert!(notes(&joined, incident)
        .iter()
        .any(|n| n.contains("from the other desk")));
}

/// The passphrase of the members `member_desk` adds.
const DESK_PASSPHRASE: &str = "两台电脑 two desks 2026";

/// A member the Admin adds online, joined on a desk of their own.
fn member_desk(shared: &Shared, origin: &mut Session, name: &str, role: Role) -> Session {
    let passphrase = DESK_PASSPHRASE;
    origin
        .execute(UserCommand::Create {
            user: NewUser {
                name: name.into(),
                display_name: format!("{name} 桌面"),
                role,
                passphrase: passphrase.into(),
            },
        })
        .unwrap();
    let path = shared.dir.path().join(format!("{name}.govbench"));
    let named = govbench_remote::desk::Named {
        address: shared.address.clone(),
        allow_plaintext: false,
    };
    let workspace = shared.workspace.to_string();
    let joining = govbench_remote::desk::Joining {
        workspace: &workspace,
        user: name,
        passphrase,
        join_code: None,
    };
    govbench_remote::desk::join(&named, &joining, &path, &|_| {}).unwrap();
    let mut desk = govbench_core::login(&path, name, passphrase, Arc::new(SystemClock)).unwrap();
    let password = govbench_remote::desk::member_password(&desk, passphrase).unwrap();
    assert!(govbench_remote::desk::connect(&mut desk, &password).unwrap());
    desk
}

fn manual_run(version: ModelVersionId, accuracy: f64) -> EvaluationCommand {
    let value = |kpi: &str, value| ManualValue {
        kpi: kpi.into(),
        value,
        stderr: None,
        n: Some(2000),
        group: None,
    };
    EvaluationCommand::RecordManual {
        model_version: version,
        meta: EvaluationMeta {
            date: Utc::now().date_naive(),
            evaluator: Evaluator::Internal,
            dataset: "门诊病历 test set".into(),
            model_revision: String::new(),
            notes: String::new(),
        },
        values: vec![
            value("accuracy", accuracy),
            value("recall", 0.9),
            value("response_time_p95", 900.0),
        ],
    }
}

/// A model whose one version has a passing, signed-off evaluation: its gate is open.
fn gate_open(pm: &mut Session, rnd: &mut Session) -> (ModelId, ModelVersionId) {
    use govbench_protocol::ModelCommand as C;
    let model = ModelId(
        pm.execute(C::Register {
            draft: ModelDraft {
                name: "两地 RecordQA".into(),
                domain: "medical".into(),
                business_department: "医疗事业部".into(),
                rnd_owner: None,
                risk_tier: RiskTier::High,
                description: String::new(),
            },
        })
        .unwrap()
        .entity
        .id,
    );
    let version = ModelVersionId(
        rnd.execute(C::AddVersion {
            model,
            draft: VersionDraft {
                label: "v1.0".into(),
                code_repo: "https://git.example.com/med/qa.git".into(),
                code_commit: "0123abcd".into(),
                config_repo: String::new(),
                config_commit: String::new(),
                base_model: "Qwen2-7B".into(),
                training_data: String::new(),
                release_notes: String::new(),
            },
        })
        .unwrap()
        .entity
        .id,
    );
    rnd.execute(C::StartTesting { id: version }).unwrap();
    pm.execute(C::ApproveVersion { id: version }).unwrap();
    let passing = EvaluationId(rnd.execute(manual_run(version, 0.93)).unwrap().entity.id);
    pm.execute(EvaluationCommand::SignOff {
        id: passing,
        comment: "看过了 reviewed".into(),
    })
    .unwrap();
    (model, version)
}

#[test]
fn going_live_while_another_desk_records_a_failing_evaluation_is_refused_not_placed() {
    use govbench_protocol::ModelCommand as C;
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    origin.set_server(Some(Box::new(shared.link())));
    let mut pm = member_desk(&shared, &mut origin, "pm.one", Role::ProjectManager);
    let mut rnd = member_desk(&shared, &mut origin, "rnd.one", Role::RnD);

    let (model, version) = gate_open(&mut pm, &mut rnd);

    // The moment the PM's go-live is offered, R&D records a newer, failing run on the other
    // desk: the gate the PM's desk judged is no longer the gate.
    let pm_link = own_link(&shared, "pm.one");
    let rnd = std::sync::Arc::new(std::sync::Mutex::new(rnd));
    let racer = rnd.clone();
    pm.set_server(Some(Box::new(Racing {
        inner: pm_link,
        cut_after_stale: false,
        strip_reads: false,
        first: Some(Box::new(move || {
            racer
                .lock()
                .unwrap()
                .execute(manual_run(version, 0.80))
                .unwrap();
        })),
    })));
    let refused = pm
        .execute(C::GoLive {
            version,
            justification: None,
        })
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Conflict, "{refused:?}");
    assert_eq!(refused.message_key, "error.changed_meanwhile");
    assert_eq!(refused.details["by"], "rnd.one 桌面");
    assert_eq!(
        pm.model(model).unwrap().model.live,
        None,
        "nothing went live"
    );

    // Looking again, the PM's desk judges the newer run: the gate is closed.
    let again = pm
        .execute(C::GoLive {
            version,
            justification: None,
        })
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::GateClosed, "{again:?}");
    let mut link = shared.link();
    origin.sync(&mut link).unwrap();
    assert_eq!(origin.model(model).unwrap().model.live, None);
    drop(rnd);
}

#[test]
fn a_release_offered_without_what_it_read_is_placed_but_taken_in_by_no_copy() {
    // The same race, by a project manager whose own program leaves out what the go-live read:
    // the server has nothing to refuse and places it. Every other copy judges the gate again
    // where the release falls in the log — after the failing run — and does not apply it.
    use govbench_protocol::ModelCommand as C;
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    origin.set_server(Some(Box::new(shared.link())));
    let mut pm = member_desk(&shared, &mut origin, "pm.one", Role::ProjectManager);
    let mut rnd = member_desk(&shared, &mut origin, "rnd.one", Role::RnD);
    let (model, version) = gate_open(&mut pm, &mut rnd);
    let mut link = shared.link();
    origin.sync(&mut link).unwrap();

    let rnd = std::sync::Arc::new(std::sync::Mutex::new(rnd));
    let racer = rnd.clone();
    pm.set_server(Some(Box::new(Racing {
        inner: own_link(&shared, "pm.one"),
        cut_after_stale: false,
        strip_reads: true,
        first: Some(Box::new(move || {
            racer
                .lock()
                .unwrap()
                .execute(manual_run(version, 0.80))
                .unwrap();
        })),
    })));
    pm.execute(C::GoLive {
        version,
        justification: None,
    })
    .unwrap();

    let synced = origin.sync(&mut link).unwrap();
    let refused = synced.refused.expect("the release is not taken in");
    assert_eq!(refused.problem, "gate_closed");
    assert_eq!(synced.pulled, 1, "the failing run before it is");
    assert_eq!(origin.model(model).unwrap().model.live, None);
    let text = govbench_i18n::Locale::En.t("audit.problem.gate_closed");
    assert!(text.contains("gate"), "{text}");

    // The PM's own copy holds its release; taking in the failing run placed before it, it
    // holds the log as the server ordered it. `audit verify` judges the gate on that log
    // alone and names the release.
    pm.sync_connected().unwrap();
    let report = pm.verify_audit().unwrap();
    let bad = report
        .first_bad
        .expect("the release past a closed gate is named");
    assert_eq!(bad.problem, "gate_closed", "{bad:?}");
    assert_eq!(
        bad.copy_id,
        pm.copy_id(),
        "the release is the PM's own event"
    );
    // The copies that refused it hold a log whose every release went through an open gate.
    assert!(origin.verify_audit().unwrap().is_intact());
    drop(rnd);
}

#[test]
fn a_desk_whose_offline_run_lands_after_a_release_takes_the_release_in() {
    // R&D records a failing run offline while the PM takes the version live. Back online, the
    // run is placed after the release; the desk already holds it, and must judge the release
    // on the log as it stood there (the passing run latest), not on its own tables.
    use govbench_protocol::ModelCommand as C;
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    origin.set_server(Some(Box::new(shared.link())));
    let mut pm = member_desk(&shared, &mut origin, "pm.one", Role::ProjectManager);
    let mut rnd = member_desk(&shared, &mut origin, "rnd.one", Role::RnD);
    let (model, version) = gate_open(&mut pm, &mut rnd);
    rnd.sync_connected().unwrap();
    // The PM's device has verified the log up to here: its next login checks the release.
    let device = tempfile::tempdir().unwrap();
    pm.set_witness(govbench_core::Witness::in_dir(device.path()))
        .unwrap();

    rnd.set_server(None);
    rnd.execute(manual_run(version, 0.80)).unwrap();
    pm.execute(C::GoLive {
        version,
        justification: None,
    })
    .unwrap();
    rnd.set_server(Some(Box::new(own_link(&shared, "rnd.one"))));
    let synced = rnd.sync_connected().unwrap();
    assert_eq!(synced.refused, None, "{synced:?}");
    assert_eq!(synced.pushed, 1);
    assert_eq!(rnd.model(model).unwrap().model.live, Some(version));
    assert!(rnd.verify_audit_with_server(None).unwrap().is_intact());

    // The PM's copy takes in the failing run, written earlier but placed after the release.
    // Its next login judges the release on the log before it, in the server's order: open.
    pm.sync_connected().unwrap();
    let pm_path = pm.path().to_owned();
    drop(pm);
    let mut again =
        govbench_core::login(&pm_path, "pm.one", DESK_PASSPHRASE, Arc::new(SystemClock)).unwrap();
    again
        .set_witness(govbench_core::Witness::in_dir(device.path()))
        .unwrap();
    assert_eq!(again.held(), None);
}

#[test]
fn two_project_managers_opening_one_quarter_at_once_make_one_assessment() {
    use govbench_protocol::AssessmentCommand;
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    origin.set_server(Some(Box::new(shared.link())));
    let mut first = member_desk(&shared, &mut origin, "pm.one", Role::ProjectManager);
    let second = member_desk(&shared, &mut origin, "pm.two", Role::ProjectManager);

    // The moment the first desk offers its opening, the second opens the same quarter.
    let second = std::sync::Arc::new(std::sync::Mutex::new(second));
    let racer = second.clone();
    first.set_server(Some(Box::new(Racing {
        inner: own_link(&shared, "pm.one"),
        cut_after_stale: false,
        strip_reads: false,
        first: Some(Box::new(move || {
            racer
                .lock()
                .unwrap()
                .execute(AssessmentCommand::Open {
                    quarter: "2025Q1".into(),
                })
                .unwrap();
        })),
    })));
    let refused = first
        .execute(AssessmentCommand::Open {
            quarter: "2025Q1".into(),
        })
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Conflict, "{refused:?}");
    assert_eq!(refused.details["by"], "pm.two 桌面");

    // Looking again, the first desk finds the quarter opened.
    let again = first
        .execute(AssessmentCommand::Open {
            quarter: "2025Q1".into(),
        })
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::Validation, "{again:?}");
    let mut link = shared.link();
    origin.sync(&mut link).unwrap();
    let opened: i64 = origin
        .connection_for_tools()
        .query_row(
            "SELECT count(*) FROM assessments WHERE quarter = '2025Q1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(opened, 1);
    assert!(origin.verify_audit_with_server(None).unwrap().is_intact());
    drop(second);
}

/// A `member_desk` member's own server login, to wrap.
fn own_link(shared: &Shared, name: &str) -> SharedWorkspace {
    let password = server_password(DESK_PASSPHRASE, shared.workspace, name).unwrap();
    SharedWorkspace::connect(&shared.address, shared.workspace, name, &password).unwrap()
}

/// The event the server placed last: its clear fields and sealed payload.
fn last_placed(shared: &Shared) -> (govbench_core::wire::Sealed, String, String, i64, String) {
    let row = shared._runtime.block_on(async {
        shared
            .root
            .query_one(
                "SELECT key_id, copy_id::text, copy_seq, encode(event_hash, 'hex'), nonce, payload
                   FROM govbench.events WHERE workspace_id = $1
                  ORDER BY position DESC LIMIT 1",
                &[&shared.workspace],
            )
            .await
            .unwrap()
    });
    let nonce: Vec<u8> = row.get(4);
    let sealed = govbench_core::wire::Sealed {
        nonce: nonce.try_into().unwrap(),
        ciphertext: row.get(5),
    };
    let key_id = String::from_utf8(row.get(0)).unwrap();
    (sealed, key_id, row.get(1), row.get(2), row.get(3))
}

#[test]
fn removing_a_member_rotates_the_key_ends_their_access_and_every_desk_follows() {
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    origin.set_server(Some(Box::new(shared.link())));
    let mut ops = member_desk(&shared, &mut origin, "ops.one", Role::Operations);
    let mut rnd = member_desk(&shared, &mut origin, "rnd.one", Role::Operations);
    let incident = an_open_incident(&origin);
    ops.execute(note(incident, "移除前 before the removal"))
        .unwrap();
    let old_key = origin.data_key().clone();

    // The Admin removes them, online: the key rotates with the event, in one server
    // transaction.
    origin.sync_connected().unwrap();
    origin
        .execute(UserCommand::Remove { id: ops.user().id })
        .unwrap();
    let new_key = origin.data_key().clone();
    assert_ne!(
        new_key.id(),
        old_key.id(),
        "the Admin's copy moved to the new key"
    );
    let server_state = shared._runtime.block_on(async {
        let key: Vec<u8> = shared
            .root
            .query_one(
                "SELECT key_id FROM govbench.workspaces WHERE workspace_id = $1",
                &[&shared.workspace],
            )
            .await
            .unwrap()
            .get(0);
        let retired: i64 = shared
            .root
            .query_one(
                "SELECT count(*) FROM govbench.key_history WHERE workspace_id = $1",
                &[&shared.workspace],
            )
            .await
            .unwrap()
            .get(0);
        let slots: i64 = shared
            .root
            .query_one(
                "SELECT count(*) FROM govbench.key_slots
                  WHERE workspace_id = $1 AND slot_id <> 'header'",
                &[&shared.workspace],
            )
            .await
            .unwrap()
            .get(0);
        (String::from_utf8(key).unwrap(), retired, slots)
    });
    let members_left = origin.users().unwrap().len() as i64;
    assert_eq!(server_state, (new_key.id(), 1, members_left));

    // The removed member: their desk is cut off, their login refused, nothing of theirs placed.
    assert!(
        ops.execute(note(incident, "移除后 after removal")).is_err() || {
            ops.sync_connected().is_err()
        }
    );
    let password = server_password(DESK_PASSPHRASE, shared.workspace, "ops.one").unwrap();
    assert!(
        SharedWorkspace::connect(&shared.address, shared.workspace, "ops.one", &password).is_err()
    );

    // What the Admin writes now is sealed with the new key, which the removed member never had.
    origin
        .execute(note(incident, "移除后的记录 written after the removal"))
        .unwrap();
    let (sealed, key_id, copy_id, copy_seq, event_hash) = last_placed(&shared);
    assert_eq!(key_id, new_key.id());
    let binding = govbench_core::wire::Binding {
        workspace: shared.workspace,
        key_id: &key_id,
        copy_id: &copy_id,
        copy_seq: copy_seq as u64,
        event_hash: &event_hash,
        format: govbench_core::wire::FORMAT,
    };
    assert!(govbench_core::wire::open(ops.data_key(), &binding, &sealed).is_err());
    assert!(govbench_core::wire::open(&new_key, &binding, &sealed).is_ok());

    // A remaining member's desk follows: it takes in the removal and the note (sealed with the
    // new key, from their own slot), re-encrypts its copy, and writes under the new key.
    rnd.sync_connected().unwrap();
    assert_eq!(rnd.data_key().id(), new_key.id());
    assert!(notes(&rnd, incident)
        .iter()
        .any(|n| n.contains("written after the removal")));
    rnd.execute(note(incident, "研发收到 rnd has it")).unwrap();
    let rnd_path = rnd.path().to_owned();
    drop(rnd);
    govbench_core::login(&rnd_path, "rnd.one", DESK_PASSPHRASE, Arc::new(SystemClock))
        .expect("the re-encrypted copy opens with the member's passphrase");
    let removed_slot = govbench_core::KeySlots::load(&rnd_path)
        .unwrap()
        .has("ops.one");
    assert!(
        !removed_slot,
        "the removed member's slot is gone from the other desks too"
    );

    // A desk joining afterwards opens the events from before the rotation through the key
    // history, and holds exactly what the Admin holds.
    origin.sync_connected().unwrap();
    let late = shared.join("late.govbench").unwrap();
    let mut late_session = login(&late, "admin");
    assert_eq!(late_session.data_key().id(), new_key.id());
    late_session.sync(&mut shared.link()).unwrap();
    assert!(notes(&late_session, incident)
        .iter()
        .any(|n| n.contains("before the removal")));
    for session in [&origin, &late_session] {
        let report = session.verify_audit().unwrap();
        assert!(report.is_intact(), "{report:?}");
    }
    drop((origin, late_session, ops));
    assert_eq!(tables(&raw(&shared.path)), tables(&raw(&late)));
}

/// A desk that has exchanged once reads the server's key slots again only when an event it
/// takes in changed members or keys: a removal elsewhere (the key rotated) and a member added
/// elsewhere both reach it with its next write, without a sync.
#[test]
fn a_desk_writing_after_members_changed_elsewhere_follows_the_key_and_takes_in_the_slot() {
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    origin.set_server(Some(Box::new(shared.link())));
    let ops = member_desk(&shared, &mut origin, "ops.one", Role::Operations);
    let mut rnd = member_desk(&shared, &mut origin, "rnd.one", Role::Operations);
    let incident = an_open_incident(&origin);
    rnd.execute(note(incident, "移除前 before the removal"))
        .unwrap();

    origin
        .execute(UserCommand::Remove { id: ops.user().id })
        .unwrap();
    let new_key = origin.data_key().id();
    rnd.execute(note(incident, "移除后 after the removal"))
        .expect("the write takes in the removal and moves to the new key first");
    assert_eq!(rnd.data_key().id(), new_key);
    assert_eq!(last_placed(&shared).1, new_key, "placed under the new key");

    origin
        .execute(UserCommand::Create {
            user: NewUser {
                name: "new.one".into(),
                display_name: "新成员 new member".into(),
                role: Role::Business,
                passphrase: DESK_PASSPHRASE.into(),
            },
        })
        .unwrap();
    rnd.execute(note(incident, "新成员之后 after the new member"))
        .unwrap();
    let rnd_path = rnd.path().to_owned();
    drop((rnd, ops));
    govbench_core::login(&rnd_path, "new.one", DESK_PASSPHRASE, Arc::new(SystemClock))
        .expect("the member added elsewhere logs in on this desk's copy");
}

#[test]
fn audit_verify_compares_the_copy_with_the_servers_log_and_names_what_the_server_changed() {
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    origin.set_server(Some(Box::new(shared.link())));
    let incident = an_open_incident(&origin);
    for text in ["一 first", "二 second", "三 third"] {
        origin.execute(note(incident, text)).unwrap();
    }
    let report = origin.verify_audit_with_server(None).unwrap();
    let check = report.server.clone().expect("compared with the server");
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(check.problem_count, 0);
    assert_eq!(check.positions_matched, check.server_position);
    assert_eq!(check.copy_position, check.server_position);
    assert!(check.server_position > 50);
    let head = check.server_position as i64;

    // Not connected: this copy's own checks, nothing compared.
    let mut offline = login(&shared.path, "admin");
    assert!(offline
        .verify_audit_with_server(None)
        .unwrap()
        .server
        .is_none());
    drop(offline);

    let tamper = |sql: &str, position: i64| {
        shared._runtime.block_on(async {
            shared
                .root
                .execute(sql, &[&shared.workspace, &position])
                .await
                .unwrap();
        });
    };
    let problems = |origin: &mut Session| {
        let report = origin.verify_audit_with_server(None).unwrap();
        assert!(!report.is_intact());
        let text = govbench_i18n::Locale::En.audit_summary(&report);
        assert!(text.contains("position"), "{text}");
        let check = report.server.unwrap();
        check
            .problems
            .iter()
            .map(|p| (p.position as i64, p.problem.clone()))
            .collect::<Vec<_>>()
    };

    // An event altered in place.
    tamper(
        "UPDATE govbench.events SET event_hash = sha256(event_hash)
          WHERE workspace_id = $1 AND position = $2",
        10,
    );
    let found = problems(&mut origin);
    assert!(found.contains(&(10, "altered".into())), "{found:?}");
    assert!(found.contains(&(10, "broken".into())), "{found:?}");

    // One dropped from the middle, and the last two rolled back.
    tamper(
        "DELETE FROM govbench.touches WHERE workspace_id = $1 AND position = $2",
        20,
    );
    tamper(
        "DELETE FROM govbench.events WHERE workspace_id = $1 AND position = $2",
        20,
    );
    for position in [head, head - 1] {
        tamper(
            "DELETE FROM govbench.touches WHERE workspace_id = $1 AND position = $2",
            position,
        );
        tamper(
            "DELETE FROM govbench.events WHERE workspace_id = $1 AND position = $2",
            position,
        );
    }
    let found = problems(&mut origin);
    for expected in [(20, "missing"), (head - 1, "missing"), (head, "missing")] {
        assert!(
            found.contains(&(expected.0, expected.1.into())),
            "{expected:?} in {found:?}"
        );
    }
}

#[test]
fn a_pack_exported_on_a_shared_copy_names_the_frontier_and_any_copy_checks_it() {
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    origin.set_server(Some(Box::new(shared.link())));
    let out = shared.dir.path().join("pack.zip");
    let exported = origin
        .execute(govbench_protocol::AssessmentCommand::Export {
            quarter: "2026Q1".into(),
            kind: govbench_protocol::ExportKind::Pack,
            lang: "en".into(),
            path: out.display().to_string(),
        })
        .unwrap();
    let record = origin.export_record(exported.entity.id).unwrap();
    let frontier = record
        .frontier
        .clone()
        .expect("an export on a shared copy names its frontier");
    let (position, hash) = frontier
        .strip_prefix("log:")
        .and_then(|rest| rest.split_once(':'))
        .unwrap();
    let position: u64 = position.parse().unwrap();
    assert!(position > 50 && hash.len() == 64, "{frontier}");

    // The pack's manifest carries it.
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_reader(archive.by_name("manifest.json").unwrap()).unwrap();
    assert_eq!(manifest["frontier"], frontier.as_str());

    // Another member's copy holds exactly that history.
    let copy = shared.join("copy.govbench").unwrap();
    let joined = login(&copy, "admin");
    let report = joined.verify_audit_against(&frontier).unwrap();
    assert!(report.is_intact(), "{report:?}");
    let anchor = report.anchor.unwrap();
    assert_eq!((anchor.source.as_str(), anchor.found), ("given_log", true));
    let text =
        govbench_i18n::Locale::En.audit_summary(&joined.verify_audit_against(&frontier).unwrap());
    assert!(text.contains(&format!("position {position}")), "{text}");

    // A frontier further than this copy has taken in: sync first. Another log at that
    // position: changed after the report.
    let ahead = format!("log:{}:{hash}", position + 1000);
    let report = joined.verify_audit_against(&ahead).unwrap();
    assert!(!report.is_intact());
    assert!(report.anchor.unwrap().copy_ends_at.is_some());
    let other = format!("log:{position}:{}", "0".repeat(64));
    let report = joined.verify_audit_against(&other).unwrap();
    let text = govbench_i18n::Locale::En.audit_summary(&report);
    assert!(
        !report.is_intact() && text.contains("changed after"),
        "{text}"
    );
}

#[test]
fn an_exchange_cut_off_after_an_edit_was_turned_down_loses_none_of_the_edits_after_it() {
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    let copy = shared.join("copy.govbench").unwrap();
    let mut joined = login(&copy, "admin");
    let open = joined
        .incidents(&IncidentQuery {
            active_only: true,
            limit: 10,
            ..IncidentQuery::default()
        })
        .unwrap()
        .items;
    let (contested, other) = (open[0].id, open[1].id);
    joined
        .execute(note(contested, "离线：我的说法 offline: my account"))
        .unwrap();
    joined
        .execute(note(other, "离线：另一件事 offline: something else"))
        .unwrap();
    origin.set_server(Some(Box::new(shared.link())));
    origin
        .execute(note(contested, "在线：先到 online: first"))
        .unwrap();

    // The server turns the first note down; the connection drops before this desk has taken
    // in the server's events and applied the second note again.
    let mut cut = Racing {
        inner: shared.link(),
        first: None,
        cut_after_stale: true,
        strip_reads: false,
    };
    assert!(joined.sync(&mut cut).is_err());
    assert_eq!(joined.conflicts().unwrap().len(), 1, "the turned-down note");

    // The next exchange applies the second note again and places it: nothing was lost.
    let synced = joined.sync(&mut shared.link()).unwrap();
    assert_eq!(synced.pushed, 1, "{synced:?}");
    assert_eq!(joined.sharing_status().unwrap().unwrap().pending, 0);
    assert!(notes(&joined, other)
        .iter()
        .any(|n| n.contains("something else")));
    origin.sync_connected().unwrap();
    assert!(notes(&origin, other)
        .iter()
        .any(|n| n.contains("something else")));
}

/// Not a test of its own: a desk that writes one note on a joined copy and is killed
/// (`GOVBENCH_CRASH_AT`) once the server placed it, before its own copy committed it.
#[test]
fn killed_desk() {
    let Ok(path) = std::env::var("GOVBENCH_KILLED_DESK") else {
        return;
    };
    let path = PathBuf::from(path);
    let mut desk = login(&path, "admin");
    let password = govbench_remote::desk::member_password(&desk, demo::PASSPHRASE).unwrap();
    assert!(govbench_remote::desk::connect(&mut desk, &password).unwrap());
    let incident = an_open_incident(&desk);
    let _ = desk.execute(note(incident, "被杀之前 placed, then killed"));
    unreachable!("the crash point ends the process");
}

/// Runs `killed_desk` on the copy at `copy` and sees it killed.
fn kill_desk_once_placed(copy: &Path) {
    let killed = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["killed_desk", "--exact", "--test-threads=1"])
        .env("GOVBENCH_KILLED_DESK", copy)
        .env("GOVBENCH_CRASH_AT", "sharing.placed")
        .env_remove("GOVBENCH_REQUIRE_PG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!killed.success(), "the desk was killed");
}

#[test]
fn a_desk_killed_after_the_server_placed_its_write_finds_it_there_and_goes_on() {
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    let copy = shared.join("copy.govbench").unwrap();
    kill_desk_once_placed(&copy);

    // The server has the note; the killed desk's copy does not. Back at work, the desk takes
    // its own note in from the server, then goes on writing after it.
    let mut desk = login(&copy, "admin");
    let incident = an_open_incident(&desk);
    assert!(!notes(&desk, incident)
        .iter()
        .any(|n| n.contains("then killed")));
    desk.set_server(Some(Box::new(shared.link())));
    desk.execute(note(incident, "回来之后 after coming back"))
        .unwrap();
    let held = notes(&desk, incident);
    assert_eq!(held.iter().filter(|n| n.contains("then killed")).count(), 1);
    assert!(held.iter().any(|n| n.contains("after coming back")));
    assert_eq!(desk.sharing_status().unwrap().unwrap().pending, 0);

    // Nothing lost, nothing doubled: the other desk holds the same, and both verify.
    origin.sync(&mut shared.link()).unwrap();
    assert_eq!(notes(&origin, incident), held);
    for session in [&origin, &desk] {
        let report = session.verify_audit().unwrap();
        assert!(report.is_intact(), "{report:?}");
    }
}

#[test]
fn a_desk_killed_after_the_server_placed_its_write_and_back_offline_loses_nothing() {
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    let copy = shared.join("copy.govbench").unwrap();
    kill_desk_once_placed(&copy);

    // Back offline, the desk writes at the place in its chain the server already filled.
    let mut desk = login(&copy, "admin");
    let incident = an_open_incident(&desk);
    desk.execute(note(incident, "离线回来 back offline"))
        .unwrap();
    let synced = desk.sync(&mut shared.link());
    assert!(synced.is_ok(), "{synced:?}");
    // The server's note first; the one written since waited behind it and is now either
    // applied again or, if the record changed under it, its author's conflict: never lost.
    let held = notes(&desk, incident);
    assert_eq!(held.iter().filter(|n| n.contains("then killed")).count(), 1);
    let back = held.iter().filter(|n| n.contains("back offline")).count();
    let conflicts = desk.conflicts().unwrap();
    let kept = conflicts
        .iter()
        .filter(|c| {
            c.mine
                .as_deref()
                .is_some_and(|m| m.contains("back offline"))
        })
        .count();
    assert_eq!(back + kept, 1, "{held:?} {conflicts:?}");
    assert_eq!(desk.sharing_status().unwrap().unwrap().pending, 0);
    origin.sync(&mut shared.link()).unwrap();
    assert_eq!(notes(&origin, incident), held);
    let report = desk.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
}

#[test]
fn a_desk_older_than_the_workspace_is_told_to_update_and_takes_in_nothing_it_cannot_read() {
    let Some(s) = server() else { return };
    let (shared, mut origin) = Shared::new(&s);
    let copy = shared.join("copy.govbench").unwrap();
    let mut joined = login(&copy, "admin");
    let incident = an_open_incident(&origin);
    let set = |sql: &str| {
        shared._runtime.block_on(async {
            shared
                .root
                .execute(sql, &[&shared.workspace])
                .await
                .unwrap();
        });
    };

    // A newer version wrote an event in a format this one does not know: this desk stops
    // before it, applies nothing of it, and says to update.
    origin.set_server(Some(Box::new(shared.link())));
    origin
        .execute(note(incident, "新版本写的 written by a newer version"))
        .unwrap();
    set(
        "UPDATE govbench.events SET format = 2 WHERE workspace_id = $1
           AND position = (SELECT max(position) FROM govbench.events WHERE workspace_id = $1)",
    );
    let refused = joined.sync(&mut shared.link()).unwrap_err();
    assert_eq!(
        refused.details.get("reason").map(String::as_str),
        Some("server.refused.format_too_old"),
        "{refused:?}"
    );
    assert!(!notes(&joined, incident)
        .iter()
        .any(|n| n.contains("newer version")));

    // The workspace no longer takes this version's events: its writes are refused, not lost
    // in silence, and the text says to update.
    set("UPDATE govbench.workspaces SET min_format = 2 WHERE workspace_id = $1");
    let refused = origin
        .execute(note(incident, "旧版本 an older version"))
        .unwrap_err();
    assert_eq!(
        refused.details.get("reason").map(String::as_str),
        Some("server.refused.format_too_old"),
        "{refused:?}"
    );
    let text = govbench_i18n::Locale::En.describe(&refused);
    assert!(text.contains("update"), "{text}");
    assert!(!notes(&origin, incident)
        .iter()
        .any(|n| n.contains("an older version")));
}
