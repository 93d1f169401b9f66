//! Convergence: eight desks, each a process of its own with its own encrypted copy and its own
//! member, work on one shared workspace at once for `GOVBENCH_CONVERGENCE_SECS` seconds
//! (default 60): Business files requirements, R&D takes them into assessment and assesses
//! them and records passing and failing evaluations of one model's two versions, two project
//! managers decide the same requirements at the same moment, sign off those evaluations, take
//! the versions live and back and open past quarters' assessments, Operations adds notes to
//! incidents, everyone comments. Each desk reaches the server through a TCP proxy this test
//! cuts and restores at random, so desks drop offline mid-work (ordinary edits wait, decisions
//! are refused) and come back. Then every desk syncs until quiet, and:
//!
//! - every copy (and the Admin's, which sat it out) holds identical tables and the same
//!   frontier;
//! - every acknowledged edit is in the log, or its author's conflict; every acknowledged
//!   decision is in the log;
//! - copies verify in full;
//! - the policy's invariants hold in the server's order: no requirement both approved and
//!   rejected; no version taken live (or back) unless the latest evaluation of it placed
//!   before was signed off before and passing; one live version of the model; one assessment
//!   per quarter.
//!
//! The test binary runs copies of itself as the desks (`desk` below, chosen by
//! `GOVBENCH_CONVERGENCE_DESK`). Skipped without a test server unless `GOVBENCH_REQUIRE_PG`.

mod common;

use common::{database_named, server, tables};

use chrono::Utc;
use govbench_core::keyslots::server_password;
use govbench_core::sharing::ServerNote;
use govbench_core::{demo, KdfParams, Session, SystemClock};
use govbench_protocol::{
    ApiError, Assessment, AssessmentCommand, CommentCommand, Decision, ErrorCode,
    EvaluationCommand, EvaluationMeta, EvaluationStatus, Evaluator, Feasibility, IncidentCommand,
    IncidentQuery, Kpi, ManualValue, ModelCommand, ModelDraft, ModelId, NewUser, Priority,
    RequirementCommand, RequirementDraft, RequirementQuery, RequirementStatus, RiskTier, Role,
    TimelineKind, UserCommand, VersionDraft,
};
use govbench_remote::desk::{self, Joining, Named};
use govbench_remote::{create_workspace, ServerAddress, SharedWorkspace};
use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSPHRASE: &str = "八台电脑 eight desks 2026";

const DESKS: [(&str, Role); 8] = [
    ("pm.a", Role::ProjectManager),
    ("pm.b", Role::ProjectManager),
    ("rnd.a", Role::RnD),
    ("rnd.b", Role::RnD),
    ("ops.a", Role::Operations),
    ("ops.b", Role::Operations),
    ("biz.a", Role::Business),
    ("biz.b", Role::Business),
];

/// The model the desks evaluate and take live: two approved versions, set up before sharing.
const MODEL: &str = "并发评测 ConvergeQA";

