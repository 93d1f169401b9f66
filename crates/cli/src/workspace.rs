//! `govbench init`, `govbench demo` and `govbench generate`: making a new workspace, empty,
//! with the demo data, or filled with synthetic data for trials and benchmarks.

use crate::{passphrase, Failure};
use govbench_core::{CreateOptions, KdfParams, SystemClock};
use govbench_i18n::Locale;
use govbench_protocol::{NewUser, Role};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

pub fn init(
    workspace: PathBuf,
    admin: String,
    display_name: Option<String>,
    locale: Locale,
) -> Result<(), Failure> {
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
        Arc::new(SystemClock),
    )?;
    out!(
        "{}",
        locale.format(
            "cli.created",
            [
                ("path", workspace.display().to_string().as_str()),
                ("user", session.user().name.as_str())
            ]
        )
    );
    Ok(())
}

pub fn demo(workspace: PathBuf, locale: Locale) -> Result<(), Failure> {
    govbench_core::demo::create(&workspace, KdfParams::INTERACTIVE, chrono::Utc::now())?;
    out!(
        "{}",
        locale.format(
            "cli.demo_created",
            [
                ("path", workspace.display().to_string().as_str()),
                ("passphrase", govbench_core::demo::PASSPHRASE)
            ]
        )
    );
    Ok(())
}

/// Creates the workspace with `admin` as its Admin, then has the core's generator fill it.
pub fn generate(
    workspace: PathBuf,
    admin: String,
    requirements: u64,
    audit_events: u64,
    locale: Locale,
) -> Result<(), Failure> {
    let passphrase = passphrase(locale, true)?;
    let admin = NewUser {
        display_name: admin.clone(),
        name: admin,
        role: Role::Admin,
        passphrase,
    };
    let started = Instant::now();
    let mut session = govbench_core::create_workspace(
        &workspace,
        &admin,
        CreateOptions::default(),
        Arc::new(SystemClock),
    )?;
    let events = govbench_core::generator::events_written(requirements, audit_events);
    let mut report = |written: u64, total: u64| {
        eprint!(
            "\r{}",
            locale.format(
                "cli.generate_progress",
                [
                    ("written", written.to_string().as_str()),
                    ("total", total.to_string().as_str())
                ]
            )
        );
    };
    session.generate(requirements, audit_events, &mut report)?;
    eprintln!();
    out!(
        "{}",
        locale.format(
            "cli.generated",
            [
                ("path", workspace.display().to_string().as_str()),
                ("requirements", requirements.to_string().as_str()),
                ("events", events.to_string().as_str()),
                (
                    "seconds",
                    format!("{:.1}", started.elapsed().as_secs_f64()).as_str()
                ),
            ]
        )
    );
    Ok(())
}
