//! `govbench`: the headless front end. A thin wrapper over `govbench_core::session`, like the
//! desktop shell: parse arguments, call the API, print the result or the translated error.
//! The passphrase comes from `GOVBENCH_PASSPHRASE` or a prompt, never from argv.
//! Every non-zero exit says why on stderr, in the user's language: a refused command line,
//! a failed command (see [`Failure`]), output that cannot be written, and a panic.

use clap::{Parser, Subcommand, ValueEnum};
use govbench_core::{Session, SystemClock};
use govbench_i18n::Locale;
use govbench_protocol::{ApiError, ErrorCode};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// `println!` for what a command prints; see `output` for why it is not `println!`.
macro_rules! out {
    () => {
        $crate::output::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}

mod audit;
mod backup;
mod drills;
mod evaluations;
mod incidents;
mod models;
mod output;
mod reports;
mod requirements;
mod sharing;
mod users;
mod workspace;

/// Exit code after a panic (sysexits.h EX_SOFTWARE): a defect, not anything the user did.
const EXIT_INTERNAL_ERROR: i32 = 70;

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
        command: requirements::RequirementsCommand,
    },
    /// The tamper-evident operation log.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Encrypted backups of a workspace, and verified restore.
    Backup {
        #[command(subcommand)]
        command: backup::BackupCommand,
    },
    /// The shared workspace's server: `server init` installs Govbench's schema in a
    /// PostgreSQL database.
    Server {
        #[command(subcommand)]
        command: sharing::ServerCommand,
    },
    /// Share a workspace on a server: its whole log goes up as it is; prints the workspace id
    /// members join with.
    Share {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
        /// A PostgreSQL URL (postgresql://it_login@host/database) or key=value string.
        #[arg(long)]
        server: String,
        #[arg(long)]
        ca: Option<PathBuf>,
        #[arg(long)]
        allow_plaintext: bool,
    },
    /// Make a copy of a shared workspace on this desktop, verified event by event.
    Join {
        #[arg(long)]
        server: String,
        #[arg(long)]
        ca: Option<PathBuf>,
        #[arg(long)]
        allow_plaintext: bool,
        #[arg(long)]
        workspace_id: String,
        #[arg(long)]
        user: String,
        /// The new local file (it must not exist).
        #[arg(long)]
        into: PathBuf,
        /// The join code an Admin gave you (members from before the workspace was shared).
        #[arg(long)]
        join_code: Option<String>,
    },
    /// Your edits on a shared workspace that the server turned down (someone changed the
    /// same record first).
    Conflicts {
        #[command(subcommand)]
        command: sharing::ConflictsCommand,
    },
    /// Exchange with the server: take in what others wrote, offer what this copy wrote.
    Sync {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Members and their access (admins).
    Users {
        #[command(subcommand)]
        command: users::UsersCommand,
    },
    /// The model inventory: models, versions, stages (policy §2.3.1).
    Models {
        #[command(subcommand)]
        command: models::ModelsCommand,
    },
    /// Evaluation reports: import results files, list verdicts (policy §2.1.2).
    Eval {
        #[command(subcommand)]
        command: evaluations::EvalCommand,
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

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let early = locale_before_parsing(&args);
    install_panic_hook(early);
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return refuse_arguments(&e, early),
    };
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
        // The reasons were printed file by file, before this was returned.
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

/// A command line clap refuses: its own message (in English, naming what it did not
/// understand), then a line in the user's language. Help and version go to stdout with
/// success, as clap does them.
fn refuse_arguments(e: &clap::Error, locale: Locale) -> ExitCode {
    if !e.use_stderr() {
        e.exit()
    }
    let _ = e.print();
    eprintln!("govbench: {}", locale.t("cli.arguments_refused"));
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}

/// The language for what is said before the arguments are parsed (a refused command line,
/// or a panic that early): `--lang` as clap reads it, else `GOVBENCH_LANG`, else `LANG`.
fn locale_before_parsing(args: &[OsString]) -> Locale {
    let mut given = None;
    let mut rest = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = rest.next() {
        if arg == "--" {
            break;
        }
        if arg == "--lang" {
            given = rest.next().map(|v| v.into_owned());
        } else if let Some(value) = arg.strip_prefix("--lang=") {
            given = Some(value.to_owned());
        }
    }
    let tag = given
        .or_else(|| std::env::var("GOVBENCH_LANG").ok())
        .or_else(|| std::env::var("LANG").ok())
        .unwrap_or_default();
    Locale::from_tag(&tag)
}

/// A panic anywhere is a defect: instead of Rust's English report and exit code 101, one
/// line in the user's language and [`EXIT_INTERNAL_ERROR`]. The process ends in the hook,
/// so a panic on a worker thread ends it too, before anything more is written.
fn install_panic_hook(early: Locale) {
    // Two threads panicking at once still print one line: the second waits for the exit.
    static REPORTING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    std::panic::set_hook(Box::new(move |info| {
        let _reporting = REPORTING.lock();
        let locale = output::locale().unwrap_or(early);
        let reason = panic_reason(info.payload(), info.location());
        // Not `eprintln!`: it panics when stderr is gone, and a panic in the hook aborts.
        let _ = writeln!(
            std::io::stderr(),
            "govbench: {}",
            internal_error_line(locale, &reason)
        );
        std::process::exit(EXIT_INTERNAL_ERROR);
    }));
}

/// What the panic said and where, as the hook reports it.
fn panic_reason(
    payload: &(dyn std::any::Any + Send),
    location: Option<&std::panic::Location<'_>>,
) -> String {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("?");
    match location {
        Some(at) => format!("{message} ({}:{})", at.file(), at.line()),
        None => message.to_owned(),
    }
}

/// The one line a panic prints: the reason on a single line, made safe for a terminal.
fn internal_error_line(locale: Locale, reason: &str) -> String {
    let one_line = reason
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    locale.format(
        "cli.internal_error",
        [("reason", for_terminal(&one_line).as_ref())],
    )
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
    match command {
        Top::Init {
            workspace,
            admin,
            display_name,
        } => workspace::init(workspace, admin, display_name, locale),
        Top::Demo { workspace } => workspace::demo(workspace, locale),
        Top::Generate {
            workspace,
            admin,
            requirements,
            audit_events,
        } => workspace::generate(workspace, admin, requirements, audit_events, locale),
        Top::Requirements { command } => requirements::run(command, locale),
        Top::Audit { command } => audit::run(command, locale),
        Top::Backup { command } => backup::run(command, locale),
        Top::Server { command } => sharing::run_server(command, locale),
        Top::Conflicts { command } => sharing::run_conflicts(command, locale),
        Top::Share {
            workspace,
            user,
            server,
            ca,
            allow_plaintext,
        } => sharing::share(
            &workspace,
            &user,
            sharing::Reach {
                url: server,
                ca,
                allow_plaintext,
            },
            locale,
        ),
        Top::Join {
            server,
            ca,
            allow_plaintext,
            workspace_id,
            user,
            into,
            join_code,
        } => sharing::join(
            sharing::Reach {
                url: server,
                ca,
                allow_plaintext,
            },
            &workspace_id,
            &user,
            join_code.as_deref(),
            &into,
            locale,
        ),
        Top::Sync {
            workspace,
            user,
            format,
        } => sharing::sync(&workspace, &user, format, locale),
        Top::Users { command } => users::run(command, locale),
        Top::Models { command } => models::run_models(command, locale),
        Top::Eval { command } => evaluations::run(command, locale),
        Top::Drills { command } => drills::run(command, locale),
        Top::Incidents { command } => incidents::run(command, locale),
        Top::Report { command } => reports::run_report(command, locale),
        Top::Pack { command } => reports::run_pack(command, locale),
    }
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
    login_with(workspace, user, &passphrase, locale)
}

/// [`login`] with the passphrase already asked for (a shared workspace's commands use it again
/// for the server's login).
fn login_with(
    workspace: &std::path::Path,
    user: &str,
    passphrase: &str,
    locale: Locale,
) -> Result<Session, ApiError> {
    let opened = govbench_core::login(workspace, user, passphrase, Arc::new(SystemClock));
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
    sharing::connect(&mut session, passphrase, locale)?;
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

#[cfg(test)]
mod tests {
    use super::{for_terminal, internal_error_line, locale_before_parsing, panic_reason};
    use govbench_i18n::Locale;
    use std::ffi::OsString;

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

    #[test]
    fn a_panic_is_one_translated_line_with_its_reason() {
        let en = internal_error_line(Locale::En, "index out of bounds (src/x.rs:3)");
        assert_eq!(
            en,
            "Internal error: index out of bounds (src/x.rs:3). Nothing more was written; \
             please report this."
        );
        let zh = internal_error_line(Locale::ZhCn, "index out of bounds");
        assert!(
            zh.contains("内部错误") && zh.contains("index out of bounds"),
            "{zh}"
        );
        // A multi-line reason (an `assert_eq!` report) stays one line, and controls in it
        // never reach the terminal.
        let line = internal_error_line(Locale::En, "left: 1\n  right: 2\n\u{1b}[2J");
        assert!(!line.contains('\n') && !line.contains('\u{1b}'), "{line}");
        assert!(line.contains("left: 1 right: 2 \\u001b[2J"), "{line}");
        assert!(!line.contains('{'), "{line}");
    }

    #[test]
    fn the_panic_reason_is_its_message_and_where() {
        let here = std::panic::Location::caller();
        let text: Box<dyn std::any::Any + Send> = Box::new("static text");
        let reason = panic_reason(text.as_ref(), Some(here));
        assert!(reason.starts_with("static text ("), "{reason}");
        assert!(reason.ends_with(&format!(":{})", here.line())), "{reason}");
        let formatted: Box<dyn std::any::Any + Send> = Box::new(String::from("made 7"));
        assert_eq!(panic_reason(formatted.as_ref(), None), "made 7");
        let other: Box<dyn std::any::Any + Send> = Box::new(7_u8);
        assert_eq!(panic_reason(other.as_ref(), None), "?");
    }

    #[test]
    fn the_language_is_known_before_the_arguments_are_parsed() {
        let args = |list: &[&str]| -> Vec<OsString> { list.iter().map(OsString::from).collect() };
        let zh = args(&["govbench", "nonsense", "--lang", "zh-CN"]);
        assert_eq!(locale_before_parsing(&zh), Locale::ZhCn);
        let zh = args(&["govbench", "--lang=zh_CN.UTF-8", "x"]);
        assert_eq!(locale_before_parsing(&zh), Locale::ZhCn);
        let en = args(&["govbench", "--lang", "en", "x"]);
        assert_eq!(locale_before_parsing(&en), Locale::En);
    }
}
