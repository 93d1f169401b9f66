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
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("cli-data-{}", std::process::id())),
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
            "8000",
        ],
        Some("bench passphrase"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // What it says it wrote is what it wrote (the filing alone is 8,000 events here).
    assert!(
        text(&out.stdout).contains("2000 synthetic requirements, 8000 audit events"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("Writing 8000 of 8000 events"),
        "{}",
        text(&out.stderr)
    );
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
    // The asked-for events (2,000 requirements filed and taken through their lifecycle: 8,000,
    // none left for comments), the workspace's two first ones, and the admin adding (then, the work
    // done, removing) the three members who file, assess and decide: the role matrix, the
    // lifecycle and what each action may change are re-checked on every event.
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("8008 events"),
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

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/eval-results")
        .join(path)
        .display()
        .to_string()
}

fn json_of(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn models_and_evaluations_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let pw = Some(govbench_core::demo::PASSPHRASE);
    let ws = ["--workspace", path.as_str()];
    let run = |user: &str, args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend_from_slice(&ws);
        all.extend_from_slice(&["--user", user]);
        govbench(&all, pw)
    };

    // The demo's inventory: the medical model's live version and the override flagged.
    let models = json_of(&run("qian.hui", &["models", "list", "--format", "json"]));
    let models = models.as_array().unwrap();
    assert_eq!(models.len(), 3);
    let med = models
        .iter()
        .find(|m| m["name"].as_str().unwrap().contains("MedRecord"))
        .unwrap();
    assert_eq!(med["live"], "v1.1");
    let credit = models
        .iter()
        .find(|m| m["name"].as_str().unwrap().contains("CreditQA"))
        .unwrap();
    assert_eq!(credit["versions"][0]["gate_override"], true);

    let out = run(
        "chen.jing",
        &[
            "models",
            "add",
            "--name",
            "客服助手 Helpdesk",
            "--domain",
            "customer_service",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(
        "li.wei",
        &[
            "models",
            "add-version",
            "--model",
            "客服助手 helpdesk",
            "--version",
            "v1",
            "--repo",
            "https://git.example.com/helpdesk.git",
            "--commit",
            "abc1234",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bad = run(
        "li.wei",
        &[
            "models",
            "add-version",
            "--model",
            "客服助手 Helpdesk",
            "--version",
            "v2",
            "--repo",
            "nope",
            "--commit",
            "main",
        ],
    );
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("code_commit"),
        "{}",
        text(&bad.stderr)
    );

    // Dry run: one JSON object per file, values exactly as the file gives them.
    let results = fixture(
        "lm-eval/EleutherAI__lm-evaluation-harness/pr3936/results_2026-07-08T16-04-34.219874.json",
    );
    let samples = fixture("lm-eval/EleutherAI__lm-evaluation-harness/pr3936/samples_negotiationtom_belief_2026-07-08T16-04-34.219874.jsonl");
    let import = [
        "eval",
        "import",
        "--model",
        "客服助手 Helpdesk",
        "--version",
        "v1",
    ];
    let mut args = import.to_vec();
    args.extend_from_slice(&["--dry-run", "--format", "json", &results, &samples]);
    let out = run("li.wei", &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["tool"], "lm_eval");
    assert_eq!(lines[0]["tool_version"], "0.4.13.dev0");
    assert_eq!(lines[0]["sha256"].as_str().unwrap().len(), 64);
    let belief = lines[0]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["task"] == "negotiationtom_belief" && m["metric"] == "acc,none")
        .unwrap();
    assert_eq!(belief["value"], 0.45);
    assert_eq!(belief["n"], 20);
    let group = lines[0]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["task"] == "negotiationtom" && m["metric"] == "acc,none")
        .unwrap();
    assert_eq!(group["kpi"], "accuracy");
    assert!(
        belief["kpi"].is_null(),
        "the group counts, not its subtasks twice"
    );
    assert_eq!(lines[1]["samples"]["samples"], 20);
    // A model that does not exist yet is previewed against the default policy.
    let out = run(
        "li.wei",
        &[
            "eval",
            "import",
            "--model",
            "nobody",
            "--version",
            "x",
            "--dry-run",
            "--format",
            "json",
            &results,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A refused file: non-zero, its name and reason on stderr, nothing stored.
    let html = fixture("promptfoo/MohdumaR125__Promptfoo/promptfoo-jsConfig/output.html");
    let mut args = import.to_vec();
    args.extend_from_slice(&[&results, &html]);
    let out = run("li.wei", &args);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("output.html"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("HTML"), "{}", text(&out.stderr));
    let list = json_of(&run(
        "li.wei",
        &[
            "eval",
            "list",
            "--model",
            "客服助手 Helpdesk",
            "--format",
            "json",
        ],
    ));
    assert_eq!(list.as_array().unwrap().len(), 0);

    // The real import, then the list with verdicts.
    let mut args = import.to_vec();
    args.extend_from_slice(&[
        "--date",
        "2026-11-02",
        "--dataset",
        "NegotiationToM",
        &results,
        &samples,
    ]);
    let out = run("li.wei", &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Accuracy"),
        "{}",
        text(&out.stdout)
    );
    let list = json_of(&run(
        "chen.jing",
        &[
            "eval",
            "list",
            "--model",
            "客服助手 Helpdesk",
            "--format",
            "json",
        ],
    ));
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["version"], "v1");
    assert_eq!(list[0]["status"], "submitted");
    assert_eq!(list[0]["verdicts"][0]["value"], 0.525);
    assert_eq!(list[0]["verdicts"][0]["passes"], false);
}

#[test]
fn drill_templates_are_listed_in_either_language() {
    let out = govbench(&["drills", "templates", "--format", "json"], None);
    let all = json_of(&out);
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 7);
    let rollback = all
        .iter()
        .find(|t| t["id"] == "emergency-rollback")
        .unwrap();
    assert_eq!(
        rollback["title"],
        "Emergency rollback to the previous model version"
    );
    assert!(rollback["steps"].as_array().unwrap().len() >= 4);
    assert!(rollback["steps"][0]["target_minutes"].as_u64().unwrap() > 0);
    let zh = govbench(&["--lang", "zh-CN", "drills", "templates"], None);
    assert!(zh.status.success(), "{}", text(&zh.stderr));
    let table = text(&zh.stdout);
    assert!(
        table.contains("紧急回滚到上一模型版本") && table.contains("分钟"),
        "{table}"
    );
}

#[test]
fn incidents_are_listed_with_their_clocks_and_drills_labelled() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let out = govbench(
        &[
            "incidents",
            "list",
            "--workspace",
            &path,
            "--user",
            "zhao.qiang",
            "--format",
            "json",
        ],
        Some("govbench-demo"),
    );
    let all = json_of(&out);
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 5, "four incidents and one opened in a drill");
    assert!(all
        .iter()
        .all(|i| i["number"].as_str().unwrap().contains("INC-")));
    let drills: Vec<_> = all.iter().filter(|i| i["drill"] == true).collect();
    assert_eq!(drills.len(), 1);
    // The general incident nobody acknowledged for three hours has a breached clock.
    let breached = all
        .iter()
        .find(|i| i["title"].as_str().unwrap().contains("Prompt injection"))
        .unwrap();
    let ack = &breached["clocks"][0];
    assert_eq!(ack["clock"], "acknowledge");
    assert_eq!(ack["status"], "breached");
    // The reviewed critical one met its acknowledge target and kept the revised rules.
    let critical = all
        .iter()
        .find(|i| i["severity"] == "critical" && i["drill"] == false)
        .unwrap();
    assert_eq!(critical["status"], "reviewed");
    assert_eq!(critical["clocks"][0]["status"], "met");
    assert_eq!(critical["rules_revision"], 1);

    // A table in Chinese, and a quarter filter that leaves nothing out of range.
    let zh = govbench(
        &[
            "--lang",
            "zh-CN",
            "incidents",
            "list",
            "--workspace",
            &path,
            "--user",
            "zhao.qiang",
        ],
        Some("govbench-demo"),
    );
    assert!(zh.status.success(), "{}", text(&zh.stderr));
    let table = text(&zh.stdout);
    assert!(
        table.contains("严重") && table.contains("已超时") && table.contains("[演练]"),
        "{table}"
    );
    let none = govbench(
        &[
            "incidents",
            "list",
            "--workspace",
            &path,
            "--user",
            "zhao.qiang",
            "--quarter",
            "1999Q1",
        ],
        Some("govbench-demo"),
    );
    assert!(
        text(&none.stdout).contains("No incidents."),
        "{}",
        text(&none.stdout)
    );
    let bad = govbench(
        &[
            "incidents",
            "list",
            "--workspace",
            &path,
            "--user",
            "zhao.qiang",
            "--quarter",
            "2026Q7",
        ],
        Some("govbench-demo"),
    );
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("2026Q3"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn a_quarterly_report_and_a_pack_are_exported_and_the_pack_verified_offline() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let (year, month) = {
        use chrono::Datelike;
        let now = chrono::Local::now();
        (now.year(), now.month())
    };
    let quarter = format!("{year}Q{}", (month - 1) / 3 + 1);
    let pdf = dir.path().join("季度报告.pdf").display().to_string();
    let out = govbench(
        &[
            "report",
            "quarterly",
            "--workspace",
            &path,
            "--user",
            "zhou.min",
            "--quarter",
            &quarter,
            "--lang",
            "zh-CN",
            "--out",
            &pdf,
        ],
        Some("govbench-demo"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(printed.contains("GBR-"), "{printed}");
    let head = printed.lines().last().unwrap().trim().to_owned();
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    // The printed head is in today's chain.
    let out = govbench(
        &[
            "audit",
            "verify",
            "--workspace",
            &path,
            "--user",
            "qian.hui",
            "--anchor",
            &head,
        ],
        Some("govbench-demo"),
    );
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    let zip = dir.path().join("pack.zip").display().to_string();
    let out = govbench(
        &[
            "pack",
            "export",
            "--workspace",
            &path,
            "--user",
            "qian.hui",
            "--quarter",
            &quarter,
            "--out",
            &zip,
        ],
        Some("govbench-demo"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Alone, the pack proves integrity and says plainly that it proves no more: exit 5.
    let out = govbench(&["pack", "verify", &zip], None);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(
        printed.contains("intact") && printed.contains("integrity only, not authorship"),
        "{printed}"
    );
    let zh = govbench(&["--lang", "zh-CN", "pack", "verify", &zip], None);
    assert_eq!(zh.status.code(), Some(5));
    assert!(
        text(&zh.stdout).contains("不证明出处"),
        "{}",
        text(&zh.stdout)
    );
    let fingerprint = printed
        .lines()
        .find_map(|l| l.strip_prefix("Sealed with the key whose fingerprint is "))
        .unwrap()
        .trim()
        .to_owned();
    assert_eq!(fingerprint.len(), 64);
    // Against the fingerprint the exporter's report prints, or against the workspace: proven.
    let out = govbench(&["pack", "verify", &zip, "--signer", &fingerprint], None);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("sealed with the key you gave"));
    let out = govbench(
        &[
            "pack",
            "verify",
            &zip,
            "--workspace",
            &path,
            "--user",
            "zhou.min",
        ],
        Some("govbench-demo"),
    );
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("matches the workspace's log"),
        "{}",
        text(&out.stdout)
    );
    // Someone else's fingerprint: refused, and said why.
    let other = "ab".repeat(32);
    let out = govbench(&["pack", "verify", &zip, "--signer", &other], None);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("another key than the one whose fingerprint you gave"),
        "{}",
        text(&out.stdout)
    );

    // One altered byte in one file: non-zero, and the file is named.
    let bytes = std::fs::read(&zip).unwrap();
    let mut archive = zip_entries(&bytes);
    let victim = archive
        .iter_mut()
        .find(|(name, _)| name.ends_with(".csv"))
        .unwrap();
    victim.1.push(b'!');
    let name = victim.0.clone();
    let tampered = dir.path().join("tampered.zip");
    write_zip(&tampered, &archive);
    let out = govbench(&["pack", "verify", &tampered.display().to_string()], None);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains(&name), "{}", text(&out.stdout));
    // A ZIP that lists a name twice is refused as a pack that does not verify.
    let mut doubled = zip_entries(&bytes);
    let first = doubled.remove(0);
    doubled.insert(0, (first.0.clone(), b"forged".to_vec()));
    doubled.push(first);
    let twice = dir.path().join("twice.zip");
    write_zip_allowing_duplicates(&twice, &doubled);
    let out = govbench(&["pack", "verify", &twice.display().to_string()], None);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("two entries of the ZIP have the same name"),
        "{}",
        text(&out.stderr)
    );
    // A quarter that is no quarter: a clear message, nothing written.
    let out = govbench(
        &[
            "report",
            "quarterly",
            "--workspace",
            &path,
            "--user",
            "zhou.min",
            "--quarter",
            "2026Q7",
            "--out",
            &pdf,
        ],
        Some("govbench-demo"),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("2026Q3"),
        "{}",
        text(&out.stderr)
    );
}

fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().into_owned();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (name, data)
        })
        .collect()
}

fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, data) in entries {
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap();
}

/// Writes entries whose names may repeat, as an attacker's tool would (the ZIP writer refuses
/// duplicates): each repeat is written under a same-length placeholder, renamed in the bytes.
fn write_zip_allowing_duplicates(path: &Path, entries: &[(String, Vec<u8>)]) {
    let mut seen = std::collections::HashSet::new();
    let mut renames = Vec::new();
    let named: Vec<(String, Vec<u8>)> = entries
        .iter()
        .map(|(name, data)| {
            if seen.insert(name.clone()) {
                (name.clone(), data.clone())
            } else {
                let placeholder: String = "~".repeat(name.len());
                renames.push((placeholder.clone(), name.clone()));
                (placeholder, data.clone())
            }
        })
        .collect();
    write_zip(path, &named);
    let mut bytes = std::fs::read(path).unwrap();
    for (placeholder, name) in renames {
        let mut start = 0;
        while let Some(at) = bytes[start..]
            .windows(placeholder.len())
            .position(|w| w == placeholder.as_bytes())
        {
            let at = start + at;
            bytes[at..at + name.len()].copy_from_slice(name.as_bytes());
            start = at + 1;
        }
    }
    std::fs::write(path, bytes).unwrap();
}

