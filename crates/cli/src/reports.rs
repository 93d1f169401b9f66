//! `govbench report quarterly`, `govbench pack export` and `govbench pack verify`: the
//! quarterly report (PDF) and the sealed audit pack (ZIP), exported and recorded in the log
//! like the app's exports; a pack verified offline, without a workspace.

use crate::{for_terminal, login, Failure};
use clap::{Args, Subcommand};
use govbench_i18n::Locale;
use govbench_protocol::{AssessmentCommand, ExportKind, PackReport};
use std::path::PathBuf;

/// What to export, for whom, where: the same for the report and the pack.
#[derive(Args)]
pub struct ExportArgs {
    #[arg(long)]
    workspace: PathBuf,
    #[arg(long)]
    user: String,
    /// `2026Q3` (read in this machine's time zone).
    #[arg(long)]
    quarter: String,
    /// Language of the report: zh-CN or en (default: the message language, `--lang`).
    #[arg(long = "report-lang")]
    report_lang: Option<String>,
    #[arg(long)]
    out: PathBuf,
}

#[derive(Subcommand)]
pub enum ReportCommand {
    /// The quarterly policy-assessment report as a PDF (policy §6). The export is recorded in
    /// the audit log; the PDF prints the chain head at export time.
    Quarterly(ExportArgs),
}

#[derive(Subcommand)]
pub enum PackCommand {
    /// The sealed audit pack of a quarter: the report, every record changed in the quarter as
    /// JSON and CSV, the quarter's slice of the audit log, and a signed manifest.
    Export(ExportArgs),
    /// Checks a pack offline. Exit 0 when every file matches its manifest, the seal holds and
    /// the log slice links up; otherwise 3 and the names of what does not.
    Verify { file: PathBuf },
}

/// Writes the export through the write path (which records it) and prints its number and
/// the chain head it printed.
fn export(args: ExportArgs, kind: ExportKind, locale: Locale) -> Result<(), Failure> {
    let mut session = login(&args.workspace, &args.user, locale)?;
    let outcome = session.execute(AssessmentCommand::Export {
        quarter: args.quarter,
        kind,
        lang: args.report_lang.unwrap_or_else(|| locale.tag().to_owned()),
        path: args.out.display().to_string(),
    })?;
    let record = session.export_record(outcome.entity.id)?;
    out!(
        "{}",
        for_terminal(&locale.format(
            "cli.exported",
            [
                ("number", record.number.as_str()),
                ("path", args.out.display().to_string().as_str()),
                ("bytes", record.bytes.to_string().as_str()),
            ],
        ))
    );
    out!("{}", record.head);
    Ok(())
}

pub fn run_report(command: ReportCommand, locale: Locale) -> Result<(), Failure> {
    let ReportCommand::Quarterly(args) = command;
    export(args, ExportKind::Report, locale)
}

pub fn run_pack(command: PackCommand, locale: Locale) -> Result<(), Failure> {
    match command {
        PackCommand::Export(args) => export(args, ExportKind::Pack, locale),
        PackCommand::Verify { file } => {
            let report = govbench_core::verify_pack(&file)?;
            print_pack(&report, locale)
        }
    }
}

fn print_pack(report: &PackReport, locale: Locale) -> Result<(), Failure> {
    out!(
        "{} · {} · {}",
        report.number,
        report.quarter,
        for_terminal(&report.exported_by)
    );
    out!("{}", report.head);
    if report.intact() {
        out!(
            "{}",
            locale.format(
                "cli.pack_intact",
                [("files", report.files_checked.to_string().as_str())]
            )
        );
        return Ok(());
    }
    let list = |key: &str, names: &[String]| {
        if !names.is_empty() {
            out!("{}", locale.t(key));
            for name in names {
                out!("  {}", for_terminal(name));
            }
        }
    };
    list("cli.pack_altered", &report.altered);
    list("cli.pack_missing", &report.missing);
    list("cli.pack_unlisted", &report.unlisted);
    if !report.broken_events.is_empty() {
        let seqs: Vec<String> = report.broken_events.iter().map(u64::to_string).collect();
        out!("{} {}", locale.t("cli.pack_events"), seqs.join(", "));
    }
    if !report.signature_valid {
        out!("{}", locale.t("cli.pack_seal"));
    }
    Err(Failure::Tampered(locale.t("cli.pack_seal_summary")))
}
