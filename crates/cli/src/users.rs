//! `govbench users …`: removing members and rotating the data key, both of which re-encrypt
//! the workspace.

use crate::{login, Failure};
use clap::Subcommand;
use govbench_i18n::Locale;
use govbench_protocol::{ApiError, ErrorCode, UserCommand};
use std::path::PathBuf;

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
}

pub fn run(command: UsersCommand, locale: Locale) -> Result<(), Failure> {
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
    Ok(())
}
