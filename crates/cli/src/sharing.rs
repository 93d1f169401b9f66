//! `govbench server init`, `share`, `join`, `sync`: a workspace shared through PostgreSQL
//! (issue 20). The address is a standard PostgreSQL URL (or `key=value` string); the CA file
//! comes from `--ca` or `sslrootcert`. IT's login (for `server init` and `share`) takes its
//! password from the URL, `PGPASSWORD` or `~/.pgpass`; a member's login is derived from their
//! passphrase, which comes from `GOVBENCH_PASSPHRASE` or a prompt as everywhere.

use crate::models::print_json;
use crate::{for_terminal, login_with, passphrase, Failure, Format};
use clap::Subcommand;
use govbench_i18n::Locale;
use govbench_protocol::{ApiError, ServerRequest};
use govbench_remote::desk::{self, Named};
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum ConflictsCommand {
    /// Your edits the server turned down because someone changed the same record first:
    /// what you wrote, who changed it and when. Redo what still matters through the usual
    /// commands.
    List {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

pub fn run_conflicts(command: ConflictsCommand, locale: Locale) -> Result<(), Failure> {
    let ConflictsCommand::List {
        workspace,
        user,
        format,
    } = command;
    let session = crate::login(&workspace, &user, locale)?;
    let conflicts = session.conflicts()?;
    match format {
        Format::Json => print_json(&conflicts, false)?,
        Format::Table => {
            if conflicts.is_empty() {
                out!("{}", locale.t("cli.no_conflicts"));
            }
            for c in &conflicts {
                let entity = locale.t(&c.entity.kind.text_key());
                let action = locale.t(&format!("action.{}", c.action));
                let by = c.theirs_by.clone().unwrap_or_else(|| "?".into());
                let at = c.theirs_at.clone().unwrap_or_else(|| "?".into());
                out!(
                    "{}",
                    for_terminal(&locale.format(
                        "cli.conflict_line",
                        [
                            ("written_at", c.written_at.as_str()),
                            ("action", action.as_str()),
                            ("entity", entity.as_str()),
                            ("id", c.entity.id.to_string().as_str()),
                            ("by", by.as_str()),
                            ("at", at.as_str()),
                        ]
                    ))
                );
                if let Some(mine) = &c.mine {
                    out!("  {}", for_terminal(mine));
                }
            }
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum ServerCommand {
    /// Install or upgrade Govbench's schema in a PostgreSQL database (run again, it changes
    /// nothing). The URL's login must be allowed to create roles.
    Init {
        #[arg(long)]
        url: String,
        /// The certificate of the CA that signed the server's (PEM).
        #[arg(long)]
        ca: Option<PathBuf>,
        /// Allow an unencrypted connection to a server on another machine.
        #[arg(long)]
        allow_plaintext: bool,
    },
}

/// Where to reach the server, as the person gave it.
pub struct Reach {
    pub url: String,
    pub ca: Option<PathBuf>,
    pub allow_plaintext: bool,
}

impl Reach {
    fn named(self, locale: Locale) -> Result<Named, Failure> {
        let named = Named::parse(&ServerRequest {
            address: self.url,
            ca: self.ca.map(|c| c.display().to_string()),
            allow_plaintext: self.allow_plaintext,
        })
        .map_err(core)?;
        if named.plaintext_allowed() {
            eprintln!("govbench: {}", locale.t("cli.server_plaintext_warning"));
        }
        Ok(named)
    }
}

fn core(e: govbench_core::CoreError) -> Failure {
    Failure::Api(e.into())
}

pub fn run_server(command: ServerCommand, locale: Locale) -> Result<(), Failure> {
    let ServerCommand::Init {
        url,
        ca,
        allow_plaintext,
    } = command;
    let named = Reach {
        url,
        ca,
        allow_plaintext,
    }
    .named(locale)?;
    govbench_remote::install_schema(&named.address).map_err(core)?;
    out!("{}", locale.t("cli.server_ready"));
    Ok(())
}

pub fn share(workspace: &Path, user: &str, reach: Reach, locale: Locale) -> Result<(), Failure> {
    let named = reach.named(locale)?;
    let passphrase = passphrase(locale, false)?;
    let mut session = login_with(workspace, user, &passphrase, locale)?;
    let id = session.workspace_id().0;
    let shared = desk::share(&mut session, &named, &passphrase, &|done, total| {
        if done == total || done % 1000 == 0 {
            let (done, total) = (done.to_string(), total.to_string());
            let line = locale.format("cli.share_progress", [("done", &*done), ("total", &*total)]);
            eprintln!("{line}");
        }
    })?;
    let (events, id_text) = (shared.events.to_string(), id.to_string());
    out!(
        "{}",
        locale.format("cli.shared", [("events", &*events), ("id", &*id_text)])
    );
    // The line scripts read: the id members join with.
    out!("{id}");
    Ok(())
}

pub fn join(
    reach: Reach,
    workspace_id: &str,
    user: &str,
    join_code: Option<&str>,
    into: &Path,
    locale: Locale,
) -> Result<(), Failure> {
    if workspace_id.trim().parse::<uuid::Uuid>().is_err() {
        return Err(core(govbench_core::CoreError::invalid(
            "workspace-id",
            "not_an_id",
        )));
    }
    let named = reach.named(locale)?;
    let passphrase = passphrase(locale, false)?;
    let joining = desk::Joining {
        workspace: workspace_id,
        user,
        passphrase: &passphrase,
        join_code,
    };
    let events = desk::join(&named, &joining, into, &|at| {
        let at = at.to_string();
        eprintln!("{}", locale.format("cli.join_progress", [("events", &*at)]));
    })?;
    let (events, path) = (events.to_string(), into.display().to_string());
    out!(
        "{}",
        locale.format(
            "cli.joined",
            [("events", &*events), ("path", &*for_terminal(&path))]
        )
    );
    Ok(())
}

/// Connects a session on a shared workspace to its server, so that its writes are placed
/// there before they commit. A server that cannot be reached leaves it working offline
/// (ordinary edits wait to be shared; decisions are refused), said on stderr.
pub fn connect(
    session: &mut govbench_core::Session,
    passphrase: &str,
    locale: Locale,
) -> Result<(), ApiError> {
    if session.server_note()?.is_none() {
        return Ok(());
    }
    let password = desk::member_password(session, passphrase)?;
    desk::connect(session, &password)?;
    if let Some(status) = session.sharing_status()? {
        if let (false, Some(problem)) = (status.connected, &status.problem) {
            eprintln!(
                "govbench: {} {}",
                for_terminal(&locale.describe(problem)),
                locale.t("cli.working_offline")
            );
        }
    }
    Ok(())
}

pub fn sync(workspace: &Path, user: &str, format: Format, locale: Locale) -> Result<(), Failure> {
    let passphrase = passphrase(locale, false)?;
    let mut session = login_with(workspace, user, &passphrase, locale)?;
    if session.server_note()?.is_none() {
        return Err(core(govbench_core::CoreError::Server(
            govbench_core::error::ServerProblem::Refused(
                govbench_protocol::ServerRefusal::NotShared,
            ),
        )));
    }
    let synced = session.sync_connected()?;
    match format {
        Format::Json => print_json(
            &json!({
                "pushed": synced.pushed,
                "pulled": synced.pulled,
                "position": synced.position,
                "refused": synced.refused.as_ref().map(|r| json!({
                    "copy": r.copy, "seq": r.seq, "problem": r.problem,
                })),
                "conflicts": synced.conflicts,
            }),
            false,
        )?,
        Format::Table => {
            let figures = [synced.pushed, synced.pulled, synced.position].map(|n| n.to_string());
            out!(
                "{}",
                locale.format(
                    "cli.synced",
                    [
                        ("pushed", &*figures[0]),
                        ("pulled", &*figures[1]),
                        ("position", &*figures[2])
                    ]
                )
            );
        }
    }
    if synced.conflicts > 0 {
        let count = synced.conflicts.to_string();
        eprintln!(
            "govbench: {}",
            locale.format("cli.sync_conflicts", [("count", count.as_str())])
        );
    }
    if let Some(refused) = synced.refused {
        let problem = locale.t(&format!("audit.problem.{}", refused.problem));
        let seq = refused.seq.to_string();
        return Err(Failure::Tampered(locale.format(
            "cli.sync_refused",
            [("seq", &*seq), ("problem", &*problem)],
        )));
    }
    Ok(())
}