/// `govbench … | grep -q x` and `| head` close the pipe early; the command must end quietly
/// with success, not panic on the broken pipe (it did, failing `set -o pipefail` scripts).
#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    let (reader, writer) = std::io::pipe().unwrap();
    // Closed before the command starts, so its first write meets a broken pipe every time.
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_govbench"))
        .args(["--lang", "en", "drills", "templates", "--format", "json"])
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{:?} {}",
        out.status,
        text(&out.stderr)
    );
    assert_eq!(text(&out.stderr), "");
}

/// Output that cannot be written (a full disk behind `>`) is an error in the user's language
/// with EX_IOERR, never a panic and never a silent success.
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_a_translated_error() {
    for (lang, words) in [
        ("en", "Cannot write the output"),
        ("zh-CN", "无法写出输出内容"),
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_govbench"))
            .args(["--lang", lang, "drills", "templates"])
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(74), "{}", text(&out.stderr));
        let stderr = text(&out.stderr);
        assert!(stderr.contains(words), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// Fails and says why on stderr, never with Rust's own panic report.
fn assert_fails_saying_why(out: &Output, case: &str) {
    let stderr = text(&out.stderr);
    assert!(
        !out.status.success(),
        "{case}: succeeded ({:?}); stdout {}",
        out.status,
        text(&out.stdout)
    );
    assert!(!stderr.trim().is_empty(), "{case}: nothing on stderr");
    assert!(!stderr.contains("panicked"), "{case}: {stderr}");
}

/// Every way a command can fail ends with a non-zero exit (the one its kind of failure
/// documents) and a message on stderr: a command line clap refuses, a workspace that is not there, a wrong passphrase, a value
/// that is not one of the allowed ones, an unknown member, files refused for import, a
/// backup or a pack that is not there.
#[test]
fn every_failure_exits_non_zero_with_a_message_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let missing = dir.path().join("nope.govbench").display().to_string();
    let absent_file = dir.path().join("absent.json").display().to_string();
    let into = dir.path().join("restored.govbench").display().to_string();
    let ws = |rest: &[&'static str]| -> Vec<String> {
        let mut args: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
        args.extend(["--workspace".into(), path.clone(), "--user".into()]);
        args
    };
    let mut list = ws(&["requirements", "list"]);
    list.push("he.na".into());
    let cases: Vec<(&str, Vec<String>, Option<&str>, i32)> = vec![
        ("no arguments", vec![], None, 2),
        ("unknown subcommand", vec!["frobnicate".into()], None, 2),
        (
            "unknown option",
            [list.clone(), vec!["--colour".into(), "red".into()]].concat(),
            Some("govbench-demo"),
            2,
        ),
        (
            "missing required option",
            vec![
                "requirements".into(),
                "list".into(),
                "--workspace".into(),
                path.clone(),
            ],
            Some("govbench-demo"),
            2,
        ),
        (
            "malformed number",
            [list.clone(), vec!["--page".into(), "two".into()]].concat(),
            Some("govbench-demo"),
            2,
        ),
        (
            "page zero",
            [list.clone(), vec!["--page".into(), "0".into()]].concat(),
            Some("govbench-demo"),
            64,
        ),
        (
            "unknown status",
            [list.clone(), vec!["--status".into(), "lost".into()]].concat(),
            Some("govbench-demo"),
            64,
        ),
        (
            "missing workspace file",
            vec![
                "audit".into(),
                "verify".into(),
                "--workspace".into(),
                missing.clone(),
                "--user".into(),
                "he.na".into(),
            ],
            Some("govbench-demo"),
            2,
        ),
        (
            "wrong passphrase",
            list.clone(),
            Some("not the passphrase"),
            2,
        ),
        (
            "unknown member",
            [
                ws(&["users", "remove"]),
                vec!["admin".into(), "--name".into(), "nobody".into()],
            ]
            .concat(),
            Some("govbench-demo"),
            2,
        ),
        (
            "malformed date",
            [
                ws(&["eval", "import"]),
                vec![
                    "he.na".into(),
                    "--model".into(),
                    "m".into(),
                    "--version".into(),
                    "v".into(),
                    "--date".into(),
                    "2026-13-45".into(),
                    absent_file.clone(),
                ],
            ]
            .concat(),
            Some("govbench-demo"),
            2,
        ),
        (
            "malformed mapping",
            [
                ws(&["eval", "import"]),
                vec![
                    "he.na".into(),
                    "--model".into(),
                    "m".into(),
                    "--version".into(),
                    "v".into(),
                    "--map".into(),
                    "accuracy".into(),
                    absent_file.clone(),
                ],
            ]
            .concat(),
            Some("govbench-demo"),
            64,
        ),
        (
            "results file that is not there",
            [
                ws(&["eval", "import"]),
                vec![
                    "li.wei".into(),
                    "--model".into(),
                    "m".into(),
                    "--version".into(),
                    "v".into(),
                    absent_file.clone(),
                ],
            ]
            .concat(),
            Some("govbench-demo"),
            4,
        ),
        (
            "backup that is not there",
            vec![
                "backup".into(),
                "restore".into(),
                "--backup".into(),
                absent_file.clone(),
                "--into".into(),
                into,
                "--user".into(),
                "he.na".into(),
            ],
            Some("govbench-demo"),
            2,
        ),
        (
            "pack that is not there",
            vec!["pack".into(), "verify".into(), absent_file.clone()],
            None,
            2,
        ),
        (
            "workspace that already exists",
            vec![
                "generate".into(),
                "--workspace".into(),
                path.clone(),
                "--admin".into(),
                "bench".into(),
            ],
            Some("bench passphrase"),
            2,
        ),
    ];
    for (case, args, passphrase, code) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = govbench(&args, *passphrase);
        assert_fails_saying_why(&out, case);
        assert_eq!(
            out.status.code(),
            Some(*code),
            "{case}: {}",
            text(&out.stderr)
        );
    }
}

/// A command line clap refuses gets clap's own report and a line in the user's language,
/// from `--lang` wherever it stands (read before clap has parsed it).
#[test]
fn a_refused_command_line_is_also_explained_in_the_users_language() {
    let out = govbench(&["--lang", "zh-CN", "frobnicate"], None);
    assert_fails_saying_why(&out, "zh-CN");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("frobnicate") && stderr.contains("无法识别此命令行"),
        "{stderr}"
    );
    let out = govbench(&["frobnicate", "--lang=zh-CN"], None);
    assert!(text(&out.stderr).contains("无法识别此命令行"));
    let out = govbench(&["requirements", "list", "--page", "two"], None);
    assert_fails_saying_why(&out, "en");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--page") && stderr.contains("The command line was not understood"),
        "{stderr}"
    );
    // Help is not a failure: it goes to stdout with success, as before.
    let out = govbench(&["--help"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("requirements"));
    assert_eq!(text(&out.stderr), "");
}
