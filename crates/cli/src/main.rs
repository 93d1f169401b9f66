//! `govbench`: the headless front end. A thin wrapper over `govbench_core::session`, like the
//! desktop shell: parse arguments, call the API, print the result or the translated error.
//! The passphrase comes from `GOVBENCH_PASSPHRASE` or a prompt, never from argv.

use clap::{Parser, Subcommand, ValueEnum};
use govbench_core::{generator, CreateOptions, KdfParams, Session, SystemClock};
use govbench_i18n::Locale;
use govbench_protocol::{
    ApiError, BackupReason, ErrorCode, NewUser, Priority, RequirementQuery, RequirementSort,
    RequirementStatus, Role, UserCommand,
};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// `println!` for what a command prints; see `output` for why it is not `println!`.
macro_rules! out {
    () => {
        $crate::output::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}

mod drills;
mod incidents;
mod models;
mod output;
mod reports;

/// Rows per page of `requirements list --page N`, as in the app.
const PAGE_SIZE: u32 = 50;

#[derive(Parser)]
#[command(
    name = "govbench",
    version,
    about = "Govbench — vertical LLM governance workbench (headless)"
)]
struct Cli {
    /// Language of messages: zh-CN or en (default: from LANG).
    #[arg(long, global = true, env = "GOVBENCH_LANG")]
    lang: Option<String>,
    #[command(subcommand)]
    command: Top,
}

