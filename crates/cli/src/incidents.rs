//! `govbench incidents …`: the incident list with each incident's response clocks.

use crate::{for_terminal, login, Failure, Format};
use chrono::{DateTime, Local, Utc};
use clap::Subcommand;
use govbench_i18n::Locale;
use govbench_protocol::{ApiError, IncidentDetail, IncidentQuery};
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum IncidentsCommand {
    /// Incidents, newest first, with where each response clock stands (drills included and
    /// labelled).
    List {
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        user: String,
        /// Only incidents opened in this quarter (`2026Q3`, in this machine's time zone).
        #[arg(long)]
        quarter: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// The list's pages are read until the end; each page as the app shows it.
const PAGE: u32 = 200;

fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn as_json(d: &IncidentDetail) -> serde_json::Value {
    let i = &d.incident;
    json!({
        "number": i.number,
        "title": i.draft.title,
        "severity": i.draft.severity,
        "status": i.status,
        "drill": i.drill.is_some(),
        "model": d.model_name,
        "version": d.version_label,
        "opened_at": i.opened_at,
        "rules_revision": i.rules_revision,
        "clocks": d.clocks.iter().map(|c| json!({
            "clock": c.kind,
            "target_minutes": c.target_minutes,
            "due": c.due,
            "done": c.done,
            "status": c.status,
        })).collect::<Vec<_>>(),
    })
}

pub fn run(command: IncidentsCommand, locale: Locale) -> Result<(), Failure> {
    let IncidentsCommand::List {
        workspace,
        user,
        quarter,
        format,
    } = command;
    let session = login(&workspace, &user, locale)?;
    let mut details: Vec<IncidentDetail> = Vec::new();
    let mut query = IncidentQuery {
        quarter,
        include_drills: true,
        limit: PAGE,
        ..IncidentQuery::default()
    };
    loop {
        let page = session.incidents(&query)?;
        for summary in &page.items {
            details.push(session.incident(summary.id)?);
        }
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    match format {
        Format::Json => {
            let list: Vec<_> = details.iter().map(as_json).collect();
            let text = serde_json::to_string_pretty(&list)
                .map_err(|e| ApiError::from(govbench_core::CoreError::Malformed(e.to_string())))?;
            out!("{}", for_terminal(&text));
        }
        Format::Table => {
            if details.is_empty() {
                out!("{}", locale.t("cli.no_incidents"));
            }
            for d in &details {
                let i = &d.incident;
                let drill = if i.drill.is_some() {
                    format!(" [{}]", locale.t("incident.drill_label"))
                } else {
                    String::new()
                };
                out!(
                    "{}{} · {} · {} · {}",
                    i.number,
                    drill,
                    locale.t(&format!("severity.{}", i.draft.severity.key())),
                    locale.t(&format!("incident.status.{}", i.status.key())),
                    for_terminal(&i.draft.title)
                );
                for c in &d.clocks {
                    let at = c.done.unwrap_or(c.due);
                    out!(
                        "    {:<12} {} — {} {}",
                        locale.t(&format!("clock_kind.{}", c.kind.key())),
                        locale.t(&format!("clock.{}", c.status.key())),
                        if c.done.is_some() {
                            locale.t("cli.clock_done_at")
                        } else {
                            locale.t("cli.clock_due_at")
                        },
                        local(at)
                    );
                }
            }
        }
    }
    Ok(())
}
