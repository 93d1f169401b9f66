//! The main job clicked through as users would, in the real desktop binary under WebKit:
//! Business files a requirement in Chinese, R&D assesses it, the PM approves it, and list,
//! dashboard and history show it. Screenshots land in `target/e2e/`.
//!
//! Needs `tauri-driver` and `WebKitWebDriver` on PATH and a display (the test command runs it
//! under Xvfb). With GOVBENCH_REQUIRE_E2E=1 (set by the test command) a missing piece fails
//! the test; otherwise the test is skipped with a message.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn desktop_binary() -> PathBuf {
    std::env::var_os("GOVBENCH_DESKTOP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/govbench-desktop"))
}

fn screenshot_dir() -> PathBuf {
    workspace_root().join("target/e2e")
}

struct Driver {
    child: Child,
    _home: tempfile::TempDir,
}

impl Drop for Driver {
    /// Ends tauri-driver and everything it started (WebKitWebDriver and the app): they share
    /// its process group. A surviving app would take over the next test's launch, since the
    /// app is single-instance.
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            // Until the whole group is gone: an app still closing holds its single-instance
            // name on D-Bus, and the next test's app would hand its start over to it.
            let group = format!("-{}", self.child.id());
            let signal = |signal: &str| {
                Command::new("kill")
                    .args([signal, "--", &group])
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            };
            signal("-TERM");
            let deadline = std::time::Instant::now() + Duration::from_secs(15);
            while std::time::Instant::now() < deadline {
                // Reaped, or the group would live on as tauri-driver's zombie.
                let _ = self.child.try_wait();
                if !signal("-0") {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            signal("-KILL");
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(4444)
}

/// Why the end-to-end environment cannot run here (no driver, no display, no binary…).
#[derive(Debug)]
struct Unavailable(String);

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An lm-evaluation-harness results file as the harness writes one (0.4 layout; custom task
/// metrics are named freely in task YAML), for a version that meets every KPI of the demo's
/// medical model.
fn passing_results(dir: &Path) -> PathBuf {
    let path = dir.join("results_2026-11-29T10-00-00.000000.json");
    let results = json!({
        "results": {
            "emr_qa": {"alias": "emr_qa", "acc,none": 0.951, "acc_stderr,none": 0.0048},
            "emr_recall": {"alias": "emr_recall", "recall,none": 0.912, "recall_stderr,none": 0.0063},
            "emr_latency": {"alias": "emr_latency", "latency_p95_ms,none": 760.0, "latency_p95_ms_stderr,none": "N/A"}
        },
        "group_subtasks": {"emr_qa": [], "emr_recall": [], "emr_latency": []},
        "configs": {},
        "versions": {"emr_qa": 1.0, "emr_recall": 1.0, "emr_latency": 1.0},
        "n-shot": {"emr_qa": 0, "emr_recall": 0, "emr_latency": 0},
        "higher_is_better": {"emr_qa": {"acc": true}, "emr_recall": {"recall": true}, "emr_latency": {"latency_p95_ms": false}},
        "n-samples": {
            "emr_qa": {"original": 2000, "effective": 2000},
            "emr_recall": {"original": 2000, "effective": 2000},
            "emr_latency": {"original": 2000, "effective": 2000}
        },
        "config": {"model": "hf", "model_args": "pretrained=medrecord-qa-v1.2"},
        "lm_eval_version": "0.4.8",
        "date": 1764410400.0
    });
    let _ = std::fs::write(&path, results.to_string());
    path
}

/// What the attachment dialog returns: a log an operator exported.
fn evidence(dir: &Path) -> PathBuf {
    let path = dir.join("告警日志 alert.log");
    let _ = std::fs::write(
        &path,
        "2026-11-30 08:01:12 ERROR dosage_rule mismatch drug=warfarin suggested=6mg ordered=3mg\n",
    );
    path
}

impl Driver {
    fn home(&self) -> &Path {
        self._home.path()
    }
}

/// Puts the command in a process group of its own, which `Driver::drop` ends as a whole.
#[cfg(unix)]
fn own_process_group(command: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    command.process_group(0)
}

#[cfg(not(unix))]
fn own_process_group(command: &mut Command) -> &mut Command {
    command
}

/// Starts tauri-driver with a throw-away HOME and data dir, so nothing of the user's is
/// touched and the app starts as on a first run.
fn start_driver(port: u16) -> Result<Driver, Unavailable> {
    let home = tempfile::tempdir().map_err(|e| Unavailable(e.to_string()))?;
    // What the import dialog returns: a results file and a real samples log with failures.
    let picked = std::env::join_paths([
        passing_results(home.path()),
        workspace_root().join("tests/fixtures/eval-results/lm-eval/EleutherAI__lm-evaluation-harness/pr3936/samples_negotiationtom_belief_2026-07-08T16-04-34.219874.jsonl"),
    ])
    .map_err(|e| Unavailable(e.to_string()))?;
    // Where the save dialog "saves" exports (it must exist, like a folder a user picks).
    std::fs::create_dir_all(home.path().join("exports")).map_err(|e| Unavailable(e.to_string()))?;
    let child = own_process_group(&mut Command::new("tauri-driver"))
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &free_port().to_string(),
        ])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("GOVBENCH_DATA_DIR", home.path().join("govbench"))
        .env("GOVBENCH_KEYRING_SERVICE", "none")
        .env("GOVBENCH_E2E_PICK", home.path().join("团队工作区.govbench"))
        .env(
            "GOVBENCH_E2E_PICK_FOLDER",
            home.path().join("chosen-backups"),
        )
        .env("GOVBENCH_E2E_PICK_IMPORT", picked)
        .env("GOVBENCH_E2E_PICK_ATTACHMENTS", evidence(home.path()))
        .env("GOVBENCH_E2E_OPENED", home.path().join("opened.txt"))
        .env("GOVBENCH_E2E_SAVE_DIR", home.path().join("exports"))
        .env("GOVBENCH_E2E_NOTIFIED", home.path().join("notified.log"))
        .env("GOVBENCH_E2E_ALERT_SECONDS", "2")
        .env("GOVBENCH_E2E_SYNC_SECONDS", "1")
        .env(
            "GOVBENCH_E2E_PICK_CA",
            std::env::var_os("GOVBENCH_TEST_PG_CA").unwrap_or_default(),
        )
        .env("LANG", "zh_CN.UTF-8")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Unavailable(format!("tauri-driver: {e}")))?;
    Ok(Driver { child, _home: home })
}

