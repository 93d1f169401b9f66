//! The `govbench` command's contract, run as a real process on real workspace files.

use std::path::Path;
use std::process::{Command, Output};

fn govbench(args: &[&str], passphrase: Option<&str>) -> Output {
    govbench_with(args, passphrase, &[])
}

fn govbench_with(args: &[&str], passphrase: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_govbench"));
    cmd.envs(env.iter().copied());
    cmd.args(args)
        .env_remove("GOVBENCH_PASSPHRASE")
        .env("GOVBENCH_LANG", "en")
        // The device witness goes to a folder of this test run, never the user's data folder.
        .env(
            "GOVBENCH_DATA_DIR",
            std::env::temp_dir().join(format!("govbench-cli-test-{}", std::process::id())),
        )
        .stdin(std::process::Stdio::null());
    if let Some(p) = passphrase {
        cmd.env("GOVBENCH_PASSPHRASE", p);
    }
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn demo(dir: &Path) -> String {
    let path = dir.join("demo.govbench").display().to_string();
    let out = govbench(&["demo", "--workspace", &path], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    path
}

#[test]
fn init_creates_a_workspace_its_admin_can_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("team.govbench").display().to_string();
    let out = govbench(
        &["init", "--workspace", &path, "--admin", "wang.fang"],
        Some("团队口令 team passphrase"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("wang.fang"));
    let out = govbench(
        &[
            "audit",
            "verify",
            "--workspace",
            &path,
            "--user",
            "wang.fang",
        ],
        Some("团队口令 team passphrase"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("2 events"),
        "{}",
        text(&out.stdout)
    );
    // A second init on the same path is refused and changes nothing.
    let before = std::fs::read(&path).unwrap();
    let out = govbench(
        &["init", "--workspace", &path, "--admin", "x"],
        Some("another passphrase"),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn requirements_list_filters_and_prints_json_or_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let out = govbench(
        &[
            "requirements",
            "list",
            "--workspace",
            &path,
            "--user",
            "he.na",
            "--format",
            "json",
        ],
        Some("govbench-demo"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(all.len(), 10);
    let out = govbench(
        &[
            "requirements",
            "list",
            "--workspace",
            &path,
            "--user",
            "he.na",
            "--status",
            "assessed",
            "--format",
            "json",
        ],
        Some("govbench-demo"),
    );
    let assessed: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(assessed.len(), 1);
    assert_eq!(assessed[0]["title"], "信贷审批材料摘要");
    let out = govbench(
        &[
            "--lang",
            "zh-CN",
            "requirements",
            "list",
            "--workspace",
            &path,
            "--user",
            "he.na",
        ],
        Some("govbench-demo"),
    );
    let table = text(&out.stdout);
    assert!(
        table.contains("标题") && table.contains("已评估") && table.contains("共 10 条需求"),
        "{table}"
    );
}

#[test]
fn bad_input_is_a_clear_error_on_stderr_with_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let out = govbench(
        &[
            "requirements",
            "list",
            "--workspace",
            &path,
            "--user",
            "he.na",
        ],
        Some("wrong"),
    );
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("user name or passphrase is wrong"),
        "{}",
        text(&out.stderr)
    );
    let out = govbench(
        &[
            "--lang",
            "zh-CN",
            "requirements",
            "list",
            "--workspace",
            &path,
            "--user",
            "he.na",
        ],
        Some("wrong"),
    );
    assert!(
        text(&out.stderr).contains("用户名或口令错误"),
        "{}",
        text(&out.stderr)
    );
    let missing = dir.path().join("nope.govbench").display().to_string();
    let out = govbench(
        &[
            "audit",
            "verify",
            "--workspace",
            &missing,
            "--user",
            "he.na",
        ],
        Some("govbench-demo"),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("No workspace"),
        "{}",
        text(&out.stderr)
    );
    // The passphrase is never taken from the command line.
    let out = govbench(
        &[
            "audit",
            "verify",
            "--workspace",
            &path,
            "--user",
            "he.na",
            "--passphrase",
            "govbench-demo",
        ],
        None,
    );
    assert!(!out.status.success());
}

#[test]
fn audit_verify_counts_events_and_names_the_first_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let out = govbench(
        &[
            "audit",
            "verify",
            "--workspace",
            &path,
            "--user",
            "qian.hui",
        ],
        Some("govbench-demo"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    // "Intact — all N pages authentic; M events in an unbroken chain, M signatures valid; …"
    let words: Vec<&str> = stdout.split_whitespace().collect();
    let count: u64 = words
        .windows(2)
        .find_map(|w| (w[1] == "events").then(|| w[0].parse().ok()).flatten())
        .unwrap();
    assert!(count > 40, "{stdout}");
    assert!(
        stdout.contains(&format!("{count} signatures valid")),
        "{stdout}"
    );

    let key = govbench_core::KeySlots::load(Path::new(&path))
        .unwrap()
        .unlock("admin", "govbench-demo")
        .unwrap()
        .keys
        .remove(0);
    let raw = govbench_core::store::open_raw(Path::new(&path), &key).unwrap();
    raw.execute(
        "UPDATE audit_events SET actor_name = 'mallory' WHERE seq = 7",
        [],
    )
    .unwrap();
    drop(raw);
    let out = govbench(
        &[
            "audit",
            "verify",
            "--workspace",
            &path,
            "--user",
            "qian.hui",
        ],
        Some("govbench-demo"),
    );
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("event 7") && stderr.contains("altered"),
        "{stderr}"
    );
}

fn list_json(path: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec![
        "requirements",
        "list",
        "--workspace",
        path,
        "--user",
        "he.na",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = govbench(&args, Some("govbench-demo"));
    assert!(out.status.success(), "{extra:?}: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn titles(items: &[serde_json::Value]) -> Vec<&str> {
    items.iter().filter_map(|i| i["title"].as_str()).collect()
}

#[test]
fn requirements_list_has_every_filter_of_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    assert_eq!(
        titles(&list_json(&path, &["--search", "影像"])),
        ["医学影像报告辅助生成"]
    );
    assert_eq!(
        titles(&list_json(&path, &["--search", "suitability"])),
        ["Robo-advisor suitability wording check"]
    );
    let finance = list_json(&path, &["--department", "金融事业部"]);
    assert_eq!(finance.len(), 3);
    assert!(finance.iter().all(|r| r["department"] == "金融事业部"));
    let critical = list_json(&path, &["--priority", "critical"]);
    assert_eq!(critical.len(), 2);
    let overdue = list_json(&path, &["--overdue"]);
    assert!(!overdue.is_empty());
    assert!(overdue.iter().all(|r| r["overdue"] == true));
    let by_title = list_json(&path, &["--sort", "title_asc"]);
    let first_titles = titles(&by_title);
    assert_eq!(first_titles[0], "Customer-service call sentiment tagging");
    let page_one = list_json(&path, &["--page", "1"]);
    assert_eq!(page_one.len(), 10);
    assert!(list_json(&path, &["--page", "2"]).is_empty());
}

#[test]
fn an_unknown_option_value_is_named_with_the_allowed_ones_in_the_users_language() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let out = govbench(
        &[
            "--lang",
            "zh-CN",
            "requirements",
            "list",
            "--workspace",
            &path,
            "--user",
            "he.na",
            "--priority",
            "urgent",
        ],
        Some("govbench-demo"),
    );
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--priority") && stderr.contains("urgent") && stderr.contains("critical"),
        "{stderr}"
    );
    assert!(stderr.contains("可用取值"), "{stderr}");
}

#[test]
fn generate_makes_a_synthetic_workspace_that_searches_like_a_real_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trial.govbench").display().to_string();
    let out = govbench(
        &[
            "generate",
            "--workspace",
            &path,
            "--admin",
            "bench",
            "--requirements",
            "2000",
            "--audit-events",
            "2500",
        ],
        Some("bench passphrase"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("2000"), "{}", text(&out.stdout));
    let out = govbench(
        &[
            "requirements",
            "list",
            "--workspace",
            &path,
            "--user",
            "bench",
            "--search",
            "医疗",
            "--page",
            "1",
        ],
        Some("bench passphrase"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.contains("50 of 250 requirements"), "{table}");
    let out = govbench(
        &["audit", "verify", "--workspace", &path, "--user", "bench"],
        Some("bench passphrase"),
    );
    assert!(
        text(&out.stdout).contains("2502 events"),
        "{}",
        text(&out.stdout)
    );
}

/// Removing a member re-encrypts the workspace in steps (key file with both keys and the
/// commit, re-encryption, dropping the old key). The process is killed at each step: every
/// time, every remaining member opens the workspace and its record verifies; the removed
/// member is out exactly when the removal was committed.
#[test]
fn a_crash_at_any_step_of_a_removal_leaves_a_workspace_that_opens() {
    let pass = Some("govbench-demo");
    for (point, committed) in [
        ("write.key_file_landed", false),
        ("rotation.committed", true),
        ("rotation.rekeyed", true),
        ("rotation.done", true),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = demo(dir.path());
        let out = govbench_with(
            &[
                "users",
                "remove",
                "--workspace",
                &path,
                "--user",
                "admin",
                "--name",
                "he.na",
            ],
            pass,
            &[("GOVBENCH_CRASH_AT", point)],
        );
        assert!(
            !out.status.success(),
            "{point}: the process was not stopped"
        );
        #[cfg(unix)]
        assert_eq!(
            out.status.code(),
            None,
            "{point}: killed by the crash point, not failed: {}",
            text(&out.stderr)
        );
        for user in ["chen.jing", "admin", "qian.hui"] {
            let out = govbench(
                &["audit", "verify", "--workspace", &path, "--user", user],
                pass,
            );
            assert!(
                out.status.success(),
                "{point}, {user}: {}",
                text(&out.stderr)
            );
        }
        let removed = govbench(
            &["audit", "verify", "--workspace", &path, "--user", "he.na"],
            pass,
        );
        assert_eq!(
            removed.status.success(),
            !committed,
            "{point}: {}",
            text(&removed.stderr)
        );
        let slots = govbench_core::KeySlots::load(Path::new(&path)).unwrap();
        let key = slots.unlock("admin", "govbench-demo").unwrap();
        assert_eq!(
            key.keys.len(),
            1,
            "{point}: the rotation was finished or undone"
        );
    }
}

/// A title with terminal escape sequences (written around the app, e.g. by an older version
/// or another tool) is printed escaped: the terminal shows it and is not driven by it.
#[test]
fn control_sequences_in_stored_text_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let key = govbench_core::KeySlots::load(Path::new(&path))
        .unwrap()
        .unlock("admin", "govbench-demo")
        .unwrap()
        .keys
        .remove(0);
    let raw = govbench_core::store::open_raw(Path::new(&path), &key).unwrap();
    let evil = "标题\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m\u{202e}txt";
    raw.execute(
        "UPDATE requirements SET title = ?1 WHERE local_key = (SELECT min(local_key) FROM requirements)",
        [evil],
    )
    .unwrap();
    drop(raw);
    for format in ["table", "json"] {
        let out = govbench(
            &[
                "requirements",
                "list",
                "--workspace",
                &path,
                "--user",
                "qian.hui",
                "--format",
                format,
            ],
            Some("govbench-demo"),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(
            !stdout.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']),
            "{format}: raw control characters printed"
        );
        assert!(stdout.contains("\\u001b"), "{format}: {stdout}");
        if format == "json" {
            let items: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
            assert!(
                items.iter().any(|i| i["title"] == evil),
                "JSON keeps the text exactly"
            );
        }
    }
}
