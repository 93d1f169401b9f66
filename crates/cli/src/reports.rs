//! `govbench report quarterly`, `govbench pack export` and `govbench pack verify`: the
//! quarterly report (PDF) and the sealed audit pack (ZIP), exported and recorded in the log
//! like the app's exports; a pack verified offline against the exporter's key fingerprint, or
//! against the workspace's log.

use crate::{for_terminal, login, Failure};
use clap::{Args, Subcommand};
use govbench_i18n::Locale;
use govbench_protocol::{
    AssessmentCommand, ErrorCode, ExportKind, PackReport, PackTrust, PackVerdict,
};
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
    /// Checks a pack. Exit 0 when every file matches its manifest, the seal holds, the log
    /// slice links up and who made it is proven (by --signer or --workspace); 5 when the pack
    /// holds together but nothing outside it was given to prove who made it; otherwise 3 and
    /// the names of what does not hold.
    Verify(VerifyArgs),
}

#[derive(Args)]
pub struct VerifyArgs {
    file: PathBuf,
    /// The exporter's key fingerprint as the quarterly report's cover prints it (hex SHA-256
    /// of their Ed25519 public key): the seal must be made with that key.
    #[arg(long)]
    signer: Option<String>,
    /// Check the pack against this workspace's audit log (log in as --user): recorded as
    /// exported, sealed with the key the log registered for the exporter, every event in the
    /// log.
    #[arg(long, requires = "user")]
    workspace: Option<PathBuf>,
    #[arg(long, requires = "workspace")]
    user: Option<String>,
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
    // On a shared workspace, the server's log it was built from (any copy checks it with
    // `audit verify --anchor`).
    if let Some(frontier) = &record.frontier {
        out!("{frontier}");
    }
    Ok(())
}

pub fn run_report(command: ReportCommand, locale: Locale) -> Result<(), Failure> {
    let ReportCommand::Quarterly(args) = command;
    export(args, ExportKind::Report, locale)
}

pub fn run_pack(command: PackCommand, locale: Locale) -> Result<(), Failure> {
    match command {
        PackCommand::Export(args) => export(args, ExportKind::Pack, locale),
        PackCommand::Verify(args) => {
            let signer = args.signer.as_deref();
            let checked = match (&args.workspace, &args.user) {
                (Some(workspace), Some(user)) => {
                    login(workspace, user, locale)?.verify_pack_against_log(&args.file, signer)
                }
                _ => govbench_core::verify_pack(&args.file, signer),
            };
            match checked {
                Ok(report) => print_pack(&report, locale),
                // A ZIP built to mislead or exhaust is a pack that does not verify.
                Err(e) if e.code == ErrorCode::PackRefused => Err(Failure::Tampered(
                    for_terminal(&locale.describe(&e)).into_owned(),
                )),
                Err(e) => Err(e.into()),
            }
        }
    }
}

fn print_pack(report: &PackReport, locale: Locale) -> Result<(), Failure> {
    out!(
        "{} · {} · {}",
        for_terminal(&report.number),
        for_terminal(&report.quarter),
        for_terminal(&report.exported_by)
    );
    out!("{}", for_terminal(&report.head));
    if !report.seal_fingerprint.is_empty() {
        out!(
            "{}",
            locale.format(
                "cli.pack_sealed_by",
                [("fingerprint", report.seal_fingerprint.as_str())]
            )
        );
    }
    let files = report.files_checked.to_string();
    let events = report.events_checked.to_string();
    match report.verdict() {
        PackVerdict::Proven => {
            let sentence = match report.trust {
                PackTrust::Workspace => locale.format(
                    "cli.pack_proven_workspace",
                    [
                        ("exporter", report.exported_by.as_str()),
                        ("events", events.as_str()),
                    ],
                ),
                PackTrust::Signer | PackTrust::None => locale.format(
                    "cli.pack_proven_signer",
                    [("files", files.as_str()), ("events", events.as_str())],
                ),
            };
            out!("{}", for_terminal(&sentence));
            return Ok(());
        }
        PackVerdict::IntegrityOnly => {
            out!(
                "{}",
                locale.format(
                    "cli.pack_integrity_only",
                    [("files", files.as_str()), ("events", events.as_str())]
                )
            );
            return Err(Failure::Unproven(locale.t("cli.pack_unproven_summary")));
        }
        PackVerdict::Refused => {}
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
    let seqs = |key: &str, count: u64, listed: &[u64]| {
        if count == 0 {
            return;
        }
        let count_text = count.to_string();
        let mut line: Vec<String> = listed.iter().map(u64::to_string).collect();
        let more = count.saturating_sub(listed.len() as u64);
        if more > 0 {
            let more = more.to_string();
            line.push(locale.format("cli.pack_more", [("count", more.as_str())]));
        }
        out!(
            "{} {}",
            locale.format(key, [("count", count_text.as_str())]),
            line.join(", ")
        );
    };
    seqs(
        "cli.pack_events",
        report.broken_count,
        &report.broken_events,
    );
    seqs(
        "cli.pack_unreadable",
        report.unreadable_count,
        &report.unreadable_lines,
    );
    seqs(
        "cli.pack_not_in_log",
        report.not_in_log_count,
        &report.not_in_log,
    );
    if !report.signature_valid {
        out!("{}", locale.t("cli.pack_seal"));
    }
    if !report.doubts.is_empty() {
        out!("{}", locale.t("cli.pack_doubts"));
        for doubt in &report.doubts {
            out!("  {}", locale.t(&format!("pack.doubt.{}", doubt.key())));
        }
    }
    Err(Failure::Tampered(locale.t("cli.pack_seal_summary")))
}