async fn connect(port: u16) -> Result<Client, Unavailable> {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        json!({ "application": desktop_binary() }),
    );
    caps.insert("browserName".into(), json!("wry"));
    let mut last = String::new();
    for _ in 0..60 {
        let mut builder = ClientBuilder::rustls().map_err(|e| Unavailable(e.to_string()))?;
        builder.capabilities(caps.clone());
        let url = format!("http://127.0.0.1:{port}");
        let attempt = builder.connect(&url);
        match tokio::time::timeout(WAIT, attempt).await {
            Ok(Ok(client)) => return Ok(client),
            Ok(Err(e)) => last = e.to_string(),
            Err(_) => {
                return Err(Unavailable(
                    "the app did not open a WebDriver session in time".into(),
                ))
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(Unavailable(format!("could not start a session: {last}")))
}

struct Ui {
    c: Client,
}

impl Ui {
    async fn el(&self, css: &str) -> Element {
        self.c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
    }

    async fn click(&self, css: &str) {
        self.el(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Types ASCII the way a user does.
    async fn type_in(&self, css: &str, text: &str) {
        let el = self.el(css).await;
        el.clear()
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Sets a field's value and fires the events an input method would (Chinese text and
    /// date pickers cannot be typed key by key through WebDriver reliably).
    async fn fill(&self, css: &str, value: &str) {
        self.el(css).await;
        self.c
            .execute(
                "const e = document.querySelector(arguments[0]);
                 const proto = Object.getPrototypeOf(e);
                 const setter = Object.getOwnPropertyDescriptor(proto, 'value').set;
                 setter.call(e, arguments[1]);
                 e.dispatchEvent(new Event('input', { bubbles: true }));
                 e.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![json!(css), json!(value)],
            )
            .await
            .unwrap_or_else(|e| panic!("fill {css}: {e}"));
    }

    async fn select(&self, css: &str, value: &str) {
        self.el(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    async fn text(&self, css: &str) -> String {
        self.el(css).await.text().await.unwrap_or_default()
    }

    async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.el(css).await.attr(name).await.ok().flatten()
    }

    /// Waits until `check` holds for the text of `css`.
    async fn wait_text(&self, css: &str, what: &str, check: impl Fn(&str) -> bool) -> String {
        self.wait_text_within(WAIT, css, what, check).await
    }

    /// [`Ui::wait_text`] for work that takes long on a loaded machine (sharing a log).
    async fn wait_text_within(
        &self,
        within: Duration,
        css: &str,
        what: &str,
        check: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = std::time::Instant::now() + within;
        loop {
            if let Ok(el) = self.c.find(Locator::Css(css)).await {
                let text = el.text().await.unwrap_or_default();
                if check(&text) {
                    return text;
                }
                if std::time::Instant::now() > deadline {
                    self.screenshot("failed-wait").await;
                    panic!("{css}: expected {what}, found {text:?}");
                }
            } else if std::time::Instant::now() > deadline {
                self.screenshot("failed-wait").await;
                panic!("{css}: expected {what}, element missing");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Saves what the window shows. WebKit captures the last painted frame, which can lag the
    /// DOM just changed; waiting for the next two animation frames makes the picture current.
    async fn screenshot(&self, name: &str) {
        let _ = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done()));",
                vec![],
            )
            .await;
        let dir = screenshot_dir();
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.c.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    async fn login(&self, user: &str) {
        self.type_in("#login-user", user).await;
        self.type_in("#login-passphrase", "govbench-demo").await;
        self.click("#login-submit").await;
        self.el("#user-menu").await;
        self.wait_text("#audit-status", "a verified chain", |t| {
            t.chars().any(|c| c.is_ascii_digit())
        })
        .await;
    }

    async fn logout(&self) {
        self.click("#user-menu summary").await;
        self.click("#logout").await;
        self.el("#login-submit").await;
    }

    async fn open_requirement(&self, title: &str) {
        self.click("#nav-requirements").await;
        self.fill("#filter-search", title).await;
        self.wait_text("#req-table", title, |t| t.contains(title))
            .await;
        self.click("#req-table tr.req-row a.req-link").await;
        self.wait_text("#page-req-detail h1, #page-req-detail h2", title, |t| {
            t.contains(title)
        })
        .await;
    }
}

/// The app is single-instance, so the tests take turns.
static ONE_APP_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Starts the app on a fresh profile, or explains why it cannot (then the test fails when
/// GOVBENCH_REQUIRE_E2E is set, else it is skipped).
async fn launch() -> Option<(Driver, Ui)> {
    let required = std::env::var_os("GOVBENCH_REQUIRE_E2E").is_some();
    let missing = |what: String| {
        if required {
            panic!("end-to-end test cannot run: {what}");
        }
        eprintln!("skipped: {what}");
        None
    };
    if !desktop_binary().exists() {
        return missing(format!("{} not built", desktop_binary().display()));
    }
    let port = free_port();
    let driver = match start_driver(port) {
        Ok(d) => d,
        Err(e) => return missing(e.to_string()),
    };
    match connect(port).await {
        Ok(c) => Some((driver, Ui { c })),
        Err(e) => missing(e.to_string()),
    }
}

/// The app as `dpkg -i` installed it (`GOVBENCH_DESKTOP_BIN=/usr/bin/govbench-desktop`): a
/// release build serving its embedded UI. Run by `tests/packaging/deb.sh`, which installs
/// the package first.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the installed package; tests/packaging/deb.sh runs it"]
async fn the_installed_package_starts_at_the_login_screen() {
    let _turn = ONE_APP_AT_A_TIME.lock().await;
    let Some((_driver, ui)) = launch().await else {
        return;
    };
    ui.el("#login-submit").await;
    assert!(
        ui.text("body").await.contains("govbench-demo"),
        "the first start opens the demo workspace at the login screen"
    );
    // Still up and answering a while later (a crash after the first paint would show here).
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(ui.c.title().await.is_ok_and(|t| t.contains("Govbench")));
    ui.el("#login-user").await;
    ui.screenshot("00-installed-login").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn business_files_rnd_assesses_pm_approves() {
    let _turn = ONE_APP_AT_A_TIME.lock().await;
    let Some((_driver, ui)) = launch().await else {
        return;
    };
    let title = "门诊处方合理性审核助手";

    // First run: the demo workspace is there and selected; the UI follows the OS language.
    ui.el("#login-submit").await;
    ui.screenshot("01-login").await;
    let login_text = ui.text("body").await;
    assert!(
        login_text.contains("govbench-demo"),
        "demo users are listed on the login screen"
    );

    // Business files a requirement in Chinese.
    ui.login("he.na").await;
    ui.click("#nav-requirements").await;
    ui.click("#req-new").await;
    ui.fill("#req-title", title).await;
    ui.fill(
        "#req-scenario",
        "药师审方时，模型根据诊断、过敏史与处方检查用药禁忌和剂量。",
    )
    .await;
    ui.fill(
        "#req-goals",
        "不合理处方拦截率提升至 95%，审方平均用时减半。",
    )
    .await;
    ui.select("#req-priority", "high").await;
    ui.fill("#req-department", "医疗事业部").await;
    // Dates read the same whatever the system's locale: a text field, and a calendar in the
    // UI's language (WebKit's own date input showed mm/dd/yyyy on English systems).
    assert_eq!(
        ui.attr("#req-wanted-by", "type").await.as_deref(),
        Some("text")
    );
    ui.click("#req-wanted-by-pick").await;
    let calendar = ui
        .wait_text("#req-wanted-by-calendar", "a Chinese calendar", |t| {
            t.contains('年') && t.contains('月')
        })
        .await;
    assert!(
        calendar.contains('一') && calendar.contains('日') && calendar.contains("今天"),
        "weekdays and buttons in Chinese: {calendar}"
    );
    ui.screenshot("02a-date-picker").await;
    ui.click("#req-wanted-by-today").await;
    let picked = ui
        .el("#req-wanted-by")
        .await
        .prop("value")
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    assert!(
        picked.len() == 10 && picked.as_bytes()[4] == b'-',
        "picking a day writes an ISO date: {picked:?}"
    );
    ui.fill("#req-wanted-by", "2031/6/30").await;
    ui.fill("#kpi-metric-0", "拦截召回率").await;
    ui.select("#kpi-comparator-0", "at_least").await;
    ui.fill("#kpi-target-0", "95").await;
    ui.fill("#kpi-unit-0", "%").await;
    ui.screenshot("02-file-requirement").await;
    ui.click("#req-submit").await;
    ui.wait_text("#req-status", "submitted", |t| t.contains("已提交"))
        .await;
    assert_eq!(
        ui.attr("#page-req-detail", "data-status").await.as_deref(),
        Some("submitted")
    );
    ui.wait_text("#req-wanted-by-text", "the date typed as 2031/6/30", |t| {
        t.contains("2031-06-30")
    })
    .await;
    ui.logout().await;

    // R&D takes it into assessment and records the assessment.
    ui.login("li.wei").await;
    ui.click("#nav-dashboard").await;
    ui.wait_text(
        "#dash-waiting",
        "the new requirement waiting for R&D",
        |t| t.contains(title),
    )
    .await;
    ui.open_requirement(title).await;
    ui.click("button[data-action='requirement.start_assessment']")
        .await;
    ui.wait_text("#req-status", "under assessment", |t| t.contains("评估中"))
        .await;
    ui.select("#assess-feasibility", "feasible_with_conditions")
        .await;
    ui.fill("#assess-resources", "1 名算法工程师，1 名临床药师标注")
        .await;
    ui.fill("#assess-effort", "25").await;
    ui.fill(
        "#assess-plan",
        "基于医疗基座模型做指令微调，构建 1,500 条审方评测集。",
    )
    .await;
    ui.fill("#assess-risks", "处方数据需脱敏后出域。").await;
    ui.click("#assess-submit").await;
    ui.wait_text("#req-status", "assessed", |t| t.contains("已评估"))
        .await;
    ui.logout().await;

    // The PM approves it.
    ui.login("chen.jing").await;
    ui.open_requirement(title).await;
    ui.click("#decide-approve").await;
    ui.wait_text("#req-status", "approved", |t| t.contains("已批准"))
        .await;
    let history = ui
        .wait_text("#req-history", "the whole history", |t| {
            t.contains("chen.jing")
        })
        .await;
    for who in ["he.na", "li.wei", "chen.jing"] {
        assert!(history.contains(who), "history names {who}: {history}");
    }
    ui.screenshot("03-approved-detail").await;

    // The list and the dashboard reflect it.
    ui.click("#nav-requirements").await;
    ui.select("#filter-status", "approved").await;
    let list = ui
        .wait_text("#req-table", "the approved requirement", |t| {
            t.contains(title)
        })
        .await;
    assert!(
        !list.contains("信贷审批材料摘要"),
        "status filter applies: {list}"
    );
    ui.screenshot("04-list").await;
    ui.click("#nav-dashboard").await;
    let approved = ui
        .wait_text(
            "#dash-by-status [data-status='approved'] .count",
            "two approved",
            |t| t.trim() == "2",
        )
        .await;
    assert_eq!(
        approved.trim(),
        "2",
        "the demo's approved requirement plus the new one"
    );
    let status = ui.attr("#audit-status", "data-state").await;
    assert_eq!(status.as_deref(), Some("ok"));
    ui.screenshot("05-dashboard").await;

    // The same UI in English.
    ui.select("#lang-switch", "en").await;
    ui.wait_text("#nav-dashboard", "English navigation", |t| {
        t.contains("Dashboard")
    })
    .await;
    ui.screenshot("06-dashboard-en").await;

    // The PM schedules it and starts development (in English now).
    ui.open_requirement(title).await;
    ui.el("#plan-owner")
        .await
        .select_by_index(1)
        .await
        .unwrap_or_else(|e| panic!("pick an owner: {e}"));
    // The calendar follows the UI's language (English now).
    ui.click("#plan-target-pick").await;
    let calendar = ui
        .wait_text("#plan-target-calendar", "an English calendar", |t| {
            t.contains("Today") && t.contains("Mo")
        })
        .await;
    assert!(!calendar.contains('年'), "no Chinese left: {calendar}");
    ui.screenshot("06a-date-picker-en").await;
    ui.click("#plan-target-pick").await;
    ui.fill("#plan-target", "2031-05-31").await;
    ui.fill("#ms-title-0", "评测集确认 evaluation set agreed")
        .await;
    ui.fill("#ms-due-0", "2031-03-31").await;
    ui.click("#plan-submit").await;
    ui.wait_text("#req-history", "the plan in the history", |t| {
        t.contains("delivery plan")
    })
    .await;
    ui.click("button[data-action='requirement.start_development']")
        .await;
    ui.wait_text("#req-status", "in development", |t| {
        t.contains("In development")
    })
    .await;
    let _ = ui.c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_creates_a_workspace_and_adds_a_user_who_signs_in() {
    let _turn = ONE_APP_AT_A_TIME.lock().await;
    let Some((_driver, ui)) = launch().await else {
        return;
    };

    // Create a real workspace from the login screen (the file dialog answers with the path
    // the test gave it).
    ui.click("#ws-create").await;
    ui.click("#create-pick").await;
    ui.wait_text("#create-path", "the picked path", |t| {
        t.contains("团队工作区.govbench")
    })
    .await;
    ui.type_in("#create-admin", "wang.fang").await;
    ui.fill("#create-display-name", "王芳").await;
    ui.type_in("#create-passphrase", "team passphrase 1").await;
    ui.type_in("#create-passphrase2", "team passphrase 1").await;
    ui.click("#create-submit").await;
    ui.el("#user-menu").await;
    ui.screenshot("07-created-workspace").await;
    let chip =
        ui.c.execute(
            "return document.querySelector('.workspace-chip').textContent",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    assert!(
        chip.contains("团队工作区"),
        "the header names the new workspace: {chip:?}"
    );

    // The admin adds an R&D user.
    ui.click("#nav-users").await;
    ui.type_in("#user-name", "zhao.min").await;
    ui.fill("#user-display-name", "赵敏").await;
    ui.select("#user-role", "rnd").await;
    ui.type_in("#user-passphrase", "short").await;
    ui.type_in("#user-passphrase2", "short").await;
    ui.click("#user-add").await;
    let page = ui.text("#page-users").await;
    assert!(page.contains("8"), "inline passphrase rule shown: {page}");
    ui.type_in("#user-passphrase", "赵敏的口令 passphrase")
        .await;
    ui.type_in("#user-passphrase2", "赵敏的口令 passphrase")
        .await;
    ui.click("#user-add").await;
    ui.wait_text("#users-notice", "the confirmation", |t| {
        t.contains("zhao.min")
    })
    .await;
    ui.wait_text("#users-table", "the new user", |t| t.contains("赵敏"))
        .await;
    // Each member's devices: the Admin has written on this one; the new member on none yet.
    ui.wait_text("#users-table", "the members' devices", |t| {
        t.contains("1 台设备") && t.contains("尚无更改")
    })
    .await;
    ui.screenshot("07-users").await;

    // Integrity & backups: what verification proved, and a backup made on this device.
    ui.click("#nav-trust").await;
    ui.wait_text("#trust-report", "the verification sentence", |t| {
        t.contains("完好") && t.contains("签名有效")
    })
    .await;
    ui.click("#backup-now").await;
    ui.wait_text("#backups-table", "the new backup", |t| t.contains("手动"))
        .await;
    ui.screenshot("08-integrity-backups").await;
    // The backup folder is the user's choice (the folder dialog answers with the test's path).
    ui.click("#backup-settings-edit").await;
    ui.click("#backup-folder-choose").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let value = ui
            .el("#backup-folder")
            .await
            .prop("value")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        if value.contains("chosen-backups") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the chosen folder was not filled in: {value}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ui.click("#backup-settings-save").await;
    ui.wait_text("#backup-settings", "the new folder", |t| {
        t.contains("chosen-backups")
    })
    .await;
    ui.click("#backup-now").await;
    ui.wait_text("#backups-table", "a backup in the new folder", |t| {
        t.contains("手动")
    })
    .await;
    // The same page in English, then back to Chinese for the rest of the test.
    ui.select("#lang-switch", "en").await;
    ui.wait_text("#trust-report", "the English verification sentence", |t| {
        t.contains("Intact") && t.contains("signatures valid")
    })
    .await;
    ui.wait_text("#backups-table", "the backup reason in English", |t| {
        t.contains("manual")
    })
    .await;
    ui.screenshot("08a-integrity-backups-en").await;
    ui.select("#lang-switch", "zh-CN").await;
    ui.wait_text("#nav-trust", "Chinese navigation", |t| t.contains("完整性"))
        .await;
    ui.logout().await;

    // The new user signs in to the new workspace with their own passphrase.
    let workspace = ui
        .el("#login-workspace")
        .await
        .prop("value")
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    assert!(
        workspace.contains("团队工作区.govbench"),
        "the new workspace is selected: {workspace}"
    );
    ui.type_in("#login-user", "zhao.min").await;
    ui.type_in("#login-passphrase", "wrong passphrase").await;
    ui.click("#login-submit").await;
    ui.wait_text("#login-error", "a wrong-passphrase error", |t| {
        t.contains("口令错误")
    })
    .await;
    ui.type_in("#login-passphrase", "赵敏的口令 passphrase")
        .await;
    ui.click("#login-submit").await;
    ui.wait_text("#user-menu", "the R&D user", |t| {
        t.contains("赵敏") && t.contains("研发")
    })
    .await;
    ui.click("#nav-requirements").await;
    ui.el("#page-requirements").await;
    assert!(
        ui.c.find(Locator::Css("#req-new")).await.is_err(),
        "R&D is not offered filing"
    );
    let _ = ui.c.close().await;
}

/// Opens the demo's medical model from the inventory.
async fn open_medical_model(ui: &Ui) {
    ui.click("#nav-models").await;
    ui.wait_text("#models-table", "the medical model", |t| {
        t.contains("MedRecord")
    })
    .await;
    ui.c.execute(
        "[...document.querySelectorAll('#models-table tr.model-row a')]
            .find(a => a.textContent.includes('MedRecord')).click();",
        vec![],
    )
    .await
    .unwrap_or_else(|e| panic!("open the medical model: {e}"));
    ui.wait_text("#model-heading", "the medical model", |t| {
        t.contains("MedRecord")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_version_goes_live_only_on_a_signed_off_passing_evaluation() {
    let _turn = ONE_APP_AT_A_TIME.lock().await;
    let Some((_driver, ui)) = launch().await else {
        return;
    };
    ui.el("#login-submit").await;

    // The PM approves the degraded candidate v1.2 and tries to put it live: refused, with
    // every reason, in Chinese and in English.
    ui.login("chen.jing").await;
    open_medical_model(&ui).await;
    let v12 = "#versions-table tr.version-row[data-version='v1.2']";
    ui.click(&format!(
        "{v12} button[data-action='model.approve_version']"
    ))
    .await;
    ui.wait_text(&format!("{v12} .status-badge"), "approved", |t| {
        t.contains("已批准")
    })
    .await;
    ui.click(&format!("{v12} button[data-action='model.go_live']"))
        .await;
    let refusal = ui
        .wait_text("#gate-refusal", "the gate's reasons", |t| {
            t.contains("未达阈值")
        })
        .await;
    assert!(
        refusal.contains("尚未签核") && refusal.contains("0.887"),
        "{refusal}"
    );
    ui.screenshot("09-gate-refused").await;
    ui.select("#lang-switch", "en").await;
    ui.wait_text("#nav-models", "English navigation", |t| {
        t.contains("Models")
    })
    .await;
    ui.click(&format!("{v12} button[data-action='model.go_live']"))
        .await;
    let refusal = ui
        .wait_text("#gate-refusal", "the reasons in English", |t| {
            t.contains("misses the threshold")
        })
        .await;
    assert!(refusal.contains("not signed off"), "{refusal}");
    ui.screenshot("09a-gate-refused-en").await;
    ui.select("#lang-switch", "zh-CN").await;
    ui.wait_text("#nav-models", "Chinese navigation", |t| t.contains("模型"))
        .await;
    ui.logout().await;

    // R&D imports a new evaluation of v1.2 through the dialog: preview first, then the report.
    ui.login("li.wei").await;
    open_medical_model(&ui).await;
    ui.click(&format!("{v12} a.btn")).await;
    // A file dropped onto the page is read in the webview, as an OS drop would be.
    let dropped = ui
        .c
        .execute(
            "try {
                const dt = new DataTransfer();
                dt.items.add(new File(['metric,value,n\\naccuracy,0.93,500\\n'], 'dropped.csv', {type: 'text/csv'}));
                const drop = new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt});
                if (!drop.dataTransfer || drop.dataTransfer.files.length !== 1) { return false; }
                document.querySelector('#drop-zone').dispatchEvent(drop);
                return true;
            } catch (e) { return false; }",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if dropped {
        ui.wait_text("#import-preview", "the dropped file", |t| {
            t.contains("dropped.csv")
        })
        .await;
    } else {
        eprintln!("this WebKit cannot build a synthetic drop; the dialog path is tested");
    }
    ui.click("#import-pick").await;
    let preview = ui
        .wait_text("#import-preview", "the previewed files", |t| {
            t.contains("results_2026-11-29") && t.contains("negotiationtom_belief")
        })
        .await;
    if dropped {
        ui.click("#import-preview .file-preview[data-file='dropped.csv'] button")
            .await;
        ui.wait_text("#import-preview", "the dropped file removed", |t| {
            !t.contains("dropped.csv") && t.contains("results_2026-11-29")
        })
        .await;
    }
    assert!(preview.contains("0.951"), "{preview}");
    let mapped = ui
        .attr("#import-preview tr[data-metric='acc,none']", "data-kpi")
        .await;
    assert_eq!(mapped.as_deref(), Some("accuracy"));
    ui.fill("#import-dataset", "门诊病历质控评测集 v3").await;
    ui.screenshot("10-import-preview").await;
    ui.click("#import-submit").await;
    ui.wait_text("#evaluation-kpis", "every KPI met", |t| t.contains("3/3"))
        .await;
    let verdicts = ui.text("#verdicts-table").await;
    assert!(
        verdicts.contains("0.951") && verdicts.contains("达到阈值"),
        "{verdicts}"
    );
    // A failing sample, as the harness logged it.
    ui.click("#evaluation-samples summary").await;
    let sample = ui
        .wait_text("#evaluation-samples .sample", "a failing sample", |t| {
            !t.is_empty()
        })
        .await;
    assert!(
        sample.contains("期望输出") || sample.contains("模型输出"),
        "{sample}"
    );
    ui.screenshot("11-evaluation-report").await;
    // The recorder is not offered sign-off.
    assert!(ui
        .c
        .find(Locator::Css("#evaluation-sign-off"))
        .await
        .is_err());
    ui.logout().await;

    // The PM signs it off and puts v1.2 live.
    ui.login("chen.jing").await;
    ui.click("#nav-dashboard").await;
    ui.el("#dash-eval-review a.item-title").await;
    let _ =
        ui.c.execute(
            "document.querySelector('#dash-eval-due').scrollIntoView();",
            vec![],
        )
        .await;
    ui.screenshot("13-dashboard-models").await;
    ui.click("#dash-eval-review a.item-title").await;
    ui.wait_text("#evaluation-kpis", "the new report", |t| t.contains("3/3"))
        .await;
    ui.fill("#review-comment", "指标全部达标，同意上线。").await;
    ui.click("#evaluation-sign-off").await;
    ui.wait_text("#evaluation-status", "signed off", |t| t.contains("已签核"))
        .await;
    ui.select("#lang-switch", "en").await;
    ui.wait_text("#verdicts-table", "English verdicts", |t| {
        t.contains("meeting the threshold")
    })
    .await;
    ui.screenshot("11a-evaluation-report-en").await;
    ui.select("#lang-switch", "zh-CN").await;
    ui.wait_text("#nav-models", "Chinese navigation", |t| t.contains("模型"))
        .await;
    open_medical_model(&ui).await;
    ui.click(&format!("{v12} button[data-action='model.go_live']"))
        .await;
    ui.wait_text("#model-live", "v1.2 live", |t| t.contains("v1.2"))
        .await;
    ui.wait_text(&format!("{v12} .status-badge"), "live", |t| {
        t.contains("已上线")
    })
    .await;
    ui.screenshot("12-model-live").await;
    let _ = ui.c.close().await;
}

impl Ui {
    /// Presses a key the way the keyboard does: a keydown on the focused element, bubbling.
    async fn key(&self, key: &str) {
        self.c
            .execute(
                "const t = document.activeElement || document.body;
                 t.dispatchEvent(new KeyboardEvent('keydown', { key: arguments[0], bubbles: true }));",
                vec![json!(key)],
            )
            .await
            .unwrap_or_else(|e| panic!("press {key}: {e}"));
    }

    /// Picks the option of a select whose text contains `text`, once the options are there
    /// (a select of users fills when the users list has loaded).
    async fn pick(&self, css: &str, text: &str) {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let picked = self
                .c
                .execute(
                    "const s = document.querySelector(arguments[0]);
                     const o = s && [...s.options].find(o => o.textContent.includes(arguments[1]));
                     if (!o) { return false; }
                     s.value = o.value;
                     s.dispatchEvent(new Event('change', { bubbles: true }));
                     return true;",
                    vec![json!(css), json!(text)],
                )
                .await
                .unwrap_or_else(|e| panic!("pick {text} in {css}: {e}"));
            if picked == json!(true) {
                return;
            }
            if std::time::Instant::now() > deadline {
                panic!("{css}: no option {text}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until the control `css` is enabled.
    async fn wait_enabled(&self, css: &str) {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let enabled = self
                .c
                .execute(
                    "const e = document.querySelector(arguments[0]); return !!e && !e.disabled;",
                    vec![json!(css)],
                )
                .await;
            if matches!(enabled, Ok(v) if v == json!(true)) {
                return;
            }
            if std::time::Instant::now() > deadline {
                panic!("{css} stayed disabled");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn wait_attr(&self, css: &str, name: &str, want: &str) {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            if let Ok(el) = self.c.find(Locator::Css(css)).await {
                if el.attr(name).await.ok().flatten().as_deref() == Some(want) {
                    return;
                }
            }
            if std::time::Instant::now() > deadline {
                let now = self.attr(css, name).await;
                panic!("{css}[{name}]: expected {want}, found {now:?}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_critical_incident_is_watched_acknowledged_resolved_and_reviewed() {
    let _turn = ONE_APP_AT_A_TIME.lock().await;
    let Some((driver, ui)) = launch().await else {
        return;
    };
    ui.el("#login-submit").await;
    ui.login("zhao.qiang").await;
    // The dashboard shows the incidents being worked on and Operations' own actions.
    ui.el("#dash-incidents").await;
    ui.c.execute(
        "document.querySelector('#dash-incidents').scrollIntoView();",
        vec![],
    )
    .await
    .ok();
    ui.screenshot("13b-dashboard-incidents").await;
    ui.click("#nav-incidents").await;
    ui.wait_text("#incidents-table", "the demo's incidents", |t| {
        t.contains("INC-")
    })
    .await;
    ui.screenshot("14-incidents").await;
    ui.click("#incidents-team-link").await;
    ui.el("#team-table").await;
    ui.screenshot("14a-team").await;
    ui.click("#nav-incidents").await;
    ui.click("#incidents-rules-link").await;
    ui.wait_text("#rules-revision", "the revised rules", |t| t.contains('1'))
        .await;
    ui.screenshot("14b-rules").await;
    ui.click("#nav-incidents").await;

    // Operations opens a critical incident on the medical model.
    ui.click("#incident-new").await;
    let title = "门诊问答模型泄露患者手机号";
    ui.fill("#incident-title", title).await;
    ui.click("#incident-severity-critical").await;
    ui.pick("#incident-model", "MedRecord").await;
    ui.fill(
        "#incident-description",
        "用户反馈：模型在回答中给出了其他患者的手机号。",
    )
    .await;
    ui.screenshot("15-incident-new").await;
    ui.click("#incident-submit").await;
    let number = ui
        .wait_text("#incident-number", "its number", |t| t.starts_with("INC-"))
        .await;
    assert!(number.starts_with("INC-2026-"), "{number}");
    ui.wait_attr("#page-incident", "data-status", "open").await;

    // The acknowledge clock runs and ticks in the window.
    let ack = "#incident-clocks li.clock[data-kind='acknowledge']";
    ui.wait_attr(ack, "data-status", "running").await;
    let first = ui.text(ack).await;
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    let later = ui.text(ack).await;
    assert_ne!(first, later, "the clock ticks");
    assert!(later.contains("确认"), "{later}");

    // Evidence from the dialog, stored with its hash and opened decrypted.
    ui.click("#incident-attachments-add").await;
    ui.wait_text("#incident-attachments-list", "the log", |t| {
        t.contains("alert.log")
    })
    .await;
    ui.click("#incident-attachments-list [data-action='attachment.open']")
        .await;
    let opened_log = driver.home().join("opened.txt");
    let mut opened = String::new();
    for _ in 0..50 {
        opened = std::fs::read_to_string(&opened_log).unwrap_or_default();
        if !opened.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let copy = std::fs::read_to_string(opened.trim()).unwrap_or_default();
    assert!(
        copy.contains("dosage_rule mismatch"),
        "opened {opened:?}: {copy:?}"
    );
    let viewer_copy = std::path::PathBuf::from(opened.trim());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p).map_or(0, |m| m.permissions().mode() & 0o777)
        };
        assert_eq!(
            mode(&viewer_copy),
            0o600,
            "the decrypted copy is the user's only"
        );
        let folder = viewer_copy.parent().unwrap_or(&viewer_copy);
        assert_eq!(mode(folder), 0o700);
    }
    ui.screenshot("16-incident-open").await;

    ui.fill("#incident-note", "值班已确认，正在下线手机号输出。")
        .await;
    ui.click("#incident-acknowledge").await;
    ui.wait_attr("#page-incident", "data-status", "acknowledged")
        .await;
    ui.wait_attr(ack, "data-status", "met").await;
    ui.click("#incident-inform-management").await;
    ui.wait_text("#incident-timeline", "management informed", |t| {
        t.contains("已报告管理层")
    })
    .await;
    // Straight from the incident to the model's previous live version, through the gate.
    ui.click("#incident-rollback").await;
    ui.el("#rollback-reason").await;
    ui.click("#rollback-confirm").await;
    ui.wait_text("#incident-model-changes", "the rollback", |t| {
        t.contains("v1.0")
    })
    .await;
    ui.fill("#incident-note", "已屏蔽号码类输出并回归测试。")
        .await;
    ui.click("#incident-resolve").await;
    ui.wait_attr("#page-incident", "data-status", "resolved")
        .await;
    // Critical requires a review: Operations cannot close it.
    assert!(ui.c.find(Locator::Css("#incident-close")).await.is_err());
    ui.screenshot("17-incident-resolved").await;
    // While Operations was logged in, the shell notified the clocks the rules name them for.
    let notified = driver.home().join("notified.log");
    let mut log = String::new();
    for _ in 0..50 {
        log = std::fs::read_to_string(&notified).unwrap_or_default();
        if log.contains("已超时") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(log.contains("提示注入") && log.contains("已超时"), "{log}");
    ui.logout().await;
    assert!(
        !viewer_copy.exists(),
        "the decrypted copy for the viewer is gone after logout: {viewer_copy:?}"
    );

    // The project manager writes the review; its action lands with its owner.
    ui.login("chen.jing").await;
    ui.click("#nav-incidents").await;
    ui.fill("#incident-filter-quarter", "").await;
    ui.c.execute(
        "[...document.querySelectorAll('#incidents-table tr.incident-row a')]
            .find(a => a.textContent.includes(arguments[0])).click();",
        vec![json!(title)],
    )
    .await
    .unwrap_or_else(|e| panic!("open the incident: {e}"));
    ui.wait_attr("#page-incident", "data-status", "resolved")
        .await;
    ui.fill("#review-root-cause", "训练数据中残留未脱敏的手机号。")
        .await;
    ui.fill("#review-impact", "2 位用户看到他人手机号，已逐一致歉。")
        .await;
    ui.fill("#review-went-well", "20 分钟内止损。").await;
    ui.fill("#review-went-badly", "脱敏检查未覆盖增量数据。")
        .await;
    ui.fill("#review-action-0-text", "增量训练数据上线前强制脱敏扫描")
        .await;
    ui.pick("#review-action-0-owner", "(li.wei)").await;
    ui.fill("#review-action-0-due", "2026-12-20").await;
    ui.screenshot("18-incident-review").await;
    ui.click("#review-submit").await;
    ui.wait_attr("#page-incident", "data-status", "reviewed")
        .await;
    ui.click("#incident-close").await;
    ui.wait_attr("#page-incident", "data-status", "closed")
        .await;
    ui.select("#lang-switch", "en").await;
    ui.wait_text("#incident-clocks", "English clocks", |t| {
        t.contains("Acknowledge")
    })
    .await;
    ui.screenshot("19-incident-closed-en").await;
    ui.select("#lang-switch", "zh-CN").await;
    // The project manager edits a drill template (a new revision).
    ui.click("#nav-drills").await;
    ui.click("#drill-edit-emergency-rollback").await;
    ui.el("#template-form").await;
    ui.fill("#tpl-steps-0-target", "8").await;
    ui.screenshot("19a-template-editor").await;
    ui.click("#tpl-save").await;
    ui.wait_text("#drill-templates", "revision 2", |t| t.contains("第 2 版"))
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_drill_runs_from_a_template_through_the_runner_to_its_report() {
    let _turn = ONE_APP_AT_A_TIME.lock().await;
    let Some((_driver, ui)) = launch().await else {
        return;
    };
    ui.el("#login-submit").await;
    ui.login("zhao.qiang").await;
    ui.click("#nav-drills").await;
    ui.el("#drill-templates").await;
    ui.screenshot("20-drills").await;
    ui.click("#drill-start-latency-outage").await;
    ui.el("#page-drill-runner").await;
    ui.wait_attr("#page-drill-runner", "data-status", "running")
        .await;
    let elapsed = ui.attr("#runner-elapsed", "data-seconds").await;
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    assert_ne!(
        elapsed,
        ui.attr("#runner-elapsed", "data-seconds").await,
        "the clock runs"
    );
    let steps =
        ui.c.find_all(Locator::Css("#runner-steps [id^='runner-step-']"))
            .await
            .unwrap_or_default()
            .len();
    assert!(steps >= 4, "{steps} steps");
    // Every step from the keyboard: P passes, F fails; the second one fails with a note.
    for i in 0..steps {
        let step = format!("#runner-step-{i}");
        if i == 1 {
            ui.key("n").await;
            ui.fill("#runner-note", "扩容脚本超时 2 分钟").await;
            ui.c.execute(
                "document.activeElement && document.activeElement.blur();",
                vec![],
            )
            .await
            .ok();
            ui.key("f").await;
            ui.wait_attr(&step, "data-outcome", "fail").await;
        } else {
            ui.key("p").await;
            ui.wait_attr(&step, "data-outcome", "pass").await;
        }
        if i == 2 {
            ui.screenshot("21-drill-runner").await;
        }
    }
    ui.el("#finish-form").await;
    ui.select("#finish-result", "partly_passed").await;
    ui.fill("#finish-summary", "切换与恢复达标；扩容偏慢。")
        .await;
    ui.screenshot("21a-drill-finish").await;
    ui.fill("#finish-finding-0-text", "扩容脚本预热镜像").await;
    ui.pick("#finish-finding-0-owner", "(sun.li)").await;
    ui.fill("#finish-finding-0-due", "2026-12-20").await;
    ui.screenshot("21b-drill-finish").await;
    ui.click("#finish-submit").await;
    ui.el("#drill-report-table").await;
    ui.wait_text("#drill-run-status", "finished", |t| t.contains("已结束"))
        .await;
    let failed =
        ui.c.find_all(Locator::Css(
            "#drill-report-table tr.report-step[data-outcome='fail']",
        ))
        .await
        .unwrap_or_default()
        .len();
    assert_eq!(failed, 1);
    let label = ui.text("#drill-run-label").await;
    assert!(label.contains("演练"), "{label}");
    let findings = ui.text("#drill-findings").await;
    assert!(findings.contains("扩容脚本预热镜像"), "{findings}");
    ui.screenshot("22-drill-report").await;
    ui.select("#lang-switch", "en").await;
    ui.wait_text("#drill-run-status", "English", |t| t.contains("Finished"))
        .await;
    ui.screenshot("22a-drill-report-en").await;
    ui.select("#lang-switch", "zh-CN").await;
    // The drill counts nowhere in the incident statistics.
    ui.click("#nav-incidents").await;
    ui.el("#incident-stats").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_quarter_is_assessed_signed_presented_and_exported() {
    let _turn = ONE_APP_AT_A_TIME.lock().await;
    let Some((driver, ui)) = launch().await else {
        return;
    };
    ui.el("#login-submit").await;
    ui.login("zhou.min").await;
    // The dashboard carries the quarter's assessment and the adjustments one owns.
    ui.el("#dash-assessments").await;
    ui.c.execute(
        "document.getElementById('dash-assessments').scrollIntoView();",
        vec![],
    )
    .await
    .ok();
    ui.screenshot("22b-dashboard-assessments").await;
    ui.click("#nav-assessments").await;
    // Earlier quarters may be opened; the current one was drafted before the meeting.
    ui.el("#assessment-open").await;
    ui.screenshot("23-assessments").await;
    ui.click("a[id^='assessment-link-']").await;
    ui.el("#scorecard").await;
    ui.screenshot("23a-scorecard").await;
    ui.select("#lang-switch", "en").await;
    ui.wait_text("#page-assessment", "English", |t| t.contains("Draft"))
        .await;
    ui.screenshot("23b-scorecard-en").await;
    ui.click("#assessment-present").await;
    ui.el("#present-slide").await;
    ui.key("ArrowRight").await;
    ui.key("ArrowRight").await;
    ui.screenshot("23c-present-en").await;
    ui.key("Escape").await;
    ui.el("#scorecard").await;
    ui.select("#lang-switch", "zh-CN").await;
    let rows =
        ui.c.find_all(Locator::Css("#scorecard [data-status]"))
            .await
            .unwrap_or_default()
            .len();
    assert!(rows >= 20, "{rows} metrics on the scorecard");
    ui.fill("#meeting-conclusions", "制度执行总体良好；评估覆盖需补齐。")
        .await;
    ui.fill("#meeting-attendee-input", "周敏").await;
    ui.click("#meeting-attendee-add").await;
    ui.click("#meeting-save").await;
    ui.el("#assessment-sign").await;
    ui.screenshot("24-assessment").await;
    ui.click("#assessment-sign").await;
    ui.wait_text("#page-assessment", "signed", |t| t.contains("已签署"))
        .await;

    // The report: saved where the dialog said, recorded, opened in the viewer.
    ui.click("#export-pdf-zh").await;
    let result = ui
        .wait_text("#export-result", "the saved report", |t| t.contains("GBR-"))
        .await;
    let exports = driver.home().join("exports");
    let pdf = std::fs::read_dir(&exports)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
        .unwrap_or_else(|| panic!("no PDF in {}: {result}", exports.display()));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let opened = std::fs::read_to_string(driver.home().join("opened.txt")).unwrap_or_default();
    assert_eq!(
        opened,
        pdf.display().to_string(),
        "the report opens in the system viewer"
    );
    ui.click("#export-pack").await;
    ui.wait_text("#export-result", "the saved pack", |t| t.contains(".zip"))
        .await;
    ui.screenshot("25-assessment-exported").await;

    // The head printed in the file, checked on the Integrity page as an auditor would.
    ui.click("#nav-assessments").await;
    ui.el("#exports-table .export-head").await;
    ui.screenshot("25a-exports").await;
    let head = ui
        .attr(
            "#exports-table tr.export-row:first-child .export-head",
            "data-head",
        )
        .await
        .expect("the printed head is listed");
    assert_eq!(head.split(':').count(), 3, "{head}");
    ui.click("#nav-trust").await;
    ui.fill("#trust-anchor", &head).await;
    // The button is enabled once the page has taken in the head typed: a click before that
    // does nothing (seen once in CI under load).
    ui.wait_enabled("#trust-anchor-check").await;
    ui.click("#trust-anchor-check").await;
    ui.el("#trust-anchor-report, #trust-anchor-error").await;
    if ui.c.find(Locator::Css("#trust-anchor-error")).await.is_ok() {
        let said = ui.text("#trust-anchor-error").await;
        ui.screenshot("failed-anchor").await;
        panic!("the anchor check failed: {said}");
    }
    ui.wait_attr("#trust-anchor-report", "data-state", "ok")
        .await;
    ui.click("#nav-assessments").await;
    ui.click("a[id^='assessment-link-']").await;
    ui.el("#scorecard").await;

    // The presentation: one section per screen, moved with the keyboard.
    ui.click("#assessment-present").await;
    ui.el("#present-slide").await;
    let first = ui.text("#present-slide").await;
    ui.key("ArrowRight").await;
    ui.wait_text("#present-slide", "the next slide", |t| t != first)
        .await;
    ui.key("ArrowRight").await;
    ui.screenshot("26-presentation").await;
    ui.key("Escape").await;
    ui.el("#scorecard").await;
}

/// The demo workspace's files (database and key file) in the app's data dir.
fn demo_files(home: &Path) -> Vec<PathBuf> {
    let dir = home.join("govbench");
    std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("demo.govbench"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An older copy of the workspace put back over the newer one: whoever logs in on this device
/// finds it held read-only, with why, until an Admin confirms on Integrity & backups that this
/// copy is the one to continue.
#[tokio::test(flavor = "multi_thread")]
async fn a_copy_put_back_is_held_until_an_admin_continues_it() {
    let _turn = ONE_APP_AT_A_TIME.lock().await;
    let Some((driver, ui)) = launch().await else {
        return;
    };
    // This device sees the log once, then a copy of the files is taken.
    ui.login("admin").await;
    ui.logout().await;
    let older = tempfile::tempdir().unwrap();
    let files = demo_files(driver.home());
    assert!(!files.is_empty(), "the demo workspace is in the data dir");
    for file in &files {
        std::fs::copy(file, older.path().join(file.file_name().unwrap())).unwrap();
    }
    // Work goes on: a comment, which this device sees.
    ui.login("liu.yang").await;
    ui.open_requirement("门诊病历智能质控").await;
    ui.fill("#comment-body", "补充一条说明 one more note").await;
    ui.click("#comment-submit").await;
    ui.wait_text("#page-req-detail", "the comment", |t| {
        t.contains("补充一条说明")
    })
    .await;
    ui.logout().await;
    // The older copy is put back.
    for file in demo_files(driver.home()) {
        std::fs::remove_file(file).unwrap();
    }
    for file in &files {
        let name = file.file_name().unwrap();
        std::fs::copy(older.path().join(name), file).unwrap();
    }

    // Another user of the device is told, and cannot write.
    ui.login("liu.yang").await;
    let banner = ui
        .wait_text("#held-banner", "the held banner", |t| !t.trim().is_empty())
        .await;
    assert!(
        banner.contains("只读") || banner.contains("仅可读取"),
        "{banner}"
    );
    let chip = ui.text("#audit-status").await;
    assert!(
        chip.contains("旧"),
        "the header says the copy is older: {chip}"
    );
    ui.screenshot("24-held-rollback").await;
    ui.logout().await;

    // The Admin confirms this copy, in the log; the hold lifts.
    ui.login("admin").await;
    ui.wait_text("#held-banner", "the held banner", |t| !t.trim().is_empty())
        .await;
    ui.click("#nav-trust").await;
    ui.el("#continue-copy").await;
    ui.screenshot("24a-continue-copy").await;
    ui.click("#continue-copy").await;
    ui.wait_text("body", "the hold lifted", |_| true).await;
    for _ in 0..50 {
        let still = ui.text("#held-banner").await;
        if still.trim().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        ui.text("#held-banner").await.trim().is_empty(),
        "the hold lifts once the Admin continues this copy"
    );
    ui.screenshot("24b-continued").await;
}

/// The private PostgreSQL cluster the test command starts: a database of its own with
/// Govbench's schema, its URL (IT's login; the password is in the password file) and CA file.
fn shared_server() -> Option<(String, String)> {
    let (Ok(url), Ok(ca), Ok(password)) = (
        std::env::var("GOVBENCH_TEST_PG_URL"),
        std::env::var("GOVBENCH_TEST_PG_CA"),
        std::env::var("GOVBENCH_TEST_PG_PASSWORD"),
    ) else {
        assert!(
            std::env::var_os("GOVBENCH_REQUIRE_PG").is_none(),
            "GOVBENCH_REQUIRE_PG is set but no test server is"
        );
        eprintln!("no test PostgreSQL server: skipped");
        return None;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let name = format!("e2e_{}_{}", std::process::id(), now.as_nanos());
    let root = govbench_remote::ServerAddress::parse(&url, Some(Path::new(&ca)), false).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (client, _driver) = root.connect("postgres", &password).await.unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
    });
    let url = format!(
        "{}/{name}",
        url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b)
    );
    let address = govbench_remote::ServerAddress::parse(&url, Some(Path::new(&ca)), false).unwrap();
    govbench_remote::install_schema(&address).unwrap();
    Some((url, ca))
}

/// Another desktop, played by the test: joins as `user`, then files a requirement through the
/// server (Business files requirements).
fn another_desk_files(
    url: &str,
    ca: &str,
    workspace: &str,
    user: &str,
    passphrase: &str,
    title: &str,
) {
    use govbench_protocol::{Comparator, Kpi, Priority, RequirementCommand, RequirementDraft};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.govbench");
    let named = govbench_remote::desk::Named::parse(&govbench_protocol::ServerRequest {
        address: url.into(),
        ca: Some(ca.into()),
        allow_plaintext: false,
    })
    .unwrap();
    let joining = govbench_remote::desk::Joining {
        workspace,
        user,
        passphrase,
        join_code: None,
    };
    govbench_remote::desk::join(&named, &joining, &path, &|_| {}).unwrap();
    let mut session = govbench_core::login(
        &path,
        user,
        passphrase,
        std::sync::Arc::new(govbench_core::SystemClock),
    )
    .unwrap();
    let password = govbench_remote::desk::member_password(&session, passphrase).unwrap();
    assert!(govbench_remote::desk::connect(&mut session, &password).unwrap());
    session
        .execute(RequirementCommand::File {
            draft: RequirementDraft {
                title: title.into(),
                scenario: "两地协同 two desks, one workspace".into(),
                goals: "共享 shared".into(),
                kpis: vec![Kpi {
                    metric: "accuracy".into(),
                    comparator: Comparator::AtLeast,
                    target: 90.0,
                    unit: "%".into(),
                }],
                priority: Priority::Medium,
                department: "医疗事业部".into(),
                wanted_by: chrono::Local::now().date_naive() + chrono::Duration::days(60),
            },
            submit: true,
        })
        .unwrap();
    assert_eq!(
        session.sharing_status().unwrap().unwrap().pending,
        0,
        "placed online"
    );
}

impl Ui {
    async fn add_user(&self, name: &str, display: &str, role: &str, passphrase: &str) {
        self.click("#nav-users").await;
        self.type_in("#user-name", name).await;
        self.fill("#user-display-name", display).await;
        self.select("#user-role", role).await;
        self.type_in("#user-passphrase", passphrase).await;
        self.type_in("#user-passphrase2", passphrase).await;
        self.click("#user-add").await;
        self.wait_text("#users-notice", "the confirmation", |t| t.contains(name))
            .await;
    }

    async fn sharing_state(&self) -> String {
        self.attr("#sharing-status [data-state]", "data-state")
            .await
            .unwrap_or_default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workspace_is_shared_a_member_joins_and_other_desks_changes_arrive_by_themselves() {
    let _turn = ONE_APP_AT_A_TIME.lock().await;
    // The server's own client blocks on a runtime of its own: off this test's runtime.
    let Some((url, ca)) = tokio::task::spawn_blocking(shared_server).await.unwrap() else {
        return;
    };
    let Some((_driver, ui)) = launch().await else {
        return;
    };
    ui.login("admin").await;
    assert!(
        ui.c.find(Locator::Css("#sharing-status")).await.is_err(),
        "no sharing indicator on a workspace that is not shared"
    );

    // The Admin shares the workspace on the server IT set up.
    ui.click("#user-menu summary").await;
    ui.click("#menu-sharing").await;
    ui.el("#share-section").await;
    ui.fill("#share-address", &url).await;
    ui.click("#share-pick-ca").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while ui
        .el("#share-ca")
        .await
        .prop("value")
        .await
        .ok()
        .flatten()
        .as_deref()
        != Some(ca.as_str())
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the CA file was not filled in"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ui.click("#share-test").await;
    ui.wait_text("#share-checked", "a verified connection", |t| {
        t.contains('✓') && t.contains("证书")
    })
    .await;
    ui.type_in("#share-passphrase", "govbench-demo").await;
    ui.screenshot("13-share").await;
    ui.click("#share-submit").await;
    let started = std::time::Instant::now();
    let outcome = ui
        .wait_text_within(
            Duration::from_secs(180),
            "#share-done, #share-error:not(.alert-empty)",
            "an outcome",
            |t| !t.is_empty(),
        )
        .await;
    eprintln!("sharing took {:?}", started.elapsed());
    assert!(outcome.contains("成员"), "sharing failed: {outcome}");
    let workspace = ui
        .wait_text("#share-workspace-id", "the workspace id", |t| t.len() == 36)
        .await;
    ui.screenshot("13a-shared").await;
    ui.select("#lang-switch", "en").await;
    ui.wait_text("#share-done", "English", |t| t.contains("Shared"))
        .await;
    ui.screenshot("13a-shared-en").await;
    ui.select("#lang-switch", "zh-CN").await;
    ui.click("#share-continue").await;
    ui.wait_text("#sharing-link", "connected", |t| t.contains("已连接"))
        .await;
    assert_eq!(ui.sharing_state().await, "connected");

    // A member added online gets their server login with the event that creates them.
    ui.add_user("han.mei", "韩梅", "business", "韩梅的口令 passphrase")
        .await;

    // Another desktop files a requirement; it arrives here with no click.
    let title = "两地共享的需求 filed on another desk";
    {
        let (url, ca, workspace) = (url.clone(), ca.clone(), workspace.clone());
        tokio::task::spawn_blocking(move || {
            another_desk_files(
                &url,
                &ca,
                &workspace,
                "han.mei",
                "韩梅的口令 passphrase",
                title,
            )
        })
        .await
        .unwrap();
    }
    ui.open_requirement(title).await;
    ui.screenshot("13b-arrived").await;

    // A member from before sharing gets a join code.
    ui.click("#user-menu summary").await;
    ui.click("#menu-sharing").await;
    ui.el("#join-codes").await;
    let wang_lei =
        ui.c.execute(
            "return [...document.querySelectorAll('#join-code-member option')]
                 .find(o => o.textContent.includes('wang.lei')).value",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    ui.select("#join-code-member", &wang_lei).await;
    ui.click("#join-code-issue").await;
    let code = ui
        .wait_text("#join-code-value", "a join code", |t| t.len() == 23)
        .await;
    ui.screenshot("13c-join-code").await;
    ui.logout().await;

    // The R&D member joins from the login screen with the code and their passphrase: a new
    // local copy, then signed in.
    ui.click("#ws-join").await;
    ui.fill("#join-address", &url).await;
    ui.fill("#join-ca", &ca).await;
    ui.fill("#join-workspace-id", &workspace).await;
    ui.type_in("#join-user", "wang.lei").await;
    ui.type_in("#join-code", &code).await;
    ui.type_in("#join-passphrase", "not the passphrase").await;
    ui.click("#join-pick").await;
    ui.wait_text("#join-into", "the picked path", |t| t.contains(".govbench"))
        .await;
    ui.click("#join-submit").await;
    ui.wait_text("#join-error", "a refusal", |t| !t.is_empty())
        .await;
    ui.type_in("#join-passphrase", "govbench-demo").await;
    ui.screenshot("13d-join").await;
    ui.click("#join-submit").await;
    ui.wait_text("#user-menu", "the R&D member", |t| t.contains("王磊"))
        .await;
    ui.wait_text("#sharing-status", "the sharing indicator", |t| {
        !t.is_empty()
    })
    .await;
    assert_eq!(ui.sharing_state().await, "connected");
    ui.open_requirement(title).await;
    ui.click("#user-menu summary").await;
    ui.click("#menu-sharing").await;
    let shown = ui.text("#sharing-workspace-id").await;
    assert_eq!(shown, workspace);
    ui.wait_text("#no-conflicts", "no conflicts", |t| !t.is_empty())
        .await;
    ui.screenshot("13e-joined").await;
    ui.select("#lang-switch", "en").await;
    ui.wait_text("#sharing-link", "English", |t| t.contains("Connected"))
        .await;
    ui.screenshot("13f-joined-en").await;
    let _ = ui.c.close().await;
}
