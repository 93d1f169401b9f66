//! Faults between a desk and the real server (`scripts/pg-test.sh`): the desk's connection
//! cut by the server, PostgreSQL restarted, and the server's answer lost after it committed.
//! Nothing acknowledged is lost, nothing is placed twice. One test, run alone in its binary:
//! it restarts the cluster the other tests use.

use chrono::Utc;
use govbench_core::keyslots::server_password;
use govbench_core::sharing::{Delivered, Offer, Outcome, Server, ServerNote};
use govbench_core::wire::SealedBlob;
use govbench_core::{demo, CoreError, CoreResult, KdfParams, Session, SystemClock};
use govbench_protocol::{
    IncidentCommand, IncidentId, IncidentQuery, NewUser, Role, TimelineKind, UserCommand,
};
use govbench_remote::{create_workspace, init_server, ServerAddress, SharedWorkspace};
use std::path::Path;
use std::sync::Arc;
use uuid::Uuid;

/// A link whose next answer to an append is lost: the server placed the event, the desk
/// hears nothing.
struct LosingAnswers {
    inner: SharedWorkspace,
    lose_next: bool,
}

impl Server for LosingAnswers {
    fn append(&mut self, offer: &Offer) -> CoreResult<Outcome> {
        let answer = self.inner.append(offer);
        if std::mem::take(&mut self.lose_next) {
            assert!(matches!(answer, Ok(Outcome::Accepted { .. })), "{answer:?}");
            return Err(CoreError::Server(
                govbench_core::error::ServerProblem::Unreachable("the answer was lost".into()),
            ));
        }
        answer
    }
    fn link(&self) -> govbench_core::wire::Link {
        self.inner.link()
    }
    fn append_rotating(
        &mut self,
        offer: &Offer,
        rotation: &govbench_core::sharing::Rotation,
    ) -> CoreResult<Outcome> {
        self.inner.append_rotating(offer, rotation)
    }
    fn placed_after(
        &mut self,
        position: u64,
        limit: u32,
    ) -> CoreResult<Vec<govbench_core::sharing::Placed>> {
        self.inner.placed_after(position, limit)
    }
    fn retired_keys(&mut self) -> CoreResult<Vec<govbench_core::sharing::RetiredKey>> {
        self.inner.retired_keys()
    }
    fn import(&mut self, offers: &[Offer]) -> CoreResult<Vec<Outcome>> {
        self.inner.import(offers)
    }
    fn finish_import(&mut self) -> CoreResult<()> {
        self.inner.finish_import()
    }
    fn events_after(&mut self, position: u64, limit: u32) -> CoreResult<Vec<Delivered>> {
        self.inner.events_after(position, limit)
    }
    fn put_key_rows(&mut self, rows: &[(String, Vec<u8>)]) -> CoreResult<()> {
        self.inner.put_key_rows(rows)
    }
    fn key_rows(&mut self) -> CoreResult<Vec<(String, Vec<u8>)>> {
        self.inner.key_rows()
    }
    fn put_blob(&mut self, blob: &SealedBlob) -> CoreResult<()> {
        self.inner.put_blob(blob)
    }
    fn blob(&mut self, id: &[u8; 32]) -> CoreResult<Option<SealedBlob>> {
        self.inner.blob(id)
    }
    fn issue_login(&mut self, login: &govbench_core::sharing::MemberLogin) -> CoreResult<()> {
        self.inner.issue_login(login)
    }
    fn set_own_password(&mut self, password: &str) -> CoreResult<()> {
        self.inner.set_own_password(password)
    }
}

fn note(id: IncidentId, text: &str) -> IncidentCommand {
    IncidentCommand::AddNote {
        id,
        kind: TimelineKind::Note,
        text: text.into(),
    }
}