/// The model and its two versions, registered and approved on the demo before it is shared
/// (by the demo's project manager and R&D engineer).
fn converge_model(path: &std::path::Path) {
    let as_member = |name: &str| {
        govbench_core::login(path, name, demo::PASSPHRASE, Arc::new(SystemClock)).unwrap()
    };
    let model = ModelId(
        as_member("chen.jing")
            .execute(ModelCommand::Register {
                draft: ModelDraft {
                    name: MODEL.into(),
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
    let mut rnd = as_member("li.wei");
    let versions: Vec<_> = [("v1", "0123abcd"), ("v2", "4567cdef")]
        .iter()
        .map(|(label, commit)| {
            let id = govbench_protocol::ModelVersionId(
                rnd.execute(ModelCommand::AddVersion {
                    model,
                    draft: VersionDraft {
                        label: (*label).into(),
                        code_repo: "https://git.example.com/converge.git".into(),
                        code_commit: (*commit).into(),
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
            rnd.execute(ModelCommand::StartTesting { id }).unwrap();
            id
        })
        .collect();
    drop(rnd);
    let mut pm = as_member("chen.jing");
    for id in versions {
        pm.execute(ModelCommand::ApproveVersion { id }).unwrap();
    }
}

/// A small deterministic generator: a run is reproduced from its printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A loopback TCP proxy to the server that the test cuts (every connection through it closed,
/// new ones turned away) and restores.
struct Proxy {
    port: u16,
    cut: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let open = Arc::new(Mutex::new(Vec::new()));
        let (is_cut, streams) = (cut.clone(), open.clone());
        std::thread::spawn(move || {
            for inbound in listener.incoming().flatten() {
                if is_cut.load(Ordering::SeqCst) {
                    continue;
                }
                let Ok(outbound) = TcpStream::connect(target) else {
                    continue;
                };
                let (Ok(a), Ok(b)) = (inbound.try_clone(), outbound.try_clone()) else {
                    continue;
                };
                streams.lock().unwrap().extend([a, b]);
                if let (Ok(a), Ok(b)) = (inbound.try_clone(), outbound.try_clone()) {
                    pipe(a, b);
                }
                pipe(outbound, inbound);
            }
        });
        Proxy { port, cut, open }
    }

    fn set_cut(&self, cut: bool) {
        self.cut.store(cut, Ordering::SeqCst);
        if cut {
            for stream in self.open.lock().unwrap().drain(..) {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        while let Ok(n) = from.read(&mut buffer) {
            if n == 0 || to.write_all(&buffer[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Both);
        let _ = from.shutdown(Shutdown::Both);
    });
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

fn seconds() -> u64 {
    std::env::var("GOVBENCH_CONVERGENCE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60)
}

#[test]
fn eight_desks_working_at_once_through_cuts_converge_and_lose_nothing() {
    let Some(s) = server() else { return };
    let (database, address, runtime, root) = database_named(&s);
    let dir = tempfile::tempdir().unwrap();

    // The demo, shared by its Admin, who adds the eight members online.
    let origin_path = dir.path().join("origin.govbench");
    demo::create(&origin_path, KdfParams::TESTING, Utc::now()).unwrap();
    converge_model(&origin_path);
    let mut admin = govbench_core::login(
        &origin_path,
        "admin",
        demo::PASSPHRASE,
        Arc::new(SystemClock),
    )
    .unwrap();
    let workspace = admin.workspace_id().0;
    let admin_password = server_password(demo::PASSPHRASE, workspace, "admin").unwrap();
    runtime.block_on(async {
        create_workspace(
            &root,
            workspace,
            admin.user().id.0,
            "admin",
            &admin_password,
            admin.data_key().id().as_bytes(),
            1,
        )
        .await
        .unwrap();
    });
    let connect = || SharedWorkspace::connect(&address, workspace, "admin", &admin_password);
    let (note, ca) = address.without_password();
    let note = ServerNote {
        address: note,
        ca: ca.map(|c| c.display().to_string()),
        allow_plaintext: false,
    };
    admin
        .share(&mut connect().unwrap(), &note, &|_, _| {})
        .unwrap();
    admin.set_server(Some(Box::new(connect().unwrap())));
    for (name, role) in DESKS {
        admin
            .execute(UserCommand::Create {
                user: NewUser {
                    name: name.into(),
                    display_name: format!("{name} 桌面"),
                    role,
                    passphrase: PASSPHRASE.into(),
                },
            })
            .unwrap();
    }

    // Each desk through a proxy of its own.
    let port: u16 = url::Url::parse(&s.url).unwrap().port().unwrap();
    let target: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let proxies: Vec<Proxy> = DESKS.iter().map(|_| Proxy::start(target)).collect();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    eprintln!("convergence seed {seed}, {} s", seconds());
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds());
    let mut desks: Vec<(Child, std::thread::JoinHandle<Vec<String>>)> = DESKS
        .iter()
        .zip(&proxies)
        .enumerate()
        .map(|(i, ((name, _), proxy))| {
            let mut child = Command::new(std::env::current_exe().unwrap())
                .args(["desk", "--exact", "--nocapture", "--test-threads=1"])
                .env("GOVBENCH_CONVERGENCE_DESK", i.to_string())
                .env(
                    "GOVBENCH_CONVERGENCE_URL",
                    format!("postgresql://127.0.0.1:{}/{database}", proxy.port),
                )
                .env("GOVBENCH_CONVERGENCE_CA", &s.ca)
                .env("GOVBENCH_CONVERGENCE_WORKSPACE", workspace.to_string())
                .env("GOVBENCH_CONVERGENCE_NAME", name)
                .env("GOVBENCH_CONVERGENCE_DIR", dir.path())
                .env("GOVBENCH_CONVERGENCE_SEED", (seed + i as u64).to_string())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let stdout = child.stdout.take().unwrap();
            let lines = std::thread::spawn(move || {
                BufReader::new(stdout)
                    .lines()
                    .map_while(Result::ok)
                    .collect()
            });
            (child, lines)
        })
        .collect();

    // Cuts: one desk at a time goes offline for 1 to 4 s, until the end of the run.
    let mut rng = Rng(seed);
    let mut cuts = 0;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(300 + rng.below(1200)));
        let proxy = &proxies[rng.below(proxies.len() as u64) as usize];
        proxy.set_cut(true);
        cuts += 1;
        std::thread::sleep(Duration::from_millis(1000 + rng.below(3000)));
        proxy.set_cut(false);
    }
    for proxy in &proxies {
        proxy.set_cut(false);
    }

    let mut outputs = Vec::new();
    for (child, _) in &mut desks {
        assert!(child.wait().unwrap().success(), "a desk failed");
    }
    for (_, lines) in desks {
        outputs.push(lines.join().unwrap());
    }
    let of = |lines: &[String], tag: &str| -> Vec<String> {
        lines
            .iter()
            .filter_map(|l| l.strip_prefix(tag).map(str::to_owned))
            .collect()
    };
    let all: Vec<&String> = outputs.iter().flatten().collect();
    let unexplained: Vec<&&String> = all.iter().filter(|l| l.starts_with("err ")).collect();
    assert!(unexplained.is_empty(), "{unexplained:?}");

    // The Admin, who sat the run out, takes it all in.
    admin.sync_connected().unwrap();
    let origin_dump = dump(&admin);

    // One set of tables and one frontier everywhere.
    let dumps: BTreeSet<String> = outputs.iter().flat_map(|l| of(l, "dump ")).collect();
    let frontiers: BTreeSet<String> = outputs.iter().flat_map(|l| of(l, "frontier ")).collect();
    assert_eq!(dumps.len(), 1, "copies differ: {dumps:?}");
    assert!(dumps.contains(&origin_dump.0), "the Admin's copy differs");
    assert_eq!(frontiers.len(), 1, "{frontiers:?}");
    assert!(frontiers.contains(&origin_dump.1));

    // Nothing acknowledged is silently gone.
    let model = admin.model_named(MODEL).unwrap().unwrap();
    let detail = admin.model(model).unwrap();
    let conn = admin.connection_for_tools();
    // Every token the log holds, read in one pass (a search per token is quadratic over the
    // ten-minute run's log).
    let mut in_log = std::collections::HashSet::new();
    let mut afters = conn
        .prepare("SELECT after FROM audit_events WHERE after IS NOT NULL")
        .unwrap();
    let mut rows = afters.query([]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        let after: String = row.get(0).unwrap();
        in_log.extend(tokens(&after).map(str::to_owned));
    }
    drop(rows);
    drop(afters);
    let mut edits = 0;
    let mut decisions = 0;
    for lines in &outputs {
        let conflicts = of(lines, "conflict ").join("\n");
        for token in of(lines, "ack ") {
            edits += 1;
            let placed = in_log.contains(&token);
            if !(placed || conflicts.contains(&token)) {
                panic!(
                    "acknowledged edit {token} is neither in the log nor its author's conflict; \
                     its author's copy: {}",
                    in_copy(dir.path(), &token)
                );
            }
        }
        for event in of(lines, "decided ") {
            decisions += 1;
            let (copy, seq) = event.split_once(' ').unwrap();
            let placed: bool = conn
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM audit_events WHERE copy_id = ?1 AND seq = ?2)",
                    rusqlite::params![copy, seq.parse::<i64>().unwrap()],
                    |r| r.get(0),
                )
                .unwrap();
            assert!(placed, "acknowledged decision {event} is not in the log");
        }
    }
    let both: Vec<String> = conn
        .prepare(
            "SELECT entity_id FROM audit_events
              WHERE action IN ('requirement.approve', 'requirement.reject')
              GROUP BY entity_id HAVING count(DISTINCT action) > 1",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(both.is_empty(), "approved and rejected: {both:?}");
    let releases = gate_held_at_every_release(conn, model);
    let live: Vec<_> = detail
        .versions
        .iter()
        .filter(|v| v.version.stage == govbench_protocol::VersionStage::Live)
        .map(|v| v.version.id)
        .collect();
    assert!(live.len() <= 1, "more than one live version: {live:?}");
    assert_eq!(live.first(), detail.model.live.as_ref(), "the live version");
    let twice: Vec<String> = conn
        .prepare("SELECT quarter FROM assessments GROUP BY quarter HAVING count(*) > 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        twice.is_empty(),
        "two assessments of one quarter: {twice:?}"
    );
    let report = admin.verify_audit_with_server(None).unwrap();
    assert!(report.is_intact(), "{report:?}");
    let refused = all.iter().filter(|l| l.starts_with("refused ")).count();
    let conflicts = all.iter().filter(|l| l.starts_with("conflict ")).count();
    eprintln!(
        "convergence: 8 desks for {:.0?}, {cuts} cuts: {edits} edits and {decisions} decisions \
         acknowledged, {refused} refused as expected, {conflicts} conflicts, {releases} \
         releases; server position {}",
        started.elapsed(),
        report.server.map_or(0, |s| s.server_position)
    );
    assert!(edits > 0 && decisions > 0, "the desks did nothing");
    // The last desk's copy verifies as well.
    let last = dir.path().join(format!("{}.govbench", DESKS[7].0));
    let desk = govbench_core::login(&last, DESKS[7].0, PASSPHRASE, Arc::new(SystemClock)).unwrap();
    assert!(desk.verify_audit().unwrap().is_intact());
}

/// Every release of `model` (going live, rolling back) in the server's order: the latest
/// evaluation of the version placed before it — latest as the gate reads it, by creation
/// time — was signed off before it and passing (the desks mark each run's notes). Returns
/// how many releases there were.
fn gate_held_at_every_release(conn: &rusqlite::Connection, model: ModelId) -> usize {
    const PLACED: &str = "audit_events JOIN audit_positions USING (copy_id, seq)";
    let releases: Vec<(i64, String)> = conn
        .prepare(&format!(
            "SELECT position, json_extract(after, '$.live') FROM {PLACED}
              WHERE entity_type = 'model' AND entity_id = ?1
                AND action IN ('model.go_live', 'model.rollback')
              ORDER BY position"
        ))
        .unwrap()
        .query_map([model.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (position, version) in &releases {
        let latest: Option<(String, String)> = conn
            .query_row(
                &format!(
                    "SELECT entity_id, json_extract(after, '$.meta.notes') FROM {PLACED}
                      WHERE entity_type = 'evaluation' AND before IS NULL
                        AND json_extract(after, '$.model_version') = ?1 AND position < ?2
                      ORDER BY json_extract(after, '$.created_at') DESC, entity_id DESC LIMIT 1"
                ),
                rusqlite::params![version, position],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .unwrap();
        let Some((evaluation, notes)) = latest else {
            panic!("version {version} released at {position} with no evaluation");
        };
        assert!(
            notes.ends_with(" pass"),
            "version {version} released at {position} on a failing run ({notes})"
        );
        let signed: bool = conn
            .query_row(
                &format!(
                    "SELECT EXISTS (SELECT 1 FROM {PLACED}
                      WHERE entity_type = 'evaluation' AND entity_id = ?1
                        AND action = 'evaluation.sign_off' AND position < ?2)"
                ),
                rusqlite::params![evaluation, position],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            signed,
            "version {version} released at {position} before its run was signed off"
        );
    }
    releases.len()
}

/// The desks' tokens in a text: `[w<desk>n<number>]`.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("[w").filter_map(move |(start, _)| {
        let end = start + text[start..].find(']')?;
        let inner = &text[start + 2..end];
        let token = inner.split_once('n').is_some_and(|(desk, n)| {
            !desk.is_empty()
                && !n.is_empty()
                && desk.bytes().all(|b| b.is_ascii_digit())
                && n.bytes().all(|b| b.is_ascii_digit())
        });
        token.then(|| &text[start..=end])
    })
}

/// Where the author's copy of the desk that wrote `token` holds it (for a failure's message).
fn in_copy(dir: &std::path::Path, token: &str) -> String {
    let index: usize = token[2..token.find('n').unwrap_or(2)].parse().unwrap_or(0);
    let (name, _) = DESKS[index];
    let path = dir.join(format!("{name}.govbench"));
    let mut session = govbench_core::login(&path, name, PASSPHRASE, Arc::new(SystemClock)).unwrap();
    let conn = session.connection_for_tools();
    let rows: Vec<String> = conn
        .prepare(
            "SELECT e.copy_id || ':' || e.seq || ' ' || e.action || ' at ' || coalesce(p.position, 'none')
               FROM audit_events e LEFT JOIN audit_positions p USING (copy_id, seq)
              WHERE instr(e.after, ?1) > 0",
        )
        .unwrap()
        .query_map([token], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let conflicts: i64 = conn
        .query_row("SELECT count(*) FROM conflicts", [], |r| r.get(0))
        .unwrap();
    format!("{rows:?}, {conflicts} conflicts")
}

/// The canonical dump's hash and the frontier of a copy.
fn dump(session: &Session) -> (String, String) {
    let conn = govbench_core::store::open_raw(session.path(), session.data_key()).unwrap();
    let hash = hex::encode(Sha256::digest(format!("{:?}", tables(&conn)).as_bytes()));
    let frontier: (i64, String) = conn
        .query_row(
            "SELECT position, log_hash FROM audit_positions ORDER BY position DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    (hash, format!("{}:{}", frontier.0, frontier.1))
}

/// Not a test of its own: the body of one desk (a no-op in the normal test run).
#[test]
fn desk() {
    let Ok(index) = std::env::var("GOVBENCH_CONVERGENCE_DESK") else {
        return;
    };
    let index: usize = index.parse().unwrap();
    let (name, role) = DESKS[index];
    let dir = PathBuf::from(env("GOVBENCH_CONVERGENCE_DIR"));
    let path = dir.join(format!("{name}.govbench"));
    let ca = PathBuf::from(env("GOVBENCH_CONVERGENCE_CA"));
    let named = Named {
        address: ServerAddress::parse(&env("GOVBENCH_CONVERGENCE_URL"), Some(&ca), false).unwrap(),
        allow_plaintext: false,
    };
    let workspace = env("GOVBENCH_CONVERGENCE_WORKSPACE");
    let joining = Joining {
        workspace: &workspace,
        user: name,
        passphrase: PASSPHRASE,
        join_code: None,
    };
    // Joining may meet a cut: try again.
    let mut tries = 0;
    while let Err(e) = desk::join(&named, &joining, &path, &|_| {}) {
        tries += 1;
        assert!(tries < 40, "{name} cannot join: {e:?}");
        std::thread::sleep(Duration::from_millis(500));
    }
    let mut session = govbench_core::login(&path, name, PASSPHRASE, Arc::new(SystemClock)).unwrap();
    let password = desk::member_password(&session, PASSPHRASE).unwrap();
    let _ = desk::connect(&mut session, &password);
    let mut rng = Rng(env("GOVBENCH_CONVERGENCE_SEED").parse().unwrap());
    let model = session.model_named(MODEL).unwrap().unwrap();
    let deadline = Instant::now() + Duration::from_secs(seconds());
    let mut n = 0;
    while Instant::now() < deadline {
        n += 1;
        // Brackets: no token is the beginning of another, and none needs escaping.
        let token = format!("[w{index}n{n}]");
        match act(&mut session, role, model, &token, &mut rng) {
            Ok(Acted::Edit) => println!("ack {token}"),
            Ok(Acted::Decision(seq)) => println!("decided {} {seq}", session.copy_id()),
            Ok(Acted::Untracked | Acted::Nothing) => {}
            Err(e) if expected(&e) => println!("refused {:?}", e.code),
            Err(e) => {
                // What the copy refused to take in, if that was it.
                let refused = session
                    .sharing_status()
                    .ok()
                    .flatten()
                    .and_then(|s| s.refused);
                println!(
                    "err {:?} {} {:?} {refused:?}",
                    e.code, e.message_key, e.details
                );
            }
        }
        if n % 4 == 0 {
            let _ = session.sync_connected();
        }
        std::thread::sleep(Duration::from_millis(rng.below(120)));
    }

    // Heal: everything of this desk's placed, then wait for every desk to say so, then take
    // in what the others placed.
    let quiet = |session: &mut Session| -> bool {
        session.sync_connected().is_ok()
            && session
                .sharing_status()
                .is_ok_and(|s| s.is_some_and(|s| s.pending == 0))
    };
    let give_up = Instant::now() + Duration::from_secs(240);
    while !quiet(&mut session) {
        assert!(
            Instant::now() < give_up,
            "{name} never got its edits placed"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    std::fs::write(dir.join(format!("done-{index}")), b"").unwrap();
    while (0..DESKS.len()).any(|i| !dir.join(format!("done-{i}")).exists()) {
        assert!(
            Instant::now() < give_up,
            "{name}: the other desks never finished"
        );
        let _ = session.sync_connected();
        std::thread::sleep(Duration::from_millis(250));
    }
    while !quiet(&mut session) {
        assert!(
            Instant::now() < give_up,
            "{name} cannot take in the last events"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    for conflict in session.conflicts().unwrap() {
        println!("conflict {conflict:?}");
    }
    let (hash, frontier) = dump(&session);
    println!("dump {hash}");
    println!("frontier {frontier}");
}

enum Acted {
    /// An ordinary edit (it may wait offline to be shared).
    Edit,
    /// A decision, placed by the server: this copy's sequence number of it.
    Decision(u64),
    /// An edit without a text of its own to find it by (taking into assessment).
    Untracked,
    /// Nothing to act on yet.
    Nothing,
}

/// What a desk may be refused while others work on the same records, or offline: the gate
/// closed on a failing or unsigned run, a quarter already assessed, a version never live.
fn expected(e: &ApiError) -> bool {
    let rule = |rule: &str| e.details.values().any(|v| v.contains(rule));
    matches!(
        e.code,
        ErrorCode::Conflict
            | ErrorCode::IllegalTransition
            | ErrorCode::Busy
            | ErrorCode::ServerUnreachable
            | ErrorCode::GateClosed
    ) || (e.code == ErrorCode::Validation
        && (rule("rule.assessment_exists") || rule("rule.never_live")))
}

/// A manual evaluation run of `version`: passing the gate's thresholds or not, which its
/// notes say (the invariant check reads them).
fn run(
    version: govbench_protocol::ModelVersionId,
    passing: bool,
    token: &str,
) -> EvaluationCommand {
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
            dataset: "并发评测集 converge set".into(),
            model_revision: String::new(),
            notes: format!("{token} {}", if passing { "pass" } else { "fail" }),
        },
        values: vec![
            value("accuracy", if passing { 0.93 } else { 0.80 }),
            value("recall", 0.9),
            value("response_time_p95", 900.0),
        ],
    }
}

fn draft(title: &str) -> RequirementDraft {
    RequirementDraft {
        title: title.into(),
        scenario: "并发场景 concurrent desks".into(),
        goals: "收敛 converge".into(),
        kpis: vec![Kpi {
            metric: "recall".into(),
            comparator: govbench_protocol::Comparator::AtLeast,
            target: 90.0,
            unit: "%".into(),
        }],
        priority: Priority::Medium,
        department: "医疗事业部".into(),
        wanted_by: Utc::now().date_naive() + chrono::Duration::days(30),
    }
}

/// The oldest requirements at `status`, as every desk sees them: desks of one role pick the
/// same one, which is the overlap this test wants.
fn oldest(
    session: &Session,
    status: RequirementStatus,
) -> Option<govbench_protocol::RequirementId> {
    session
        .requirements(&RequirementQuery {
            status: Some(status),
            limit: 50,
            ..RequirementQuery::default()
        })
        .ok()?
        .items
        .last()
        .map(|r| r.id)
}

fn act(
    session: &mut Session,
    role: Role,
    model: ModelId,
    token: &str,
    rng: &mut Rng,
) -> Result<Acted, ApiError> {
    let comment = |session: &mut Session, rng: &mut Rng| -> Result<Acted, ApiError> {
        let page = session.requirements(&RequirementQuery {
            limit: 30,
            ..RequirementQuery::default()
        })?;
        let Some(on) = page.items.get(rng.below(page.items.len() as u64) as usize) else {
            return Ok(Acted::Nothing);
        };
        session.execute(CommentCommand::Add {
            on: on.id.into(),
            body: format!("评论 comment {token}"),
        })?;
        Ok(Acted::Edit)
    };
    let decided = |outcome: govbench_protocol::CommandOutcome| Acted::Decision(outcome.audit_seq);
    match (role, rng.below(10)) {
        (Role::Business, 0..=6) => {
            session.execute(RequirementCommand::File {
                draft: draft(&format!("需求 {token}")),
                submit: true,
            })?;
            Ok(Acted::Edit)
        }
        (Role::RnD, 0..=2) => match oldest(session, RequirementStatus::Submitted) {
            Some(id) => session
                .execute(RequirementCommand::StartAssessment { id })
                .map(|_| Acted::Untracked),
            None => Ok(Acted::Nothing),
        },
        (Role::RnD, 3..=5) => match oldest(session, RequirementStatus::UnderAssessment) {
            Some(id) => session
                .execute(RequirementCommand::Assess {
                    id,
                    assessment: Assessment {
                        feasibility: Feasibility::Feasible,
                        resources: format!("两人 {token}"),
                        effort_person_days: 5,
                        plan: "两周 two weeks".into(),
                        risks: String::new(),
                    },
                })
                .map(|_| Acted::Edit),
            None => Ok(Acted::Nothing),
        },
        (Role::RnD, 6..=7) => {
            let versions = session.model(model)?.versions;
            let version = versions[rng.below(versions.len() as u64) as usize]
                .version
                .id;
            let passing = rng.below(2) == 0;
            session.execute(run(version, passing, token))?;
            Ok(Acted::Edit)
        }
        (Role::ProjectManager, 4..=5) => {
            let detail = session.model(model)?;
            let Some(waiting) = detail
                .evaluations
                .iter()
                .find(|e| e.status == EvaluationStatus::Submitted)
            else {
                return Ok(Acted::Nothing);
            };
            let comment = format!("审阅 reviewed {token}");
            let review = match rng.below(4) {
                0 => EvaluationCommand::Reject {
                    id: waiting.id,
                    comment,
                },
                _ => EvaluationCommand::SignOff {
                    id: waiting.id,
                    comment,
                },
            };
            session.execute(review).map(decided)
        }
        (Role::ProjectManager, 6..=7) => {
            // Mostly a version whose gate this desk sees open (as the model page shows it),
            // which another desk may be closing at that moment.
            let versions = session.model(model)?.versions;
            let open: Vec<_> = versions.iter().filter(|v| v.gate.is_empty()).collect();
            let version = match (open.is_empty(), rng.below(3)) {
                (false, 0..=1) => open[rng.below(open.len() as u64) as usize].version.id,
                _ => {
                    versions[rng.below(versions.len() as u64) as usize]
                        .version
                        .id
                }
            };
            let release = match rng.below(3) {
                0 => ModelCommand::Rollback {
                    version,
                    reason: format!("回退 back {token}"),
                },
                _ => ModelCommand::GoLive {
                    version,
                    justification: None,
                },
            };
            session.execute(release).map(decided)
        }
        (Role::ProjectManager, 8) => {
            // Past quarters, started long ago: two desks open the same one at once.
            let quarter = format!("{}Q{}", 2024 + rng.below(2), 1 + rng.below(4));
            session
                .execute(AssessmentCommand::Open { quarter })
                .map(decided)
        }
        (Role::ProjectManager, 0..=3) => match oldest(session, RequirementStatus::Assessed) {
            Some(id) => {
                let decision = match rng.below(3) {
                    0 => Decision::Approve,
                    1 => Decision::Reject {
                        reason: "不在范围 out of scope".into(),
                    },
                    _ => Decision::Return {
                        reason: "补充数据 more data".into(),
                    },
                };
                session
                    .execute(RequirementCommand::Decide { id, decision })
                    .map(decided)
            }
            None => Ok(Acted::Nothing),
        },
        (Role::Operations, 0..=7) => {
            let page = session.incidents(&IncidentQuery {
                active_only: true,
                limit: 20,
                ..IncidentQuery::default()
            })?;
            let Some(incident) = page.items.get(rng.below(page.items.len() as u64) as usize) else {
                return Ok(Acted::Nothing);
            };
            session.execute(IncidentCommand::AddNote {
                id: incident.id,
                kind: TimelineKind::Note,
                text: format!("处置 note {token}"),
            })?;
            Ok(Acted::Edit)
        }
        _ => comment(session, rng),
    }
}
