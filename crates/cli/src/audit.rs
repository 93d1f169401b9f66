//! `govbench audit …`: verifying the tamper-evident log, and continuing a copy put back.

use crate::{login, Failure};
use clap::Subcommand;
use govbench_i18n::Locale;
use govbench_protocol::UserCommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum AuditCommand {
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

pub fn run(command: AuditCommand, locale: Locale) -> Result<(), Failure> {
    match command {
        AuditCommand::Verify {
            workspace,
            user,
            anchor,
        } => {
            // On a shared workspace, also compared with the server's log (login connects).
            let mut session = login(&workspace, &user, locale)?;
            let report = session.verify_audit_with_server(anchor.as_deref())?;
            let sentence = locale.audit_summary(&report);
            if !report.is_intact() {
                return Err(Failure::Tampered(sentence));
            }
            out!("{sentence}");
        }
        AuditCommand::Continue { workspace, user } => {
            let mut session = login(&workspace, &user, locale)?;
            let outcome = session.execute(UserCommand::ContinueCopy)?;
            let seq = outcome.audit_seq.to_string();
            out!(
                "{}",
                locale.format("cli.copy_continued", [("seq", seq.as_str())])
            );
        }
    }
    Ok(())
}
