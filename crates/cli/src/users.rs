//! `govbench users …`: removing members and rotating the data key (both re-encrypt the
//! workspace), and a shared workspace's join codes.

use crate::{login, Failure};
use clap::Subcommand;
use govbench_i18n::Locale;
use govbench_protocol::{ApiError, ErrorCode, UserCommand, UserId};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum UsersCommand {
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
    /// On a shared workspace: a one-off code with which a member from before sharing (or one
    /// who lost their passphrase) joins from their desktop (`govbench join --join-code`).
    JoinCode {
        #[arg(long)]
        workspace: PathBuf,
        /// The admin doing it.
        #[arg(long)]
        user: String,
        /// The member the code is for.
        #[arg(long)]
        name: String,
    },
}

fn member_named(session: &govbench_core::Session, name: &str) -> Result<UserId, ApiError> {
    session
        .users()?
        .into_iter()
        .find(|u| u.name.eq_ignore_ascii_case(name.trim()))
        .map(|u| u.id)
        .ok_or_else(|| ApiError::new(ErrorCode::Validation).with("name", "rule.unknown_user"))
}

pub fn run(command: UsersCommand, locale: Locale) -> Result<(), Failure> {
    let (workspace, user, command) = match command {
        UsersCommand::Remove {
            workspace,
            user,
            name,
        } => (workspace, user, Some(name)),
        UsersCommand::RotateKey { workspace, user } => (workspace, user, None),
        UsersCommand::JoinCode {
            workspace,
            user,
            name,
        } => return join_code(&workspace, &user, &name, locale),
    };
    let mut session = login(&workspace, &user, locale)?;
    let command = match command {
        Some(name) => UserCommand::Remove {
            id: member_named(&session, &name)?,
        },
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
    Ok(())
}

fn join_code(workspace: &Path, user: &str, name: &str, locale: Locale) -> Result<(), Failure> {
    let mut session = login(workspace, user, locale)?;
    let member = member_named(&session, name)?;
    let code = session.issue_join_code(member)?;
    eprintln!(
        "{}",
        locale.format("cli.join_code_issued", [("name", name.trim())])
    );
    // The line scripts read: the code itself.
    out!("{code}");
    Ok(())
}
