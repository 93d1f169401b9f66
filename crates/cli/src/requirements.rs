//! `govbench requirements …`: the requirement list with every filter the app's list has.

use crate::{for_terminal, keyed, login, Failure, Format};
use clap::Subcommand;
use govbench_i18n::Locale;
use govbench_protocol::{
    ApiError, ErrorCode, Priority, RequirementQuery, RequirementSort, RequirementStatus,
    RequirementSummary,
};
use std::path::PathBuf;

/// Rows read at a time when listing every page (the most one read returns).
const ALL_PAGE_SIZE: u32 = 500;
/// Rows per page of `requirements list --page N`, as in the app.
const PAGE_SIZE: u32 = 50;

#[derive(Subcommand)]
pub enum RequirementsCommand {
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

pub fn run(command: RequirementsCommand, locale: Locale) -> Result<(), Failure> {
    let RequirementsCommand::List {
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
    } = command;
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
    let query = RequirementQuery {
        status,
        priority,
        department,
        text: search,
        overdue_only: overdue,
        sort,
        offset: page.map_or(0, |p| (p - 1).saturating_mul(PAGE_SIZE)),
        limit: if page.is_some() {
            PAGE_SIZE
        } else {
            ALL_PAGE_SIZE
        },
        after: None,
    };
    let (items, total) = if page.is_some() {
        let result = session.requirements(&query)?;
        (result.items, result.total)
    } else {
        // Every page, each read on from where the last stopped: one pass however long.
        let mut items = Vec::new();
        let total = session.each_requirement(&query, |page| {
            items.extend(page);
            Ok(())
        })?;
        (items, total)
    };
    match format {
        Format::Json => {
            let json = serde_json::to_string_pretty(&items)
                .map_err(|e| ApiError::new(ErrorCode::Internal).with("reason", e.to_string()))?;
            out!("{}", for_terminal(&json));
        }
        Format::Table => print_table(&items, total, locale),
    }
    Ok(())
}

fn print_table(items: &[RequirementSummary], total: u64, locale: Locale) {
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
