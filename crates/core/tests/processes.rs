//! Several processes on one workspace, and processes killed mid-write. The test binary runs
//! copies of itself as workers (`worker` below, selected by `GOVBENCH_WORKER`), so each
//! writer is a real process with its own SQLite connection and its own view of the key file.
//!
//! - `four_processes_writing_at_once_lose_nothing`: two filers and two admins write for
//!   `GOVBENCH_CONCURRENCY_SECS` (default 60) seconds; every failure must be the translated
//!   "busy" (nothing written) — none unexplained — and every acknowledged member has a slot.
//! - `killed_writers_lose_no_acknowledged_write`: a writer is killed (SIGKILL) at a random
//!   moment, `GOVBENCH_KILLS` times (default 40; the full run is 200); every write it
//!   acknowledged before dying is there, and the chain and pages verify.

mod common;

use common::{draft, Fixture, PASSPHRASE};
use govbench_protocol::{
    CommentCommand, ErrorCode, NewUser, RequirementCommand, RequirementId, Role, UserCommand,
};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn spawn_worker(path: &Path, role: &str, user: &str, seconds: u64) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["worker", "--exact", "--nocapture", "--test-threads=1"])
        .env("GOVBENCH_WORKER", role)
        .env("GOVBENCH_WORKER_PATH", path)
        .env("GOVBENCH_WORKER_USER", user)
        .env("GOVBENCH_WORKER_SECS", seconds.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Reads a worker's report lines (`ok <what> <id>`, `busy`, `err <code>`) until it exits or
/// is killed.
fn lines_of(child: &mut Child) -> std::thread::JoinHandle<Vec<String>> {
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .filter(|l| l.starts_with("ok ") || l == "busy" || l.starts_with("err "))
            .collect()
    })
}

/// Not a test of its own: the body of a worker process (a no-op in the normal test run).
#[test]
fn worker() {
    let Ok(role) = std::env::var("GOVBENCH_WORKER") else {
        return;
    };
    let path = std::env::var("GOVBENCH_WORKER_PATH").unwrap();
    let user = std::env::var("GOVBENCH_WORKER_USER").unwrap();
    let seconds = env_number("GOVBENCH_WORKER_SECS", 60);
    let clock = std::sync::Arc::new(govbench_core::SystemClock);
    let mut session = govbench_core::login(Path::new(&path), &user, PASSPHRASE, clock).unwrap();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut i = 0u64;
    let report = |result: Result<String, govbench_protocol::ApiError>| match result {
        Ok(line) => println!("ok {line}"),
        Err(e) if e.code == ErrorCode::Busy => println!("busy"),
        Err(e) => println!("err {:?} {:?}", e.code, e.details),
    };
    while Instant::now() < deadline {
        i += 1;
        match role.as_str() {
            "filer" => {
                // Read, then write on what was read: the pattern that failed under DEFERRED.
                let newest = session
                    .requirements(&Default::default())
                    .map(|p| p.items.first().map(|r| r.id));
                let filed = session
                    .execute(RequirementCommand::File {
                        draft: draft(&format!("{user} {i}")),
                        submit: true,
                    })
                    .map(|o| format!("requirement {}", o.entity.id));
                report(filed);
                if let Ok(Some(on)) = newest {
                    let commented = session
                        .execute(CommentCommand::Add {
                            on: on.into(),
                            body: format!("{user} {i}"),
                        })
                        .map(|o| format!("comment {}", o.entity.id));
                    report(commented);
                }
            }
            "admin" => {
                let name = format!("{user}.m{i}");
                let added = session
                    .execute(UserCommand::Create {
                        user: NewUser {
                            name: name.clone(),
                            display_name: name.clone(),
                            role: Role::Operations,
                            passphrase: PASSPHRASE.into(),
                        },
                    })
                    .map(|_| format!("user {name}"));
                report(added);
            }
            _ => panic!("unknown worker {role}"),
        }
    }
}

