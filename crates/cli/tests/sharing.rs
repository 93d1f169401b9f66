//! `govbench server init`, `share`, `join` and `sync` as real processes against the private
//! PostgreSQL cluster the test command starts (`scripts/pg-test.sh`). Skipped without it
//! unless `GOVBENCH_REQUIRE_PG` is set.

use std::path::Path;
use std::process::{Command, Output};

struct TestServer {
    url: String,
    ca: String,
    password: String,
}

fn server() -> Option<TestServer> {
    let var = |name: &str| std::env::var(name).ok();
    match (
        var("GOVBENCH_TEST_PG_URL"),
        var("GOVBENCH_TEST_PG_CA"),
        var("GOVBENCH_TEST_PG_PASSWORD"),
    ) {
        (Some(url), Some(ca), Some(password)) => Some(TestServer { url, ca, password }),
        _ => {
            assert!(
                var("GOVBENCH_REQUIRE_PG").is_none(),
                "GOVBENCH_REQUIRE_PG is set but no test server is"
            );
            eprintln!("no test PostgreSQL server: skipped");
            None
        }
    }
}

/// A database of its own on the test server; its URL (with no password in it).
fn database(s: &TestServer) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let name = format!("t_{}", uuid::Uuid::now_v7().simple());
    runtime.block_on(async {
        let address =
            govbench_remote::ServerAddress::parse(&s.url, Some(Path::new(&s.ca)), false).unwrap();
        let (client, _d) = address.connect("postgres", &s.password).await.unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
    });
    format!(
        "{}/{name}",
        s.url
            .rsplit_once('/')
            .map_or(s.url.as_str(), |(base, _)| base)
    )
}

fn govbench(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_govbench"));
    cmd.args(args)
        .env_remove("GOVBENCH_PASSPHRASE")
        .env_remove("PGPASSWORD")
        .env_remove("PGPASSFILE")
        .env("GOVBENCH_LANG", "en")
        .env(
            "GOVBENCH_DATA_DIR",
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("cli-data-{}", std::process::id())),
        )
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null());
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const PASSPHRASE: &str = "govbench-demo";

#[test]
fn a_workspace_is_shared_joined_and_synced_from_the_command_line() {
    let Some(s) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("demo.govbench").display().to_string();
    let out = govbench(&["demo", "--workspace", &origin], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = database(&s);
    let it = [("PGPASSWORD", s.password.as_str())];

    for _ in 0..2 {
        let out = govbench(&["server", "init", "--url", &url, "--ca", &s.ca], &it);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("ready"), "{}", text(&out.stdout));
    }

    let me = [
        ("PGPASSWORD", s.password.as_str()),
        ("GOVBENCH_PASSPHRASE", PASSPHRASE),
    ];
    let share = [
        "share",
        "--workspace",
        &origin,
        "--user",
        "admin",
        "--server",
        &url,
        "--ca",
        &s.ca,
    ];
    let out = govbench(&share, &me);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let id = stdout.lines().last().unwrap().trim().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{stdout}");
    assert!(stdout.contains("Shared"), "{stdout}");

    // Sharing again is refused, saying why.
    let out = govbench(&share, &me);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("already"),
        "{}",
        text(&out.stderr)
    );

    // Joining needs no server password: only the member's passphrase.
    let copy = dir.path().join("copy.govbench").display().to_string();
    let member = [("GOVBENCH_PASSPHRASE", PASSPHRASE)];
    let out = govbench(
        &[
            "join",
            "--server",
            &url,
            "--ca",
            &s.ca,
            "--workspace-id",
            &id,
            "--user",
            "admin",
            "--into",
            &copy,
        ],
        &member,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Joined"),
        "{}",
        text(&out.stdout)
    );

    // The copy remembers its server: sync needs only the workspace and the member.
    let out = govbench(
        &[
            "sync",
            "--workspace",
            &copy,
            "--user",
            "admin",
            "--format",
            "json",
        ],
        &member,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let synced: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(synced["pushed"], 0);
    assert_eq!(synced["pulled"], 0);
    assert!(synced["position"].as_u64().unwrap() > 50, "{synced}");

    // Nothing was turned down: no conflicts, in words and in JSON.
    let list = ["conflicts", "list", "--workspace", &copy, "--user", "admin"];
    let out = govbench(&list, &member);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("No conflicts"),
        "{}",
        text(&out.stdout)
    );
    let out = govbench(&[&list[..], &["--format", "json"]].concat(), &member);
    assert_eq!(text(&out.stdout).trim(), "[]");

    // A member from before sharing joins with a join code an Admin issued, once.
    let out = govbench(
        &[
            "users",
            "join-code",
            "--workspace",
            &origin,
            "--user",
            "admin",
            "--name",
            "li.wei",
        ],
        &member,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let code = text(&out.stdout).trim().to_owned();
    assert_eq!(code.len(), 23, "{code}");
    let li_copy = dir.path().join("li.govbench").display().to_string();
    let li_join = [
        "join",
        "--server",
        &url,
        "--ca",
        &s.ca,
        "--workspace-id",
        &id,
        "--user",
        "li.wei",
        "--into",
        &li_copy,
        "--join-code",
        &code,
    ];
    let out = govbench(&li_join, &member);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = govbench(
        &["sync", "--workspace", &li_copy, "--user", "li.wei"],
        &member,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The joined copy verifies like any workspace, and agrees with the server's log.
    let out = govbench(
        &["audit", "verify", "--workspace", &copy, "--user", "admin"],
        &member,
    );
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("the server's log agrees with this copy"),
        "{}",
        text(&out.stdout)
    );

    // A wrong passphrase joins nothing and leaves no file.
    let refused = dir.path().join("refused.govbench");
    let out = govbench(
        &[
            "join",
            "--server",
            &url,
            "--ca",
            &s.ca,
            "--workspace-id",
            &id,
            "--user",
            "admin",
            "--into",
            &refused.display().to_string(),
        ],
        &[("GOVBENCH_PASSPHRASE", "not it")],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("refused"),
        "{}",
        text(&out.stderr)
    );
    assert!(!refused.exists());
}

#[test]
fn an_unverifiable_or_unencrypted_server_is_refused_before_anything_is_sent() {
    let Some(s) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let wrong_ca = dir.path().join("other-ca.crt");
    std::fs::write(&wrong_ca, "not a certificate").unwrap();
    let url = database(&s);
    let it = [("PGPASSWORD", s.password.as_str())];
    let out = govbench(
        &[
            "server",
            "init",
            "--url",
            &url,
            "--ca",
            &wrong_ca.display().to_string(),
        ],
        &it,
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("CA file"),
        "{}",
        text(&out.stderr)
    );

    let out = govbench(
        &[
            "server",
            "init",
            "--url",
            "postgresql://it@db.example.cn/govbench?sslmode=disable",
        ],
        &it,
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("unencrypted"),
        "{}",
        text(&out.stderr)
    );

    // No password anywhere for IT's login: said so, nothing attempted.
    let out = govbench(&["server", "init", "--url", &url, "--ca", &s.ca], &[]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("password"),
        "{}",
        text(&out.stderr)
    );
}
