//! `govbench`: the headless front end. A thin wrapper over `govbench_core::session`, like the
//! desktop shell: parse arguments, call the API, print the result or the translated error.
//! The passphrase comes from `GOVBENCH_PASSPHRASE` or a prompt, never from argv.

use clap::{Parser, Subcommand, ValueEnum};
use govbench_core::{CreateOptions, KdfParams, Session, SystemClock};
use govbench_i18n::Locale;
use govbench_protocol::{ApiError, ErrorCode, NewUser, RequirementQuery, RequirementStatus, Role};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

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
}

#[derive(Subcommand)]
enum RequirementsCommand {
    List {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
        /// draft, submitted, under_assessment, assessed, approved, rejected, returned,
        /// in_development, delivered, closed
        #[arg(long)]
        status: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the hash chain; exit 0 with the number of events, or non-zero naming the first bad one.
    Verify {
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
    match run(cli.command, locale) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Api(e)) => {
            eprintln!("govbench: {}", locale.describe(&e));
            ExitCode::from(2)
        }
        Err(Failure::Tampered(message)) => {
            eprintln!("govbench: {message}");
            ExitCode::from(3)
        }
    }
}

enum Failure {
    Api(ApiError),
    /// The audit chain does not verify.
    Tampered(String),
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

fn run(command: Top, locale: Locale) -> Result<(), Failure> {
    let clock = Arc::new(SystemClock);
    match command {
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
            println!(
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
            println!(
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
        Top::Requirements {
            command:
                RequirementsCommand::List {
                    workspace,
                    user,
                    status,
                    format,
                },
        } => {
            let status = match status {
                Some(key) => Some(RequirementStatus::from_key(&key).ok_or_else(|| {
                    ApiError::new(ErrorCode::Validation).with("status", "rule.required")
                })?),
                None => None,
            };
            let session = login(&workspace, &user, locale)?;
            let mut query = RequirementQuery {
                status,
                limit: 500,
                ..RequirementQuery::default()
            };
            let mut items = Vec::new();
            loop {
                let page = session.requirements(&query)?;
                let n = page.items.len() as u32;
                items.extend(page.items);
                if n < query.limit {
                    break;
                }
                query.offset += n;
            }
            match format {
                Format::Json => {
                    let json = serde_json::to_string_pretty(&items).map_err(|e| {
                        ApiError::new(ErrorCode::Internal).with("reason", e.to_string())
                    })?;
                    println!("{json}");
                }
                Format::Table => print_table(&items, locale),
            }
        }
        Top::Audit {
            command: AuditCommand::Verify { workspace, user },
        } => {
            let session = login(&workspace, &user, locale)?;
            let report = session.verify_audit()?;
            match report.first_bad {
                None => println!(
                    "{}",
                    locale.format(
                        "cli.audit_ok",
                        [("count", report.events_verified.to_string().as_str())]
                    )
                ),
                Some(bad) => {
                    return Err(Failure::Tampered(locale.format(
                        "cli.audit_bad",
                        [
                            ("seq", bad.seq.to_string().as_str()),
                            ("copy", bad.copy_id.as_str()),
                            (
                                "problem",
                                locale.t(&format!("audit.problem.{}", bad.problem)).as_str(),
                            ),
                            ("count", report.events_verified.to_string().as_str()),
                        ],
                    )));
                }
            }
        }
    }
    Ok(())
}

fn login(workspace: &std::path::Path, user: &str, locale: Locale) -> Result<Session, ApiError> {
    let passphrase = passphrase(locale, false)?;
    govbench_core::login(workspace, user, &passphrase, Arc::new(SystemClock))
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

fn print_table(items: &[govbench_protocol::RequirementSummary], locale: Locale) {
    let mut out = std::io::stdout().lock();
    let header = [
        locale.t("cli.col.id"),
        locale.t("cli.col.status"),
        locale.t("cli.col.priority"),
        locale.t("cli.col.wanted_by"),
        locale.t("cli.col.department"),
        locale.t("cli.col.title"),
    ];
    let _ = writeln!(out, "{}", header.join("\t"));
    for r in items {
        let overdue = if r.overdue {
            format!(" ({})", locale.t("cli.overdue"))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}{}\t{}\t{}",
            r.id,
            locale.t(&format!("status.{}", r.status.key())),
            locale.t(&format!("priority.{}", r.priority.key())),
            r.wanted_by,
            overdue,
            r.department,
            r.title
        );
    }
    let _ = writeln!(
        out,
        "{}",
        locale.format("cli.total", [("count", items.len().to_string().as_str())])
    );
}