#[test]
fn a_cut_connection_a_restart_and_a_lost_answer_lose_nothing_and_double_nothing() {
    let var = |name: &str| std::env::var(name).ok();
    let (Some(url), Some(ca), Some(password), Some(dir)) = (
        var("GOVBENCH_TEST_PG_URL"),
        var("GOVBENCH_TEST_PG_CA"),
        var("GOVBENCH_TEST_PG_PASSWORD"),
        var("GOVBENCH_TEST_PG_DIR"),
    ) else {
        assert!(var("GOVBENCH_REQUIRE_PG").is_none(), "no test server");
        eprintln!("no test PostgreSQL server: skipped");
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ca = Path::new(&ca);
    let name = format!("t_{}", Uuid::now_v7().simple());
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
    let address = ServerAddress::parse(&format!("{base}/{name}"), Some(ca), false).unwrap();
    let superuser = || {
        let address = address.clone();
        let password = password.clone();
        async move { address.connect("postgres", &password).await.unwrap().0 }
    };
    runtime.block_on(async {
        let root = ServerAddress::parse(&url, Some(ca), false).unwrap();
        let (client, _d) = root.connect("postgres", &password).await.unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        init_server(&superuser().await).await.unwrap();
    });

    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("demo.govbench");
    demo::create(&path, KdfParams::TESTING, Utc::now()).unwrap();
    let mut desk =
        govbench_core::login(&path, "admin", demo::PASSPHRASE, Arc::new(SystemClock)).unwrap();
    let workspace = desk.workspace_id().0;
    let login = server_password(demo::PASSPHRASE, workspace, "admin").unwrap();
    runtime.block_on(async {
        let key_id = desk.data_key().id();
        create_workspace(
            &superuser().await,
            workspace,
            desk.user().id.0,
            "admin",
            &login,
            key_id.as_bytes(),
            1,
        )
        .await
        .unwrap();
    });
    let link = || SharedWorkspace::connect(&address, workspace, "admin", &login).unwrap();
    let (text, ca_text) = address.without_password();
    let note_of_server = ServerNote {
        address: text,
        ca: ca_text.map(|c| c.display().to_string()),
        allow_plaintext: false,
    };
    desk.share(&mut link(), &note_of_server, &|_, _| {})
        .unwrap();
    let incident = desk
        .incidents(&IncidentQuery {
            active_only: true,
            limit: 10,
            ..IncidentQuery::default()
        })
        .unwrap()
        .items[0]
        .id;
    desk.set_server(Some(Box::new(link())));
    let placed_now = |desk: &mut Session| desk.sync_connected().unwrap().pushed == 0;

    desk.execute(note(incident, "before any fault")).unwrap();
    assert!(placed_now(&mut desk));

    // The server ends the desk's session (an administrator, a failover): the next write logs
    // in again and is placed.
    runtime.block_on(async {
        superuser()
            .await
            .batch_execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename LIKE 'gbm\\_%'")
            .await
            .unwrap();
    });
    desk.execute(note(incident, "after the session was ended"))
        .unwrap();
    assert!(
        placed_now(&mut desk),
        "placed by the write, after logging in again"
    );

    // PostgreSQL restarted.
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg-test.sh");
    let restarted = std::process::Command::new("bash")
        .args([script, "restart", &dir])
        .status()
        .unwrap();
    assert!(restarted.success());
    desk.execute(note(incident, "after the restart")).unwrap();
    assert!(
        placed_now(&mut desk),
        "placed by the write, after the restart"
    );

    // The answer to an edit is lost: kept here as waiting, recognised by its hash when it
    // is offered again — placed once.
    desk.set_server(Some(Box::new(LosingAnswers {
        inner: link(),
        lose_next: true,
    })));
    desk.execute(note(incident, "answer lost")).unwrap();
    // The next exchange offers it again: the server recognises it by its hash and says where
    // it already is; it is placed once (checked below).
    let synced = desk.sync_connected().unwrap();
    assert_eq!((synced.pushed, synced.pulled, synced.conflicts), (1, 0, 0));

    // The answer to a decision is lost: read back from the server, it stands.
    desk.set_server(Some(Box::new(LosingAnswers {
        inner: link(),
        lose_next: true,
    })));
    desk.execute(UserCommand::Create {
        user: NewUser {
            name: "answer.lost".into(),
            display_name: "Answer Lost".into(),
            role: Role::Auditor,
            passphrase: demo::PASSPHRASE.into(),
        },
    })
    .unwrap();
    assert!(desk
        .users()
        .unwrap()
        .iter()
        .any(|u| u.name == "answer.lost"));

    // Every event once on the server, and the desk's log the server's.
    let (events, distinct): (i64, i64) = runtime.block_on(async {
        let row = superuser()
            .await
            .query_one(
                "SELECT count(*), count(DISTINCT event_hash) FROM govbench.events WHERE workspace_id = $1",
                &[&workspace],
            )
            .await
            .unwrap();
        (row.get(0), row.get(1))
    });
    assert_eq!(events, distinct, "nothing placed twice");
    let synced = desk.sync_connected().unwrap();
    assert_eq!((synced.pushed, synced.position), (0, events as u64));
    let notes: Vec<String> = desk
        .incident(incident)
        .unwrap()
        .incident
        .timeline
        .into_iter()
        .map(|t| t.text)
        .filter(|t| t.starts_with("a") || t.starts_with("b"))
        .collect();
    for expected in [
        "before any fault",
        "after the session was ended",
        "after the restart",
        "answer lost",
    ] {
        assert_eq!(
            notes.iter().filter(|n| *n == expected).count(),
            1,
            "{expected}: {notes:?}"
        );
    }
    let report = desk.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
}
