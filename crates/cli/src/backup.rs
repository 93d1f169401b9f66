//! `govbench backup …`: encrypted backups of a workspace, and verified restore.

use crate::{backups_for, for_terminal, login, passphrase, Failure};
use clap::Subcommand;
use govbench_core::SystemClock;
use govbench_i18n::Locale;
use govbench_protocol::{ApiError, BackupReason};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Subcommand)]
pub enum BackupCommand {
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

pub fn run(command: BackupCommand, locale: Locale) -> Result<(), Failure> {
    match command {
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
    }
    Ok(())
}