#[derive(Subcommand)]
enum Top {
    /// Create a workspace with its first admin.
    Init {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        admin: String,
        /// Shown name of the admin (default: the user name).
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Create the demo workspace (users and passphrase are listed in the README).
    Demo {
        #[arg(long)]
        workspace: PathBuf,
    },
    /// Create a new workspace filled with synthetic requirements and audit events, for trials
    /// and benchmarks (the same generator the benchmarks use). Not for real data.
    Generate {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        admin: String,
        #[arg(long, default_value_t = 1_000)]
        requirements: u64,
        /// Total audit events to add (at least one per requirement).
        #[arg(long, default_value_t = 0)]
        audit_events: u64,
    },
    /// Requirements (policy §2.1.1).
    Requirements {
        #[command(subcommand)]
        command: RequirementsCommand,
    },
    /// The tamper-evident operation log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Encrypted backups of a workspace, and verified restore.
    Backup {
        #[command(subcommand)]
        command: BackupCommand,
    },
    /// Members and their access (admins).
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// The model inventory: models, versions, stages (policy §2.3.1).
    Models {
        #[command(subcommand)]
        command: models::ModelsCommand,
    },
    /// Evaluation reports: import results files, list verdicts (policy §2.1.2).
    Eval {
        #[command(subcommand)]
        command: models::EvalCommand,
    },
    /// Drills (policy §2.3.2): the template library.
    Drills {
        #[command(subcommand)]
        command: drills::DrillsCommand,
    },
    /// The quarterly assessment report (policy §6).
    Report {
        #[command(subcommand)]
        command: reports::ReportCommand,
    },
    /// The sealed audit pack: export one, or verify one offline.
    Pack {
        #[command(subcommand)]
        command: reports::PackCommand,
    },
    /// Incidents (policy §4.2) and their response clocks.
    Incidents {
        #[command(subcommand)]
        command: incidents::IncidentsCommand,
    },
}

#[derive(Subcommand)]
enum BackupCommand {
    /// Back the workspace up now (database and key file, encrypted as they are).
    Create {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
        /// Backup folder (default: this device's, beside the app's data).
        #[arg(long)]
        folder: Option<PathBuf>,
    },
    /// List a workspace's backups, newest first.
    List {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        folder: Option<PathBuf>,
    },
    /// Restore a backup into a new file: opened with your slot and fully verified before it
    /// is put in place. Never overwrites anything.
    Restore {
        #[arg(long)]
        backup: PathBuf,
        #[arg(long)]
        into: PathBuf,
        #[arg(long)]
        user: String,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Remove a member: their key slot goes, and the workspace is re-encrypted under a new
    /// data key that only the remaining members hold.
    Remove {
        #[arg(long)]
        workspace: PathBuf,
        /// The admin doing it.
        #[arg(long)]
        user: String,
        /// The member to remove.
        #[arg(long)]
        name: String,
    },
    /// Re-encrypt the workspace under a new data key sealed to every active member.
    RotateKey {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
    },
}

#[derive(Subcommand)]
enum RequirementsCommand {
    /// The requirement list, with every filter the app's list has.
    List {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
        /// draft, submitted, under_assessment, assessed, approved, rejected, returned,
        /// in_development, delivered, closed
        #[arg(long)]
        status: Option<String>,
        /// Chinese by any part of a word, other languages by word beginnings.
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        department: Option<String>,
        /// low, medium, high, critical
        #[arg(long)]
        priority: Option<String>,
        /// Only open requirements past their wanted-by date (in your time zone).
        #[arg(long)]
        overdue: bool,
        /// updated_desc (default), wanted_by_asc, priority_desc, title_asc
        #[arg(long)]
        sort: Option<String>,
        /// Only this page of 50 (from 1); without it, every page.
        #[arg(long)]
        page: Option<u32>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the workspace: page integrity, the signed hash chain, every record against the
    /// log, key slots, and the chain head this device (or --anchor) saw. Exit 0 and one
    /// sentence of what was proved, or non-zero naming the first problem.
    Verify {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
        /// A chain head printed on an earlier report (`<seq>:<hash>`): the chain must still
        /// contain exactly that event.
        #[arg(long)]
        anchor: Option<String>,
    },
    /// After this device found the workspace older than a copy it saw (a copy put back), an
    /// Admin confirms in the log that this copy is the one to continue; writes are refused
    /// on it until then.
    Continue {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let locale = Locale::from_tag(
        &cli.lang
            .clone()
            .or_else(|| std::env::var("LANG").ok())
            .unwrap_or_default(),
    );
    output::set_locale(locale);
    match run(cli.command, locale) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Api(e)) => {
            eprintln!("govbench: {}", for_terminal(&locale.describe(&e)));
            if e.code == ErrorCode::Validation {
                for (field, rule) in &e.details {
                    eprintln!("  {}: {}", for_terminal(field), locale.t(rule));
                }
            }
            ExitCode::from(2)
        }
        // The reasons were printed file by file.
        Err(Failure::Refused) => ExitCode::from(4),
        Err(Failure::Tampered(message)) => {
            eprintln!("govbench: {message}");
            ExitCode::from(3)
        }
        Err(Failure::Unproven(message)) => {
            eprintln!("govbench: {message}");
            ExitCode::from(5)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("govbench: {message}");
            ExitCode::from(64)
        }
    }
}

enum Failure {
    Api(ApiError),
    /// The audit chain or an audit pack does not verify.
    Tampered(String),
    /// An audit pack holds together, but nothing outside it proves who made it.
    Unproven(String),
    /// An option's value is not one the command knows (translated message).
    Usage(String),
    /// Files to import were refused (each named on stderr); nothing was stored.
    Refused,
}

/// Parses a keyed option value, or says in the user's language which values exist.
fn keyed<T: Copy>(
    locale: Locale,
    option: &str,
    value: Option<String>,
    all: &[T],
    key: fn(T) -> &'static str,
) -> Result<Option<T>, Failure> {
    let Some(value) = value else {
        return Ok(None);
    };
    match all.iter().copied().find(|v| key(*v) == value.trim()) {
        Some(v) => Ok(Some(v)),
        None => {
            let allowed: Vec<&str> = all.iter().map(|v| key(*v)).collect();
            Err(Failure::Usage(locale.format(
                "cli.invalid_value",
                [
                    ("option", option),
                    ("value", value.as_str()),
                    ("allowed", allowed.join(", ").as_str()),
                ],
            )))
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

fn run(command: Top, locale: Locale) -> Result<(), Failure> {
    let clock = Arc::new(SystemClock);
    match command {
        Top::Models { command } => models::run_models(command, locale)?,
        Top::Eval { command } => models::run_eval(command, locale)?,
        Top::Drills { command } => drills::run(command, locale)?,
        Top::Incidents { command } => incidents::run(command, locale)?,
        Top::Report { command } => reports::run_report(command, locale)?,
        Top::Pack { command } => reports::run_pack(command, locale)?,
        Top::Init {
            workspace,
            admin,
            display_name,
        } => {
            let passphrase = passphrase(locale, true)?;
            let admin = NewUser {
                display_name: display_name.unwrap_or_else(|| admin.clone()),
                name: admin,
                role: Role::Admin,
                passphrase,
            };
            let session = govbench_core::create_workspace(
                &workspace,
                &admin,
                CreateOptions::default(),
                clock,
            )?;
            out!(
                "{}",
                locale.format(
                    "cli.created",
                    [
                        ("path", workspace.display().to_string().as_str()),
                        ("user", session.user().name.as_str())
                    ]
                )
            );
        }
        Top::Demo { workspace } => {
            govbench_core::demo::create(&workspace, KdfParams::INTERACTIVE, chrono::Utc::now())?;
            out!(
                "{}",
                locale.format(
                    "cli.demo_created",
                    [
                        ("path", workspace.display().to_string().as_str()),
                        ("passphrase", govbench_core::demo::PASSPHRASE)
                    ]
                )
            );
        }
        Top::Generate {
            workspace,
            admin,
            requirements,
            audit_events,
        } => {
            let passphrase = passphrase(locale, true)?;
            let admin = NewUser {
                display_name: admin.clone(),
                name: admin,
                role: Role::Admin,
                passphrase,
            };
            let started = Instant::now();
            let mut session = govbench_core::create_workspace(
                &workspace,
                &admin,
                CreateOptions::default(),
                clock,
            )?;
            let actor = session.user().id;
            let copy = session.copy_id().to_owned();
            let signer = session
                .secret()
                .cloned()
                .ok_or_else(|| ApiError::new(ErrorCode::Internal))?;
            let mut report = |written: u64, total: u64| {
                eprint!(
                    "\r{}",
                    locale.format(
                        "cli.generate_progress",
                        [
                            ("written", written.to_string().as_str()),
                            ("total", total.to_string().as_str())
                        ]
                    )
                );
            };
            generator::seed_with_progress(
                session.connection_for_tools(),
                &copy,
                actor,
                &signer,
                requirements,
                audit_events.max(requirements),
                &mut report,
            )
            .map_err(ApiError::from)?;
            eprintln!();
            out!(
                "{}",
                locale.format(
                    "cli.generated",
                    [
                        ("path", workspace.display().to_string().as_str()),
                        ("requirements", requirements.to_string().as_str()),
                        (
                            "events",
                            audit_events.max(requirements).to_string().as_str()
                        ),
                        (
                            "seconds",
                            format!("{:.1}", started.elapsed().as_secs_f64()).as_str()
                        ),
                    ]
                )
            );
        }
        Top::Requirements {
            command:
                RequirementsCommand::List {
                    workspace,
                    user,
                    status,
                    search,
                    department,
                    priority,
                    overdue,
                    sort,
                    page,
                    format,
                },
        } => {
            let status = keyed(
                locale,
                "--status",
                status,
                &RequirementStatus::ALL,
                RequirementStatus::key,
            )?;
            let priority = keyed(
                locale,
                "--priority",
                priority,
                &Priority::ALL,
                Priority::key,
            )?;
            let sort = keyed(
                locale,
                "--sort",
                sort,
                &RequirementSort::ALL,
                RequirementSort::key,
            )?
            .unwrap_or_default();
            if page == Some(0) {
                return Err(Failure::Usage(locale.format(
                    "cli.invalid_value",
                    [
                        ("option", "--page"),
                        ("value", "0"),
                        ("allowed", "1, 2, 3, …"),
                    ],
                )));
            }
            let session = login(&workspace, &user, locale)?;
            let mut query = RequirementQuery {
                status,
                priority,
                department,
                text: search,
                overdue_only: overdue,
                sort,
                offset: page.map_or(0, |p| (p - 1).saturating_mul(PAGE_SIZE)),
                limit: if page.is_some() { PAGE_SIZE } else { 500 },
            };
            let mut items = Vec::new();
            let total = loop {
                let result = session.requirements(&query)?;
                let n = result.items.len() as u32;
                items.extend(result.items);
                if page.is_some() || n < query.limit {
                    break result.total;
                }
                query.offset += n;
            };
            match format {
                Format::Json => {
                    let json = serde_json::to_string_pretty(&items).map_err(|e| {
                        ApiError::new(ErrorCode::Internal).with("reason", e.to_string())
                    })?;
                    out!("{}", for_terminal(&json));
                }
                Format::Table => print_table(&items, total, locale),
            }
        }
        Top::Audit {
            command:
                AuditCommand::Verify {
                    workspace,
                    user,
                    anchor,
                },
        } => {
            let session = login(&workspace, &user, locale)?;
            let report = match &anchor {
                Some(anchor) => session.verify_audit_against(anchor)?,
                None => session.verify_audit()?,
            };
            let sentence = locale.audit_summary(&report);
            if !report.is_intact() {
                return Err(Failure::Tampered(sentence));
            }
            out!("{sentence}");
        }
        Top::Audit {
            command: AuditCommand::Continue { workspace, user },
        } => {
            let mut session = login(&workspace, &user, locale)?;
            let outcome = session.execute(govbench_protocol::UserCommand::ContinueCopy)?;
            let seq = outcome.audit_seq.to_string();
            out!(
                "{}",
                locale.format("cli.copy_continued", [("seq", seq.as_str())])
            );
        }
        Top::Backup { command } => match command {
            BackupCommand::Create {
                workspace,
                user,
                folder,
            } => {
                let backups = backups_for(folder)?;
                let mut session = login(&workspace, &user, locale)?;
                let made = session.backup(&backups, BackupReason::Manual)?;
                out!(
                    "{}",
                    locale.format("cli.backup_made", [("path", made.path.as_str())])
                );
            }
            BackupCommand::List { workspace, folder } => {
                let backups = backups_for(folder)?;
                let stem = workspace
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let list = backups.list(&stem).map_err(ApiError::from)?;
                if list.is_empty() {
                    out!("{}", locale.t("cli.no_backups"));
                }
                for b in list {
                    out!(
                        "{}\t{}\t{:.1} MiB\t{}",
                        b.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M"),
                        locale.t(&format!("backup.reason.{}", b.reason.key())),
                        b.bytes as f64 / 1048576.0,
                        for_terminal(&b.path)
                    );
                }
            }
            BackupCommand::Restore { backup, into, user } => {
                let passphrase = passphrase(locale, false)?;
                let outcome = govbench_core::backup::restore(
                    &backup,
                    &into,
                    &user,
                    &passphrase,
                    Arc::new(SystemClock),
                )?;
                let sentence = locale.audit_summary(&outcome.report);
                match outcome.restored_to {
                    Some(path) => out!(
                        "{}",
                        locale.format(
                            "cli.restored",
                            [("path", path.as_str()), ("proof", sentence.as_str())]
                        )
                    ),
                    None => {
                        return Err(Failure::Tampered(
                            locale.format("cli.not_restored", [("proof", sentence.as_str())]),
                        ))
                    }
                }
            }
        },
        Top::Users { command } => {
            let (workspace, user, command) = match command {
                UsersCommand::Remove {
                    workspace,
                    user,
                    name,
                } => (workspace, user, Some(name)),
                UsersCommand::RotateKey { workspace, user } => (workspace, user, None),
            };
            let mut session = login(&workspace, &user, locale)?;
            let command = match command {
                Some(name) => {
                    let member = session
                        .users()?
                        .into_iter()
                        .find(|u| u.name.eq_ignore_ascii_case(name.trim()))
                        .ok_or_else(|| {
                            ApiError::new(ErrorCode::Validation).with("name", "rule.unknown_user")
                        })?;
                    UserCommand::Remove { id: member.id }
                }
                None => UserCommand::RotateKey,
            };
            let progress = |done: u64, total: u64| {
                let percent = (done * 100).checked_div(total).unwrap_or(100);
                eprint!(
                    "\r{}",
                    locale.format(
                        "cli.rekey_progress",
                        [("percent", percent.to_string().as_str())]
                    )
                );
            };
            session.execute_with_progress(command, &progress)?;
            eprintln!();
            out!("{}", locale.t("cli.rekeyed"));
        }
    }
    Ok(())
}

/// `text` with every character that a terminal would act on instead of show — C0 and C1
/// controls (ESC, CSI, OSC…), DEL, and bidirectional controls — written as a `\uXXXX` escape
/// (also valid inside JSON strings, so JSON output stays JSON).
/// Records are validated on the way in, but a workspace may come from an older version or
/// another tool, and what is printed must never drive the terminal.
fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    let acts = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(acts) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if acts(c) {
                format!("\\u{:04x}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// Logs in; "today" is the date in this machine's time zone.
fn login(workspace: &std::path::Path, user: &str, locale: Locale) -> Result<Session, ApiError> {
    let passphrase = passphrase(locale, false)?;
    let opened = govbench_core::login(workspace, user, &passphrase, Arc::new(SystemClock));
    let mut session = opened.map_err(|e| point_to_backup(e, workspace))?;
    session.set_utc_offset(*chrono::Local::now().offset());
    if let Some(dir) = device_data_dir() {
        // The check's result is part of `audit verify`'s report.
        session.set_witness(govbench_core::Witness::in_dir(&dir))?;
        // Reads go on; every write would be refused, so say why before anything else.
        if let Some(held) = session.info(false).held {
            eprintln!("govbench: {}", for_terminal(&locale.describe(&held)));
        }
        session.set_backups(govbench_core::Backups::new(dir.join("backups")));
    }
    Ok(session)
}

/// The device's backup folder, or the one given.
fn backups_for(folder: Option<PathBuf>) -> Result<govbench_core::Backups, ApiError> {
    folder
        .or_else(|| device_data_dir().map(|d| d.join("backups")))
        .map(govbench_core::Backups::new)
        .ok_or_else(|| ApiError::new(ErrorCode::Io).with("reason", "no data folder"))
}

/// A damaged workspace: name its latest backup in the error, if this device has one.
fn point_to_backup(e: ApiError, workspace: &std::path::Path) -> ApiError {
    match backups_for(None) {
        Ok(backups) => govbench_core::backup::point_to_latest(e, workspace, &backups),
        Err(_) => e,
    }
}

/// The desktop app's data folder (`GOVBENCH_DATA_DIR`, else the platform's per-user one), so
/// the CLI and the app share this device's witness of the chains they have seen.
fn device_data_dir() -> Option<PathBuf> {
    const APP: &str = "com.govbench.desktop";
    if let Some(dir) = std::env::var_os("GOVBENCH_DATA_DIR") {
        return Some(PathBuf::from(dir));
    }
    let env_dir = |name: &str| std::env::var_os(name).map(PathBuf::from);
    let base = if cfg!(windows) {
        env_dir("APPDATA")
    } else if cfg!(target_os = "macos") {
        env_dir("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        env_dir("XDG_DATA_HOME").or_else(|| env_dir("HOME").map(|h| h.join(".local/share")))
    };
    base.map(|b| b.join(APP))
}

fn passphrase(locale: Locale, confirm: bool) -> Result<String, ApiError> {
    if let Ok(p) = std::env::var("GOVBENCH_PASSPHRASE") {
        return Ok(p);
    }
    let io = |e: std::io::Error| ApiError::new(ErrorCode::Io).with("reason", e.to_string());
    let first = rpassword::prompt_password(locale.t("cli.passphrase_prompt")).map_err(io)?;
    if confirm {
        let second = rpassword::prompt_password(locale.t("cli.passphrase_confirm")).map_err(io)?;
        if first != second {
            return Err(
                ApiError::new(ErrorCode::Validation).with("passphrase", "rule.passphrase_mismatch")
            );
        }
    }
    Ok(first)
}

fn print_table(items: &[govbench_protocol::RequirementSummary], total: u64, locale: Locale) {
    let header = [
        locale.t("cli.col.id"),
        locale.t("cli.col.status"),
        locale.t("cli.col.priority"),
        locale.t("cli.col.wanted_by"),
        locale.t("cli.col.department"),
        locale.t("cli.col.title"),
    ];
    out!("{}", header.join("\t"));
    for r in items {
        let overdue = if r.overdue {
            format!(" ({})", locale.t("cli.overdue"))
        } else {
            String::new()
        };
        out!(
            "{}\t{}\t{}\t{}{}\t{}\t{}",
            r.id,
            locale.t(&r.status.text_key()),
            locale.t(&format!("priority.{}", r.priority.key())),
            r.wanted_by,
            overdue,
            for_terminal(&r.department),
            for_terminal(&r.title)
        );
    }
    let summary = if items.len() as u64 == total {
        locale.format("cli.total", [("count", total.to_string().as_str())])
    } else {
        locale.format(
            "cli.shown_of",
            [
                ("shown", items.len().to_string().as_str()),
                ("count", total.to_string().as_str()),
            ],
        )
    };
    out!("{summary}");
}

#[cfg(test)]
mod tests {
    use super::for_terminal;

    #[test]
    fn terminal_output_escapes_what_a_terminal_would_act_on() {
        assert_eq!(for_terminal("医疗 plain\ttext"), "医疗 plain\\u0009text");
        assert_eq!(
            for_terminal("a\u{1b}]0;pwned\u{7}b\u{9b}2J\u{202E}c"),
            "a\\u001b]0;pwned\\u0007b\\u009b2J\\u202ec"
        );
        let json = serde_json::to_string(&"x\u{9b}\u{2066}y").unwrap();
        let back: String = serde_json::from_str(&for_terminal(&json)).unwrap();
        assert_eq!(back, "x\u{9b}\u{2066}y");
        assert_eq!(for_terminal("line\nbreak"), "line\nbreak");
    }
}
