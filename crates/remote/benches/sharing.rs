//! The shared workspace's figures (issue 20) against a PostgreSQL server on this machine:
//!
//! ```sh
//! d=$(mktemp -d) && scripts/pg-test.sh start "$d" && . "$d/env"
//! cargo bench -p govbench-remote --bench sharing      # GOVBENCH_BENCH_EVENTS=100000 by default
//! scripts/pg-test.sh stop "$d"
//! ```
//!
//! Prints: sharing and joining a workspace of N events, an online write's round trip (p50,
//! p99), how long another desk's exchange takes to show a change, sustained online writes
//! with 8 desks at once, the same 8 desks sharing what they wrote offline at once (the
//! server's appends per second), catching up what they wrote on a copy that sat it out, and the
//! server's bytes per event. The test cluster runs with
//! `fsync = off`; the figures say so.

use govbench_core::keyslots::server_password;
use govbench_core::sharing::{self, ServerNote};
use govbench_core::{KdfParams, Session, SystemClock};
use govbench_protocol::{
    CommentCommand, EntityRef, NewUser, RequirementId, RequirementQuery, Role,
};
use govbench_remote::{init_server, register_workspace, ServerAddress, SharedWorkspace};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use uuid::Uuid;

const PASSPHRASE: &str = "bench passphrase 基准";

struct Server {
    address: ServerAddress,
    runtime: tokio::runtime::Runtime,
    root: tokio_postgres::Client,
}

