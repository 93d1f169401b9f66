//! The program's standard output. `println!` panics when a write fails; a command's output
//! is often piped (`govbench … | head`, `| grep -q`) or redirected to a file, so failures
//! are handled here instead: a reader that has gone away ends the program quietly with
//! success, as Unix tools do, and any other failure (a full disk behind `>`) is reported in
//! the user's language with exit code 74 (EX_IOERR), so output is never cut short silently.
//! Everything a command prints runs after its change is committed, so stopping here loses
//! nothing.

use govbench_i18n::Locale;
use std::fmt;
use std::io::{self, Write};
use std::sync::OnceLock;

/// Exit code for output that could not be written (sysexits.h EX_IOERR).
pub const EXIT_OUTPUT_FAILED: i32 = 74;

static LOCALE: OnceLock<Locale> = OnceLock::new();

/// The language of the message shown when output fails; set once at start.
pub fn set_locale(locale: Locale) {
    let _ = LOCALE.set(locale);
}

/// The language set at start, if the arguments were parsed that far.
pub fn locale() -> Option<Locale> {
    LOCALE.get().copied()
}

/// Writes one line (the `out!` macro).
pub fn line(args: fmt::Arguments<'_>) {
    let mut stdout = io::stdout().lock();
    let written = stdout
        .write_fmt(args)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush());
    if let Err(error) = written {
        stop(&error)
    }
}

fn stop(error: &io::Error) -> ! {
    if error.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    let locale = LOCALE.get().copied().unwrap_or(Locale::En);
    eprintln!(
        "govbench: {}",
        locale.format(
            "cli.output_failed",
            [("reason", error.to_string().as_str())]
        )
    );
    std::process::exit(EXIT_OUTPUT_FAILED)
}