#[test]
fn four_processes_writing_at_once_lose_nothing() {
    let fx = Fixture::new();
    let mut admin = fx.login(Role::Admin);
    for (name, role) in [("admin2", Role::Admin), ("biz2", Role::Business)] {
        admin
            .execute(UserCommand::Create {
                user: NewUser {
                    name: name.into(),
                    display_name: name.into(),
                    role,
                    passphrase: PASSPHRASE.into(),
                },
            })
            .unwrap();
    }
    drop(admin);
    let seconds = env_number("GOVBENCH_CONCURRENCY_SECS", 60);
    let started = Instant::now();
    let mut children: Vec<(Child, std::thread::JoinHandle<Vec<String>>)> = [
        ("filer", "biz"),
        ("filer", "biz2"),
        ("admin", "admin"),
        ("admin", "admin2"),
    ]
    .into_iter()
    .map(|(role, user)| {
        let mut child = spawn_worker(&fx.path, role, user, seconds);
        let lines = lines_of(&mut child);
        (child, lines)
    })
    .collect();
    let mut lines = Vec::new();
    for (child, _) in &mut children {
        assert!(child.wait().unwrap().success(), "a worker failed");
    }
    for (_, reader) in children {
        lines.extend(reader.join().unwrap());
    }
    let elapsed = started.elapsed();
    let acknowledged = lines.iter().filter(|l| l.starts_with("ok ")).count();
    let busy = lines.iter().filter(|l| *l == "busy").count();
    let unexplained: Vec<&String> = lines.iter().filter(|l| l.starts_with("err ")).collect();
    eprintln!(
        "concurrency: 4 processes for {elapsed:.1?}: {acknowledged} writes acknowledged, \
         {busy} refused as busy, {} unexplained",
        unexplained.len()
    );
    assert!(unexplained.is_empty(), "{unexplained:?}");
    assert!(acknowledged > 0);

    let auditor = fx.login(Role::Auditor);
    let report = auditor.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    let slots = report.key_slots.unwrap();
    assert_eq!(slots.members, slots.slots, "slot/user mismatch");
    assert!(slots.members_without_slot.is_empty(), "{slots:?}");
    let mut users = 0;
    for line in &lines {
        let mut words = line.split_whitespace().skip(1);
        match (words.next(), words.next()) {
            (Some("requirement"), Some(id)) => {
                let id = RequirementId(id.parse().unwrap());
                auditor.requirement(id).unwrap();
            }
            // Every member has a slot (above); every 25th also logs in for real.
            (Some("user"), Some(name)) => {
                users += 1;
                if users % 25 == 1 {
                    govbench_core::login(&fx.path, name, PASSPHRASE, fx.clock.clone())
                        .unwrap_or_else(|e| panic!("{name} acknowledged but cannot log in: {e:?}"));
                }
            }
            _ => {}
        }
    }
}

#[test]
fn killed_writers_lose_no_acknowledged_write() {
    let fx = Fixture::new();
    let kills = env_number("GOVBENCH_KILLS", 40);
    // A small deterministic generator: the run is reproducible from the printed seed.
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    eprintln!("kill test seed {seed}");
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut acknowledged = Vec::new();
    for _ in 0..kills {
        let mut child = spawn_worker(&fx.path, "filer", "biz", 30);
        let reader = lines_of(&mut child);
        std::thread::sleep(Duration::from_millis(40 + next() % 200));
        child.kill().unwrap();
        child.wait().unwrap();
        let lines = reader.join().unwrap();
        assert!(lines.iter().all(|l| !l.starts_with("err ")), "{lines:?}");
        // A line cut off by the kill was never a whole acknowledgement.
        acknowledged.extend(lines.into_iter().filter_map(|l| {
            l.strip_prefix("ok requirement ")
                .and_then(|id| id.parse().ok())
                .map(RequirementId)
        }));
    }
    eprintln!(
        "kill test: {kills} kills, {} acknowledged writes",
        acknowledged.len()
    );
    let auditor = fx.login(Role::Auditor);
    for id in &acknowledged {
        auditor
            .requirement(*id)
            .unwrap_or_else(|e| panic!("acknowledged {id} lost: {e:?}"));
    }
    let report = auditor.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
}