fn server() -> Option<Server> {
    let var = |name: &str| std::env::var(name).ok();
    let (url, ca, password) = (
        var("GOVBENCH_TEST_PG_URL")?,
        var("GOVBENCH_TEST_PG_CA")?,
        var("GOVBENCH_TEST_PG_PASSWORD")?,
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    let name = format!("bench_{}", Uuid::now_v7().simple());
    let base = url
        .rsplit_once('/')
        .map_or(url.as_str(), |(b, _)| b)
        .to_owned();
    let ca = PathBuf::from(ca);
    let (address, root) = runtime.block_on(async {
        let first = ServerAddress::parse(&url, Some(&ca), false).ok()?;
        let (client, _d) = first.connect("postgres", &password).await.ok()?;
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .ok()?;
        let address = ServerAddress::parse(&format!("{base}/{name}"), Some(&ca), false).ok()?;
        let (root, _d) = address.connect("postgres", &password).await.ok()?;
        init_server(&root).await.ok()?;
        Some((address, root))
    })?;
    // The workspace is registered as the URL's login, whose password the test cluster's
    // password file (`PGPASSFILE`) holds.
    Some(Server {
        address,
        runtime,
        root,
    })
}

fn note(address: &ServerAddress) -> ServerNote {
    let (address, ca) = address.without_password();
    ServerNote {
        address,
        ca: ca.map(|c| c.display().to_string()),
        allow_plaintext: false,
    }
}

fn login(path: &Path) -> Session {
    govbench_core::login(path, "admin", PASSPHRASE, Arc::new(SystemClock)).expect("login")
}

fn link(s: &Server, workspace: Uuid, name: &str, passphrase: &str) -> SharedWorkspace {
    let password = server_password(passphrase, workspace, name).expect("password");
    SharedWorkspace::connect(&s.address, workspace, name, &password).expect("connect")
}

/// The server's last position (the bench's only workspace).
fn server_head(s: &Server) -> i64 {
    s.runtime.block_on(async {
        s.root
            .query_one(
                "SELECT coalesce(max(position), 0) FROM govbench.events",
                &[],
            )
            .await
            .expect("head")
            .get(0)
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn comment(on: RequirementId, i: usize) -> CommentCommand {
    CommentCommand::Add {
        on: EntityRef::from(on),
        body: format!("基准评论 bench comment {i}"),
    }
}

fn main() {
    let Some(s) = server() else {
        eprintln!(
            "no PostgreSQL server (GOVBENCH_TEST_PG_URL …): start one with scripts/pg-test.sh"
        );
        return;
    };
    let events: u64 = std::env::var("GOVBENCH_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let origin = dir.path().join("origin.govbench");
    let mut admin = govbench_core::create_workspace(
        &origin,
        &NewUser {
            name: "admin".into(),
            display_name: "Admin".into(),
            role: Role::Admin,
            passphrase: PASSPHRASE.into(),
        },
        govbench_core::CreateOptions {
            kdf: KdfParams::TESTING,
            is_demo: false,
        },
        Arc::new(SystemClock),
    )
    .expect("workspace");
    admin
        .generate(events / 10, events, &mut |_, _| {})
        .expect("generate");
    let workspace = admin.workspace_id().0;
    let password = server_password(PASSPHRASE, workspace, "admin").expect("password");
    register_workspace(
        &s.address,
        workspace,
        admin.user().id.0,
        "admin",
        &password,
        &admin.data_key().id(),
    )
    .expect("register");

    let started = Instant::now();
    let shared = admin
        .share(
            &mut link(&s, workspace, "admin", PASSPHRASE),
            &note(&s.address),
            &|_, _| {},
        )
        .expect("share");
    let share_time = started.elapsed();
    println!(
        "share: {} events in {:.1} s ({:.0} events/s)",
        shared.events,
        share_time.as_secs_f64(),
        shared.events as f64 / share_time.as_secs_f64()
    );

    let copy = dir.path().join("copy.govbench");
    let started = Instant::now();
    sharing::join(
        &copy,
        govbench_protocol::WorkspaceId(workspace),
        "admin",
        PASSPHRASE,
        &mut link(&s, workspace, "admin", PASSPHRASE),
        &note(&s.address),
        &|_| {},
    )
    .expect("join");
    println!(
        "join (download, verify every event, apply): {} events in {:.1} s",
        shared.events,
        started.elapsed().as_secs_f64()
    );
    let mut logins = Vec::new();
    for _ in 0..9 {
        let started = Instant::now();
        drop(login(&copy));
        logins.push(started.elapsed());
    }
    let first = logins[0];
    logins.sort();
    println!(
        "login on the joined copy: first {:.0} ms, then p50 {:.0} ms",
        first.as_secs_f64() * 1000.0,
        percentile(&logins, 0.5).as_secs_f64() * 1000.0
    );
    let mut joined = login(&copy);

    let target = admin
        .requirements(&RequirementQuery {
            limit: 1,
            ..RequirementQuery::default()
        })
        .expect("requirements")
        .items[0]
        .id;
    admin.set_server(Some(Box::new(link(&s, workspace, "admin", PASSPHRASE))));
    joined.set_server(Some(Box::new(link(&s, workspace, "admin", PASSPHRASE))));
    let mut round_trips = Vec::new();
    let mut shown = Vec::new();
    for i in 0..200 {
        let started = Instant::now();
        admin.execute(comment(target, i)).expect("online write");
        round_trips.push(started.elapsed());
        let started = Instant::now();
        let synced = joined.sync_connected().expect("sync");
        assert_eq!(synced.pulled, 1);
        shown.push(started.elapsed());
    }
    round_trips.sort();
    shown.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "online write (take in, offer, commit): p50 {:.1} ms, p99 {:.1} ms",
        ms(percentile(&round_trips, 0.5)),
        ms(percentile(&round_trips, 0.99))
    );
    println!(
        "another desk's exchange showing it: p50 {:.1} ms, p99 {:.1} ms (the exchange a wake-up starts)",
        ms(percentile(&shown, 0.5)),
        ms(percentile(&shown, 0.99))
    );

    // Eight desks, each its own copy and login, writing online at once for 10 s.
    let desks: Vec<PathBuf> = (0..8)
        .map(|i| {
            let name = format!("desk{i}");
            admin
                .execute(govbench_protocol::UserCommand::Create {
                    user: NewUser {
                        name: name.clone(),
                        display_name: name.clone(),
                        role: Role::Business,
                        passphrase: PASSPHRASE.into(),
                    },
                })
                .expect("member");
            let path = dir.path().join(format!("{name}.govbench"));
            sharing::join(
                &path,
                govbench_protocol::WorkspaceId(workspace),
                &name,
                PASSPHRASE,
                &mut link(&s, workspace, &name, PASSPHRASE),
                &note(&s.address),
                &|_| {},
            )
            .expect("join desk");
            path
        })
        .collect();
    let seconds = 10;
    // After writing online, each desk goes offline, writes `OFFLINE` comments (kept to be
    // shared), and all eight come back at once: their appends as the server places them.
    const OFFLINE: usize = 500;
    let offline_done = Barrier::new(desks.len() + 1);
    let come_back = Barrier::new(desks.len() + 1);
    let (written, back, before) = std::thread::scope(|scope| {
        let handles: Vec<_> = desks
            .iter()
            .enumerate()
            .map(|(i, path)| {
                let address = &s.address;
                let (offline_done, come_back) = (&offline_done, &come_back);
                scope.spawn(move || {
                    let name = format!("desk{i}");
                    let mut desk =
                        govbench_core::login(path, &name, PASSPHRASE, Arc::new(SystemClock))
                            .expect("desk login");
                    let password = server_password(PASSPHRASE, workspace, &name).expect("pw");
                    let connect = || -> Box<SharedWorkspace> {
                        Box::new(
                            SharedWorkspace::connect(address, workspace, &name, &password)
                                .expect("connect"),
                        )
                    };
                    desk.set_server(Some(connect()));
                    let until = Instant::now() + Duration::from_secs(seconds);
                    let mut n = 0u64;
                    while Instant::now() < until {
                        // A comment on the same record by everyone: they never conflict, but
                        // every desk takes in the others' before each write.
                        if desk.execute(comment(target, n as usize)).is_ok() {
                            n += 1;
                        }
                    }
                    desk.set_server(None);
                    for k in 0..OFFLINE {
                        desk.execute(comment(target, n as usize + k))
                            .expect("offline edit");
                    }
                    offline_done.wait();
                    come_back.wait();
                    let started = Instant::now();
                    desk.set_server(Some(connect()));
                    let synced = desk.sync_connected().expect("come back");
                    (n, synced.pushed, started.elapsed())
                })
            })
            .collect();
        offline_done.wait();
        let before = server_head(&s);
        come_back.wait();
        let results: Vec<_> = handles.into_iter().filter_map(|h| h.join().ok()).collect();
        let written: u64 = results.iter().map(|r| r.0).sum();
        let back = results.iter().map(|r| r.2).max().unwrap_or_default();
        (written, back, before)
    });
    println!(
        "8 desks writing online at once: {written} writes in {seconds} s ({:.0}/s)",
        written as f64 / seconds as f64
    );
    let (placed, span): (i64, f64) = s.runtime.block_on(async {
        let row = s
            .root
            .query_one(
                "SELECT count(*), extract(epoch FROM max(received_at) - min(received_at))::float8
                   FROM govbench.events WHERE position > $1",
                &[&before],
            )
            .await
            .expect("placed");
        (row.get(0), row.get(1))
    });
    println!(
        "8 desks sharing their offline edits at once: {placed} appends placed in {span:.2} s \
         ({:.0}/s at the server); each desk done, the others' edits taken in, within {:.1} s",
        placed as f64 / span,
        back.as_secs_f64()
    );

    // The joined copy sat the desks' run out: it takes in everything they wrote.
    let started = Instant::now();
    let caught = joined.sync_connected().expect("catch up");
    let took = started.elapsed().as_secs_f64();
    println!(
        "catching up what a desk missed: {} events in {took:.2} s ({:.0} events/s)",
        caught.pulled,
        caught.pulled as f64 / took
    );

    let (bytes, count): (i64, i64) = s.runtime.block_on(async {
        let row = s
            .root
            .query_one(
                "SELECT pg_total_relation_size('govbench.events')
                        + pg_total_relation_size('govbench.touches'), count(*)
                   FROM govbench.events",
                &[],
            )
            .await
            .expect("sizes");
        (row.get(0), row.get(1))
    });
    println!(
        "server: {count} events, {:.0} bytes per event (events, touches and their indexes)",
        bytes as f64 / count as f64
    );
}
